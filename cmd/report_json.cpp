#include "cmd/report_json.h"

#include "cmd/version.h"

namespace preflight::cmd {

std::string RenderJson(const checks::Report& report) {
  using Json = nlohmann::ordered_json;
  Json doc;
  doc["schema"] = 1;
  doc["tool"] = {{"name", "netdata-preflight"}, {"version", kVersion}};
  doc["command"] = report.command;
  doc["started_at"] = report.started_at;
  doc["duration_ms"] = static_cast<double>(static_cast<long long>(report.duration_ms * 10)) / 10;
  doc["verdict"] = {{"status", std::string(checks::StatusName(report.verdict.status))},
                    {"expected_node_state", report.verdict.expected_node_state},
                    {"section", report.verdict.section},
                    {"summary", report.verdict.summary}};
  Json list = Json::array();
  for (const auto& run : report.checks) {
    const auto& r = run.result;
    list.push_back({{"id", std::string(run.def->id)},
                    {"title", std::string(run.def->title)},
                    {"status", std::string(checks::StatusName(r.status))},
                    {"message", r.message},
                    {"remediation", r.remediation},
                    {"details", r.details.is_object() ? r.details : Json::object()},
                    {"duration_ms",
                     static_cast<double>(static_cast<long long>(r.duration_ms * 1000)) / 1000}});
  }
  doc["checks"] = std::move(list);
  // Invalid UTF-8 from a garbled input must not abort the report: replace it.
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace preflight::cmd
