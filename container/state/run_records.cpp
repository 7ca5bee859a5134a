#include "container/state/run_records.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "container/file_info.h"
#include "container/state/json_subset.h"
#include "container/state/state_dir.h"
#include "container/system.h"

namespace preflight::container {
namespace {

using Json = nlohmann::json;

constexpr int kSchema = 1;

Error Bad(const std::string& what) { return Error{EPROTO, "runs.json: " + what}; }

// One field of a record as the reader last saw it. As in a document parser, the last of
// duplicate keys wins: a later value (or null) replaces an earlier one, even of a wrong type.
template <typename T>
struct Field {
  std::optional<T> value;
  bool wrong_type = false;
};

struct RecordFields {
  Field<int64_t> start_ms, pid, end_ms, exit_code, signal;
  Field<bool> claimed_at_start, claimed_at_end;
  Field<double> link_online_s;
  Field<std::string> mode, container_id, boot_id;
  std::optional<KnownAgent> agent;

  bool AnyWrongType() const {
    return start_ms.wrong_type || pid.wrong_type || end_ms.wrong_type || exit_code.wrong_type ||
           signal.wrong_type || claimed_at_start.wrong_type || claimed_at_end.wrong_type ||
           link_online_s.wrong_type || mode.wrong_type || container_id.wrong_type ||
           boot_id.wrong_type;
  }
};

/// One JSON value as the reader is told of it; objects and arrays are kContainer.
struct Value {
  enum Kind { kNull, kBool, kInteger, kFloat, kString, kContainer } kind = kNull;
  bool boolean = false;
  int64_t integer = 0;       ///< an unsigned number is read as int64_t, as get<int64_t>() would
  bool is_unsigned = false;  ///< JSON gave a non-negative integer (then `unsigned_integer`)
  uint64_t unsigned_integer = 0;
  double number = 0;  ///< any number, as get<double>() would
  std::string* text = nullptr;
};

template <typename T>
void Assign(Field<T>& f, const Value& v, bool accepted, T value) {
  f.value.reset();
  f.wrong_type = false;
  if (v.kind == Value::kNull) return;  // null is the same as absent
  if (accepted) {
    f.value = std::move(value);
  } else {
    f.wrong_type = true;
  }
}

void AssignInt(Field<int64_t>& f, const Value& v) {
  Assign(f, v, v.kind == Value::kInteger, v.integer);
}
void AssignBool(Field<bool>& f, const Value& v) { Assign(f, v, v.kind == Value::kBool, v.boolean); }
void AssignNumber(Field<double>& f, const Value& v) {
  Assign(f, v, v.kind == Value::kInteger || v.kind == Value::kFloat, v.number);
}
void AssignString(Field<std::string>& f, const Value& v) {
  const bool ok = v.kind == Value::kString && v.text->size() <= 256;
  Assign(f, v, ok, ok ? std::move(*v.text) : std::string());
}

/// Sets the field `key` of a record; unknown keys are ignored. Keys compare as string_views:
/// the length first, no strlen of each literal.
void AssignField(RecordFields& f, std::string_view key, const Value& v) {
  if (key == "start_ms") return AssignInt(f.start_ms, v);
  if (key == "pid") return AssignInt(f.pid, v);
  if (key == "end_ms") return AssignInt(f.end_ms, v);
  if (key == "exit_code") return AssignInt(f.exit_code, v);
  if (key == "signal") return AssignInt(f.signal, v);
  if (key == "claimed_at_start") return AssignBool(f.claimed_at_start, v);
  if (key == "claimed_at_end") return AssignBool(f.claimed_at_end, v);
  if (key == "link_online_s") return AssignNumber(f.link_online_s, v);
  if (key == "mode") return AssignString(f.mode, v);
  if (key == "container_id") return AssignString(f.container_id, v);
  if (key == "boot_id") return AssignString(f.boot_id, v);
}

/// The `agent` object of a record, as far as it was read. Unlike the record's own fields, a
/// wrong one is not an error: the entry only spares running the agent, so it is dropped.
struct AgentFields {
  KnownAgent agent;
  // Whether the last value of each key was good: required keys start false, optional true.
  bool path = false, ino = false, size = false, mtime = false, ctime = false, version = false;
  bool cloud = true, evidence = true;

  void Assign(std::string_view key, Value& v) {
    if (key == "path") {
      path = String(v, 4096, agent.path);
    } else if (key == "version") {
      version = String(v, 64, agent.version);
    } else if (key == "cloud_evidence") {
      agent.cloud_evidence.clear();
      evidence = v.kind == Value::kNull || String(v, 256, agent.cloud_evidence);
    } else if (key == "cloud") {
      agent.cloud.reset();
      if (v.kind == Value::kBool) agent.cloud = v.boolean;
      cloud = v.kind == Value::kBool || v.kind == Value::kNull;
    } else if (key == "ino") {
      ino = Unsigned(v, agent.ino);
    } else if (key == "size") {
      size = Unsigned(v, agent.size);
    } else if (key == "mtime_ns") {
      mtime = Signed(v, agent.mtime_ns);
    } else if (key == "ctime_ns") {
      ctime = Signed(v, agent.ctime_ns);
    }
  }
  std::optional<KnownAgent> Finish() const {
    if (!(path && ino && size && mtime && ctime && version && cloud && evidence)) return {};
    return agent;
  }

 private:
  static bool String(Value& v, size_t max, std::string& out) {
    if (v.kind != Value::kString || v.text->size() > max) return false;
    out = std::move(*v.text);
    return true;
  }
  static bool Unsigned(const Value& v, uint64_t& out) {
    if (v.kind != Value::kInteger || !v.is_unsigned) return false;
    out = v.unsigned_integer;
    return true;
  }
  static bool Signed(const Value& v, int64_t& out) {
    if (v.kind != Value::kInteger || (v.is_unsigned && v.unsigned_integer > INT64_MAX)) {
      return false;
    }
    out = v.integer;
    return true;
  }
};

bool FitsInt(const std::optional<int64_t>& v) {
  return !v || (*v >= -(1LL << 31) && *v < (1LL << 31));
}

/// A record object, complete: its fields checked and turned into a RunRecord.
Expected<RunRecord> Finish(RecordFields& f, size_t index) {
  const std::string where = "run " + std::to_string(index) + ": ";
  if (f.AnyWrongType()) return Bad(where + "a field has the wrong type");
  const auto& start = f.start_ms.value;
  if (!start || *start < 0) return Bad(where + "no start_ms");
  if (!FitsInt(f.pid.value) || !FitsInt(f.exit_code.value) || !FitsInt(f.signal.value))
    return Bad(where + "a number is out of range");
  RunRecord r;
  if (f.mode.value) r.mode = std::move(*f.mode.value);
  if (r.mode != "exec" && r.mode != "supervise" && r.mode != "refused") {
    return Bad(where + "unknown mode");
  }
  r.link_online_s = f.link_online_s.value;
  if (r.link_online_s && !(*r.link_online_s >= 0 && *r.link_online_s < 1e10)) {
    return Bad(where + "link_online_s out of range");
  }
  r.start_ms = *start;
  r.pid = static_cast<int>(f.pid.value.value_or(0));
  r.end_ms = f.end_ms.value;
  if (f.exit_code.value) r.exit_code = static_cast<int>(*f.exit_code.value);
  if (f.signal.value) r.signal = static_cast<int>(*f.signal.value);
  r.claimed_at_start = f.claimed_at_start.value.value_or(false);
  r.claimed_at_end = f.claimed_at_end.value;
  if (f.container_id.value) r.container_id = std::move(*f.container_id.value);
  if (f.boot_id.value) r.boot_id = std::move(*f.boot_id.value);
  r.agent = std::move(f.agent);
  return r;
}

/// The parser's events straight into records, with no document in between: a start reads
/// this file twice, and a tree of 20 records costs hundreds of allocations each time.
/// Levels: 0 outside, 1 in the top object, 2 in its `runs` list, 3 in a record, 4 in its
/// `agent`; any other object or array is skipped whole. It stops early only on a syntax error, so
/// that invalid JSON is reported as such whatever else is wrong.
class RecordsReader final : public nlohmann::json_sax<Json> {
 public:
  Expected<std::vector<RunRecord>> Result() {
    if (invalid_) return Bad("not valid JSON");
    if (!top_is_object_) return Bad("not a JSON object");
    if (!schema_is_one_) return Bad("not schema 1");
    if (!runs_is_array_) return Bad("no `runs` list");
    if (error_) return *error_;
    return std::move(records_);
  }

  bool null() override { return Scalar({}); }
  bool boolean(bool b) override {
    Value v{Value::kBool};
    v.boolean = b;
    return Scalar(v);
  }
  bool number_integer(number_integer_t i) override {
    Value v{Value::kInteger};
    v.integer = i;
    v.number = static_cast<double>(i);
    return Scalar(v);
  }
  bool number_unsigned(number_unsigned_t u) override {
    Value v{Value::kInteger};
    v.is_unsigned = true;
    v.unsigned_integer = u;
    v.integer = static_cast<int64_t>(u);
    v.number = static_cast<double>(u);
    return Scalar(v);
  }
  bool number_float(number_float_t d, const string_t&) override {
    Value v{Value::kFloat};
    v.number = d;
    return Scalar(v);
  }
  bool string(string_t& s) override {
    Value v{Value::kString};
    v.text = &s;
    return Scalar(v);
  }
  bool binary(binary_t&) override { return Scalar({Value::kContainer}); }  // not in JSON
  bool key(string_t& k) override {
    if (skip_ == 0) key_ = std::move(k);
    return true;
  }
  bool start_object(std::size_t) override {
    const bool agent = level_ == 3 && Key() == "agent";
    if (skip_ > 0 || !(level_ == 0 || level_ == 2 || agent)) return Container();
    if (level_ == 0) top_is_object_ = true;
    if (level_ == 2) fields_ = RecordFields{};
    if (agent) agent_ = AgentFields{};
    ++level_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (skip_ > 0 || level_ != 1 || Key() != "runs") return Container();
    // A later `runs` replaces an earlier one, as the last duplicate key does.
    runs_is_array_ = true;
    records_.clear();
    error_.reset();
    index_ = 0;
    ++level_;
    return true;
  }
  bool end_object() override { return End(); }
  bool end_array() override { return End(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    invalid_ = true;
    return false;
  }

 private:
  /// A scalar, or (kContainer) the start of an object or array that is not entered.
  bool Scalar(Value v) {
    if (skip_ > 0) return true;
    switch (level_) {
      case 0:
        break;  // a top-level scalar or array: not an object
      case 1:
        if (Key() == "schema") schema_is_one_ = v.kind == Value::kInteger && v.integer == kSchema;
        if (Key() == "runs") runs_is_array_ = false, records_.clear(), error_.reset();
        break;
      case 2:
        if (!error_) error_ = Bad("run " + std::to_string(index_) + ": not an object");
        ++index_;
        break;
      case 3:
        if (Key() == "agent") fields_.agent.reset();  // null, or not an object: no entry
        AssignField(fields_, key_, v);
        break;
      default:
        agent_.Assign(key_, v);
    }
    return true;
  }
  bool Container() {
    Scalar({Value::kContainer});
    ++skip_;
    return true;
  }
  bool End() {
    if (skip_ > 0) return --skip_, true;
    if (level_ == 4) fields_.agent = agent_.Finish();
    if (level_ == 3) {
      auto record = Finish(fields_, index_++);
      if (!error_ && record.ok()) records_.push_back(std::move(*record));
      if (!error_ && !record.ok()) error_ = record.error();
    }
    --level_;
    return true;
  }

  std::string_view Key() const { return key_; }

  int level_ = 0;
  int skip_ = 0;  ///< depth inside a skipped object or array
  std::string key_;
  bool invalid_ = false, top_is_object_ = false, schema_is_one_ = false, runs_is_array_ = false;
  RecordFields fields_;
  AgentFields agent_;
  size_t index_ = 0;
  std::vector<RunRecord> records_;
  std::optional<Error> error_;  ///< the first bad record of the last `runs` list
};

/// A string as JSON, invalid UTF-8 replaced (U+FFFD) so that the file always parses back.
void AppendString(std::string& out, const std::string& s) {
  // Ids and modes are printable ASCII: nothing to escape, no serializer to set up.
  if (std::all_of(s.begin(), s.end(),
                  [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; })) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  out += Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

template <typename T>
void AppendOptional(std::string& out, const std::optional<T>& v) {
  if (!v) {
    out += "null";
  } else if constexpr (std::is_same_v<T, bool>) {
    out += *v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, double>) {
    out += Json(*v).dump();  // the shortest text that reads back as the same double
  } else {
    out += std::to_string(*v);
  }
}

void AppendAgent(std::string& out, const KnownAgent& a) {
  out += "{\"cloud\":";
  AppendOptional(out, a.cloud);
  out += ",\"cloud_evidence\":";
  AppendString(out, a.cloud_evidence);
  out += ",\"ctime_ns\":" + std::to_string(a.ctime_ns) + ",\"ino\":" + std::to_string(a.ino) +
         ",\"mtime_ns\":" + std::to_string(a.mtime_ns) + ",\"path\":";
  AppendString(out, a.path);
  out += ",\"size\":" + std::to_string(a.size) + ",\"version\":";
  AppendString(out, a.version);
  out += "}";
}

/// One record on one line, its keys in alphabetical order (the order of every file so far).
void AppendRecord(std::string& out, const RunRecord& r) {
  out += "{";
  if (r.agent) {
    out += "\"agent\":";
    AppendAgent(out, *r.agent);
    out += ",";
  }
  out += "\"boot_id\":";
  AppendString(out, r.boot_id);
  out += ",\"claimed_at_end\":";
  AppendOptional(out, r.claimed_at_end);
  out += ",\"claimed_at_start\":";
  out += r.claimed_at_start ? "true" : "false";
  out += ",\"container_id\":";
  AppendString(out, r.container_id);
  out += ",\"end_ms\":";
  AppendOptional(out, r.end_ms);
  out += ",\"exit_code\":";
  AppendOptional(out, r.exit_code);
  out += ",\"link_online_s\":";
  AppendOptional(out, r.link_online_s);
  out += ",\"mode\":";
  AppendString(out, r.mode);
  out += ",\"pid\":" + std::to_string(r.pid) + ",\"signal\":";
  AppendOptional(out, r.signal);
  out += ",\"start_ms\":" + std::to_string(r.start_ms) + "}";
}

}  // namespace

Expected<std::vector<RunRecord>> ParseRunRecords(std::string_view text) {
  if (text.size() > kMaxRunRecordsBytes) return Bad("larger than 256 KiB");
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return std::vector<RunRecord>{};
  }
  // Our own file, as we wrote it: the fast lexer. Anything else (hand-edited, foreign, broken):
  // nlohmann from the start, with a fresh reader.
  if (RecordsReader fast; SaxParseSubset(text, fast)) return fast.Result();
  RecordsReader reader;
  Json::sax_parse(text.begin(), text.end(), &reader);
  return reader.Result();
}

std::string SerializeRunRecords(const std::vector<RunRecord>& records) {
  const size_t first = records.size() > kMaxRunRecords ? records.size() - kMaxRunRecords : 0;
  // One record per line keeps the file readable with `cat` and diffable.
  std::string text = "{\"schema\":1,\"runs\":[";
  text.reserve(64 + 300 * (records.size() - first));
  for (size_t i = first; i < records.size(); ++i) {
    text += i == first ? "\n" : ",\n";
    AppendRecord(text, records[i]);
  }
  text += "\n]}\n";
  return text;
}

const KnownAgent* FindKnownAgent(const std::vector<RunRecord>& records, const std::string& binary,
                                 const FileInfo& info) {
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (it->agent && it->agent->Describes(binary, info)) return &*it->agent;
  }
  return nullptr;
}

std::string RunRecordsPath(const std::string& var_lib) { return StateDir(var_lib) + "/runs.json"; }

namespace {

// Moves a runs.json that cannot be used out of the way (a later write starts clean), keeps the
// newest kKeepSetAside of them (the evidence, bounded), and says so in `problem`.
void SetAside(System& sys, const std::string& path, std::string& problem) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(sys.Now().time_since_epoch());
  const std::string aside = path + ".corrupt-" + std::to_string(now.count());
  auto moved = sys.Rename(path, aside);
  problem +=
      moved.ok() ? "; set aside as " + aside : "; could not set it aside: " + moved.error().message;
  if (!moved.ok()) return;
  const std::string dir = path.substr(0, path.rfind('/'));
  auto names = sys.ListDir(dir);
  if (!names.ok()) return;
  std::vector<std::pair<long long, std::string>> kept;
  const std::string prefix = "runs.json.corrupt-";
  for (const auto& name : *names) {
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    kept.push_back({std::stoll(digits), name});
  }
  std::sort(kept.begin(), kept.end());
  for (size_t i = 0; i + kKeepSetAside < kept.size(); ++i) {
    (void)sys.Remove(dir + "/" + kept[i].second);  // an old one that stays is only disk space
  }
}

// The version before the last write (atomic_file.h Spare::kKeep), when the current one is
// unusable: the records it holds are the run history minus the newest write at most.
std::optional<std::vector<RunRecord>> FromSpare(System& sys, const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string spare = path.substr(0, slash + 1) + "." + path.substr(slash + 1) + ".spare";
  auto text = sys.ReadStateFile(spare, kMaxRunRecordsBytes + 1);
  if (!text.ok()) return std::nullopt;
  auto parsed = ParseRunRecords(*text);
  if (!parsed.ok() || parsed->empty()) return std::nullopt;
  return std::move(*parsed);
}

// runs.json cannot be used (`loaded.problem` says why): set aside when asked, and the records
// recovered from the previous version, the spare, when it holds them.
LoadedRuns Unusable(System& sys, const std::string& path, bool set_aside, LoadedRuns loaded) {
  if (set_aside) SetAside(sys, path, loaded.problem);
  if (auto spare = FromSpare(sys, path)) {
    loaded.records = std::move(*spare);
    loaded.problem += "; " + std::to_string(loaded.records.size()) +
                      " earlier runs recovered from the previous version (.runs.json.spare)";
  }
  return loaded;
}

}  // namespace

LoadedRuns LoadRunRecords(System& sys, const std::string& var_lib, bool set_aside) {
  LoadedRuns loaded;
  const std::string path = RunRecordsPath(var_lib);
  auto text = sys.ReadStateFile(path, kMaxRunRecordsBytes + 1);
  if (!text.ok()) {
    const int err = text.error().code;
    // Missing: no runs yet. EAGAIN: a writer frozen mid-write, not a bad file.
    if (err == ENOENT || err == ENOTDIR) return loaded;
    loaded.problem = text.error().message;
    if (err == EAGAIN) return loaded;
    // A symlink, a directory, a file we may not read: as useless as a corrupt one, and every
    // later write would fail the same way unless it is moved.
    return Unusable(sys, path, set_aside, std::move(loaded));
  }
  // container.lifetime and the store read the file moments apart: the same bytes are parsed
  // once. Keyed by the whole text, so a file that changed in between is parsed again.
  static std::optional<std::pair<std::string, Expected<std::vector<RunRecord>>>> last;
  if (!last || last->first != *text) last.emplace(*text, ParseRunRecords(*text));
  Expected<std::vector<RunRecord>> parsed = last->second;
  if (parsed.ok()) {
    loaded.records = std::move(*parsed);
    return loaded;
  }
  loaded.problem = parsed.error().message;
  return Unusable(sys, path, set_aside, std::move(loaded));
}

Status StoreRunRecord(System& sys, const std::string& var_lib, const RunRecord& record,
                      std::string* problem, std::optional<RunRecord>* previous) {
  if (auto made = MakeStateDir(sys, var_lib); !made.ok()) return made;
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

std::string ReadBootId(const System& sys) {
  auto id = sys.ReadFile("/proc/sys/kernel/random/boot_id", 128, true);
  if (!id.ok()) return "";
  std::string out = *id;
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

}  // namespace preflight::container
