#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "batch/analysis_cache.h"
#include "study/sha256.h"
#include "support/test_support.h"
#include "viewer/document.h"
#include "viewer/review_json.h"
#include "viewer/viewer_fixtures.h"

namespace antra::viewer {
namespace {

// Polls like the UI loop until `done` or a generous timeout.
template <typename Done>
bool PollUntil(DocumentController& documents, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    documents.Poll();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

class DocumentTest : public ::testing::Test {
 protected:
  // scan.dcm with ThreeFollicles, and the box the ovary-box tests draw.
  std::filesystem::path WriteThreeFollicles() {
    const auto image = dir_ / "scan.dcm";
    test::WriteFixtureImage(image, test::ThreeFollicles());
    return image;
  }
  const cv::Rect kBox{100, 150, 120, 100};
  test::TempDir dir_{"viewer-document"};
};

TEST_F(DocumentTest, OpensDecodesAndMergesTheSavedAnalysis) {
  const auto fixture = test::ThreeFollicles();
  const auto image = dir_ / "scan.dcm";
  test::WriteFixtureImage(image, fixture);
  test::WriteAnalysisJson(SavedAnalysisProvider::SidecarPath(image), test::FixtureAnalysis(fixture));
  DocumentController documents({}, std::make_shared<SavedAnalysisProvider>());
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  const Document& doc = *documents.document();
  ASSERT_EQ(doc.phase, LoadPhase::kReady);
  EXPECT_EQ(doc.analysis_phase, AnalysisPhase::kDone);
  ASSERT_TRUE(doc.review);
  EXPECT_EQ(doc.review->state().follicles.size(), 3u);
  const Frame* frame = documents.frame(0);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->luma.cols, 640);
  EXPECT_LT(frame->luma.at<unsigned char>(200, 160), 40);   // inside follicle 1: dark
  EXPECT_GT(frame->luma.at<unsigned char>(20, 20), 80);     // background
}

// An ovary box needs the pipeline: with saved analyses only, the viewer says
// why and the review the reader has stays as it was.
TEST_F(DocumentTest, AnOvaryBoxWithoutThePipelineSaysWhyAndKeepsTheReview) {
  const auto fixture = test::ThreeFollicles();
  const auto image = dir_ / "scan.dcm";
  test::WriteFixtureImage(image, fixture);
  test::WriteAnalysisJson(SavedAnalysisProvider::SidecarPath(image), test::FixtureAnalysis(fixture));
  DocumentController documents({}, std::make_shared<SavedAnalysisProvider>());
  EXPECT_FALSE(documents.AnalyseWithOvary(pipeline::GivenOvaryFromBox({0, 0, 100, 100})));  // nothing open
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  EXPECT_FALSE(documents.AnalyseWithOvary({}));  // an empty box
  ASSERT_TRUE(documents.AnalyseWithOvary(pipeline::GivenOvaryFromBox({100, 150, 120, 100})));
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  const Document& doc = *documents.document();
  EXPECT_EQ(doc.analysis_phase, AnalysisPhase::kFailed);
  EXPECT_NE(doc.analysis_message.find("needs the pipeline"), std::string::npos) << doc.analysis_message;
  EXPECT_EQ(doc.review->state().follicles.size(), 3u);
}

TEST_F(DocumentTest, AnalysisOfAnotherImageIsRefused) {
  const auto fixture = test::ThreeFollicles();
  const auto image = dir_ / "scan.dcm";
  test::WriteFixtureImage(image, fixture);
  auto other = fixture;
  other.sop_instance_uid = "1.2.3.4";
  test::WriteAnalysisJson(SavedAnalysisProvider::SidecarPath(image), test::FixtureAnalysis(other));
  DocumentController documents({}, std::make_shared<SavedAnalysisProvider>());
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  EXPECT_EQ(documents.document()->analysis_phase, AnalysisPhase::kFailed);
  EXPECT_NE(documents.document()->analysis_message.find("another image"), std::string::npos);
  EXPECT_TRUE(documents.document()->review->state().follicles.empty());
}

TEST_F(DocumentTest, CineWithinBudgetIsDecodedWhole) {
  test::FixtureImage fixture;
  fixture.width = 256;
  fixture.height = 128;
  fixture.frames = 60;
  fixture.frame_time_ms = 20;
  const auto image = dir_ / "cine.dcm";
  test::WriteFixtureImage(image, fixture);
  DocumentController documents({}, nullptr);
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  const Document& doc = *documents.document();
  EXPECT_EQ(doc.info->frame_count, 60);
  EXPECT_EQ(doc.info->frame_time_ms, 20.0);
  EXPECT_EQ(doc.frames->size(), 60);
  EXPECT_EQ(doc.frames->bytes(), 60u * 256 * 128 * 4);  // luma + RGB
  EXPECT_EQ(doc.frames_decoded, 60);
}

TEST_F(DocumentTest, TinyBudgetKeepsOnlyAWindow) {
  test::FixtureImage fixture;
  fixture.width = 1024;
  fixture.height = 768;
  fixture.frames = 12;
  fixture.follicles.clear();
  const auto image = dir_ / "big.dcm";
  test::WriteFixtureImage(image, fixture);
  DocumentOptions options;
  options.frame_cache_bytes = std::size_t{16} << 20;  // 5 frames of 3 MiB
  DocumentController documents(options, nullptr);
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  const Document& doc = *documents.document();
  EXPECT_EQ(doc.frames->size(), 5);
  EXPECT_LE(doc.frames->bytes(), options.frame_cache_bytes);
  for (int shown : {3, 7, 11, 2}) {
    documents.ShowFrame(shown);
    ASSERT_TRUE(PollUntil(documents, [&] { return documents.frame(shown) && !documents.Busy(); })) << shown;
    EXPECT_LE(doc.frames->bytes(), options.frame_cache_bytes + 1024 * 768 * 4) << shown;
  }
}

TEST_F(DocumentTest, OpenFailureIsReportedNotThrown) {
  test::WriteBytes(dir_ / "bad.dcm", "not an image at all");
  DocumentController documents({}, std::make_shared<SavedAnalysisProvider>());
  documents.Open(dir_ / "bad.dcm");
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  EXPECT_EQ(documents.document()->phase, LoadPhase::kFailed);
  EXPECT_FALSE(documents.document()->open_error->message.empty());
}

TEST_F(DocumentTest, SavedReviewIsRestoredOnReopen) {
  const auto fixture = test::ThreeFollicles();
  const auto image = dir_ / "scan.dcm";
  test::WriteFixtureImage(image, fixture);
  test::WriteAnalysisJson(SavedAnalysisProvider::SidecarPath(image), test::FixtureAnalysis(fixture));
  {
    DocumentController documents({}, std::make_shared<SavedAnalysisProvider>());
    documents.Open(image);
    ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
    auto& review = *documents.document()->review;
    review.Commit("reject follicle #1", WithDecision(review.state(), 1, Decision::kRejected));
    ASSERT_TRUE(documents.SaveReview());
    review.Commit("left", WithImageSide(review.state(), "L"));
    ASSERT_TRUE(documents.SaveReview());  // a second save appends only the new edit
  }
  DocumentController documents({}, std::make_shared<SavedAnalysisProvider>());
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  const Document& doc = *documents.document();
  EXPECT_TRUE(doc.review_restored);
  EXPECT_EQ(doc.review->state().FindFollicle(1)->decision, Decision::kRejected);
  EXPECT_EQ(doc.review->state().image_side, "L");
  EXPECT_EQ(doc.review->state().follicles.size(), 3u);  // the analysis did not add them twice
  ASSERT_EQ(doc.saved_edits.size(), 3u);  // analysis, reject, left
  EXPECT_EQ(doc.saved_edits[1].description, "reject follicle #1");
  EXPECT_EQ(doc.saved_edits[2].description, "left");
}

// Stands in for the pipeline: the automatic analysis finds the fixture's
// three follicles, the analysis with an ovary given only the first one, and
// the boxes it was given are recorded.
class OvaryBoxProvider : public AnalysisProvider {
 public:
  explicit OvaryBoxProvider(test::FixtureImage fixture) : fixture_(std::move(fixture)) {}
  Result<std::optional<ImageAnalysis>> Analyze(const std::filesystem::path&, AnalysisControl&) override {
    return std::optional<ImageAnalysis>(test::FixtureAnalysis(fixture_));
  }
  Result<std::optional<ImageAnalysis>> AnalyzeWithOvary(const std::filesystem::path&, const pipeline::GivenOvary& ovary,
                                                        AnalysisControl&) override {
    std::lock_guard lock(mutex_);
    boxes_.push_back(ovary.Bounds());
    test::FixtureImage inside = fixture_;
    inside.follicles.resize(1);
    return std::optional<ImageAnalysis>(test::FixtureAnalysis(inside));
  }
  bool CanGiveOvary() const override { return true; }
  std::string Describe() const override { return "test"; }
  std::vector<cv::Rect> boxes() {
    std::lock_guard lock(mutex_);
    return boxes_;
  }

 private:
  test::FixtureImage fixture_;
  std::mutex mutex_;
  std::vector<cv::Rect> boxes_;
};

// Reopening a review made with an ovary box restores the box and analyses
// with it again, without replacing what the reader decided.
TEST_F(DocumentTest, AnOvaryBoxIsRestoredWithItsReviewAndAnalysedWithAgain) {
  const auto fixture = test::ThreeFollicles();
  const auto image = WriteThreeFollicles();
  const cv::Rect box = kBox;
  {
    auto provider = std::make_shared<OvaryBoxProvider>(fixture);
    DocumentController documents({}, provider);
    documents.Open(image);
    ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
    EXPECT_EQ(documents.document()->review->state().follicles.size(), 3u);
    ASSERT_TRUE(documents.AnalyseWithOvary(pipeline::GivenOvaryFromBox(box)));
    ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
    auto& review = *documents.document()->review;
    ASSERT_EQ(review.state().follicles.size(), 1u);
    EXPECT_EQ(review.state().ovary_box_px, box);
    review.Commit("accept", WithDecision(review.state(), review.state().follicles[0].id, Decision::kAccepted));
    ASSERT_TRUE(documents.SaveReview());
  }
  auto provider = std::make_shared<OvaryBoxProvider>(fixture);
  DocumentController documents({}, provider);
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  const Document& doc = *documents.document();
  EXPECT_TRUE(doc.review_restored);
  EXPECT_EQ(doc.analysis_phase, AnalysisPhase::kDone);
  EXPECT_EQ(provider->boxes(), std::vector<cv::Rect>{box});  // analysed with the saved box
  EXPECT_EQ(doc.given_ovary.Bounds(), box);
  const ReviewState& state = doc.review->state();
  EXPECT_EQ(state.ovary_box_px, box);
  ASSERT_EQ(state.follicles.size(), 1u);  // the reader's review, not replaced
  EXPECT_EQ(state.follicles[0].decision, Decision::kAccepted);
  EXPECT_FALSE(doc.review->dirty());

  // Without the pipeline (saved analyses only) the box is still restored, and
  // nothing is asked that would fail.
  DocumentController saved_only({}, std::make_shared<SavedAnalysisProvider>());
  saved_only.Open(image);
  ASSERT_TRUE(PollUntil(saved_only, [&] { return !saved_only.Busy(); }));
  EXPECT_EQ(saved_only.document()->review->state().ovary_box_px, box);
  EXPECT_NE(saved_only.document()->analysis_phase, AnalysisPhase::kFailed) << saved_only.document()->analysis_message;
}

// A box on a visit's scan: the analysis with it is handed to the visit once
// (TakeVisitBoxAnalysis), never merged into the image's own review.
TEST_F(DocumentTest, AVisitBoxAnalysisIsHandedOverNotMergedIntoTheImageReview) {
  const auto image = WriteThreeFollicles();
  const cv::Rect box = kBox;
  auto provider = std::make_shared<OvaryBoxProvider>(test::ThreeFollicles());
  DocumentController documents({}, provider);
  EXPECT_FALSE(documents.AnalyseForVisit(box));  // nothing open
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  EXPECT_FALSE(documents.AnalyseForVisit({10, 10, 0, 50}));  // an empty box
  ASSERT_TRUE(documents.AnalyseForVisit(box));
  std::optional<DocumentController::VisitBoxAnalysis> got;
  ASSERT_TRUE(PollUntil(documents, [&] {
    got = documents.TakeVisitBoxAnalysis();
    return got.has_value();
  }));
  EXPECT_EQ(got->box, box);
  EXPECT_EQ(got->generation, documents.document()->generation);
  ASSERT_TRUE(got->result.ok());
  ASSERT_TRUE(got->result->has_value());
  EXPECT_EQ((*got->result)->frames[0].follicles.size(), 1u);
  EXPECT_EQ(provider->boxes(), std::vector<cv::Rect>{box});
  const ReviewState& state = documents.document()->review->state();
  EXPECT_EQ(state.follicles.size(), 3u);  // the image review is untouched
  EXPECT_FALSE(state.ovary_box_px);
  EXPECT_FALSE(documents.TakeVisitBoxAnalysis());  // handed over once
  EXPECT_FALSE(documents.Busy());
  // Opening an image drops a box analysis still under way.
  ASSERT_TRUE(documents.AnalyseForVisit(box));
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  EXPECT_FALSE(documents.TakeVisitBoxAnalysis());
  // Without the pipeline it is refused, with a reason.
  DocumentController saved_only({}, std::make_shared<SavedAnalysisProvider>());
  saved_only.Open(image);
  ASSERT_TRUE(PollUntil(saved_only, [&] { return !saved_only.Busy(); }));
  EXPECT_FALSE(saved_only.CanAnalyseWithOvary());
  const Status refused = saved_only.AnalyseForVisit(box);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("no pipeline"), std::string::npos);
}

TEST_F(DocumentTest, SubjectIdComesFromTheLookupNeverThePatientId) {
  const auto image = dir_ / "scan.dcm";
  test::WriteFixtureImage(image, test::ThreeFollicles());  // PatientID PH-TEST
  DocumentOptions options;
  options.subject_of = [](const PatientIdentity& who) { return who.patient_id == "PH-TEST" ? "S042" : ""; };
  DocumentController documents(options, nullptr);
  documents.Open(image);
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  EXPECT_EQ(documents.document()->subject_id, "S042");
}

TEST_F(DocumentTest, ReopeningAnotherFileDropsStaleWork) {
  const auto fixture = test::ThreeFollicles();
  test::WriteFixtureImage(dir_ / "a.dcm", fixture);
  auto other = fixture;
  other.width = 320;
  other.follicles.clear();
  test::WriteFixtureImage(dir_ / "b.dcm", other);
  DocumentController documents({}, nullptr);
  documents.Open(dir_ / "a.dcm");
  documents.Open(dir_ / "b.dcm");  // before a.dcm's results arrive
  ASSERT_TRUE(PollUntil(documents, [&] { return !documents.Busy(); }));
  EXPECT_EQ(documents.document()->info->width, 320);
  EXPECT_EQ(documents.document()->generation, 2);
}

// In a visit the viewer draws the estimated ovary from the analysis `antra
// batch` cached for the scan's bytes: entries written by the batch's cache
// are found, the newest of several configurations wins, unreadable ones and
// other files' entries are passed over, and no cache is no analysis.
TEST_F(DocumentTest, TheBatchCachedAnalysisOfTheImageIsFound) {
  const auto image = WriteThreeFollicles();
  const auto results = dir_ / "results";
  EXPECT_FALSE(FindCachedAnalysis(results, image));
  const std::string sha = *FileSha256(image);
  auto analysis = test::FixtureAnalysis(test::ThreeFollicles());
  OvaryMeasurement ovary;
  ovary.contour_px = {{100, 100}, {300, 100}, {300, 250}, {100, 250}};
  analysis.frames.front().ovary = ovary;
  const auto folder = AnalysisCache::FolderUnder(results);
  ASSERT_TRUE(AnalysisCache(folder, "aaaaaaaaaaaaaaaa").StoreAnalysis(sha, analysis));
  auto found = FindCachedAnalysis(results, image);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->sop_instance_uid, analysis.sop_instance_uid);
  ASSERT_TRUE(found->frames.front().ovary);
  EXPECT_EQ(found->frames.front().ovary->contour_px, ovary.contour_px);

  // A later run with other settings: its entry is the newer one.
  const AnalysisCache older(folder, "aaaaaaaaaaaaaaaa"), newer(folder, "bbbbbbbbbbbbbbbb");
  analysis.frames.front().ovary->contour_px = {{10, 10}, {60, 10}, {60, 40}};
  ASSERT_TRUE(newer.StoreAnalysis(sha, analysis));
  const auto now = std::filesystem::file_time_type::clock::now();
  std::filesystem::last_write_time(older.EntryPath(sha), now - std::chrono::hours(1));
  std::filesystem::last_write_time(newer.EntryPath(sha), now);
  EXPECT_EQ(FindCachedAnalysis(results, image)->frames.front().ovary->contour_px.size(), 3u);
  // The newest unreadable: the readable one is shown; another file's entry never.
  test::WriteBytes(newer.EntryPath(sha), "{\"schema\": \"antra-batch-cache/1\", trunc");
  EXPECT_EQ(FindCachedAnalysis(results, image)->frames.front().ovary->contour_px.size(), 4u);
  const auto other = dir_ / "other.dcm";
  test::WriteBytes(other, "other bytes");
  EXPECT_FALSE(FindCachedAnalysis(results, other));
}

}  // namespace
}  // namespace antra::viewer
