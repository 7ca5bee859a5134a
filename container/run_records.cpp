#include "container/run_records.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>

#include "container/file_info.h"
#include "container/system.h"

namespace preflight::container {
namespace {

using Json = nlohmann::json;

constexpr int kSchema = 1;

Error Bad(const std::string& what) { return Error{EPROTO, "runs.json: " + what}; }

// Each getter leaves `out` alone when the key is absent or null, and fails on a wrong type.
bool GetInt(const Json& obj, const char* key, std::optional<int64_t>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_number_integer()) return false;
  out = it->get<int64_t>();
  return true;
}

bool GetBool(const Json& obj, const char* key, std::optional<bool>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_boolean()) return false;
  out = it->get<bool>();
  return true;
}

bool GetNumber(const Json& obj, const char* key, std::optional<double>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_number()) return false;
  out = it->get<double>();
  return true;
}

bool GetString(const Json& obj, const char* key, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return out.size() <= 256;
}

bool FitsInt(const std::optional<int64_t>& v) {
  return !v || (*v >= -(1LL << 31) && *v < (1LL << 31));
}

Expected<RunRecord> ParseOne(const Json& j, size_t index) {
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
  return r;
}

Json ToJson(const RunRecord& r) {
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
  return j;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// The first run of 64 hex digits right after `marker` in `text`.
std::string IdAfter(std::string_view text, std::string_view marker) {
  for (size_t pos = text.find(marker); pos != std::string_view::npos;
       pos = text.find(marker, pos + 1)) {
    std::string_view rest = text.substr(pos + marker.size());
    if (rest.size() >= 64 && IsHex(rest.substr(0, 64)) &&
        (rest.size() == 64 || !std::isxdigit(static_cast<unsigned char>(rest[64])))) {
      return std::string(rest.substr(0, 64));
    }
  }
  return "";
}

}  // namespace

Expected<std::vector<RunRecord>> ParseRunRecords(std::string_view text) {
  if (text.size() > kMaxRunRecordsBytes) return Bad("larger than 256 KiB");
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return std::vector<RunRecord>{};
  }
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("not valid JSON");
  if (!doc.is_object()) return Bad("not a JSON object");
  auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_number_integer() || schema->get<int64_t>() != kSchema) {
    return Bad("not schema 1");
  }
  auto runs = doc.find("runs");
  if (runs == doc.end() || !runs->is_array()) return Bad("no `runs` list");
  std::vector<RunRecord> out;
  for (size_t i = 0; i < runs->size(); ++i) {
    auto r = ParseOne((*runs)[i], i);
    if (!r.ok()) return r.error();
    out.push_back(std::move(*r));
  }
  return out;
}

std::string SerializeRunRecords(const std::vector<RunRecord>& records) {
  const size_t first = records.size() > kMaxRunRecords ? records.size() - kMaxRunRecords : 0;
  // One record per line keeps the file readable with `cat` and diffable.
  std::string text = "{\"schema\":1,\"runs\":[";
  for (size_t i = first; i < records.size(); ++i) {
    text += (i == first ? "\n" : ",\n") +
            ToJson(records[i]).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  text += "\n]}\n";
  return text;
}

std::string RunRecordsPath(const std::string& var_lib) { return var_lib + "/preflight/runs.json"; }

LoadedRuns LoadRunRecords(System& sys, const std::string& var_lib, bool set_aside) {
  LoadedRuns loaded;
  const std::string path = RunRecordsPath(var_lib);
  auto text = sys.ReadFile(path, kMaxRunRecordsBytes + 1, /*follow_symlinks=*/false);
  if (!text.ok()) {
    if (text.error().code != ENOENT) loaded.problem = text.error().message;
    return loaded;
  }
  auto parsed = ParseRunRecords(*text);
  if (parsed.ok()) {
    loaded.records = std::move(*parsed);
    return loaded;
  }
  loaded.problem = parsed.error().message;
  if (set_aside) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(sys.Now().time_since_epoch());
    const std::string aside = path + ".corrupt-" + std::to_string(now.count());
    auto moved = sys.Rename(path, aside);
    loaded.problem += moved.ok() ? "; set aside as " + aside
                                 : "; could not set it aside: " + moved.error().message;
  }
  return loaded;
}

Status StoreRunRecord(System& sys, const std::string& var_lib, const RunRecord& record,
                      std::string* problem, std::optional<RunRecord>* previous) {
  auto dir = sys.Stat(var_lib, /*follow_symlinks=*/true);
  if (!dir.ok()) return dir.error();
  if (dir->type != FileType::kDirectory) return Errno("open directory", var_lib, ENOTDIR);
  if (auto made = sys.MakeDirs(var_lib + "/preflight", 0755); !made.ok()) return made;
  LoadedRuns loaded = LoadRunRecords(sys, var_lib, /*set_aside=*/true);
  if (problem != nullptr) *problem = loaded.problem;
  auto& runs = loaded.records;
  if (previous != nullptr) {
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
      if (!it->SameRun(record)) {
        *previous = *it;
        break;
      }
    }
  }
  auto same =
      std::find_if(runs.begin(), runs.end(), [&](const RunRecord& r) { return r.SameRun(record); });
  if (same != runs.end()) {
    // An end once seen is never lost to a later write of the start alone.
    RunRecord merged = record;
    if (!merged.end_ms && same->end_ms) {
      merged.end_ms = same->end_ms;
      merged.exit_code = same->exit_code;
      merged.signal = same->signal;
    }
    *same = merged;
  } else {
    runs.push_back(record);
  }
  return sys.WriteFileAtomic(RunRecordsPath(var_lib), SerializeRunRecords(runs));
}

std::string ParseContainerId(std::string_view mountinfo, std::string_view cgroup) {
  for (std::string_view marker : {"/containers/", "/sandboxes/"}) {
    if (auto id = IdAfter(mountinfo, marker); !id.empty()) return id;
  }
  for (std::string_view marker : {"docker-", "/docker/", "cri-containerd-", "crio-", "libpod-"}) {
    if (auto id = IdAfter(cgroup, marker); !id.empty()) return id;
  }
  return "";
}

std::string ReadContainerId(const System& sys) {
  auto mountinfo = sys.ReadFile("/proc/self/mountinfo", 1 << 20, true);
  auto cgroup = sys.ReadFile("/proc/self/cgroup", 64 * 1024, true);
  return ParseContainerId(mountinfo.ok() ? *mountinfo : "", cgroup.ok() ? *cgroup : "");
}

std::string ReadBootId(const System& sys) {
  auto id = sys.ReadFile("/proc/sys/kernel/random/boot_id", 128, true);
  if (!id.ok()) return "";
  std::string out = *id;
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

}  // namespace preflight::container
