#include "batch/discovery.h"

#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "dicom/synthetic_dicom.h"
#include "support/test_support.h"

namespace antra {
namespace {

void WriteDicomDir(const std::filesystem::path& path, const std::vector<std::string>& ids) {
  DcmFileFormat file;
  file.getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPClassUID, UID_MediaStorageDirectoryStorage);
  DcmDataset* ds = file.getDataset();
  ds->putAndInsertString(DCM_FileSetID, "TEST");
  for (size_t i = 0; i < ids.size(); ++i) {
    DcmItem* record = nullptr;
    ds->findOrCreateSequenceItem(DCM_DirectoryRecordSequence, record, static_cast<long>(i));
    record->putAndInsertString(DCM_DirectoryRecordType, "IMAGE");
    record->putAndInsertString(DCM_ReferencedFileID, ids[i].c_str());
  }
  ASSERT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength, EGL_recalcGL,
                            EPD_noChange, 0, 0, EWM_fileformat).good());
}

TEST(DiscoveryTest, FindsDicomByContentInNestedFoldersAndSkipsTheRest) {
  test::TempDir dir("discovery");
  test::SyntheticDicom d;
  d.FillPattern();
  d.Write(dir / "a" / "b" / "IM0001");          // no extension
  d.Write(dir / "a" / "scan.dcm");
  d.Write(dir / "c" / "IMAGE.DCM");
  test::WriteBytes(dir / "a" / "report.pdf", "%PDF-1.4 nothing");
  test::WriteBytes(dir / "c" / "notes.txt", "hello");
  test::WriteBytes(dir / "c" / "short", "DICM");
  auto archive = DiscoverDicomFiles(dir.path());
  ASSERT_TRUE(archive) << archive.error().message;
  ASSERT_EQ(archive->dicom_files.size(), 3u);
  EXPECT_EQ(archive->skipped_files, 3);
  EXPECT_TRUE(std::is_sorted(archive->dicom_files.begin(), archive->dicom_files.end()));
}

TEST(DiscoveryTest, DicomDirListsFilesAndUnsafeEntriesAreIgnored) {
  test::TempDir dir("discovery-dicomdir");
  test::SyntheticDicom d;
  d.FillPattern();
  d.Write(dir / "IMAGES" / "IM1");
  WriteDicomDir(dir / "DICOMDIR", {"IMAGES\\IM1", "IMAGES\\MISSING", "..\\..\\etc\\passwd"});
  auto archive = DiscoverDicomFiles(dir.path());
  ASSERT_TRUE(archive) << archive.error().message;
  EXPECT_EQ(archive->dicomdirs, 1);
  ASSERT_EQ(archive->dicom_files.size(), 1u);  // IM1 found by content and by the DICOMDIR, listed once
  EXPECT_EQ(archive->dicom_files[0].filename(), "IM1");
  ASSERT_EQ(archive->warnings.size(), 2u);
}

TEST(DiscoveryTest, MissingOrFileRootIsAClearError) {
  test::TempDir dir("discovery-bad");
  EXPECT_EQ(DiscoverDicomFiles(dir / "nope").error().code, ErrorCode::kNotFound);
  test::WriteBytes(dir / "file", "x");
  EXPECT_EQ(DiscoverDicomFiles(dir / "file").error().code, ErrorCode::kNotARegularFile);
}

}  // namespace
}  // namespace antra
