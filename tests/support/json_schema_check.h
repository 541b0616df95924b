#pragma once
// A small JSON Schema checker for tests: "type" (one or a list), "required",
// "properties", "items", "enum", "minItems"/"maxItems" and local "$ref"
// ("#/$defs/name"). Enough to hold produced JSON to a documented schema's
// shape without a validator library; returns every violation with its path.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace antra::test {

inline bool JsonHasType(const nlohmann::json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer() || v.is_number_unsigned();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  return false;
}

inline void CheckAgainstSchema(const nlohmann::json& value, const nlohmann::json& schema, const nlohmann::json& root,
                               const std::string& path, std::vector<std::string>& problems) {
  if (schema.contains("$ref")) {
    const std::string ref = schema.at("$ref").get<std::string>();
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0 || !root.at("$defs").contains(ref.substr(prefix.size()))) {
      problems.push_back(path + ": unresolvable $ref " + ref);
      return;
    }
    CheckAgainstSchema(value, root.at("$defs").at(ref.substr(prefix.size())), root, path, problems);
    return;
  }
  if (schema.contains("type")) {
    const auto& t = schema.at("type");
    bool ok = false;
    if (t.is_string()) ok = JsonHasType(value, t.get<std::string>());
    else for (const auto& one : t) ok = ok || JsonHasType(value, one.get<std::string>());
    if (!ok) {
      problems.push_back(path + ": type " + std::string(value.type_name()) + " not allowed by " + t.dump());
      return;
    }
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& e : schema.at("enum")) found = found || e == value;
    if (!found) problems.push_back(path + ": " + value.dump() + " not in " + schema.at("enum").dump());
  }
  if (value.is_object()) {
    const nlohmann::json required = schema.value("required", nlohmann::json::array());
    const nlohmann::json properties = schema.value("properties", nlohmann::json::object());
    for (const auto& key : required) {
      if (!value.contains(key.get<std::string>())) problems.push_back(path + ": missing required '" + key.get<std::string>() + "'");
    }
    for (const auto& [key, sub] : properties.items()) {
      if (value.contains(key)) CheckAgainstSchema(value.at(key), sub, root, path + "." + key, problems);
    }
  }
  if (value.is_array()) {
    if (schema.contains("minItems") && value.size() < schema.at("minItems").get<size_t>()) {
      problems.push_back(path + ": fewer items than " + schema.at("minItems").dump());
    }
    if (schema.contains("maxItems") && value.size() > schema.at("maxItems").get<size_t>()) {
      problems.push_back(path + ": more items than " + schema.at("maxItems").dump());
    }
    if (schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        CheckAgainstSchema(value.at(i), schema.at("items"), root, path + "[" + std::to_string(i) + "]", problems);
      }
    }
  }
}

inline std::vector<std::string> SchemaProblems(const nlohmann::json& value, const nlohmann::json& schema) {
  std::vector<std::string> problems;
  CheckAgainstSchema(value, schema, schema, "$", problems);
  return problems;
}

}  // namespace antra::test
