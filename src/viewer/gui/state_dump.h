#pragma once
// What the viewer shows, as JSON: the script action `dump-state FILE` writes
// it so that end-to-end tests (and bug reports) can check the state behind a
// screenshot: view, window/level, frame, tool, review, counts, and frame stats.

#include <nlohmann/json.hpp>

#include "viewer/gui/app_context.h"

namespace antra::viewer::gui {

nlohmann::json StateToJson(AppContext& ctx);

}  // namespace antra::viewer::gui
