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

// ----------------------------------------------------------------- zones
// "+08", "+0800", "+08:00", and "+800" (a one-digit hour, as Go's layout
// "-700" writes it). A one-digit hour alone is only taken after a UTC name
// ("UTC+8"): elsewhere "-0" is more likely a cut-off "-0700" than a zone.
std::optional<int> read_numeric_offset(Cursor& c, bool allow_one_digit) {
  const int sign = c.eat('-') ? -1 : (c.eat('+') ? 1 : 0);
  const std::size_t digits = c.digits_ahead();
  const bool digits_ok = digits == 2 || digits == 4 ||
                         (digits == 3 && c.peek() != '0') ||
                         (digits == 1 && allow_one_digit);
  if (sign == 0 || !digits_ok) {
    return std::nullopt;
  }
  int hours = *c.number(1, 4);
  int minutes = 0;
  if (digits >= 3) {
    minutes = hours % 100;
    hours /= 100;
  } else if (c.eat(':')) {
    const auto parsed = c.number(2, 2);
    if (!parsed) {
      return std::nullopt;
    }
    minutes = *parsed;
  }
  if (minutes > 59 || hours * 60 + minutes > kMaxOffsetHours * 60) {
    return std::nullopt;
  }
  return sign * (hours * 3600 + minutes * 60);
}

bool is_zone_id_byte(char c) {
  return is_alpha(c) || is_digit(c) || c == '/' || c == '_' || c == '-' ||
         c == '+';
}

// "Europe/Paris" and "Etc/GMT+5" name IANA zones, whose rules come from the
// system's time zone database; the UTC ones are known without it.
bool read_zone_id(Cursor& c, std::size_t start, ParsedDate& parsed) {
  while (is_zone_id_byte(c.peek())) {
    c.eat(c.peek());
  }
  const std::string id(c.since(start));
  for (std::string_view name :
       {"Etc/GMT", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu"}) {
    if (iequals(id, name)) {
      parsed.offset = 0;
      return true;
    }
  }
  if (!known_time_zone(id)) {
    return false;
  }
  parsed.zone = id;
  return true;
}

// A numeric offset glued to a zone name wins over the name: JavaScript's
// "GMT+0200", Go's "MST-07:00", "UTC+8" from Chinese feeds.
bool read_named_zone(Cursor& c, ParsedDate& parsed) {
  const std::size_t start = c.pos();
  const std::string_view name = c.ascii_word();
  if (c.peek() == '/' && !name.empty()) {
    return read_zone_id(c, start, parsed);
  }
  const auto minutes = zone_minutes_from_name(name);
  if (!minutes) {
    return false;
  }
  parsed.offset = *minutes * 60;
  if (c.peek() == '+' || c.peek() == '-') {
    parsed.offset = read_numeric_offset(c, is_utc_name(name));
  }
  return parsed.offset.has_value();
}

// Text after the zone and a space is ignored ("-0700 PDT", "+0000 GMT");
// text glued to it means we misread the zone ("EST5EDT").
bool zone_ends_cleanly(const Cursor& c) {
  return c.at_end() || is_space(c.peek());
}

bool apply_meridiem(std::optional<bool> pm, Clock& clock) {
  if (!pm) {
    return true;
  }
  if (clock.hour < 1 || clock.hour > 12) {
    return false;
  }
  clock.hour = clock.hour % 12 + (*pm ? 12 : 0);
  return true;
}

// "17:45", French "17h45", CJK "17時45分" and Korean "5시 45분".
HourMark read_hour_mark(Cursor& c) {
  if (c.eat(':')) {
    return HourMark::kColon;
  }
  if ((c.peek() == 'h' || c.peek() == 'H') && is_digit(c.peek(1))) {
    c.eat(c.peek());
    return HourMark::kLetterH;
  }
  if (eat_any(c, {"時", "时", "시"})) {
    c.skip_spaces();
    return HourMark::kUnit;
  }
  return HourMark::kNone;
}

bool read_seconds(Cursor& c, HourMark mark, Clock& clock) {
  if (mark == HourMark::kColon && c.eat(':')) {
    const auto second = c.number(1, 2);
    if (!second) {
      return false;
    }
    clock.second = *second;
    skip_fraction(c);
    return true;
  }
  if (mark == HourMark::kUnit && eat_any(c, {"分", "분"})) {
    const std::size_t start = c.pos();
    c.skip_spaces();
    const auto second = c.number(1, 2);
    if (second && eat_any(c, {"秒", "초"})) {
      clock.second = *second;
    } else {
      c.rewind(start);
    }
  }
  return true;
}

}  // namespace

bool read_zone(Cursor& c, ParsedDate& parsed) {
  if (c.peek() == '+' || c.peek() == '-') {
    parsed.offset = read_numeric_offset(c, false);
    return parsed.offset.has_value();
  }
  return read_named_zone(c, parsed);
}

bool read_optional_zone(Cursor& c, ParsedDate& parsed) {
  c.skip_spaces();
  if (c.at_end()) {
    return true;
  }
  return read_zone(c, parsed) && zone_ends_cleanly(c);
}

// ----------------------------------------------------------------- times
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

bool eat_any(Cursor& c, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [&c](std::string_view w) { return c.eat_word(w); });
}

// true for PM, false for AM; nothing (and nothing consumed) otherwise.
std::optional<bool> read_meridiem(Cursor& c) {
  const std::size_t start = c.pos();
  c.skip_spaces();
  for (std::string_view marker : kAnteMeridiem) {
    if (c.eat_word(marker) || (marker == "a.m." && c.eat_word("a.m"))) {
      return false;
    }
  }
  for (std::string_view marker : kPostMeridiem) {
    if (c.eat_word(marker) || (marker == "p.m." && c.eat_word("p.m"))) {
      return true;
    }
  }
  c.rewind(start);
  return std::nullopt;
}

// "17:45", "17:45:57.123", "5:45 PM", "5:45 p.m.", "下午 5:45", "17h45".
std::optional<Clock> read_clock(Cursor& c) {
  const std::optional<bool> pm_before = read_meridiem(c);
  c.skip_spaces();
  const auto hour = c.number(1, 2);
  const HourMark mark = hour ? read_hour_mark(c) : HourMark::kNone;
  const auto minute = mark != HourMark::kNone ? c.number(1, 2) : std::nullopt;
  if (!minute) {
    return std::nullopt;
  }
  Clock clock{*hour, *minute, 0};
  if (!read_seconds(c, mark, clock)) {
    return std::nullopt;
  }
  const std::optional<bool> pm = pm_before ? pm_before : read_meridiem(c);
  if (!apply_meridiem(pm, clock)) {
    return std::nullopt;
  }
  const std::size_t start = c.pos();
  c.skip_spaces();
  if (!c.eat_word("uhr")) {
    c.rewind(start);
  }
  return clock;
}

bool read_clock_and_zone(Cursor& c, ParsedDate& parsed) {
  const auto clock = read_clock(c);
  if (!clock) {
    return false;
  }
  parsed.time = *clock;
  return read_optional_zone(c, parsed);
}

// "March 30, 2022 at 5:45 PM", "30 Mar 2022, 17:45", "02/01/2006 - 15:04",
// Apache's "30/Mar/2022:17:45:57 +0000".
void skip_time_lead_in(Cursor& c) {
  c.skip_spaces();
  if (c.eat(',') || c.eat(':') ||
      (c.peek() == '-' && is_space(c.peek(1)) && c.eat('-'))) {
    c.skip_spaces();
  }
  const std::size_t start = c.pos();
  const std::string_view word = c.word();
  if (std::find(kTimeLeadIns.begin(), kTimeLeadIns.end(),
                ascii_lowercase(word)) != kTimeLeadIns.end()) {
    c.skip_spaces();
  } else {
    c.rewind(start);
  }
}

// After a date: nothing, a time and maybe a zone, or a zone alone
// ("02.01.2006 -0700").
bool read_time_and_zone(Cursor& c, ParsedDate& parsed) {
  skip_time_lead_in(c);
  if (c.at_end()) {
    return true;
  }
  const std::size_t start = c.pos();
  if (read_clock_and_zone(c, parsed)) {
    return true;
  }
  c.rewind(start);
  parsed.time = {};
  parsed.offset.reset();
  parsed.zone.clear();
  return read_optional_zone(c, parsed);
}

}  // namespace feedmark::date_detail
