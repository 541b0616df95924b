#include "study/csv.h"

#include <fstream>
#include <sstream>

#include "core/text_file.h"

namespace antra {

namespace {

Error CsvError(int line, const std::string& what) {
  return MakeError(ErrorCode::kCorrupt, "CSV line " + std::to_string(line) + ": " + what);
}

}  // namespace

Result<std::vector<CsvRow>> ParseCsv(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool in_quotes = false;
  bool field_was_quoted = false;
  int line = 1;
  int row_line = 1;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    field_was_quoted = false;
  };
  auto end_row = [&] {
    end_field();
    // A line with one empty field is a blank line: skip it.
    if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
    row.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        if (!field.empty() || field_was_quoted) return CsvError(line, "quote inside an unquoted field");
        in_quotes = true;
        field_was_quoted = true;
        break;
      case ',':
        end_field();
        break;
      case '\r':
        break;  // CRLF and lone CR line ends are both accepted via the LF
      case '\n':
        end_row();
        ++line;
        row_line = line;
        break;
      default:
        if (field_was_quoted) return CsvError(line, "text after a closing quote");
        field.push_back(c);
    }
  }
  if (in_quotes) return CsvError(row_line, "quote not closed");
  if (!field.empty() || !row.empty() || field_was_quoted) end_row();
  return rows;
}

Result<std::vector<CsvRow>> ReadCsvFile(const std::filesystem::path& path, const InputLimits& limits) {
  auto bytes = ReadTextFile(path, limits);
  if (!bytes) return bytes.error();
  return ParseCsv(*bytes);
}

std::string CsvField(std::string_view value) {
  const bool needs_quotes = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  out += "\"";
  return out;
}

std::string CsvTextField(std::string_view value) {
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    return CsvField("'" + std::string(value));
  }
  return CsvField(value);
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line.push_back(',');
    line += fields[i];
  }
  line += "\r\n";
  return line;
}

}  // namespace antra
