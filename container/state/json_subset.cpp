#include "container/state/json_subset.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace preflight::container {
namespace {

using Sax = nlohmann::json_sax<nlohmann::json>;

constexpr int kMaxDepth = 32;  // recursion here; nlohmann, which has none, takes deeper text

class Lexer {
 public:
  Lexer(std::string_view text, Sax& sax)
      : p_(text.data()), end_(text.data() + text.size()), sax_(sax) {}

  bool Document() {
    SkipSpace();
    if (!Value(0)) return false;
    SkipSpace();
    return p_ == end_;
  }

 private:
  void SkipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word)
      return false;
    p_ += word.size();
    return true;
  }
  static bool Digit(char c) { return c >= '0' && c <= '9'; }

  bool Value(int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return depth < kMaxDepth && Object(depth + 1);
      case '[':
        return depth < kMaxDepth && Array(depth + 1);
      case '"': {
        std::string s;
        return String(s) && sax_.string(s);
      }
      case 't':
        return Literal("true") && sax_.boolean(true);
      case 'f':
        return Literal("false") && sax_.boolean(false);
      case 'n':
        return Literal("null") && sax_.null();
      default:
        return Number();
    }
  }

  bool Object(int depth) {
    ++p_;  // '{'
    if (!sax_.start_object(static_cast<std::size_t>(-1))) return false;
    SkipSpace();
    if (p_ != end_ && *p_ == '}') return ++p_, sax_.end_object();
    while (true) {
      std::string key;
      if (p_ == end_ || *p_ != '"' || !String(key) || !sax_.key(key)) return false;
      SkipSpace();
      if (p_ == end_ || *p_++ != ':') return false;
      SkipSpace();
      if (!Value(depth)) return false;
      SkipSpace();
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '}') return sax_.end_object();
      if (c != ',') return false;
      SkipSpace();
    }
  }

  bool Array(int depth) {
    ++p_;  // '['
    if (!sax_.start_array(static_cast<std::size_t>(-1))) return false;
    SkipSpace();
    if (p_ != end_ && *p_ == ']') return ++p_, sax_.end_array();
    while (true) {
      if (!Value(depth)) return false;
      SkipSpace();
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == ']') return sax_.end_array();
      if (c != ',') return false;
      SkipSpace();
    }
  }

  // At '"'. Printable ASCII and the one-character escapes; \u and other bytes are not ours.
  bool String(std::string& out) {
    ++p_;
    const char* run = p_;
    while (p_ != end_) {
      const char c = *p_;
      if (c == '"') {
        out.append(run, p_ - run);
        ++p_;
        return true;
      }
      if (c < 0x20 || c > 0x7e) return false;
      if (c != '\\') {
        ++p_;
        continue;
      }
      out.append(run, p_ - run);
      if (++p_ == end_) return false;
      switch (*p_) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        default:
          return false;
      }
      run = ++p_;
    }
    return false;
  }

  // RFC 8259's number, converted as nlohmann does: an integer to int64 (negative) or uint64,
  // anything with a fraction or exponent to double. Overflow of either is not ours.
  bool Number() {
    const char* start = p_;
    if (p_ != end_ && *p_ == '-') ++p_;
    if (p_ == end_ || !Digit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && Digit(*p_)) ++p_;
    }
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      integer = false;
      if (++p_ == end_ || !Digit(*p_)) return false;
      while (p_ != end_ && Digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      if (++p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !Digit(*p_)) return false;
      while (p_ != end_ && Digit(*p_)) ++p_;
    }
    if (integer && *start == '-') {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(start, p_, v);
      return ec == std::errc() && ptr == p_ && sax_.number_integer(v);
    }
    if (integer) {
      uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(start, p_, v);
      return ec == std::errc() && ptr == p_ && sax_.number_unsigned(v);
    }
    double v = 0;
    auto [ptr, ec] = std::from_chars(start, p_, v);
    if (ec != std::errc() || ptr != p_ || !std::isfinite(v)) return false;
    return sax_.number_float(v, std::string(start, p_));
  }

  const char* p_;
  const char* const end_;
  Sax& sax_;
};

}  // namespace

bool SaxParseSubset(std::string_view text, Sax& sax) { return Lexer(text, sax).Document(); }

}  // namespace preflight::container
