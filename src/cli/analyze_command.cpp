// antra analyze FILE... [--json OUT] [--overlay OUT.png] [--mm-per-pixel X]
//                       [--frame N] [--preset NAME | --params FILE]
// Finds, outlines and measures follicles on every frame. With one input,
// --json and --overlay name files; with several, or when the name is an
// existing folder or ends in '/', they name folders that get <input
// stem>.json and <input stem>.png. Results identify images by SOP Instance
// UID and path only.

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "cli/command.h"
#include "core/atomic_file.h"
#include "core/version.h"
#include "io/analysis_json.h"
#include "io/open_image.h"
#include "pipeline/analyze_image.h"
#include "pipeline/overlay_render.h"
#include "pipeline/presets.h"

namespace antra::cli {

namespace {

namespace fs = std::filesystem;

struct AnalyzeCliOptions {
  std::vector<std::string> files;
  std::string json_out;
  std::string overlay_out;
  std::optional<double> mm_per_pixel;
  std::optional<int> frame;
  std::string preset;
  std::string params;
  bool no_ruler = false;
  bool show_rejected = false;
  std::string ovary_mask;          // a mask file (one input) or a folder of <stem>.png masks
  std::vector<int> ovary_box;      // x, y, width, height
};

// The ovary the user gives for one input: from --ovary-box, or from its mask
// (the named file, or <folder>/<input stem>.png). Empty: estimate it.
Result<pipeline::GivenOvary> GivenOvaryFor(const AnalyzeCliOptions& o, const std::string& input, const ImageInfo& info) {
  if (o.ovary_box.size() == 4) {
    return pipeline::GivenOvaryFromBox({o.ovary_box[0], o.ovary_box[1], o.ovary_box[2], o.ovary_box[3]});
  }
  if (o.ovary_mask.empty()) return pipeline::GivenOvary{};
  fs::path mask_path = o.ovary_mask;
  if (fs::is_directory(mask_path)) {
    const std::string stem = fs::path(input).stem().string();
    mask_path = mask_path / (stem + ".png");
    if (!fs::exists(mask_path)) mask_path.replace_extension(".PNG");
    if (!fs::exists(mask_path)) {
      return MakeError(ErrorCode::kNotFound, "no ovary mask " + stem + ".png in " + o.ovary_mask);
    }
  }
  auto mask_source = OpenImage(mask_path);
  if (!mask_source) return MakeError(mask_source.error().code, "ovary mask " + mask_path.string() + ": " + mask_source.error().message);
  if ((*mask_source)->info().width != info.width || (*mask_source)->info().height != info.height) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "ovary mask " + mask_path.string() + " is " + std::to_string((*mask_source)->info().width) + "x" +
                         std::to_string((*mask_source)->info().height) + ", the image " + std::to_string(info.width) +
                         "x" + std::to_string(info.height));
  }
  auto mask = (*mask_source)->ReadFrame(0);
  if (!mask) return MakeError(mask.error().code, "ovary mask " + mask_path.string() + ": " + mask.error().message);
  auto given = pipeline::GivenOvaryFromMask(mask->luma);
  if (!given) return MakeError(given.error().code, given.error().message + " (" + mask_path.string() + ")");
  return given;
}

// A name the user clearly meant as a folder, even for one input.
bool NamesAFolder(const std::string& target) {
  if (target.empty() || target == "-") return false;
  return target.back() == '/' || fs::is_directory(target);
}

// Output path for one input: the named file (one input) or <folder>/<stem><ext>.
class OutputNamer {
 public:
  OutputNamer(std::string target, bool folder, std::string ext)
      : target_(std::move(target)), folder_(folder), ext_(std::move(ext)) {}
  bool enabled() const { return !target_.empty(); }
  fs::path For(const std::string& input) {
    if (!folder_) return target_;
    std::string stem = fs::path(input).stem().string();
    // Two inputs with the same stem must not overwrite each other.
    std::string name = stem;
    for (int n = 2; !used_.insert(name).second; ++n) name = stem + "-" + std::to_string(n);
    return fs::path(target_) / (name + ext_);
  }

 private:
  std::string target_;
  bool folder_;
  std::string ext_;
  std::set<std::string> used_;
};

std::string Summary(const std::string& file, const ImageAnalysis& a) {
  std::ostringstream out;
  out << file << ": " << a.frames.size() << (a.frames.size() == 1 ? " frame" : " frames");
  size_t follicles = 0;
  for (const auto& f : a.frames) follicles += f.follicles.size();
  out << ", " << follicles << " follicles";
  if (!a.calibration.calibrated()) {
    out << ", UNCALIBRATED (no mm sizes, no AFC)";
  } else {
    out << ", scale " << ToString(a.calibration.source());
    if (a.calibration.global_scale()) {
      out << " " << std::setprecision(4) << a.calibration.global_scale()->mm_per_px_x << " mm/px";
    }
    if (!a.cine_follicles.empty() || a.counts_source == "unique-follicles") {
      out << ", " << a.cine_follicles.size() << " unique follicles";
    }
    if (a.counts) out << ", AFC " << a.counts->afc() << " (2-<6 mm: " << a.counts->from_2_to_6
                      << ", 6-10 mm: " << a.counts->from_6_to_10 << ", >10 mm: " << a.counts->over_10 << ")";
  }
  return out.str();
}

Status WritePng(const fs::path& path, const cv::Mat& bgr) {
  std::vector<uchar> bytes;
  if (!cv::imencode(".png", bgr, bytes)) return MakeError(ErrorCode::kIo, "PNG encoding failed");
  return WriteFileAtomically(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// A cine's overlays are drawn after linking, so that every follicle carries
// its unique id: the frames are decoded a second time, one at a time.
Status WriteCineOverlays(ImageSource& source, const ImageAnalysis& analysis, const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder)) return MakeError(ErrorCode::kIo, "cannot create folder " + folder.string());
  for (const auto& result : analysis.frames) {
    auto frame = source.ReadFrame(result.index);
    if (!frame) return frame.error();
    const auto ids = pipeline::UniqueIdsInFrame(analysis, result.index);
    char name[32];
    std::snprintf(name, sizeof name, "frame-%04d.png", result.index);
    if (Status s = WritePng(folder / name, pipeline::RenderOverlay(*frame, result, analysis.calibration, nullptr, &ids)); !s) {
      return s;
    }
  }
  return Status::Ok();
}

Status PrepareFolder(const std::string& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder)) return MakeError(ErrorCode::kIo, "cannot create folder " + folder);
  return Status::Ok();
}

// The options of one run, checked; a message when they are not usable.
Result<pipeline::AnalyzeOptions> CheckedAnalyzeOptions(const AnalyzeCliOptions& o, const OpenOptions& open_options) {
  auto options = pipeline::LoadParamsOrPreset(o.params, o.preset);
  if (!options) return options.error();
  pipeline::AnalyzeOptions analyze;
  analyze.pipeline = *options;
  analyze.frame = o.frame;
  analyze.detect_ruler = !o.no_ruler;
  analyze.software_version = kVersion;
  for (const Status& s : {open_options.Check(), analyze.Check()}) {
    if (!s) return s.error();
  }
  if (o.ovary_box.size() == 4 && (o.ovary_box[2] <= 0 || o.ovary_box[3] <= 0)) {
    return MakeError(ErrorCode::kInvalidArgument, "--ovary-box needs a positive width and height");
  }
  return analyze;
}

// Where one run writes: files for one input, folders for several.
struct AnalyzeOutputs {
  bool many = false;
  OutputNamer json;
  OutputNamer overlay;
};

Result<AnalyzeOutputs> PrepareOutputs(const AnalyzeCliOptions& o) {
  const bool many = o.files.size() > 1;
  const bool json_folder = many || NamesAFolder(o.json_out);
  const bool overlay_folder = many || NamesAFolder(o.overlay_out);
  for (const auto& [folder, is_folder] : {std::pair{o.json_out, json_folder}, std::pair{o.overlay_out, overlay_folder}}) {
    if (is_folder && !folder.empty() && folder != "-") {
      if (Status s = PrepareFolder(folder); !s) return s.error();
    }
  }
  return AnalyzeOutputs{many, OutputNamer(o.json_out == "-" ? "" : o.json_out, json_folder, ".json"),
                        OutputNamer(o.overlay_out, overlay_folder, ".png")};
}

// Analyses one input and writes its outputs; reports every problem on one
// line naming the file. Returns how many problems there were.
int AnalyzeOneFile(const std::string& file, const AnalyzeCliOptions& o, const OpenOptions& open_options,
                   pipeline::AnalyzeOptions& analyze, AnalyzeOutputs& out) {
  auto source = OpenImage(file, open_options);
  if (!source) {
    ReportFileError(file, source.error().message);
    return 1;
  }
  auto given_ovary = GivenOvaryFor(o, file, (*source)->info());
  if (!given_ovary) {
    ReportFileError(file, given_ovary.error().message);
    return 1;
  }
  analyze.ovary = std::move(*given_ovary);
  cv::Mat overlay;
  const bool cine_overlays = out.overlay.enabled() && (*source)->info().frame_count > 1 && !o.frame;
  const int overlay_frame = o.frame.value_or(0);
  auto on_frame = [&](const Frame& frame, const FrameAnalysis& result, const Calibration& calibration) {
    if (!out.overlay.enabled() || cine_overlays || frame.index != overlay_frame) return;
    if (!o.show_rejected) {
      overlay = pipeline::RenderOverlay(frame, result, calibration);
      return;
    }
    // Run the frame again with a trace to show what was rejected and why.
    auto traced = pipeline::FramePipeline::Create(analyze.pipeline);
    pipeline::FrameTrace trace;
    const FrameAnalysis again = traced->Analyze(frame, calibration, &trace, &analyze.ovary);
    overlay = pipeline::RenderOverlay(frame, again, calibration, &trace);
  };
  auto analysis = pipeline::AnalyzeImage(**source, analyze, on_frame);
  if (!analysis) {
    ReportFileError(file, analysis.error().message);
    return 1;
  }
  const std::string json = AnalysisToJson(*analysis).dump(2) + "\n";
  if (o.json_out == "-") std::cout << json;
  else std::cout << Summary(file, *analysis) << "\n";
  if (out.json.enabled()) {
    if (Status s = WriteFileAtomically(out.json.For(file), json); !s) {
      ReportFileError(file, "writing JSON: " + s.error().message);
      return 1;
    }
  }
  if (cine_overlays) {
    const fs::path folder = out.many ? fs::path(o.overlay_out) / fs::path(file).stem() : fs::path(o.overlay_out);
    if (Status s = WriteCineOverlays(**source, *analysis, folder); !s) {
      ReportFileError(file, "writing overlays: " + s.error().message);
      return 1;
    }
  } else if (out.overlay.enabled() && !overlay.empty()) {
    if (Status s = WritePng(out.overlay.For(file), overlay); !s) {
      ReportFileError(file, "writing overlay: " + s.error().message);
      return 1;
    }
  }
  return 0;
}

int RunAnalyze(const AnalyzeCliOptions& o) {
  OpenOptions open_options;
  open_options.mm_per_pixel = o.mm_per_pixel;
  auto analyze = CheckedAnalyzeOptions(o, open_options);
  if (!analyze) {
    std::cerr << "antra: error: " << analyze.error().message << "\n";
    return kExitUsage;
  }
  auto outputs = PrepareOutputs(o);
  if (!outputs) {
    std::cerr << "antra: error: " << outputs.error().message << "\n";
    return kExitUsage;
  }
  int failures = 0;
  for (const auto& file : o.files) failures += AnalyzeOneFile(file, o, open_options, *analyze, *outputs);
  return failures ? kExitSomeFailed : kExitOk;
}

}  // namespace

CommandRunner RegisterAnalyzeCommand(CLI::App& app) {
  auto o = std::make_shared<AnalyzeCliOptions>();
  auto* cmd = app.add_subcommand("analyze", "Find, outline and measure follicles on every frame");
  cmd->add_option("files", o->files, "DICOM files or PNG/JPEG screen exports")->required();
  cmd->add_option("--json", o->json_out,
                  "Write the analysis JSON (docs/schemas/analysis.schema.json): a file for one input, a folder for "
                  "several (or when OUT is an existing folder or ends in '/'), '-' for standard output");
  cmd->add_option("--overlay", o->overlay_out,
                  "Write a PNG of the analysed frame with outlines, calipers and sizes: a file for one input, a "
                  "folder for several or when OUT is an existing folder or ends in '/' (shows --frame, else frame 0). A multi-frame file gets a folder of "
                  "frame-NNNN.png, each follicle labelled with its unique id (<folder>/<stem>/ for several inputs)");
  cmd->add_option("--mm-per-pixel", o->mm_per_pixel, "Override the calibration with this scale");
  cmd->add_option("--frame", o->frame, "Analyse only this frame (0-based)");
  auto* preset = cmd->add_option("--preset", o->preset, "Pipeline preset models/NAME.json (default: built-in defaults)");
  cmd->add_option("--params", o->params, "Pipeline options from this JSON file")->excludes(preset);
  cmd->add_flag("--no-ruler", o->no_ruler, "Do not read the scale from a burned-in depth ruler");
  auto* mask = cmd->add_option("--ovary-mask", o->ovary_mask,
                               "The ovary, given instead of estimated: a mask image of the input's size (non-zero = "
                               "ovary), or a folder holding <input stem>.png masks. Only follicles inside it are reported");
  cmd->add_option("--ovary-box", o->ovary_box, "The ovary as a box X Y WIDTH HEIGHT (image pixels), as --ovary-mask")
      ->expected(4)
      ->delimiter(',')
      ->excludes(mask);
  cmd->add_flag("--show-rejected", o->show_rejected,
                "Draw rejected candidates on the overlay too (red, with the reason), for tuning");
  return [o] { return RunAnalyze(*o); };
}

}  // namespace antra::cli
