#pragma once
// Undo/redo by snapshots. A review state is small (tens of follicles), so
// keeping whole copies is simpler and safer than inverse commands: an undo can
// never drift from what was shown.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace antra::viewer {

template <typename State>
class History {
 public:
  static constexpr std::size_t kMaxUndoSteps = 1000;

  explicit History(State initial) { entries_.push_back({"", std::move(initial)}); }

  const State& current() const { return entries_[position_].state; }

  // A new state after an edit; anything that could be redone is dropped.
  void Commit(std::string description, State next) {
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(position_) + 1, entries_.end());
    entries_.push_back({std::move(description), std::move(next)});
    if (entries_.size() > kMaxUndoSteps + 1) entries_.erase(entries_.begin());
    position_ = entries_.size() - 1;
  }

  bool CanUndo() const { return position_ > 0; }
  bool CanRedo() const { return position_ + 1 < entries_.size(); }
  std::string UndoDescription() const { return CanUndo() ? entries_[position_].description : ""; }
  std::string RedoDescription() const { return CanRedo() ? entries_[position_ + 1].description : ""; }

  // Each returns the description of the edit undone or redone.
  std::optional<std::string> Undo() {
    if (!CanUndo()) return std::nullopt;
    return entries_[position_--].description;
  }
  std::optional<std::string> Redo() {
    if (!CanRedo()) return std::nullopt;
    return entries_[++position_].description;
  }

  // Forgets every step: `state` becomes the only one.
  void Reset(State state) {
    entries_.clear();
    entries_.push_back({"", std::move(state)});
    position_ = 0;
  }

 private:
  struct Entry {
    std::string description;
    State state;
  };
  std::vector<Entry> entries_;
  std::size_t position_ = 0;
};

}  // namespace antra::viewer
