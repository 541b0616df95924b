#pragma once
// Expected per-file outcomes. A failure carries a code a program can branch on
// and a one-line reason a person can read; invariants broken inside the
// library are exceptions instead (see DEVELOPERS notes in README).

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace antra {

enum class ErrorCode {
  kNotFound,       // the path does not exist
  kNotARegularFile,
  kEmptyFile,
  kIo,             // read or write failed
  kNotDicom,       // neither DICOM nor a supported plain image
  kTruncated,      // the file ends before the data it declares
  kCorrupt,        // the bytes contradict the format
  kUnsupported,    // valid, but an encoding Antra does not decode
  kLimitExceeded,  // larger than the hostile-input limits allow
  kInvalidArgument,
};

const char* ToString(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;  // one line, no trailing period, no file name
};

// A value or an Error. Small on purpose: C++20 has no std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<Result*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->Checked(); }
  T& operator*() { return Checked(); }
  const T& operator*() const { return const_cast<Result*>(this)->Checked(); }

  const Error& error() const {
    if (ok()) throw std::logic_error("Result::error() called on a value");
    return std::get<Error>(state_);
  }

 private:
  T& Checked() {
    if (!ok()) throw std::logic_error("Result::value() called on an error: " + std::get<Error>(state_).message);
    return std::get<T>(state_);
  }
  std::variant<T, Error> state_;
};

// Result<void> equivalent.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT
  static Status Ok() { return {}; }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    if (ok()) throw std::logic_error("Status::error() called on success");
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace antra
