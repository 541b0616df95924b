#pragma once
// visit.json: the JSON form of a VisitResult, schema "antra-visit/1"
// (docs/schemas/visit.schema.json). Output is deterministic: the same visit
// always gives the same bytes, so reruns that change nothing write nothing.

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "study/visit.h"

namespace antra {

nlohmann::json VisitToJson(const VisitResult& visit);
Result<VisitResult> VisitFromJson(const nlohmann::json& json);

// visit.json bytes: two-space indented JSON and a final newline.
std::string VisitJsonText(const VisitResult& visit);
Result<VisitResult> ParseVisitJson(const std::string& text);

// SHA-256 of the visit's automatic content: everything except the revision,
// the review state and the fingerprint itself. Two automatic runs with the
// same inputs and software give the same fingerprint.
std::string AutomaticFingerprint(const VisitResult& visit);

nlohmann::json VisitFollicleToJson(const VisitFollicle& f);
Result<VisitFollicle> VisitFollicleFromJson(const nlohmann::json& json);

}  // namespace antra
