#pragma once
// The application: one window, one open document, panels, and the frame loop.
// Per frame: window-system events and the script player feed the input queue;
// the trickler applies it to the input state; worker results are applied;
// commands run; panels draw with ImGui; the image is drawn by the shader and
// ImGui on top of it.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "viewer/gui/app_context.h"
#include "viewer/gui/image_renderer.h"
#include "viewer/gui/platform.h"
#include "viewer/pipeline_analysis.h"
#include "viewer/script_player.h"

namespace antra::viewer::gui {

struct AppOptions {
  std::vector<std::string> paths;          // opened at start: the first file, or a folder
  std::optional<std::string> analysis_file;  // saved analysis for the first path
  bool run_pipeline = true;                // analyse images without a saved analysis
  std::string preset;                      // pipeline preset name (models/NAME.json)
  std::string params;                      // pipeline options file
  std::string review_dir;                  // empty: reviews are saved beside each image
  std::string results_dir;                 // a study's results folder: the visit worklist
  std::string mapping;                     // subjects.csv: subject IDs for images (never the arm)
  std::string reviewer;                    // the reviewer's name, for visit edits and sign-off
  std::optional<std::string> script_file;
  std::optional<std::string> screenshot;   // after loading (and the script), then exit
  int benchmark_frames = 0;                // draw this many frames, print timings, exit
  int window_width = 1400;
  int window_height = 900;
  std::optional<double> mm_per_pixel;
  int cache_mb = 1024;
};

// Runs until the window closes (or the script, screenshot or benchmark ends).
// Returns the process exit code: 0, 1 (an input or the script failed), 3 (internal error).
int RunApp(const AppOptions& options);

class App : private ScriptHost {
 public:
  explicit App(AppOptions options);
  ~App() override;
  int Run();

 private:
  using Clock = std::chrono::steady_clock;

  Status Init();
  Result<std::shared_ptr<AnalysisProvider>> MakeAnalysisProvider(const OpenOptions& open) const;
  void DrawFrame();
  void Open(const std::filesystem::path& path);
  void OpenVisit(const OpenVisitCommand& command);
  Result<SubjectLookup> MakeSubjectLookup() const;
  void ExecuteCommands();
  void FollowDocument();
  void UploadShownFrame();
  Layout ComputeLayout() const;
  void DrawPanels(AppContext& ctx);
  void RenderAndPresent();
  void ReportError(const std::string& subject, const std::string& reason);
  bool HeadlessRun() const;
  bool ShouldKeepDrawing() const;
  void StepScript(Clock::time_point now);
  void StepBenchmark(Clock::time_point now);

  // ScriptHost
  cv::Point2d ImageToScreen(cv::Point2d image) const override;
  cv::Point2d ViewportCenter() const override;
  WindowLevel CurrentWindowLevel() const override;
  cv::Point2d PointerPosition() const override;
  void PushInput(InputEvent event) override;
  void PostCommand(AppCommand command) override;
  bool Settled() const override;
  bool Idle() const override;

  AppOptions options_;
  InputQueue queue_;
  InputState input_;
  InputTrickler trickler_;
  // Destroyed in reverse order: documents (and their worker threads) first,
  // then GL objects, then the window and context.
  std::unique_ptr<Platform> platform_;
  std::unique_ptr<ImageRenderer> renderer_;
  std::unique_ptr<DocumentController> documents_;
  std::unique_ptr<VisitWorkspace> workspace_;  // --results
  UiState ui_;
  std::vector<AppCommand> commands_;
  FrameStats stats_;
  std::vector<std::unique_ptr<Panel>> panels_;
  std::optional<ScriptPlayer> script_;
  std::optional<std::string> pending_screenshot_;
  int reported_generation_ = 0;  // open failure already reported
  int errors_ = 0;
  bool quit_ = false;
  Clock::time_point last_frame_;

  struct Benchmark {
    bool started = false;
    std::vector<double> intervals_ms;
    Clock::time_point last;
  } benchmark_;
};

}  // namespace antra::viewer::gui
