// End to end on synthetic DICOM files: files -> subjects -> visits -> result
// folders with masked key images, and nothing identifying outside private/.

#include <algorithm>
#include <cctype>
#include <map>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "study/key_image.h"
#include "study/study_run.h"
#include "study/visit_edit.h"
#include "study/visit_json.h"
#include "study_fixtures.h"
#include "support/test_support.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Every file under results/ outside private/ that contains a fake identity.
std::vector<std::string> IdentityLeaks(const fs::path& results) {
  std::vector<std::string> leaks;
  for (const auto& e : fs::recursive_directory_iterator(results)) {
    if (!e.is_regular_file()) continue;
    const auto rel = fs::relative(e.path(), results);
    if (*rel.begin() == "private") continue;
    const std::string bytes = Lower(test::ReadBytes(e.path()));
    for (const auto& needle : test::FakeIdentityStrings()) {
      if (bytes.find(Lower(needle)) != std::string::npos) leaks.push_back(rel.string() + ": " + needle);
    }
  }
  return leaks;
}

class StudyRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Subject A: visits 0 and 1 (left sweep + right still each), a duplicate
    // import, an image with no laterality. Subject B: hostile PatientID,
    // visit 0 only, her name in the series description.
    Add("A", "1.2.826.0.1.3680043.10.5.1", "20260105", "L", "LT OV SWEEP", 12, {{4.4, 3.6, 2, 90, 90}, {6.2, 5.8, 7, 170, 140}});
    Add("A", "1.2.826.0.1.3680043.10.5.2", "20260105", "R", "RT OV", 1, {{3.2, 2.8, 0, 120, 120}});
    Add("A", "1.2.826.0.1.3680043.10.5.3", "20260119", "", "LOV", 12, {{5.2, 4.8, 3, 150, 100}});
    Add("A", "1.2.826.0.1.3680043.10.5.4", "20260120", "", "ROV", 1, {});
    Add("A", "1.2.826.0.1.3680043.10.5.5", "20260119", "", "SWEEP", 8, {{4, 3, 1, 100, 100}});
    fs::copy_file(paths_[0], dir_.path() / "archive" / "copy-of-first.dcm");
    paths_.push_back(dir_.path() / "archive" / "copy-of-first.dcm");
    hostile_.patient_id = "../../B'; DROP TABLE visits;--";
    hostile_.patient_name = "Quillfeather^Rosamund";
    Add("B", "1.2.826.0.1.3680043.10.6.1", "20260201", "R", "RT OV Quillfeather", 1, {{7, 6, 0, 100, 120}}, &hostile_);
  }

  void Add(const std::string& who, const std::string& uid, const std::string& date, const std::string& lat,
           const std::string& description, int frames, std::vector<test::FollicleSpec> follicles,
           const test::DicomFixture* base = nullptr) {
    test::DicomFixture f = base ? *base : test::DicomFixture{};
    if (!base) f.patient_id = std::string(test::kFakePatientId) + "-" + who;
    f.sop_instance_uid = uid;
    f.study_date = date;
    f.image_laterality = lat;
    f.series_description = description;
    f.frames = frames;
    const fs::path path = dir_.path() / "archive" / who / (uid + ".dcm");
    ASSERT_TRUE(test::WriteUsDicom(path, f).ok());
    paths_.push_back(path);
    analyses_[uid] = test::MakeAnalysis(uid, frames, follicles);
  }

  Result<StudyRunSummary> Run() {
    StudyRunOptions options;
    options.who = "antra test";
    return RunStudy(paths_, nullptr, results(), options, [this](const ScannedFile& f) -> std::optional<ImageAnalysis> {
      auto it = analyses_.find(f.info.sop_instance_uid);
      if (it == analyses_.end()) return std::nullopt;
      return it->second;
    });
  }

  fs::path results() const { return dir_.path() / "results"; }

  test::TempDir dir_{"study-run"};
  std::vector<fs::path> paths_;
  std::map<std::string, ImageAnalysis> analyses_;
  test::DicomFixture hostile_;
};

TEST_F(StudyRunTest, WritesVisitFoldersWithoutIdentities) {
  auto summary = Run();
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_TRUE(summary->skipped.empty());
  ASSERT_EQ(summary->visits.size(), 3u);
  for (const auto& v : summary->visits) EXPECT_EQ(v.outcome, SaveOutcome::kCreated);

  ResultsStore store(results());
  auto a0 = store.Load({"S001", 0});
  ASSERT_TRUE(a0.ok()) << a0.error().message;
  EXPECT_EQ(a0->left.counting_scan, "1.2.826.0.1.3680043.10.5.1");
  EXPECT_EQ(*a0->left.Afc(), 2);
  EXPECT_EQ(*a0->right.Afc(), 1);
  EXPECT_EQ(a0->FindScan("1.2.826.0.1.3680043.10.5.1")->duplicate_imports, 1);
  EXPECT_TRUE(a0->Calibrated());
  auto a1 = store.Load({"S001", 1});
  ASSERT_TRUE(a1.ok());
  EXPECT_EQ(a1->scans.size(), 3u);  // days 14 and 15 both are visit 1
  EXPECT_EQ(a1->FindScan("1.2.826.0.1.3680043.10.5.5")->side, Side::kUnknown);
  auto b0 = store.Load({"S002", 0});
  ASSERT_TRUE(b0.ok());
  EXPECT_EQ(b0->baseline_date, "2026-02-01");

  // Key images: present, and black above the ultrasound region where the
  // name and birth date were burned in.
  const fs::path key = results() / "S001" / "visit-00" / "key-left.png";
  ASSERT_TRUE(fs::exists(key));
  cv::Mat png = cv::imread(key.string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(png.empty());
  cv::Mat banner = png(cv::Rect(0, 0, png.cols, test::kRegionY0));
  EXPECT_EQ(cv::countNonZero(banner.reshape(1)), 0);
  cv::Mat inside = png(cv::Rect(test::kRegionX0, test::kRegionY0, 100, 100));
  EXPECT_GT(cv::countNonZero(inside.reshape(1)), 0);

  EXPECT_EQ(IdentityLeaks(results()), std::vector<std::string>{});
  // The private key does hold the link, and nothing else leaves it.
  const std::string key_csv = test::ReadBytes(results() / "private" / "subject-key.csv");
  EXPECT_NE(key_csv.find(test::kFakePatientId), std::string::npos);
  EXPECT_FALSE(fs::exists(results() / ".." / ".." / "B'; DROP TABLE visits;--"));
}

// After a review the key images are drawn again from the reviewed visit: a
// deleted follicle leaves the key image. A scan that cannot be found, or whose
// file now holds another image, gives no key image and a note, never the old one.
TEST_F(StudyRunTest, ReviewedVisitsGetKeyImagesOfTheReviewedFollicles) {
  ASSERT_TRUE(Run().ok());
  ResultsStore store(results());
  auto visit = store.Load({"S001", 0});
  ASSERT_TRUE(visit.ok());
  const fs::path key = results() / "S001" / "visit-00" / "key-left.png";
  const std::string automatic = test::ReadBytes(key);
  auto scan_paths = LoadScanPaths(results());
  ASSERT_TRUE(scan_paths.ok());
  const ScanPathLookup path_of = LookupIn(*scan_paths);
  std::vector<std::string> notes;
  ASSERT_EQ(RenderVisitKeyImages(*visit, path_of, {}, notes).left_png, automatic);  // same visit, same bytes
  EXPECT_TRUE(notes.empty());

  VisitEditor editor(*visit);
  ASSERT_TRUE(editor.DeleteFollicle(Side::kLeft, editor.visit().left.follicles.front().id, "Dr A", "a vessel").ok());
  const KeyImages keys = RenderVisitKeyImages(editor.visit(), path_of, {}, notes);
  ASSERT_TRUE(keys.left_png && keys.right_png);
  EXPECT_TRUE(notes.empty());
  ASSERT_TRUE(store.SaveReviewed(editor, &keys).ok());
  EXPECT_NE(test::ReadBytes(key), automatic);
  EXPECT_EQ(test::ReadBytes(key), *keys.left_png);

  // The left counting scan unknown, and the right one's file replaced by another image.
  const std::string left_uid = editor.visit().left.counting_scan;
  const std::string right_uid = editor.visit().right.counting_scan;
  const fs::path other = scan_paths->at("1.2.826.0.1.3680043.10.6.1");
  const ScanPathLookup broken = [&](const std::string& uid) -> std::optional<fs::path> {
    if (uid == left_uid) return std::nullopt;
    if (uid == right_uid) return other;
    return path_of(uid);
  };
  notes.clear();
  const KeyImages none = RenderVisitKeyImages(editor.visit(), broken, {}, notes);
  EXPECT_FALSE(none.left_png);
  EXPECT_FALSE(none.right_png);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], "left key image: counting scan could not be reopened");
  EXPECT_EQ(notes[1], "right key image: the counting scan's file now holds another image");
  for (const auto& note : notes) EXPECT_EQ(note.find(dir_.path().string()), std::string::npos) << note;  // no paths
}

// A visit made without key images (--no-key-images) gets none from a review.
TEST_F(StudyRunTest, AReviewDrawsNoKeyImagesForAVisitMadeWithoutThem) {
  ASSERT_TRUE(Run().ok());
  const fs::path visit_dir = results() / "S001" / "visit-00";
  fs::remove(visit_dir / "key-left.png");
  fs::remove(visit_dir / "key-right.png");
  ResultsStore store(results());
  auto visit = store.Load({"S001", 0});
  ASSERT_TRUE(visit.ok());
  VisitEditor editor(*visit);
  ASSERT_TRUE(editor.DeleteFollicle(Side::kLeft, editor.visit().left.follicles.front().id, "Dr A", "a vessel").ok());
  auto scan_paths = LoadScanPaths(results());
  ASSERT_TRUE(scan_paths.ok());
  std::vector<std::string> notes;
  const ScanPathLookup path_of = LookupIn(*scan_paths);
  ASSERT_TRUE(SaveReviewedVisit(store, editor, path_of, notes).ok());
  EXPECT_FALSE(fs::exists(visit_dir / "key-left.png"));
  EXPECT_FALSE(fs::exists(visit_dir / "key-right.png"));
  EXPECT_EQ(store.Load({"S001", 0})->left.follicles.size(), visit->left.follicles.size() - 1);
}

TEST_F(StudyRunTest, RerunChangesNothingAndKeepsSubjects) {
  ASSERT_TRUE(Run().ok());
  const std::string before = test::ReadBytes(results() / "S001" / "visit-00" / "visit.json");
  auto again = Run();
  ASSERT_TRUE(again.ok());
  for (const auto& v : again->visits) EXPECT_EQ(v.outcome, SaveOutcome::kUnchanged) << v.visit.subject_id;
  EXPECT_EQ(test::ReadBytes(results() / "S001" / "visit-00" / "visit.json"), before);
}

TEST_F(StudyRunTest, UnreadableFilesAreReportedAndTheRestIsDone) {
  test::WriteBytes(dir_.path() / "archive" / "junk.dcm", "not a dicom file at all");
  paths_.push_back(dir_.path() / "archive" / "junk.dcm");
  paths_.push_back(dir_.path() / "archive" / "missing.dcm");
  auto summary = Run();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->skipped.size(), 2u);
  EXPECT_EQ(summary->visits.size(), 3u);
}

TEST(KeyImage, TextPrintedOverAScreenWideRegionIsRemoved) {
  test::TempDir dir("key-screen-wide");
  test::DicomFixture f;
  f.sop_instance_uid = "1.2.826.0.1.3680043.10.7.1";
  f.region_covers_screen = true;
  f.image_laterality = "L";
  const auto path = dir.path() / "wide.dcm";
  ASSERT_TRUE(test::WriteUsDicom(path, f).ok());
  auto scanned = ScanFile(path);
  ASSERT_TRUE(scanned.ok());
  VisitBuildInput in;
  in.subject_id = "S001";
  in.baseline = *Date::Parse(f.study_date);
  // A follicle near the banner: the window around it reaches the text.
  in.scans.push_back({scanned->info, scanned->identity, scanned->file_sha256, {Side::kLeft, SideSource::kHeader},
                      test::MakeAnalysis(f.sop_instance_uid, 1, {{5, 4, 0, 60, 45}}), 0});
  const VisitResult visit = BuildAutomaticVisit(in);
  auto source = OpenImage(path);
  ASSERT_TRUE(source.ok());
  auto frame = (*source)->ReadFrame(0);
  ASSERT_TRUE(frame.ok());
  auto png = RenderKeyImagePng(*frame, (*source)->info().calibration, visit, Side::kLeft);
  ASSERT_TRUE(png.ok()) << png.error().message;
  cv::Mat key = cv::imdecode(std::vector<unsigned char>(png->begin(), png->end()), cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(key.empty());
  // The banner (name and birth date in white at y ~ 8..22) holds no white stroke.
  cv::Mat banner = key(cv::Rect(0, 0, 200, 26));
  EXPECT_EQ(cv::countNonZero(banner > 230), 0);
  // The tissue around the follicle is still there.
  EXPECT_GT(cv::countNonZero(key(cv::Rect(40, 60, 60, 40)) > 40), 1000);
}

TEST(KeyImage, NoUltrasoundRegionMeansNoKeyImage) {
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar(100, 100, 100));
  auto masked = MaskOutsideUltrasoundRegions(img, Calibration::Uncalibrated("none"));
  ASSERT_FALSE(masked.ok());
  EXPECT_NE(masked.error().message.find("withheld"), std::string::npos);
  auto ok = MaskOutsideUltrasoundRegions(img, test::FixtureCalibration());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->at<cv::Vec3b>(5, 5), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(ok->at<cv::Vec3b>(100, 100), cv::Vec3b(100, 100, 100));
  cv::Mat blank(240, 320, CV_8UC3, cv::Scalar(0, 0, 0));
  EXPECT_FALSE(MaskOutsideUltrasoundRegions(blank, test::FixtureCalibration()).ok());  // no scanned area
}

}  // namespace
}  // namespace antra
