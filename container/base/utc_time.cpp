#include "container/base/utc_time.h"

#include <cstdio>

namespace preflight::container {

std::string UtcRfc3339(int64_t unix_seconds) {
  constexpr int64_t kDay = 86400;
  int64_t days = unix_seconds / kDay;
  int64_t secs = unix_seconds % kDay;
  if (secs < 0) {
    secs += kDay;
    --days;
  }
  // Days since 1970-01-01 to a civil date (Howard Hinnant's civil_from_days): counted from
  // 0000-03-01 in 400-year eras, so that the leap day is the last day of each year.
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // March = 0
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[128];  // room for any int64_t fields: no truncation to reason about
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

}  // namespace preflight::container
