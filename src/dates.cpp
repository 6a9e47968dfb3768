#include "feedmark/dates.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "feedmark/text.h"

namespace feedmark {
namespace {

struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;
};

struct Clock {
  int hour = 0;
  int minute = 0;
  int second = 0;
};

struct ParsedDate {
  CivilDate date;
  Clock time;
  std::optional<int> offset;  // seconds east of UTC; none: the caller's zone
};

struct BrokenDown {
  long long year = 0;
  unsigned month = 0;
  unsigned day = 0;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  unsigned weekday = 0;  // 0 = Sunday
};

struct NamedZone {
  std::string_view name;
  int minutes;
};

constexpr std::array<std::string_view, 12> kMonthNames = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

constexpr std::array<const char*, 12> kMonthAbbreviations = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr std::array<const char*, 7> kWeekdayAbbreviations = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// CST is the US zone (RFC 822), not China; IST is India, as most feeds mean.
constexpr std::array<NamedZone, 37> kNamedZones = {{
    {"GMT", 0},        {"UT", 0},         {"UTC", 0},        {"Z", 0},
    {"EST", -5 * 60},  {"EDT", -4 * 60},  {"CST", -6 * 60},  {"CDT", -5 * 60},
    {"MST", -7 * 60},  {"MDT", -6 * 60},  {"PST", -8 * 60},  {"PDT", -7 * 60},
    {"AKST", -9 * 60}, {"AKDT", -8 * 60}, {"HST", -10 * 60}, {"WET", 0},
    {"WEST", 60},      {"BST", 60},       {"CET", 60},       {"CEST", 120},
    {"MET", 60},       {"MEST", 120},     {"EET", 120},      {"EEST", 180},
    {"MSK", 180},      {"IST", 330},      {"SGT", 480},      {"HKT", 480},
    {"AWST", 480},     {"JST", 540},      {"KST", 540},      {"ACST", 570},
    {"ACDT", 630},     {"AEST", 600},     {"AEDT", 660},     {"NZST", 720},
    {"NZDT", 780},
}};

constexpr std::int64_t kSecondsPerDay = 86400;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_space(char c) {
  return is_ascii_space(c) || c == '\v';
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::size_t pos() const { return pos_; }
  void rewind(std::size_t pos) { pos_ = pos; }

  bool eat(char c) {
    if (at_end() || text_[pos_] != c) {
      return false;
    }
    ++pos_;
    return true;
  }

  bool skip_spaces() {
    const std::size_t start = pos_;
    while (!at_end() && is_space(text_[pos_])) {
      ++pos_;
    }
    return pos_ > start;
  }

  std::size_t digits_ahead() const {
    std::size_t n = 0;
    while (pos_ + n < text_.size() && is_digit(text_[pos_ + n])) {
      ++n;
    }
    return n;
  }

  // A run of digits outside [min, max] is not consumed, so "20220" is never
  // read as the year 2022.
  std::optional<int> number(std::size_t min, std::size_t max) {
    const std::size_t n = digits_ahead();
    if (n < min || n > max) {
      return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
      value = value * 10 + (text_[pos_++] - '0');
    }
    return value;
  }

  std::string_view word() {
    const std::size_t start = pos_;
    while (!at_end() && is_alpha(text_[pos_])) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                         31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) {
    return 29;
  }
  return kDays[static_cast<std::size_t>(month - 1)];
}

// Howard Hinnant's days_from_civil: exact for any proleptic Gregorian date,
// and free of the process time zone that timegm/mktime depend on.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year =
      (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

// Hinnant's civil_from_days, the inverse of days_from_civil.
BrokenDown civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 +
                                day_of_era / 36524 - day_of_era / 146096) /
                               365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  BrokenDown out;
  out.month = mp < 10 ? mp + 3 : mp - 9;
  out.day = day_of_year - (153 * mp + 2) / 5 + 1;
  out.year = year_of_era + era * 400 + (out.month <= 2 ? 1 : 0);
  return out;
}

BrokenDown break_down(UnixTime t) {
  std::int64_t days = t / kSecondsPerDay;
  std::int64_t seconds = t % kSecondsPerDay;
  if (seconds < 0) {
    seconds += kSecondsPerDay;
    --days;
  }
  BrokenDown out = civil_from_days(days);
  out.hour = static_cast<unsigned>(seconds / 3600);
  out.minute = static_cast<unsigned>(seconds / 60 % 60);
  out.second = static_cast<unsigned>(seconds % 60);
  // 1970-01-01 was a Thursday.
  out.weekday = static_cast<unsigned>((days % 7 + 7 + 4) % 7);
  return out;
}

std::optional<int> month_from_name(std::string_view word) {
  if (word.size() < 3) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < kMonthNames.size(); ++i) {
    const std::string_view name = kMonthNames[i];
    if (word.size() <= name.size() &&
        iequals(word, name.substr(0, word.size()))) {
      return static_cast<int>(i) + 1;
    }
  }
  return std::nullopt;
}

// RFC 2822 section 4.3: military zones were defined with the wrong sign in
// RFC 822, so they carry no information and count as UTC; J is not a zone.
std::optional<int> zone_minutes_from_name(std::string_view name) {
  for (const NamedZone& zone : kNamedZones) {
    if (iequals(name, zone.name)) {
      return zone.minutes;
    }
  }
  if (name.size() == 1 && is_alpha(name[0]) && ascii_lower(name[0]) != 'j') {
    return 0;
  }
  return std::nullopt;
}

bool is_utc_name(std::string_view name) {
  return iequals(name, "GMT") || iequals(name, "UTC") || iequals(name, "UT");
}

// A one-digit hour is only taken after a UTC name ("UTC+8"): alone, "-0" is
// more likely a cut-off "-0700" than a zone.
std::optional<int> read_numeric_offset(Cursor& c, bool allow_one_digit) {
  const int sign = c.eat('-') ? -1 : (c.eat('+') ? 1 : 0);
  const std::size_t digits = c.digits_ahead();
  const bool digits_ok =
      digits == 2 || digits == 4 || (digits == 1 && allow_one_digit);
  if (sign == 0 || !digits_ok) {
    return std::nullopt;
  }
  int hours = *c.number(1, 4);
  int minutes = 0;
  if (digits == 4) {
    minutes = hours % 100;
    hours /= 100;
  } else if (c.eat(':')) {
    const auto parsed = c.number(2, 2);
    if (!parsed) {
      return std::nullopt;
    }
    minutes = *parsed;
  }
  if (hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  return sign * (hours * 3600 + minutes * 60);
}

// JavaScript's Date.toString() writes "GMT+0200 (Central European Summer
// Time)", so a UTC name may carry an offset right after it.
std::optional<int> read_zone(Cursor& c) {
  if (c.peek() == '+' || c.peek() == '-') {
    return read_numeric_offset(c, false);
  }
  const std::string_view name = c.word();
  const auto minutes = zone_minutes_from_name(name);
  if (!minutes) {
    return std::nullopt;
  }
  if (is_utc_name(name) && (c.peek() == '+' || c.peek() == '-')) {
    return read_numeric_offset(c, true);
  }
  return *minutes * 60;
}

// Text after the zone is a comment, as in "-0700 (PDT)" or Java's
// "2022-03-30T17:45:57Z[UTC]"; text glued to it means we misread the zone.
bool zone_ends_cleanly(const Cursor& c) {
  const char next = c.peek();
  return c.at_end() || is_space(next) || next == '(' || next == '[';
}

void skip_fraction(Cursor& c) {
  const std::size_t start = c.pos();
  if (!c.eat('.') && !c.eat(',')) {
    return;
  }
  if (c.digits_ahead() == 0) {
    c.rewind(start);
    return;
  }
  while (is_digit(c.peek())) {
    c.eat(c.peek());
  }
}

std::optional<Clock> apply_meridiem(Cursor& c, Clock clock) {
  const std::size_t start = c.pos();
  c.skip_spaces();
  const std::string_view word = c.word();
  const bool am = iequals(word, "am");
  const bool pm = iequals(word, "pm");
  if (!am && !pm) {
    c.rewind(start);
    return clock;
  }
  if (clock.hour < 1 || clock.hour > 12) {
    return std::nullopt;
  }
  clock.hour = clock.hour % 12 + (pm ? 12 : 0);
  return clock;
}

std::optional<Clock> read_clock(Cursor& c) {
  const auto hour = c.number(1, 2);
  if (!hour || !c.eat(':')) {
    return std::nullopt;
  }
  const auto minute = c.number(2, 2);
  if (!minute) {
    return std::nullopt;
  }
  Clock clock{*hour, *minute, 0};
  if (c.eat(':')) {
    const auto second = c.number(2, 2);
    if (!second) {
      return std::nullopt;
    }
    clock.second = *second;
    skip_fraction(c);
  }
  return apply_meridiem(c, clock);
}

bool read_optional_zone(Cursor& c, ParsedDate& parsed) {
  c.skip_spaces();
  if (c.at_end()) {
    return true;
  }
  const auto offset = read_zone(c);
  if (!offset || !zone_ends_cleanly(c)) {
    return false;
  }
  parsed.offset = offset;
  return true;
}

bool read_clock_and_zone(Cursor& c, ParsedDate& parsed) {
  const auto clock = read_clock(c);
  if (!clock) {
    return false;
  }
  parsed.time = *clock;
  return read_optional_zone(c, parsed);
}

// "March 30, 2022 at 5:45 PM" and "30 Mar 2022, 17:45" both occur.
void skip_time_lead_in(Cursor& c) {
  c.skip_spaces();
  c.eat(',');
  c.skip_spaces();
  const std::size_t start = c.pos();
  if (iequals(c.word(), "at")) {
    c.skip_spaces();
  } else {
    c.rewind(start);
  }
}

bool read_time_and_zone(Cursor& c, ParsedDate& parsed) {
  skip_time_lead_in(c);
  if (c.at_end()) {
    return true;
  }
  return read_clock_and_zone(c, parsed);
}

// Weekdays are skipped unchecked: feeds misspell them ("Wendsday", "Thur")
// and get them wrong for the date more often than they get the date wrong.
void skip_weekday(Cursor& c) {
  const std::size_t start = c.pos();
  const std::string_view word = c.word();
  if (word.empty() || month_from_name(word)) {
    c.rewind(start);
    return;
  }
  while (c.skip_spaces() || c.eat(',') || c.eat('.')) {
  }
}

std::optional<int> read_month(Cursor& c) {
  const auto month = month_from_name(c.word());
  if (month) {
    c.eat('.');
  }
  return month;
}

std::optional<int> read_rfc822_year(Cursor& c) {
  const std::size_t digits = c.digits_ahead();
  if (digits == 4) {
    return c.number(4, 4);
  }
  if (digits != 2) {
    return std::nullopt;
  }
  const int year = *c.number(2, 2);
  return year < 50 ? 2000 + year : 1900 + year;
}

// RFC 850 dates, still sent by old servers, write "30-Mar-22".
void skip_date_separator(Cursor& c) {
  c.skip_spaces();
  if (c.eat('-')) {
    c.skip_spaces();
  }
}

std::optional<ParsedDate> parse_iso(std::string_view text) {
  Cursor c(text);
  const auto year = c.number(4, 4);
  const char separator = c.peek();
  if (!year || (separator != '-' && separator != '/')) {
    return std::nullopt;
  }
  c.eat(separator);
  const auto month = c.number(1, 2);
  if (!month || !c.eat(separator)) {
    return std::nullopt;
  }
  const auto day = c.number(1, 2);
  if (!day) {
    return std::nullopt;
  }
  ParsedDate parsed;
  parsed.date = {*year, *month, *day};
  const bool ok = (c.eat('T') || c.eat('t')) ? read_clock_and_zone(c, parsed)
                                             : read_time_and_zone(c, parsed);
  return ok ? std::optional(parsed) : std::nullopt;
}

std::optional<ParsedDate> parse_rfc822(std::string_view text) {
  Cursor c(text);
  skip_weekday(c);
  const auto day = c.number(1, 2);
  if (!day) {
    return std::nullopt;
  }
  skip_date_separator(c);
  const auto month = read_month(c);
  if (!month) {
    return std::nullopt;
  }
  skip_date_separator(c);
  const auto year = read_rfc822_year(c);
  if (!year) {
    return std::nullopt;
  }
  ParsedDate parsed;
  parsed.date = {*year, *month, *day};
  return read_time_and_zone(c, parsed) ? std::optional(parsed) : std::nullopt;
}

std::optional<int> read_day_with_suffix(Cursor& c) {
  const auto day = c.number(1, 2);
  if (!day) {
    return std::nullopt;
  }
  const std::size_t start = c.pos();
  const std::string_view suffix = c.word();
  if (!iequals(suffix, "st") && !iequals(suffix, "nd") &&
      !iequals(suffix, "rd") && !iequals(suffix, "th")) {
    c.rewind(start);
  }
  return day;
}

// asctime() and date(1): "Wed Mar 30 17:45:57 2022", "... 17:45:57 UTC 2022".
std::optional<ParsedDate> finish_asctime(Cursor& c, ParsedDate parsed) {
  c.skip_spaces();
  if (is_alpha(c.peek()) || c.peek() == '+' || c.peek() == '-') {
    parsed.offset = read_zone(c);
    if (!parsed.offset) {
      return std::nullopt;
    }
    c.skip_spaces();
  }
  const auto year = c.number(4, 4);
  c.skip_spaces();
  if (!year || !c.at_end()) {
    return std::nullopt;
  }
  parsed.date.year = *year;
  return parsed;
}

std::optional<ParsedDate> finish_month_first(Cursor& c, ParsedDate parsed) {
  const auto year = c.number(4, 4);
  if (!year) {
    return std::nullopt;
  }
  parsed.date.year = *year;
  return read_time_and_zone(c, parsed) ? std::optional(parsed) : std::nullopt;
}

std::optional<ParsedDate> parse_month_first(std::string_view text) {
  Cursor c(text);
  skip_weekday(c);
  const auto month = read_month(c);
  c.skip_spaces();
  const auto day = month ? read_day_with_suffix(c) : std::nullopt;
  if (!day) {
    return std::nullopt;
  }
  ParsedDate parsed;
  parsed.date = {0, *month, *day};
  skip_time_lead_in(c);
  const std::size_t start = c.pos();
  if (const auto clock = read_clock(c)) {
    parsed.time = *clock;
    return finish_asctime(c, parsed);
  }
  c.rewind(start);
  return finish_month_first(c, parsed);
}

std::optional<ParsedDate> parse_any(std::string_view text) {
  if (auto parsed = parse_iso(text)) {
    return parsed;
  }
  if (auto parsed = parse_rfc822(text)) {
    return parsed;
  }
  return parse_month_first(text);
}

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
  if (zone.empty() || zone == "UTC") {
    return seconds_as_if_utc(parsed);
  }
  return seconds_in_zone(parsed, zone);
}

}  // namespace

std::optional<UnixTime> parse_date(std::string_view text,
                                   const std::string& zone) {
  const auto parsed = parse_any(trim(text));
  if (!parsed || !is_valid(*parsed)) {
    return std::nullopt;
  }
  return resolve(*parsed, zone);
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
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec);
}

}  // namespace feedmark
