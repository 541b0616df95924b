#include <imgui.h>
#include <imgui_stdlib.h>

#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

void Navigate(BrowserState& browser, const std::filesystem::path& folder) {
  auto listing = ListFolder(folder);
  if (!listing) {
    browser.error = folder.string() + ": " + listing.error().message;
    return;
  }
  browser.error.clear();
  browser.folder = listing->folder;
  browser.path_input = browser.folder.string();
  browser.listing = std::move(listing).value();
}

}  // namespace

void BrowserPanel::Draw(AppContext& ctx) {
  auto& browser = ctx.ui.browser;
  if (!browser.open) return;
  if (!browser.listing && browser.error.empty()) {
    std::error_code ec;
    const auto* doc = ctx.document();
    Navigate(browser, doc ? doc->path.parent_path() : std::filesystem::current_path(ec));
  }
  const ScreenRect& area = ctx.layout.browser;
  ImGui::SetNextWindowPos(ImVec2(static_cast<float>(area.x), static_cast<float>(area.y)));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(area.width), static_cast<float>(area.height)));
  ImGui::Begin("Open##browser", &browser.open,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoCollapse);
  if (ImGui::Button("Up") && browser.listing) Navigate(browser, browser.folder.parent_path());
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputText("##path", &browser.path_input, ImGuiInputTextFlags_EnterReturnsTrue)) {
    std::error_code ec;
    const std::filesystem::path typed(browser.path_input);
    if (std::filesystem::is_directory(typed, ec)) Navigate(browser, typed);
    else ctx.Post(OpenCommand{typed.string()});
  }
  if (!browser.error.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s", browser.error.c_str());
  if (browser.listing) {
    if (ImGui::Button("Open this folder")) ctx.Post(OpenCommand{browser.folder.string()});
    ImGui::Separator();
    ImGui::BeginChild("##entries");
    std::optional<std::filesystem::path> enter;
    const Document* doc = ctx.document();
    for (const auto& entry : browser.listing->entries) {
      const std::string label = entry.is_folder ? "[" + entry.name + "]" : entry.name;
      if (!entry.is_folder && !entry.is_image) {
        ImGui::TextDisabled("%s", label.c_str());  // not an image Antra can read
        continue;
      }
      const bool current = doc && !entry.is_folder && doc->path == entry.path;
      if (ImGui::Selectable(label.c_str(), current)) {
        if (entry.is_folder) enter = entry.path;
        else ctx.Post(OpenCommand{entry.path.string()});
      }
    }
    if (browser.listing->truncated) ImGui::TextDisabled("(only the first %zu entries)", kMaxFolderEntries);
    ImGui::EndChild();
    if (enter) Navigate(browser, *enter);
  }
  ImGui::End();
}

}  // namespace antra::viewer::gui
