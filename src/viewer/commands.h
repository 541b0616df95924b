#pragma once
// Requests to the application that are not pointer or key input: what a menu
// item, a shortcut or the script player asks for. The app executes them on
// the main thread at the start of a frame.

#include <string>
#include <variant>

namespace antra::viewer {

struct OpenCommand {
  std::string path;  // a file, or a folder (opens its first image)
};
struct SaveReviewCommand {
  std::string path;  // empty: the default place beside the image
};
struct ScreenshotCommand {
  std::string path;  // PNG of the next frame drawn, overlays included
};
struct DumpStateCommand {
  std::string path;  // JSON of what is on screen (tests, bug reports)
};
struct QuitCommand {};
// A visit of the worklist (--results), showing one ovary's scan.
struct OpenVisitCommand {
  std::string subject_id;
  int visit_number = 0;
  std::string side;  // "left", "right" or "" (the first ovary with a scan)
};

using AppCommand =
    std::variant<OpenCommand, SaveReviewCommand, ScreenshotCommand, DumpStateCommand, QuitCommand, OpenVisitCommand>;

}  // namespace antra::viewer
