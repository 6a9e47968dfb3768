#include "feedmark/util/dates.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <mutex>
#include <string>
#include <utility>

#include "date_detail.h"
#include "feedmark/util/text.h"

namespace feedmark::date_detail {
namespace {

UnixTime seconds_as_if_utc(const ParsedDate& parsed) {
  const CivilDate& d = parsed.date;
  const Clock& t = parsed.time;
  const std::int64_t days = days_from_civil(
      d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
  return days * kSecondsPerDay + t.hour * 3600 + t.minute * 60 + t.second;
}

// mktime() only knows the process zone, so TZ is swapped for the call.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const std::string& zone) {
    if (const char* old = std::getenv("TZ")) {
      saved_ = old;
    }
    setenv("TZ", zone.c_str(), 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> saved_;
};

std::tm to_tm(const ParsedDate& parsed) {
  std::tm tm{};
  tm.tm_year = parsed.date.year - 1900;
  tm.tm_mon = parsed.date.month - 1;
  tm.tm_mday = parsed.date.day;
  tm.tm_hour = parsed.time.hour;
  tm.tm_min = parsed.time.minute;
  tm.tm_sec = parsed.time.second;
  tm.tm_isdst = -1;
  return tm;
}

// mktime() returns -1 both for failure and for 1969-12-31T23:59:59; only a
// success fills in tm_wday, so that tells them apart.
std::optional<UnixTime> seconds_in_zone(const ParsedDate& parsed,
                                        const std::string& zone) {
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  const ScopedTimeZone scoped(zone);
  std::tm tm = to_tm(parsed);
  tm.tm_wday = -1;
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1) && tm.tm_wday == -1) {
    return std::nullopt;
  }
  return static_cast<UnixTime>(t);
}

std::optional<UnixTime> resolve(ParsedDate parsed, const std::string& zone) {
  parsed.time.second = std::min(parsed.time.second, 59);
  if (parsed.offset) {
    return seconds_as_if_utc(parsed) - *parsed.offset;
  }
  const std::string& effective = parsed.zone.empty() ? zone : parsed.zone;
  if (effective.empty() || effective == "UTC") {
    return seconds_as_if_utc(parsed);
  }
  return seconds_in_zone(parsed, effective);
}

}  // namespace

// ------------------------------------------------------------- resolving
bool is_valid(const ParsedDate& parsed) {
  const CivilDate& d = parsed.date;
  const Clock& t = parsed.time;
  if (d.month < 1 || d.month > 12 || d.day < 1 ||
      d.day > days_in_month(d.year, d.month)) {
    return false;
  }
  if (t.minute > 59 || t.second > 60) {
    return false;
  }
  return t.hour < 24 || (t.hour == 24 && t.minute == 0 && t.second == 0);
}

}  // namespace feedmark::date_detail

namespace feedmark {

using namespace date_detail;  // the readers of date_detail.h

std::optional<UnixTime> parse_date(std::string_view text,
                                   const std::string& zone) {
  const auto parsed = parse_any(normalized(text));
  if (!parsed || !is_valid(*parsed)) {
    return std::nullopt;
  }
  const auto t = resolve(*parsed, zone);
  if (!t || *t < kEarliest || *t > kLatest) {
    return std::nullopt;
  }
  return t;
}

std::string format_iso8601(UnixTime t) {
  const BrokenDown b = break_down(t);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
                b.year, b.month, b.day, b.hour, b.minute, b.second);
  return buffer;
}

std::string format_rfc1123(UnixTime t) {
  const BrokenDown b = break_down(t);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04lld %02u:%02u:%02u GMT",
                kWeekdayAbbreviations[b.weekday], b.day,
                kMonthAbbreviations[b.month - 1], b.year, b.hour, b.minute,
                b.second);
  return buffer;
}

std::string format_day(UnixTime t) {
  const BrokenDown b = break_down(t);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u", b.year, b.month,
                b.day);
  return buffer;
}

namespace {

// The zoneinfo folder also holds zone.tab, tzdata.zi and leapseconds; only
// compiled zones start with "TZif" (RFC 8536).
bool is_tzif_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return false;
  }
  std::ifstream in(file, std::ios::binary);
  std::array<char, 4> magic{};
  in.read(magic.data(), magic.size());
  return in && std::string_view(magic.data(), magic.size()) == "TZif";
}

}  // namespace

bool known_time_zone(const std::string& zone) {
  if (zone.empty() || zone == "UTC") {
    return true;
  }
  // glibc reads an unknown TZ as UTC, which would give wrong dates silently.
  if (zone.front() == '/' || zone.find("..") != std::string::npos) {
    return false;
  }
  const char* dir = std::getenv("TZDIR");
  const std::filesystem::path file =
      std::filesystem::path(dir && *dir ? dir : "/usr/share/zoneinfo") / zone;
  return is_tzif_file(file);
}

}  // namespace feedmark
