#pragma once
/// Error values that cross layers: no exception leaves container/ or checks/.

#include <cerrno>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace preflight {

/// What went wrong: an errno-style code (0 when none applies) and a one-line message
/// of the form "<operation> `<object>`: <reason>".
struct Error {
  int code = 0;
  std::string message;
};

/// Builds an Error from errno (or `err`): "open `/x`: No such file or directory".
Error Errno(std::string_view operation, std::string_view object, int err = errno);

/// A value or an Error. Check `ok()` before dereferencing.
template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Expected(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }
  T value_or(T fallback) const { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

/// Success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace preflight
