#include "viewer/document.h"

#include <utility>

#include "viewer/review_json.h"

namespace antra::viewer {

Status DocumentOptions::Check() const {
  if (auto s = open.Check(); !s) return s;
  if (frame_cache_bytes < (std::size_t{16} << 20)) {
    return MakeError(ErrorCode::kInvalidArgument, "the frame cache needs at least 16 MiB");
  }
  return Status::Ok();
}

DocumentController::DocumentController(DocumentOptions options, std::shared_ptr<AnalysisProvider> analysis,
                                       std::function<void()> wake)
    : options_(std::move(options)), provider_(std::move(analysis)) {
  decode_queue_.SetWake(wake);
  analysis_queue_.SetWake(wake);
}

DocumentController::~DocumentController() { Close(); }

void DocumentController::Close() {
  analyser_.reset();
  visit_box_analysis_.reset();
  decoder_.reset();
  document_.reset();
}

void DocumentController::Open(const std::filesystem::path& path) {
  Close();
  ++generation_;
  shown_frame_ = 0;
  document_ = std::make_unique<Document>();
  document_->generation = generation_;
  document_->path = path;
  decoder_ = std::make_unique<DecodeWorker>(generation_, path, options_.open, options_.frame_cache_bytes,
                                            decode_queue_, options_.subject_of);
  if (provider_) {
    document_->analysis_phase = AnalysisPhase::kRunning;
    analyser_ = std::make_unique<AnalysisWorker>(generation_, path, provider_, analysis_queue_);
  } else {
    document_->analysis_message = "no automatic analysis configured";
  }
}

Status DocumentController::AnalyseWithOvary(pipeline::GivenOvary ovary) {
  if (!document_ || !document_->info || !document_->review) {
    return MakeError(ErrorCode::kInvalidArgument, "no image is open");
  }
  if (ovary.empty()) return MakeError(ErrorCode::kInvalidArgument, "the ovary box is empty");
  if (!provider_) return MakeError(ErrorCode::kUnsupported, "no automatic analysis configured");
  StartAnalysis(std::move(ovary), /*replaces_review=*/true);
  return Status::Ok();
}

Status DocumentController::AnalyseForVisit(const cv::Rect& box) {
  if (!document_ || !document_->info) return MakeError(ErrorCode::kInvalidArgument, "no image is open");
  if (box.area() <= 0) return MakeError(ErrorCode::kInvalidArgument, "the ovary box is empty");
  if (!CanAnalyseWithOvary()) return MakeError(ErrorCode::kUnsupported, "no pipeline to analyse with the ovary box");
  StartAnalysis(pipeline::GivenOvaryFromBox(box), /*replaces_review=*/false);
  document_->analysis_for_visit = true;
  visit_box_analysis_.reset();  // an earlier box's result is superseded too
  return Status::Ok();
}

std::optional<DocumentController::VisitBoxAnalysis> DocumentController::TakeVisitBoxAnalysis() {
  return std::exchange(visit_box_analysis_, std::nullopt);
}

void DocumentController::StartAnalysis(pipeline::GivenOvary ovary, bool replaces_review) {
  Document& doc = *document_;
  analyser_.reset();  // an analysis still running is superseded
  doc.given_ovary = ovary;
  doc.analysis_replaces_review = replaces_review;
  doc.analysis_for_visit = false;
  doc.analysis_phase = AnalysisPhase::kRunning;
  doc.analysis_message.clear();
  analyser_ = std::make_unique<AnalysisWorker>(doc.generation, doc.path, provider_, analysis_queue_, std::move(ovary),
                                               ++doc.analysis_request);
}

void DocumentController::Poll() {
  for (auto& message : decode_queue_.DrainAll()) Apply(std::move(message));
  for (auto& message : analysis_queue_.DrainAll()) Apply(std::move(message));
}

void DocumentController::Apply(DecodeMessage message) {
  if (!document_ || message.generation != document_->generation) return;  // from a closed document
  Document& doc = *document_;
  if (auto* opened = std::get_if<ImageOpened>(&message.payload)) {
    doc.subject_id = opened->subject_id;
    OnOpened(std::move(opened->info));
  } else if (auto* failed = std::get_if<OpenFailed>(&message.payload)) {
    doc.phase = LoadPhase::kFailed;
    doc.open_error = failed->error;
  } else if (auto* decoded = std::get_if<FrameDecoded>(&message.payload)) {
    if (!doc.frames) return;
    ++doc.frames_decoded;
    doc.frames->Put(std::move(decoded->frame));
    for (const auto& [index, bytes] : doc.frames->EvictOutsideWindow(shown_frame_)) decoder_->Evicted(index, bytes);
  } else if (auto* frame_failed = std::get_if<FrameFailed>(&message.payload)) {
    doc.frame_errors.emplace_back(frame_failed->index, frame_failed->error);
  }
}

void DocumentController::OnOpened(ImageInfo info) {
  Document& doc = *document_;
  doc.frames = std::make_unique<FrameCache>(options_.frame_cache_bytes, info.frame_count);
  ReviewState initial;
  initial.image_side = info.laterality;
  doc.review = std::make_unique<ReviewSession>(std::move(initial), info.calibration);
  doc.info = std::move(info);
  doc.phase = LoadPhase::kReady;
  RestoreSavedReview();
  MergeAnalysisIntoReview();
}

void DocumentController::RestoreSavedReview() {
  Document& doc = *document_;
  const auto path = DefaultReviewPath(*doc.info, options_.review_dir);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  auto loaded = LoadReview(path, *doc.info, doc.info->calibration);
  if (!loaded) {
    // Never silently start over a review that exists: say why it was not used.
    doc.review_message = "saved review not restored: " + loaded.error().message;
    return;
  }
  doc.review = std::make_unique<ReviewSession>(std::move(loaded->state), doc.info->calibration);
  doc.saved_edits = std::move(loaded->edits);
  doc.review_restored = true;
  doc.review_path = path;
  doc.review_message = "restored the saved review";
  if (const auto& box = doc.review->state().ovary_box_px; box && provider_ && provider_->CanGiveOvary()) {
    // Its follicles came from the analysis with this box: analyse with it
    // again, so the ovary drawn and the cine tracks match what was reviewed.
    StartAnalysis(pipeline::GivenOvaryFromBox(*box), /*replaces_review=*/false);
  }
}

Status DocumentController::SaveReview(const std::filesystem::path& path) {
  if (!document_ || !document_->review || !document_->info) {
    return MakeError(ErrorCode::kInvalidArgument, "no image is open");
  }
  Document& doc = *document_;
  const auto target = path.empty() ? DefaultReviewPath(*doc.info, options_.review_dir) : path;
  std::vector<EditRecord> edits = doc.saved_edits;
  const auto& session = doc.review->edits();
  edits.insert(edits.end(), session.begin() + static_cast<std::ptrdiff_t>(doc.session_edits_saved), session.end());
  if (auto s = viewer::SaveReview(target, *doc.info, doc.review->calibration(), doc.review->state(), edits); !s) {
    return s;
  }
  doc.saved_edits = std::move(edits);
  doc.session_edits_saved = session.size();
  doc.review->MarkSaved();
  doc.review_path = target;
  return Status::Ok();
}

void DocumentController::Apply(AnalysisMessage message) {
  if (!document_ || message.generation != document_->generation) return;
  if (message.request != document_->analysis_request) return;  // superseded by a later request
  Document& doc = *document_;
  if (doc.analysis_for_visit) {
    doc.analysis_for_visit = false;
    doc.analysis_phase = message.result ? AnalysisPhase::kDone : AnalysisPhase::kFailed;
    doc.analysis_message = message.result ? "" : message.result.error().message;
    visit_box_analysis_ = VisitBoxAnalysis{doc.generation, doc.given_ovary.Bounds(), std::move(message.result)};
    return;
  }
  if (!message.result) {
    doc.analysis_phase = AnalysisPhase::kFailed;
    doc.analysis_message = message.result.error().message;
    return;
  }
  auto& analysis = message.result.value();
  if (!analysis) {
    doc.analysis_phase = AnalysisPhase::kNotAvailable;
    doc.analysis_message = "no automatic analysis for this image";
    return;
  }
  doc.analysis = std::move(*analysis);
  doc.analysis_phase = AnalysisPhase::kDone;
  MergeAnalysisIntoReview();
}

void DocumentController::MergeAnalysisIntoReview() {
  Document& doc = *document_;
  if (!doc.review || !doc.info || !doc.analysis) return;
  const ImageAnalysis& analysis = *doc.analysis;
  // An analysis of another image must never be shown over this one.
  const bool other_image = !analysis.sop_instance_uid.empty() && !doc.info->sop_instance_uid.empty() &&
                           analysis.sop_instance_uid != doc.info->sop_instance_uid;
  const bool other_size = analysis.width != doc.info->width || analysis.height != doc.info->height;
  if (other_image || other_size) {
    doc.analysis_phase = AnalysisPhase::kFailed;
    doc.analysis_message = other_image ? "the analysis is of another image (SOP Instance UID differs)"
                                       : "the analysis is of an image of another size";
    doc.analysis.reset();
    return;
  }
  // A screen without a pixel size may have been scaled from its depth ruler.
  if (!doc.review->calibration().calibrated() && analysis.calibration.calibrated()) {
    doc.review->AdoptCalibration(analysis.calibration, std::string("scale from the analysis (") +
                                                            ToString(analysis.calibration.source()) + "): " +
                                                            analysis.calibration.detail());
  }
  if (doc.analysis_replaces_review) {
    // The reader asked for this analysis: it replaces the undecided automatic follicles.
    ReviewState fresh = ReviewFromAnalysis(analysis, doc.info->laterality);
    const cv::Rect box = doc.given_ovary.Bounds();
    fresh.ovary_box_px = box;
    doc.analysis_replaces_review = false;  // once: MergeAnalysisIntoReview may run again
    doc.review->ReplaceAnalysis(fresh, "analysis with the ovary given (box x " + std::to_string(box.x) + ", y " +
                                           std::to_string(box.y) + ", " + std::to_string(box.width) + " x " +
                                           std::to_string(box.height) + " px): " +
                                           std::to_string(fresh.follicles.size()) + " follicle(s)");
    return;
  }
  if (doc.review_restored) return;  // the saved review already holds the reader's decisions
  const std::size_t count = ReviewFromAnalysis(analysis, doc.info->laterality).follicles.size();
  doc.review->MergeAnalysis(ReviewFromAnalysis(analysis, doc.info->laterality),
                            "automatic analysis: " + std::to_string(count) + " follicle(s)");
}

std::pair<int, int> DocumentController::AnalysisProgress() const {
  if (!analyser_) return {0, 0};
  return {analyser_->frames_done(), analyser_->frames_total()};
}

void DocumentController::ShowFrame(int index) {
  shown_frame_ = index;
  if (decoder_) decoder_->Want(index);
  if (document_ && document_->frames && decoder_) {
    for (const auto& [evicted, bytes] : document_->frames->EvictOutsideWindow(index)) decoder_->Evicted(evicted, bytes);
  }
}

const Frame* DocumentController::frame(int index) const {
  if (!document_ || !document_->frames) return nullptr;
  return document_->frames->Get(index);
}

bool DocumentController::Loading() const {
  if (!document_) return false;
  if (document_->phase == LoadPhase::kOpening) return true;
  if (document_->phase == LoadPhase::kFailed) return false;
  // Idle first: everything the worker posted before going idle is then in the queue.
  const bool worker_idle = !decoder_ || decoder_->idle();
  return !worker_idle || !decode_queue_.empty();
}

bool DocumentController::Busy() const {
  if (Loading()) return true;
  if (!document_) return false;
  return document_->analysis_phase == AnalysisPhase::kRunning || !analysis_queue_.empty() ||
         visit_box_analysis_.has_value();
}

}  // namespace antra::viewer
