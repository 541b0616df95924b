#include <gtest/gtest.h>

#include "support/test_support.h"
#include "viewer/folder_listing.h"
#include "viewer/viewer_fixtures.h"

namespace antra::viewer {
namespace {

TEST(FolderListing, FindsImagesByContentNotName) {
  test::TempDir dir("viewer-folder");
  auto fixture = test::ThreeFollicles();
  fixture.width = 64;
  fixture.height = 48;
  fixture.follicles.clear();
  test::WriteFixtureImage(dir / "b_no_extension", fixture);
  test::WriteFixtureImage(dir / "a.dcm", fixture);
  test::WriteBytes(dir / "notes.dcm", "just text, not DICOM");
  test::WriteBytes(dir / ".hidden.dcm", "x");
  std::filesystem::create_directories(dir / "sub");
  const auto listing = ListFolder(dir.path());
  ASSERT_TRUE(listing) << listing.error().message;
  ASSERT_EQ(listing->entries.size(), 4u);
  EXPECT_TRUE(listing->entries[0].is_folder);  // folders first
  EXPECT_EQ(listing->entries[1].name, "a.dcm");
  EXPECT_TRUE(listing->entries[1].is_image);
  EXPECT_TRUE(listing->entries[2].is_image);  // b_no_extension
  EXPECT_FALSE(listing->entries[3].is_image);  // notes.dcm
  const auto images = ImagesIn(listing.value());
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(NeighbourImage(images, images[0], +1), images[1]);
  EXPECT_FALSE(NeighbourImage(images, images[1], +1));
  EXPECT_FALSE(NeighbourImage(images, images[0], -1));
  EXPECT_FALSE(ListFolder(dir / "missing"));
}

}  // namespace
}  // namespace antra::viewer
