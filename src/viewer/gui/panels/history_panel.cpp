#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

struct Series {
  const char* name;
  ImU32 colour;
  std::vector<std::optional<double>> values;
};

// Lines through the known points; filled markers for signed-off visits,
// hollow for unreviewed ones (as `antra report` draws them).
void DrawSeries(ImDrawList& draw, const Series& s, const std::vector<VisitSummary>& visits, ImVec2 origin, ImVec2 size,
                double max_value) {
  const int n = static_cast<int>(visits.size());
  auto at = [&](int i, double v) {
    const float x = origin.x + (n == 1 ? size.x / 2 : size.x * i / (n - 1));
    const float y = origin.y + size.y - static_cast<float>(v / max_value) * size.y;
    return ImVec2(x, y);
  };
  std::optional<ImVec2> previous;
  for (int i = 0; i < n; ++i) {
    if (!s.values[i]) {
      previous.reset();
      continue;
    }
    const ImVec2 p = at(i, *s.values[i]);
    if (previous) draw.AddLine(*previous, p, s.colour, 1.5f);
    if (visits[i].signed_off) draw.AddCircleFilled(p, 3.5f, s.colour);
    else draw.AddCircle(p, 3.5f, s.colour, 12, 1.5f);
    previous = p;
  }
}

}  // namespace

void HistoryPanel::Draw(AppContext& ctx) {
  if (!ctx.workspace || !ctx.visit()) {
    ImGui::TextDisabled("Open a visit to see the participant's history.");
    return;
  }
  const auto visits = ctx.workspace->HistoryOfOpenSubject();
  if (visits.empty()) return;
  Series total{"total AFC", IM_COL32(80, 220, 100, 255), {}};
  Series left{"left AFC", IM_COL32(90, 160, 255, 255), {}};
  Series right{"right AFC", IM_COL32(255, 140, 80, 255), {}};
  Series largest{"largest follicle (mm)", IM_COL32(230, 230, 80, 255), {}};
  double max_afc = 5, max_mm = 10;
  for (const auto& v : visits) {
    auto as_double = [](const std::optional<int>& x) { return x ? std::optional<double>(*x) : std::nullopt; };
    total.values.push_back(as_double(v.total_afc));
    left.values.push_back(as_double(v.left_afc));
    right.values.push_back(as_double(v.right_afc));
    largest.values.push_back(v.largest_mm);
    for (const auto& x : {v.total_afc, v.left_afc, v.right_afc}) {
      if (x) max_afc = std::max(max_afc, double(*x));
    }
    if (v.largest_mm) max_mm = std::max(max_mm, *v.largest_mm);
  }
  max_afc = std::ceil(max_afc * 1.1);
  max_mm = std::ceil(max_mm * 1.1);
  const float width = ImGui::GetContentRegionAvail().x;
  const float height = 120;
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  const ImVec2 origin(corner.x + 28, corner.y + 6);
  const ImVec2 size(width - 64, height - 24);
  ImDrawList& draw = *ImGui::GetWindowDrawList();
  draw.AddRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), IM_COL32(120, 120, 120, 255));
  char label[32];
  std::snprintf(label, sizeof label, "%.0f", max_afc);
  draw.AddText(ImVec2(corner.x, origin.y - 6), IM_COL32(200, 200, 200, 255), label);
  std::snprintf(label, sizeof label, "%.0fmm", max_mm);
  draw.AddText(ImVec2(origin.x + size.x + 3, origin.y - 6), IM_COL32(230, 230, 80, 255), label);
  for (const Series* s : {&left, &right, &total}) DrawSeries(draw, *s, visits, origin, size, max_afc);
  DrawSeries(draw, largest, visits, origin, size, max_mm);
  for (size_t i = 0; i < visits.size(); ++i) {
    const float x = origin.x + (visits.size() == 1 ? size.x / 2 : size.x * i / (visits.size() - 1));
    std::snprintf(label, sizeof label, "v%d", visits[i].visit);
    draw.AddText(ImVec2(x - 6, origin.y + size.y + 2), IM_COL32(200, 200, 200, 255), label);
  }
  ImGui::Dummy(ImVec2(width, height));
  for (const Series* s : {&total, &left, &right, &largest}) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s->colour), "%s", s->name);
    ImGui::SameLine();
  }
  ImGui::NewLine();
  ImGui::TextDisabled("hollow markers: not signed off");
}

}  // namespace antra::viewer::gui
