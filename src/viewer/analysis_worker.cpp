#include "viewer/analysis_worker.h"

#include <fstream>
#include <sstream>

#include "core/text_file.h"
#include "io/analysis_json.h"
#include "study/sha256.h"

namespace antra::viewer {

Result<ImageAnalysis> ReadAnalysisFile(const std::filesystem::path& path) {
  const auto text = ReadTextFile(path);
  if (!text) return MakeError(text.error().code, "cannot read analysis file: " + text.error().message);
  const auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return MakeError(ErrorCode::kCorrupt, "analysis file is not valid JSON");
  return AnalysisFromJson(json);
}

SavedAnalysisProvider::SavedAnalysisProvider(std::optional<std::filesystem::path> explicit_file,
                                             std::optional<std::filesystem::path> for_image,
                                             std::filesystem::path results_dir)
    : explicit_file_(std::move(explicit_file)), for_image_(std::move(for_image)), results_dir_(std::move(results_dir)) {}

std::optional<ImageAnalysis> FindCachedAnalysis(const std::filesystem::path& results_dir,
                                                const std::filesystem::path& image) {
  namespace fs = std::filesystem;
  const auto sha = FileSha256(image);
  if (!sha || sha->size() < 2) return std::nullopt;
  const fs::path folder = results_dir / "private" / "analysis-cache" / sha->substr(0, 2);
  std::error_code ec;
  std::optional<ImageAnalysis> newest;
  fs::file_time_type newest_time;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(*sha + "-", 0) != 0 || it->path().extension() != ".json") continue;
    const auto written = fs::last_write_time(it->path(), ec);
    if (ec || (newest && written <= newest_time)) {
      ec.clear();
      continue;
    }
    const auto text = ReadTextFile(it->path());
    if (!text) continue;
    const auto entry = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!entry.is_object() || entry.value("file_sha256", "") != *sha || !entry.contains("analysis")) continue;
    auto analysis = AnalysisFromJson(entry["analysis"]);
    if (!analysis) continue;
    newest = std::move(*analysis);
    newest_time = written;
  }
  return newest;
}

std::filesystem::path SavedAnalysisProvider::SidecarPath(const std::filesystem::path& image) {
  return image.string() + ".analysis.json";
}

Result<std::optional<ImageAnalysis>> SavedAnalysisProvider::Analyze(const std::filesystem::path& image,
                                                                    AnalysisControl&) {
  std::filesystem::path file = SidecarPath(image);
  std::error_code ec;
  if (explicit_file_ && (!for_image_ || std::filesystem::equivalent(*for_image_, image, ec))) file = *explicit_file_;
  if (!std::filesystem::exists(file, ec)) {
    if (results_dir_.empty()) return std::optional<ImageAnalysis>{};
    return FindCachedAnalysis(results_dir_, image);
  }
  auto analysis = ReadAnalysisFile(file);
  if (!analysis) return analysis.error();
  return std::optional<ImageAnalysis>(std::move(analysis).value());
}

Result<std::optional<ImageAnalysis>> AnalysisProvider::AnalyzeWithOvary(const std::filesystem::path&,
                                                                       const pipeline::GivenOvary&, AnalysisControl&) {
  return MakeError(ErrorCode::kUnsupported,
                   "this viewer shows saved analyses only (--no-auto-analysis or --results): an ovary box needs the "
                   "pipeline");
}

AnalysisWorker::AnalysisWorker(int generation, std::filesystem::path image,
                               std::shared_ptr<AnalysisProvider> provider, ConcurrentQueue<AnalysisMessage>& out,
                               pipeline::GivenOvary ovary, int request)
    : thread_([this, generation, request, image = std::move(image), provider = std::move(provider), &out,
               ovary = std::move(ovary)] {
        AnalysisMessage message{generation, request};
        try {
          message.result = ovary.empty() ? provider->Analyze(image, control_)
                                         : provider->AnalyzeWithOvary(image, ovary, control_);
        } catch (const std::exception& e) {
          // A broken invariant in the analysis must not take the review down.
          message.result = MakeError(ErrorCode::kCorrupt, std::string("analysis failed: ") + e.what());
        }
        done_ = true;
        if (!control_.cancel) out.Push(std::move(message));
      }) {}

AnalysisWorker::~AnalysisWorker() {
  control_.cancel = true;
  thread_.join();
}

}  // namespace antra::viewer
