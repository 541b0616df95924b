#include "core/allocator.h"

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace antra {
namespace {

long MinorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// A frame-sized buffer made, filled and freed over and over (what the
// pipeline does with its working images) faults its pages in once, not at
// every frame.
TEST(KeepFrameBuffersInHeap, FreedFrameBuffersAreReusedWithoutPageFaults) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer replaces malloc: glibc's mallopt settings do not apply";
#endif
#if defined(__GLIBC__)
  ASSERT_TRUE(KeepFrameBuffersInHeap());
  constexpr size_t kBytes = 4u << 20;  // 1,024 pages
  auto cycle = [] {
    void* volatile block = std::malloc(kBytes);
    ASSERT_NE(block, nullptr);
    std::memset(block, 1, kBytes);
    std::free(block);
  };
  cycle();  // the first frame faults its pages in
  const long before = MinorFaults();
  for (int frame = 0; frame < 5; ++frame) cycle();
  // Without the setting every cycle faults all 1,024 pages in again (5,120).
  EXPECT_LT(MinorFaults() - before, 100);
#else
  EXPECT_FALSE(KeepFrameBuffersInHeap());
#endif
}

}  // namespace
}  // namespace antra
