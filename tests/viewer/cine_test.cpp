#include <gtest/gtest.h>

#include "viewer/cine_player.h"
#include "viewer/frame_cache.h"

namespace antra::viewer {
namespace {

auto AllReady = [](int) { return true; };

TEST(CinePlayer, AdvancesAtTheFilesFrameRate) {
  CinePlayer cine;
  cine.Reset(10, 40.0);  // 25 frames per second
  EXPECT_TRUE(cine.frame_time_from_file());
  EXPECT_EQ(cine.Advance(100, AllReady), 0);  // not playing
  cine.SetPlaying(true);
  EXPECT_EQ(cine.Advance(39, AllReady), 0);
  EXPECT_EQ(cine.Advance(1, AllReady), 1);
  EXPECT_EQ(cine.Advance(80, AllReady), 3);
  EXPECT_EQ(cine.Advance(40 * 7, AllReady), 7);  // capped: a long stall does not race ahead
}

TEST(CinePlayer, LoopsAndSteps) {
  CinePlayer cine;
  cine.Reset(3, 10.0);
  cine.Step(-1);
  EXPECT_EQ(cine.frame(), 2);
  cine.Step(+1);
  EXPECT_EQ(cine.frame(), 0);
  cine.Seek(99);
  EXPECT_EQ(cine.frame(), 2);
  cine.SetPlaying(true);
  EXPECT_EQ(cine.Advance(10, AllReady), 0);  // wraps
}

TEST(CinePlayer, HoldsOnAFrameThatIsNotDecoded) {
  CinePlayer cine;
  cine.Reset(5, 10.0);
  cine.SetPlaying(true);
  auto ready_up_to_1 = [](int i) { return i <= 1; };
  EXPECT_EQ(cine.Advance(30, ready_up_to_1), 1);
  EXPECT_TRUE(cine.waiting_for_decode());
  EXPECT_EQ(cine.Advance(1, AllReady), 2);  // shown as soon as it arrives
  EXPECT_FALSE(cine.waiting_for_decode());
}

TEST(CinePlayer, SingleFramesAndMissingFrameTimes) {
  CinePlayer cine;
  cine.Reset(1, std::nullopt);
  EXPECT_FALSE(cine.frame_time_from_file());
  EXPECT_DOUBLE_EQ(cine.frame_time_ms(), CinePlayer::kDefaultFrameTimeMs);
  cine.SetPlaying(true);
  EXPECT_FALSE(cine.playing());
}

Frame MakeFrame(int index) {
  Frame f;
  f.index = index;
  f.luma = cv::Mat(10, 10, CV_8UC1, cv::Scalar(index));
  f.rgb = cv::Mat(10, 10, CV_8UC3, cv::Scalar(index, index, index));
  return f;
}

TEST(FrameCache, KeepsAWindowAheadOfTheShownFrame) {
  const std::size_t frame_bytes = FrameBytes(MakeFrame(0));
  EXPECT_EQ(frame_bytes, 400u);
  FrameCache cache(4 * frame_bytes, 10);
  for (int i = 0; i < 6; ++i) cache.Put(MakeFrame(i));
  EXPECT_EQ(cache.bytes(), 6 * frame_bytes);
  const auto evicted = cache.EvictOutsideWindow(8);  // window: 8, 9, 0, 1
  EXPECT_EQ(evicted.size(), 4u);                     // 2, 3, 4, 5
  EXPECT_TRUE(cache.Has(0) && cache.Has(1));
  EXPECT_FALSE(cache.Has(2));
  EXPECT_EQ(cache.bytes(), 2 * frame_bytes);
  EXPECT_TRUE(cache.EvictOutsideWindow(3).empty());  // within budget: nothing to drop
}

TEST(FrameCache, WindowArithmetic) {
  EXPECT_EQ(ForwardDistance(8, 1, 10), 3);
  EXPECT_EQ(ForwardDistance(1, 8, 10), 7);
  EXPECT_EQ(ResidentWindow(1000, 300, 10), 3);
  EXPECT_EQ(ResidentWindow(100, 300, 10), 2);  // at least the shown frame and the next
  EXPECT_EQ(ResidentWindow(1 << 30, 300, 10), 10);
  EXPECT_EQ(ResidentWindow(1000, 0, 10), 10);
}

}  // namespace
}  // namespace antra::viewer
