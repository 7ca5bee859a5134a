#pragma once
/// The first implementation of runs.json, on nlohmann::json's document model: kept in the
/// tests as the reference that the streaming reader and the direct writer of
/// container/state/run_records.cpp must agree with, byte for byte and error for error.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "container/state/run_records.h"

namespace preflight::container::reference {
namespace detail {

using Json = nlohmann::json;

inline Error Bad(const std::string& what) { return Error{EPROTO, "runs.json: " + what}; }

// Each getter leaves `out` alone when the key is absent or null, and fails on a wrong type.
inline bool GetInt(const Json& obj, const char* key, std::optional<int64_t>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_number_integer()) return false;
  out = it->get<int64_t>();
  return true;
}

inline bool GetBool(const Json& obj, const char* key, std::optional<bool>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_boolean()) return false;
  out = it->get<bool>();
  return true;
}

inline bool GetNumber(const Json& obj, const char* key, std::optional<double>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_number()) return false;
  out = it->get<double>();
  return true;
}

inline bool GetString(const Json& obj, const char* key, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return out.size() <= 256;
}

/// The record's `agent` entry: dropped (never an error) unless every part reads back.
inline std::optional<KnownAgent> ParseAgent(const Json& record) {
  auto it = record.find("agent");
  if (it == record.end() || !it->is_object()) return std::nullopt;
  const Json& a = *it;
  KnownAgent out;
  auto text = [&](const char* key, size_t max, std::string& v, bool optional) {
    auto f = a.find(key);
    if (f == a.end() || f->is_null()) return optional;
    if (!f->is_string()) return false;
    v = f->get<std::string>();
    return v.size() <= max;
  };
  auto unsigned_number = [&](const char* key, uint64_t& v) {
    auto f = a.find(key);
    if (f == a.end() || !f->is_number_unsigned()) return false;
    v = f->get<uint64_t>();
    return true;
  };
  auto signed_number = [&](const char* key, int64_t& v) {
    auto f = a.find(key);
    if (f == a.end() || !f->is_number_integer()) return false;
    if (f->is_number_unsigned() && f->get<uint64_t>() > INT64_MAX) return false;
    v = f->get<int64_t>();
    return true;
  };
  bool ok = text("path", 4096, out.path, false) && text("version", 64, out.version, false) &&
            text("cloud_evidence", 256, out.cloud_evidence, true) &&
            unsigned_number("ino", out.ino) && unsigned_number("size", out.size) &&
            signed_number("mtime_ns", out.mtime_ns) && signed_number("ctime_ns", out.ctime_ns);
  if (auto c = a.find("cloud"); c != a.end() && !c->is_null()) {
    if (!c->is_boolean()) return std::nullopt;
    out.cloud = c->get<bool>();
  }
  if (!ok) return std::nullopt;
  return out;
}

inline bool FitsInt(const std::optional<int64_t>& v) {
  return !v || (*v >= -(1LL << 31) && *v < (1LL << 31));
}

inline Expected<RunRecord> ParseOne(const Json& j, size_t index) {
  const std::string where = "run " + std::to_string(index) + ": ";
  if (!j.is_object()) return Bad(where + "not an object");
  RunRecord r;
  std::optional<int64_t> start, pid, exit_code, signal, end;
  std::optional<bool> claimed_start;
  bool ok = GetInt(j, "start_ms", start) && GetInt(j, "pid", pid) && GetInt(j, "end_ms", end) &&
            GetInt(j, "exit_code", exit_code) && GetInt(j, "signal", signal) &&
            GetBool(j, "claimed_at_start", claimed_start) &&
            GetBool(j, "claimed_at_end", r.claimed_at_end) &&
            GetNumber(j, "link_online_s", r.link_online_s) && GetString(j, "mode", r.mode) &&
            GetString(j, "container_id", r.container_id) && GetString(j, "boot_id", r.boot_id);
  if (!ok) return Bad(where + "a field has the wrong type");
  if (!start || *start < 0) return Bad(where + "no start_ms");
  if (!FitsInt(pid) || !FitsInt(exit_code) || !FitsInt(signal))
    return Bad(where + "a number is out of range");
  if (r.mode != "exec" && r.mode != "supervise" && r.mode != "refused") {
    return Bad(where + "unknown mode");
  }
  if (r.link_online_s && !(*r.link_online_s >= 0 && *r.link_online_s < 1e10)) {
    return Bad(where + "link_online_s out of range");
  }
  r.start_ms = *start;
  r.pid = static_cast<int>(pid.value_or(0));
  r.end_ms = end;
  if (exit_code) r.exit_code = static_cast<int>(*exit_code);
  if (signal) r.signal = static_cast<int>(*signal);
  r.claimed_at_start = claimed_start.value_or(false);
  r.agent = ParseAgent(j);
  return r;
}

inline Json ToJson(const RunRecord& r) {
  Json j = Json::object();
  j["start_ms"] = r.start_ms;
  j["pid"] = r.pid;
  j["mode"] = r.mode;
  j["end_ms"] = r.end_ms ? Json(*r.end_ms) : Json(nullptr);
  j["exit_code"] = r.exit_code ? Json(*r.exit_code) : Json(nullptr);
  j["signal"] = r.signal ? Json(*r.signal) : Json(nullptr);
  j["claimed_at_start"] = r.claimed_at_start;
  j["claimed_at_end"] = r.claimed_at_end ? Json(*r.claimed_at_end) : Json(nullptr);
  j["link_online_s"] = r.link_online_s ? Json(*r.link_online_s) : Json(nullptr);
  j["container_id"] = r.container_id;
  j["boot_id"] = r.boot_id;
  if (r.agent) {
    const KnownAgent& a = *r.agent;
    j["agent"] = {{"path", a.path},
                  {"ino", a.ino},
                  {"size", a.size},
                  {"mtime_ns", a.mtime_ns},
                  {"ctime_ns", a.ctime_ns},
                  {"version", a.version},
                  {"cloud", a.cloud ? Json(*a.cloud) : Json(nullptr)},
                  {"cloud_evidence", a.cloud_evidence}};
  }
  return j;
}

}  // namespace detail

inline Expected<std::vector<RunRecord>> ParseRunRecords(std::string_view text) {
  using detail::Bad;
  using detail::Json;
  if (text.size() > kMaxRunRecordsBytes) return Bad("larger than 256 KiB");
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return std::vector<RunRecord>{};
  }
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("not valid JSON");
  if (!doc.is_object()) return Bad("not a JSON object");
  auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_number_integer() || schema->get<int64_t>() != 1) {
    return Bad("not schema 1");
  }
  auto runs = doc.find("runs");
  if (runs == doc.end() || !runs->is_array()) return Bad("no `runs` list");
  std::vector<RunRecord> out;
  for (size_t i = 0; i < runs->size(); ++i) {
    auto r = detail::ParseOne((*runs)[i], i);
    if (!r.ok()) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

inline std::string SerializeRunRecords(const std::vector<RunRecord>& records) {
  using detail::Json;
  const size_t first = records.size() > kMaxRunRecords ? records.size() - kMaxRunRecords : 0;
  // One record per line keeps the file readable with `cat` and diffable.
  std::string text = "{\"schema\":1,\"runs\":[";
  for (size_t i = first; i < records.size(); ++i) {
    text += (i == first ? "\n" : ",\n") +
            detail::ToJson(records[i]).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  text += "\n]}\n";
  return text;
}

}  // namespace preflight::container::reference
