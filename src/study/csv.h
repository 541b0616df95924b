#pragma once
// Small RFC 4180 CSV reading and writing for the mapping file, the subject key,
// follicles.csv and the REDCap export. Quoted fields may hold commas, quotes
// and line breaks; a UTF-8 byte order mark (Excel writes one) is skipped.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.h"
#include "core/result.h"

namespace antra {

using CsvRow = std::vector<std::string>;

// Parses CSV text. Fails on an unterminated quote or a stray quote inside an
// unquoted field, naming the line.
Result<std::vector<CsvRow>> ParseCsv(std::string_view text);

// Reads and parses a CSV file no larger than limits.max_text_file_bytes.
Result<std::vector<CsvRow>> ReadCsvFile(const std::filesystem::path& path,
                                        const InputLimits& limits = DefaultInputLimits());

// One field, quoted when it holds a comma, quote, CR, LF or leading/trailing
// space.
std::string CsvField(std::string_view value);

// A field typed by a person (reviewer names, reasons): like CsvField, but a
// leading =, +, -, @, tab or CR is prefixed with an apostrophe so that a
// spreadsheet shows it as text instead of running it as a formula.
std::string CsvTextField(std::string_view value);

// Joins fields (already formatted with CsvField) with commas and ends the line
// with CRLF, as RFC 4180 and REDCap expect.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace antra
