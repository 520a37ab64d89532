//===- Status.h - Errors as values for the runtime --------------*- C++ -*-===//
//
// The runtime is built without exceptions and without LLVM, so it reports
// failures as values: a Status is success or a one-line message, and a
// Result<T> holds either a T or a failed Status. Callers test ok() and read
// message(); nothing aborts on an unchecked error, but both types are
// [[nodiscard]] so a dropped error is a compiler warning. Plain C++17.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_STATUS_H
#define ATTN_RUNTIME_STATUS_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace attn::runtime {

/// Success, or a failure with a one-line message.
class [[nodiscard]] Status {
public:
  /// Success.
  Status() = default;

  static Status success() { return Status(); }

  /// A failure; `message` is one line and must not be empty.
  static Status error(std::string message) {
    assert(!message.empty() && "an error needs a message");
    Status status;
    status.failed = true;
    status.text = std::move(message);
    return status;
  }

  bool ok() const { return !failed; }

  /// The message of a failure; empty on success.
  const std::string &message() const { return text; }

  /// The same failure with `prefix` and ": " in front of its message
  /// (success stays success).
  Status withPrefix(const std::string &prefix) const {
    if (ok())
      return *this;
    return error(prefix + ": " + text);
  }

private:
  bool failed = false;
  std::string text;
};

/// A T, or the Status of why there is none.
template <typename T> class [[nodiscard]] Result {
public:
  /// A value.
  Result(T value) : value(std::move(value)) {}

  /// A failure; `status` must not be success.
  Result(Status status) : failure(std::move(status)) {
    assert(!failure.ok() && "a Result without a value needs an error");
  }

  bool ok() const { return value.has_value(); }

  /// The failure (success when there is a value).
  const Status &status() const { return failure; }

  /// The message of a failure; empty when there is a value.
  const std::string &message() const { return failure.message(); }

  T &operator*() {
    assert(ok() && "no value in a failed Result");
    return *value;
  }
  const T &operator*() const {
    assert(ok() && "no value in a failed Result");
    return *value;
  }
  T *operator->() { return &**this; }
  const T *operator->() const { return &**this; }

  /// Moves the value out.
  T take() {
    assert(ok() && "no value in a failed Result");
    return std::move(*value);
  }

private:
  std::optional<T> value;
  Status failure;
};

} // namespace attn::runtime

#endif // ATTN_RUNTIME_STATUS_H
