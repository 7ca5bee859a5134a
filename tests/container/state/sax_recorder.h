#pragma once
// A SAX handler that writes down every event it is given, for comparing two lexers that drive
// the same handler (container/state/json_subset.h against nlohmann::json::sax_parse).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace preflight::testing {

class SaxRecorder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::string log;

  bool null() override { return Add("null"); }
  bool boolean(bool b) override { return Add(b ? "true" : "false"); }
  bool number_integer(number_integer_t i) override { return Add("int " + std::to_string(i)); }
  bool number_unsigned(number_unsigned_t u) override { return Add("uint " + std::to_string(u)); }
  bool number_float(number_float_t d, const string_t& token) override {
    char exact[64];
    std::snprintf(exact, sizeof exact, "%a", d);  // every bit of the double
    return Add("float " + std::string(exact) + " " + token);
  }
  bool string(string_t& s) override { return Add("string " + Quoted(s)); }
  bool binary(binary_t&) override { return Add("binary"); }
  bool key(string_t& k) override { return Add("key " + Quoted(k)); }
  bool start_object(std::size_t n) override { return Add("{ " + std::to_string(n)); }
  bool end_object() override { return Add("}"); }
  bool start_array(std::size_t n) override { return Add("[ " + std::to_string(n)); }
  bool end_array() override { return Add("]"); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return Add("error"), false;
  }

 private:
  // Length-prefixed: any byte, including the separator, keeps two logs comparable.
  static std::string Quoted(const std::string& s) { return std::to_string(s.size()) + ":" + s; }
  bool Add(const std::string& event) {
    log += event;
    log += '\n';
    return true;
  }
};

}  // namespace preflight::testing
