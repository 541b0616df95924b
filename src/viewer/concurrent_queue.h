#pragma once
// Worker threads post results here; the main thread drains the queue once per
// frame, so only the main thread ever touches documents, ImGui and OpenGL.

#include <deque>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace antra::viewer {

template <typename T>
class ConcurrentQueue {
 public:
  // `wake` is called after each push (from the pushing thread), e.g. to wake
  // a main loop that sleeps in glfwWaitEvents. It must be thread-safe.
  void SetWake(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
  }

  void Push(T value) {
    std::function<void()> wake;
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(value));
      wake = wake_;
    }
    if (wake) wake();
  }

  std::vector<T> DrainAll() {
    std::lock_guard lock(mutex_);
    std::vector<T> out;
    out.reserve(items_.size());
    for (auto& item : items_) out.push_back(std::move(item));
    items_.clear();
    return out;
  }

  bool empty() const {
    std::lock_guard lock(mutex_);
    return items_.empty();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<T> items_;
  std::function<void()> wake_;
};

}  // namespace antra::viewer
