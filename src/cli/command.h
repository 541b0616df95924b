#pragma once
// Each `antra` subcommand registers itself on the CLI11 app and returns the
// callback that runs it; main() only parses and dispatches.

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace antra::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;  // at least one input failed; the others were done
inline constexpr int kExitUsage = 2;

using CommandRunner = std::function<int()>;

CommandRunner RegisterInfoCommand(CLI::App& app);
CommandRunner RegisterFramesCommand(CLI::App& app);
CommandRunner RegisterExportCommand(CLI::App& app);
CommandRunner RegisterReportCommand(CLI::App& app);
CommandRunner RegisterStudyCommand(CLI::App& app);
CommandRunner RegisterReviewCommand(CLI::App& app);
CommandRunner RegisterEvalCommand(CLI::App& app);
CommandRunner RegisterAnalyzeCommand(CLI::App& app);
CommandRunner RegisterBatchCommand(CLI::App& app);

// "antra: error: FILE: reason" on stderr, one line.
void ReportFileError(const std::string& file, const std::string& reason);

}  // namespace antra::cli
