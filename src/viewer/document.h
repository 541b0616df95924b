#pragma once
// The open image and everything about it that is not UI: its description, the
// decoded frames, the automatic analysis and the review. DocumentController
// owns the workers that fill it and applies their results on the main thread.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/image.h"
#include "io/open_image.h"
#include "viewer/analysis_worker.h"
#include "viewer/concurrent_queue.h"
#include "viewer/decode_worker.h"
#include "viewer/frame_cache.h"
#include "viewer/review_session.h"

namespace antra::viewer {

struct DocumentOptions {
  OpenOptions open;
  std::size_t frame_cache_bytes = std::size_t{1024} << 20;  // decoded frames kept for playback
  std::filesystem::path review_dir;  // where reviews are saved; empty: beside each image
  SubjectLookup subject_of;          // the study's subject ID for an image's patient (--mapping)
  Status Check() const;
};

enum class LoadPhase { kOpening, kReady, kFailed };
enum class AnalysisPhase { kNotAvailable, kRunning, kDone, kFailed };

struct Document {
  int generation = 0;
  std::filesystem::path path;
  LoadPhase phase = LoadPhase::kOpening;
  std::optional<Error> open_error;
  std::optional<ImageInfo> info;  // once opened
  std::string subject_id;         // pseudonymous, when the study knows the patient
  std::unique_ptr<FrameCache> frames;
  std::vector<std::pair<int, Error>> frame_errors;
  int frames_decoded = 0;  // ever, including evicted ones

  AnalysisPhase analysis_phase = AnalysisPhase::kNotAvailable;
  std::string analysis_message;  // why it is unavailable or failed
  std::optional<ImageAnalysis> analysis;
  int analysis_request = 0;          // the analysis asked for last (earlier ones are dropped)
  pipeline::GivenOvary given_ovary;  // the reader's box around the ovary, once drawn or restored
  // The analysis under way was asked for with a new box: its follicles
  // replace the undecided ones. False when it only re-runs a restored
  // review's box (the saved review already holds the reader's decisions).
  bool analysis_replaces_review = false;
  // The analysis under way is for the visit this image belongs to (a box
  // drawn on a visit's scan): its result is handed to the visit
  // (DocumentController::TakeVisitBoxAnalysis), not merged into this review.
  bool analysis_for_visit = false;

  std::unique_ptr<ReviewSession> review;  // once opened
  // A review saved earlier was restored (the analysis does not replace it).
  bool review_restored = false;
  std::string review_message;            // e.g. why a saved review could not be read
  std::vector<EditRecord> saved_edits;   // audit trail already on disk
  std::size_t session_edits_saved = 0;   // of review->edits(), how many are on disk
  std::filesystem::path review_path;     // where it was last saved or restored from
};

class DocumentController {
 public:
  // `wake` is called from worker threads when they post (wakes the UI loop).
  DocumentController(DocumentOptions options, std::shared_ptr<AnalysisProvider> analysis,
                     std::function<void()> wake = {});
  ~DocumentController();

  void Open(const std::filesystem::path& path);
  void Close();
  // Applies what the workers posted. Main thread, once per frame.
  void Poll();
  // The frame on screen: decoded first; frames far from it may be dropped.
  void ShowFrame(int index);

  Document* document() { return document_.get(); }
  const Document* document() const { return document_.get(); }
  const Frame* frame(int index) const;

  // Analyses the open image again with the ovary given by the reader: its
  // follicles replace the automatic ones not yet decided (ReviewSession::
  // ReplaceAnalysis). Errors: no image open, or no pipeline to run.
  Status AnalyseWithOvary(pipeline::GivenOvary ovary);

  // A visit's scan on screen analysed with the reader's box given. The result
  // is kept for the visit instead of being merged here: TakeVisitBoxAnalysis
  // hands it over once. Errors as AnalyseWithOvary.
  Status AnalyseForVisit(const cv::Rect& box);
  bool CanAnalyseWithOvary() const { return provider_ && provider_->CanGiveOvary(); }
  struct VisitBoxAnalysis {
    int generation = 0;  // of the document analysed
    cv::Rect box;
    Result<std::optional<ImageAnalysis>> result = std::optional<ImageAnalysis>{};
  };
  std::optional<VisitBoxAnalysis> TakeVisitBoxAnalysis();

  // Writes the review (Ctrl+S) to `path`, or to the default place when empty.
  Status SaveReview(const std::filesystem::path& path = {});

  // Frames analysed so far and in all, while the analysis runs.
  std::pair<int, int> AnalysisProgress() const;

  // Opening, decoding frames within the budget, or analysing.
  bool Busy() const;
  bool Loading() const;  // opening or decoding (not analysing)

 private:
  void Apply(DecodeMessage message);
  void Apply(AnalysisMessage message);
  void OnOpened(ImageInfo info);
  void MergeAnalysisIntoReview();
  void RestoreSavedReview();
  // (Re)starts the analysis, with the ovary given when not empty.
  void StartAnalysis(pipeline::GivenOvary ovary, bool replaces_review);

  DocumentOptions options_;
  std::shared_ptr<AnalysisProvider> provider_;
  ConcurrentQueue<DecodeMessage> decode_queue_;
  ConcurrentQueue<AnalysisMessage> analysis_queue_;
  int generation_ = 0;
  int shown_frame_ = 0;
  std::unique_ptr<Document> document_;
  std::optional<VisitBoxAnalysis> visit_box_analysis_;  // arrived, not yet taken
  // Declared after the queues they post to, so they are destroyed first.
  std::unique_ptr<DecodeWorker> decoder_;
  std::unique_ptr<AnalysisWorker> analyser_;
};

}  // namespace antra::viewer
