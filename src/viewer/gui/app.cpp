#include "viewer/gui/gl.h"
// gl.h first.
#include "viewer/gui/app.h"

#include <imgui.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>

#include "core/atomic_file.h"
#include "core/version.h"
#include "pipeline/presets.h"
#include "study/subjects.h"
#include "viewer/gui/actions.h"
#include "viewer/gui/panels/panels.h"
#include "viewer/gui/screenshot.h"
#include "viewer/gui/state_dump.h"

namespace antra::viewer::gui {
namespace {

constexpr float kSidebarWidth = 430;
constexpr float kBrowserWidth = 300;
constexpr float kWorklistWidth = 380;
constexpr double kMinFrameSeconds = 1.0 / 60;

Result<std::vector<ScriptAction>> LoadScript(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return MakeError(ErrorCode::kNotFound, "cannot read the script: " + ec.message());
  if (size > (1u << 20)) return MakeError(ErrorCode::kLimitExceeded, "script larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseScript(text.str());
}

ScriptAction Action(ScriptVerb verb, std::string path = {}, double number = 0) {
  ScriptAction a;
  a.verb = verb;
  if (!path.empty()) a.paths.push_back(std::move(path));
  a.number = number;
  return a;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<size_t>(std::clamp(p * (values.size() - 1) + 0.5, 0.0, values.size() - 1.0));
  return values[index];
}

}  // namespace

int RunApp(const AppOptions& options) {
  try {
    App app(options);
    return app.Run();
  } catch (const std::exception& e) {
    std::cerr << "antra-view: internal error: " << e.what() << "\n";
    return 3;
  }
}

App::App(AppOptions options) : options_(std::move(options)) {
  panels_.push_back(std::make_unique<MenuBar>());
  panels_.push_back(std::make_unique<BrowserPanel>());
  panels_.push_back(std::make_unique<WorklistPanel>());
  panels_.push_back(std::make_unique<ViewportPanel>());
  panels_.push_back(std::make_unique<VisitPanel>());
  panels_.push_back(std::make_unique<HistoryPanel>());
  panels_.push_back(std::make_unique<ImageInfoPanel>());
  panels_.push_back(std::make_unique<CountsPanel>());
  panels_.push_back(std::make_unique<FollicleTablePanel>());
  panels_.push_back(std::make_unique<CalipersPanel>());
  panels_.push_back(std::make_unique<CineBar>());
  panels_.push_back(std::make_unique<StatusBar>());
  panels_.push_back(std::make_unique<GoToFramePopup>());
  panels_.push_back(std::make_unique<HelpOverlay>());
  panels_.push_back(std::make_unique<DetailsPrompt>());
}

App::~App() {
  // Edits of the open visit are audited work: save them rather than lose them.
  if (workspace_ && workspace_->session() && workspace_->session()->dirty()) {
    if (Status s = workspace_->session()->Save(); !s) {
      std::cerr << "antra-view: error: the open visit's edits were not saved: " << s.error().message << "\n";
    }
  }
  documents_.reset();  // join worker threads while the window system is still up
}

Status App::Init() {
  std::vector<ScriptAction> actions;
  if (options_.script_file) {
    auto parsed = LoadScript(*options_.script_file);
    if (!parsed) return MakeError(parsed.error().code, *options_.script_file + ": " + parsed.error().message);
    actions = std::move(parsed).value();
  }
  if (options_.screenshot) {
    actions.push_back(Action(ScriptVerb::kWaitIdle, {}, 300));
    actions.push_back(Action(ScriptVerb::kWaitFrames, {}, 2));  // let ImGui settle its layout
    actions.push_back(Action(ScriptVerb::kScreenshot, *options_.screenshot));
  }
  if (options_.benchmark_frames > 0) actions.push_back(Action(ScriptVerb::kWaitIdle, {}, 300));
  if (options_.script_file || options_.screenshot || options_.benchmark_frames > 0) script_.emplace(std::move(actions));

  DocumentOptions document_options;
  document_options.open.mm_per_pixel = options_.mm_per_pixel;
  document_options.frame_cache_bytes = static_cast<std::size_t>(options_.cache_mb) << 20;
  document_options.review_dir = options_.review_dir;
  auto subject_of = MakeSubjectLookup();
  if (!subject_of) return subject_of.error();
  document_options.subject_of = std::move(subject_of).value();
  if (auto s = document_options.Check(); !s) return s;
  if (!options_.results_dir.empty()) {
    workspace_ = std::make_unique<VisitWorkspace>(options_.results_dir);
    workspace_->reviewer = options_.reviewer;
    if (auto s = workspace_->RefreshWorklist(); !s) {
      return MakeError(ErrorCode::kInvalidArgument, options_.results_dir + ": " + s.error().message);
    }
  }

  Platform::Options platform_options;
  platform_options.width = options_.window_width;
  platform_options.height = options_.window_height;
  platform_options.vsync = options_.benchmark_frames == 0;
  auto platform = Platform::Create(platform_options, queue_);
  if (!platform) return platform.error();
  platform_ = std::move(platform).value();
  auto renderer = ImageRenderer::Create();
  if (!renderer) return renderer.error();
  renderer_ = std::move(renderer).value();

  auto provider = MakeAnalysisProvider(document_options.open);
  if (!provider) return provider.error();
  documents_ = std::make_unique<DocumentController>(document_options, *provider, &Platform::Wake);
  if (!options_.paths.empty()) {
    for (const auto& p : options_.paths) ui_.session_images.emplace_back(p);
    Open(options_.paths.front());
    if (options_.paths.size() == 1) ui_.session_images.clear();  // a folder fills it; a file lists its folder lazily
  }
  return Status::Ok();
}

// The study's subject ID of an image's patient: from --mapping, else from
// the results folder's subject key. Runs on the decode worker; the PatientID
// never reaches the UI. The mapping's treatment arm is never read.
Result<SubjectLookup> App::MakeSubjectLookup() const {
  std::shared_ptr<SubjectMapping> mapping;
  std::shared_ptr<SubjectKey> key;
  if (!options_.mapping.empty()) {
    auto loaded = SubjectMapping::Load(options_.mapping);
    if (!loaded) return MakeError(ErrorCode::kInvalidArgument, options_.mapping + ": " + loaded.error().message);
    mapping = std::make_shared<SubjectMapping>(std::move(loaded).value());
  }
  if (!options_.results_dir.empty()) {
    auto loaded = SubjectKey::Load(SubjectKey::PathUnder(options_.results_dir));
    if (loaded) key = std::make_shared<SubjectKey>(std::move(loaded).value());
  }
  if (!mapping && !key) return SubjectLookup{};
  return SubjectLookup([mapping, key](const PatientIdentity& identity) -> std::string {
    if (mapping) {
      if (const auto* entry = mapping->Find(identity.patient_id)) return entry->subject_id;
    }
    if (key) {
      if (const auto* entry = key->FindByPatient(identity.patient_id)) return entry->subject_id;
    }
    return "";
  });
}

Result<std::shared_ptr<AnalysisProvider>> App::MakeAnalysisProvider(const OpenOptions& open) const {
  std::optional<std::filesystem::path> analysis_file, analysis_for;
  if (options_.analysis_file) analysis_file = *options_.analysis_file;
  if (!options_.paths.empty()) analysis_for = options_.paths.front();
  // In a visit, the batch's cached analysis of each scan gives the estimated
  // ovary to draw (the follicles shown stay the visit's own).
  auto saved = std::make_shared<SavedAnalysisProvider>(analysis_file, analysis_for, options_.results_dir);
  if (!options_.run_pipeline) return std::shared_ptr<AnalysisProvider>(saved);
  pipeline::AnalyzeOptions analyze;
  auto loaded = pipeline::LoadParamsOrPreset(options_.params, options_.preset);
  if (!loaded) return MakeError(ErrorCode::kInvalidArgument, loaded.error().message);
  analyze.pipeline = std::move(loaded).value();
  analyze.software_version = kVersion;
  if (auto s = analyze.Check(); !s) return MakeError(ErrorCode::kInvalidArgument, s.error().message);
  // A visit shows its own follicles: running the pipeline on its scans again
  // would only cost time. It runs there only for a box drawn around the ovary.
  const bool automatic = options_.results_dir.empty();
  return std::shared_ptr<AnalysisProvider>(std::make_shared<PipelineAnalysisProvider>(analyze, open, saved, automatic));
}

int App::Run() {
  if (auto s = Init(); !s) {
    std::cerr << "antra-view: error: " << s.error().message << "\n";
    return s.error().code == ErrorCode::kInvalidArgument || s.error().code == ErrorCode::kNotFound ? 2 : 1;
  }
  last_frame_ = Clock::now();
  while (!quit_ && !platform_->ShouldClose()) DrawFrame();
  if (script_ && script_->state() == ScriptPlayer::State::kFailed) {
    ReportError(options_.script_file.value_or("script"), script_->error());
  }
  return errors_ > 0 ? 1 : 0;
}

bool App::HeadlessRun() const { return script_.has_value(); }

bool App::ShouldKeepDrawing() const {
  return script_ || ui_.cine.playing() || !queue_.empty() || !commands_.empty() || pending_screenshot_ ||
         benchmark_.started;
}

void App::DrawFrame() {
  // Sleep until something happens, unless something is moving; while an
  // image loads, keep drawing at a modest rate so progress shows.
  const bool loading = documents_->Busy();
  if (benchmark_.started) {
    platform_->ProcessEvents(0.0);
  } else if (ShouldKeepDrawing()) {
    // At most about 60 frames a second: without vsync (Xvfb, some drivers)
    // the loop would otherwise take a whole core from the decoding threads.
    const double since = std::chrono::duration<double>(Clock::now() - last_frame_).count();
    platform_->ProcessEvents(std::max(0.0, kMinFrameSeconds - since));
  } else {
    platform_->ProcessEvents(loading ? kMinFrameSeconds : 0.5);
  }
  const Clock::time_point now = Clock::now();
  const double dt = std::chrono::duration<double>(now - last_frame_).count();
  last_frame_ = now;
  if (loading) {
    ++stats_.frames_while_loading;
    if (stats_.frames_drawn > 0) stats_.max_interval_while_loading_ms = std::max(stats_.max_interval_while_loading_ms, dt * 1000);
  }
  stats_.last_interval_ms = dt * 1000;

  StepScript(now);
  trickler_.ApplyFrame(queue_, input_);
  for (auto& paths : input_.drops) {
    if (paths.empty()) continue;
    if (paths.size() > 1) ui_.session_images.assign(paths.begin(), paths.end());
    commands_.push_back(OpenCommand{paths.front()});
  }
  input_.drops.clear();
  documents_->Poll();
  ExecuteCommands();
  FollowDocument();

  const double frame_ms = dt * 1000;
  if (benchmark_.started) {
    ui_.cine.Step(+1);  // worst case: a new frame to upload every draw
  } else {
    ui_.cine.Advance(frame_ms, [&](int i) { return documents_->frame(i) != nullptr; });
  }
  documents_->ShowFrame(ui_.cine.frame());

  platform_->BeginFrame(input_, dt);
  AppContext ctx{*documents_, ui_, commands_, stats_, input_, workspace_.get(), ComputeLayout()};
  if (auto box_analysis = documents_->TakeVisitBoxAnalysis()) FinishOvaryBox(ctx, std::move(*box_analysis));
  DispatchShortcuts(ctx);
  DrawPanels(ctx);
  ImGui::Render();
  UploadShownFrame();
  RenderAndPresent();
  ++stats_.frames_drawn;
  StepBenchmark(Clock::now());
}

void App::StepScript(Clock::time_point now) {
  if (!script_ || script_->state() != ScriptPlayer::State::kRunning) return;
  const auto state = script_->Step(*this, now);
  if (state == ScriptPlayer::State::kFailed) {
    quit_ = true;
  } else if (state == ScriptPlayer::State::kFinished && options_.benchmark_frames == 0) {
    quit_ = true;
  } else if (state == ScriptPlayer::State::kFinished) {
    benchmark_.started = true;
    benchmark_.last = now;
  }
}

void App::StepBenchmark(Clock::time_point now) {
  if (!benchmark_.started) return;
  glFinish();  // count the GPU's (llvmpipe's) work in the frame that caused it
  benchmark_.intervals_ms.push_back(std::chrono::duration<double, std::milli>(now - benchmark_.last).count());
  benchmark_.last = Clock::now();
  if (static_cast<int>(benchmark_.intervals_ms.size()) < options_.benchmark_frames) return;
  auto& v = benchmark_.intervals_ms;
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  const Document* doc = documents_->document();
  nlohmann::json out = {{"frames", v.size()},
                        {"mean_ms", mean},
                        {"p50_ms", Percentile(v, 0.50)},
                        {"p95_ms", Percentile(v, 0.95)},
                        {"p99_ms", Percentile(v, 0.99)},
                        {"max_ms", *std::max_element(v.begin(), v.end())},
                        {"window", {platform_->WindowSize().width, platform_->WindowSize().height}},
                        {"renderer", platform_->RendererName()}};
  if (doc && doc->info) {
    out["image"] = {{"width", doc->info->width}, {"height", doc->info->height}, {"frames", doc->info->frame_count}};
    out["follicles_in_review"] = doc->review ? doc->review->state().follicles.size() : 0;
  }
  std::cout << out.dump(2) << std::endl;
  quit_ = true;
}

void App::Open(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    auto listing = ListFolder(path);
    if (!listing) {
      ReportError(path.string(), listing.error().message);
      return;
    }
    ui_.session_images = ImagesIn(*listing);
    ui_.browser.folder = listing->folder;
    ui_.browser.path_input = listing->folder.string();
    ui_.browser.listing = std::move(listing).value();
    if (ui_.session_images.empty()) {
      ReportError(path.string(), "no image Antra can read in this folder");
      return;
    }
    documents_->Open(ui_.session_images.front());
    return;
  }
  documents_->Open(path);
}

void App::ExecuteCommands() {
  auto commands = std::move(commands_);
  commands_.clear();
  for (auto& command : commands) {
    if (auto* open = std::get_if<OpenCommand>(&command)) {
      Open(open->path);
    } else if (auto* save = std::get_if<SaveReviewCommand>(&command)) {
      if (auto s = documents_->SaveReview(save->path); !s) {
        ReportError("save", s.error().message);
      } else {
        ui_.status = "saved the review to " + documents_->document()->review_path.string();
        ui_.status_is_error = false;
      }
    } else if (auto* shot = std::get_if<ScreenshotCommand>(&command)) {
      pending_screenshot_ = shot->path;
    } else if (auto* dump = std::get_if<DumpStateCommand>(&command)) {
      AppContext ctx{*documents_, ui_, commands_, stats_, input_, workspace_.get(), ComputeLayout()};
      if (auto s = WriteFileAtomically(dump->path, StateToJson(ctx).dump(2) + "\n"); !s) {
        ReportError(dump->path, s.error().message);
      }
    } else if (std::holds_alternative<QuitCommand>(command)) {
      quit_ = true;
    } else if (auto* visit = std::get_if<OpenVisitCommand>(&command)) {
      OpenVisit(*visit);
    }
  }
}

void App::OpenVisit(const OpenVisitCommand& command) {
  if (!workspace_) {
    ReportError("visit", "open a results folder with --results first");
    return;
  }
  const VisitRef ref{command.subject_id, command.visit_number};
  if (Status s = workspace_->OpenVisit(ref); !s) {
    ReportError(command.subject_id + " visit " + std::to_string(command.visit_number), s.error().message);
    return;
  }
  Side side = command.side == "right" ? Side::kRight : Side::kLeft;
  if (command.side.empty() && workspace_->session()->visit().left.counting_scan.empty() &&
      !workspace_->session()->visit().right.counting_scan.empty()) {
    side = Side::kRight;
  }
  ui_.diameters[0] = ui_.diameters[1] = {};
  const auto path = workspace_->ScanToShow(side);
  if (!path) {
    ui_.status = "no image file known for this visit (results/private/scan-paths.csv)";
    ui_.status_is_error = true;
    documents_->Close();
    return;
  }
  const Document* doc = documents_->document();
  if (doc && doc->path == *path && doc->info) {
    workspace_->Bind(doc->generation, *doc->info, doc->review->calibration());
  } else {
    documents_->Open(*path);
  }
  ui_.status = command.subject_id + " visit " + std::to_string(command.visit_number);
  ui_.status_is_error = false;
}

// Sets the view up for a newly opened image, and reports a failed open once.
void App::FollowDocument() {
  Document* doc = documents_->document();
  if (!doc) return;
  if (doc->phase == LoadPhase::kFailed && reported_generation_ != doc->generation) {
    reported_generation_ = doc->generation;
    ReportError(doc->path.string(), doc->open_error->message);
  }
  if (!doc->info || ui_.shown_generation == doc->generation) return;
  ui_.shown_generation = doc->generation;
  ui_.view.SetImageSize({doc->info->width, doc->info->height});
  ui_.cine.Reset(doc->info->frame_count, doc->info->frame_time_ms);
  ui_.selection.Clear();
  ui_.interaction.Cancel();
  renderer_->Forget();
  ui_.status = doc->path.filename().string();
  ui_.status_is_error = false;
  if (workspace_) workspace_->Bind(doc->generation, *doc->info, doc->review->calibration());
}

void App::UploadShownFrame() {
  const Document* doc = documents_->document();
  if (!doc || doc->phase != LoadPhase::kReady) {
    renderer_->Forget();
    return;
  }
  const int index = ui_.cine.frame();
  if (const Frame* frame = documents_->frame(index)) {
    renderer_->Upload(*frame, ui_.colour, static_cast<long long>(doc->generation) * 1000000 + index);
  }
}

Layout App::ComputeLayout() const {
  const cv::Size window = platform_->WindowSize();
  const float w = static_cast<float>(window.width), h = static_cast<float>(window.height);
  const float menu = ImGui::GetFrameHeight();
  const float status = ImGui::GetFrameHeight() + 6;
  const float cine = ImGui::GetFrameHeightWithSpacing() + 16;
  const float browser = ui_.browser.open ? kBrowserWidth : workspace_ ? kWorklistWidth : 0;
  const float sidebar = std::min(kSidebarWidth, std::max(0.0f, w - browser - 200));
  Layout l;
  l.menu_height = menu;
  l.browser = {0, menu, browser, h - menu - status};
  l.viewport = {browser, menu, std::max(1.0f, w - browser - sidebar), std::max(1.0f, h - menu - cine - status)};
  l.cine_bar = {browser, menu + l.viewport.height, l.viewport.width, cine};
  l.sidebar = {w - sidebar, menu, sidebar, h - menu - status};
  l.status_bar = {0, h - status, w, status};
  return l;
}

void App::DrawPanels(AppContext& ctx) {
  for (auto& panel : panels_) {
    if (panel->placement() == Panel::Placement::kWindow) panel->Draw(ctx);
  }
  const ScreenRect& area = ctx.layout.sidebar;
  ImGui::SetNextWindowPos(ImVec2(static_cast<float>(area.x), static_cast<float>(area.y)));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(area.width), static_cast<float>(area.height)));
  // NoNavInputs: Tab selects follicles (a shortcut); it must not also move
  // the keyboard focus into the sidebar's text fields.
  if (ImGui::Begin("##sidebar", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                       ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNavInputs)) {
    for (auto& panel : panels_) {
      if (panel->placement() != Panel::Placement::kSidebar || !panel->Applies(ctx)) continue;
      if (ImGui::CollapsingHeader(panel->title(), ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::PushID(panel->title());
        panel->Draw(ctx);
        ImGui::PopID();
      }
    }
  }
  ImGui::End();
}

void App::RenderAndPresent() {
  const cv::Size framebuffer = platform_->FramebufferSize();
  glViewport(0, 0, framebuffer.width, framebuffer.height);
  glClearColor(0.06f, 0.06f, 0.07f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  renderer_->Draw(ui_.view.viewport(), ui_.view.ImageRect(), ui_.window_level, platform_->WindowSize(), framebuffer);
  platform_->RenderImGui();
  if (pending_screenshot_) {
    if (auto s = WritePng(*pending_screenshot_, platform_->ReadFramebuffer()); !s) {
      ReportError(*pending_screenshot_, s.error().message);
    }
    pending_screenshot_.reset();
  }
  platform_->Swap();
}

void App::ReportError(const std::string& subject, const std::string& reason) {
  std::cerr << "antra-view: error: " << subject << ": " << reason << "\n";
  ++errors_;
  ui_.status = subject + ": " + reason;
  ui_.status_is_error = true;
}

// ---- ScriptHost ----------------------------------------------------------

cv::Point2d App::ImageToScreen(cv::Point2d image) const { return ui_.view.ImageToScreen(image); }
cv::Point2d App::ViewportCenter() const { return ui_.view.viewport().Center(); }
WindowLevel App::CurrentWindowLevel() const { return ui_.window_level; }
cv::Point2d App::PointerPosition() const { return input_.mouse_pos; }
void App::PushInput(InputEvent event) { queue_.push_back(std::move(event)); }
void App::PostCommand(AppCommand command) { commands_.push_back(std::move(command)); }

bool App::Settled() const { return queue_.empty() && commands_.empty() && !pending_screenshot_; }

bool App::Idle() const {
  if (documents_->Busy()) return false;
  const Document* doc = documents_->document();
  if (!doc || doc->phase != LoadPhase::kReady) return true;
  // The frame on screen is the one the reader asked for.
  return renderer_->uploaded_key() == static_cast<long long>(doc->generation) * 1000000 + ui_.cine.frame() ||
         documents_->frame(ui_.cine.frame()) == nullptr;
}

}  // namespace antra::viewer::gui
