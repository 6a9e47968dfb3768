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

// ------------------------------------------------------------ ISO 8601
// "T17:45:57Z" and, after a basic-format date, "T174557Z" and "T1745".
bool read_iso_time(Cursor& c, ParsedDate& parsed, bool basic) {
  const std::size_t digits = c.digits_ahead();
  if (!basic || (digits != 4 && digits != 6)) {
    return read_clock_and_zone(c, parsed);
  }
  parsed.time.hour = *c.digits(2);
  parsed.time.minute = *c.digits(2);
  if (digits == 6) {
    parsed.time.second = *c.digits(2);
    skip_fraction(c);
  }
  return read_optional_zone(c, parsed);
}

std::optional<ParsedDate> finish_iso(Cursor& c, CivilDate date, bool basic) {
  ParsedDate parsed;
  parsed.date = date;
  bool ok = false;
  if (c.eat('T') || c.eat('t')) {
    ok = read_iso_time(c, parsed, basic);
  } else {
    ok = read_time_and_zone(c, parsed);
  }
  return ok ? std::optional(parsed) : std::nullopt;
}

// Basic format without separators: "20220330", "20220330T174557Z", and the
// ISO 8601:2000 forms feedparser reads: "031231" (YYMMDD), "2003335" and
// "03335" (ordinal days).
std::optional<ParsedDate> parse_iso_basic(Cursor& c, std::size_t digits) {
  CivilDate date;
  if (digits == 8) {
    date = {*c.digits(4), *c.digits(2), *c.digits(2)};
  } else if (digits == 6) {
    const int year = year_from_two_digits(*c.digits(2));
    date = {year, *c.digits(2), *c.digits(2)};
  } else if (digits == 7) {
    const int year = *c.digits(4);
    date = date_from_ordinal(year, *c.digits(3));
  } else if (digits == 5) {
    const int year = year_from_two_digits(*c.digits(2));
    date = date_from_ordinal(year, *c.digits(3));
  } else {
    return std::nullopt;
  }
  return finish_iso(c, date, true);
}

// The month of "2003-012-31", a zero too many that feedparser accepts.
std::optional<int> read_iso_month(Cursor& c) {
  if (c.digits_ahead() == 3 && c.peek() == '0' && c.peek(3) == '-') {
    c.eat('0');
  }
  return c.number(1, 2);
}

// "2022-03-30", "2022/03/30", "2022-3-5", "2003-335", and reduced to
// "2003-12" and "2003" unless a weekday led ("été 2022" is no date).
std::optional<ParsedDate> parse_iso_extended(Cursor& c, int year,
                                             bool allow_reduced) {
  const char separator = c.peek();
  if (c.at_end()) {
    return allow_reduced ? finish_iso(c, {year, 1, 1}, false) : std::nullopt;
  }
  if (separator != '-' && separator != '/') {
    return std::nullopt;
  }
  c.eat(separator);
  if (separator == '-' && c.digits_ahead() == 3 && c.peek(3) != '-') {
    return finish_iso(c, date_from_ordinal(year, *c.digits(3)), false);
  }
  const auto month = read_iso_month(c);
  if (!month) {
    return std::nullopt;
  }
  if (c.at_end()) {
    return allow_reduced ? finish_iso(c, {year, *month, 1}, false)
                         : std::nullopt;
  }
  const auto day = c.eat(separator) ? c.number(1, 2) : std::nullopt;
  if (!day) {
    return std::nullopt;
  }
  return finish_iso(c, {year, *month, *day}, false);
}

// "03-12-31" and "03-335": ISO 8601:2000 two-digit years, as feedparser
// reads them.
std::optional<ParsedDate> parse_iso_two_digit_year(Cursor& c) {
  const int year = year_from_two_digits(*c.digits(2));
  if (!c.eat('-')) {
    return std::nullopt;
  }
  if (c.digits_ahead() == 3) {
    return finish_iso(c, date_from_ordinal(year, *c.digits(3)), false);
  }
  const auto month = c.number(2, 2);
  const auto day = month && c.eat('-') ? c.number(2, 2) : std::nullopt;
  if (!day) {
    return std::nullopt;
  }
  return finish_iso(c, {year, *month, *day}, false);
}

// "-0312" and "-03-12": ISO 8601:2000 truncated year and month.
std::optional<ParsedDate> parse_iso_truncated(Cursor& c) {
  const auto year = c.digits(2);
  c.eat('-');
  const auto month = year ? c.digits(2) : std::nullopt;
  if (!month || !c.at_end()) {
    return std::nullopt;
  }
  ParsedDate parsed;
  parsed.date = {year_from_two_digits(*year), *month, 1};
  return parsed;
}

// A weekday may lead, as in Perforce's "Fri, 2006/09/15 08:19:53 EDT".
void skip_weekday(Cursor& c);

std::optional<ParsedDate> parse_iso(std::string_view text) {
  Cursor c(text);
  skip_weekday(c);
  const bool had_weekday = c.pos() > 0;
  if (c.eat('-')) {
    return c.digits_ahead() == 2 || c.digits_ahead() == 4
               ? parse_iso_truncated(c)
               : std::nullopt;
  }
  const std::size_t digits = c.digits_ahead();
  if (digits == 4) {
    return parse_iso_extended(c, *c.digits(4), !had_weekday);
  }
  if (digits == 2 && c.peek(2) == '-') {
    return parse_iso_two_digit_year(c);
  }
  return parse_iso_basic(c, digits);
}

// ------------------------------------------------------------------ CJK
bool read_cjk_number(Cursor& c, std::size_t max_digits,
                     std::initializer_list<std::string_view> units, int& out) {
  c.skip_spaces();
  const auto value = c.number(1, max_digits);
  c.skip_spaces();
  if (!value || !eat_any(c, units)) {
    return false;
  }
  out = *value;
  return true;
}

// Weekdays after the day: "星期三", "周三", "水曜日", "수요일"; a meridiem
// marker is left for read_clock().
void skip_cjk_weekday(Cursor& c) {
  const std::size_t start = c.pos();
  c.skip_spaces();
  if (static_cast<unsigned char>(c.peek()) < 0x80 || read_meridiem(c)) {
    c.rewind(start);
    return;
  }
  c.word();
}

// Chinese and Japanese "2022年03月30日 17:45", Korean "2022년 3월 30일
// 오후 5:45" (OnBlog's feeds).
std::optional<ParsedDate> parse_cjk(std::string_view text) {
  Cursor c(text);
  ParsedDate parsed;
  CivilDate& d = parsed.date;
  if (!read_cjk_number(c, 4, {"年", "년"}, d.year) || d.year < 1000 ||
      !read_cjk_number(c, 2, {"月", "월"}, d.month) ||
      !read_cjk_number(c, 2, {"日", "일"}, d.day)) {
    return std::nullopt;
  }
  skip_cjk_weekday(c);
  return read_time_and_zone(c, parsed) ? std::optional(parsed) : std::nullopt;
}

// --------------------------------------------------------------- RFC 822
// Weekdays are skipped unchecked: feeds misspell them ("Wendsday", "Thur")
// and get them wrong for the date more often than they get the date wrong.
// A month name is a weekday only when a comma follows it, as in Spanish
// "mar, 29 mar 2022" (martes).
void skip_weekday(Cursor& c) {
  const std::size_t start = c.pos();
  const std::string_view word = c.word();
  if (word.empty() || (month_from_name(word) && c.peek() != ',')) {
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

// Between day, month and year: spaces, "-" (RFC 850 "30-Mar-22"), "/"
// (Apache logs), "," ("13 Feb, 2012"), "." (German "30. März") and the
// Spanish and Portuguese "de" ("30 de marzo de 2022").
void skip_date_separator(Cursor& c) {
  while (c.skip_spaces() || c.eat('-') || c.eat('/') || c.eat(',') ||
         c.eat('.') || c.eat_word("de") || c.eat_word("del")) {
  }
}

// RFC 2822 §4.3 obsolete years: two digits as year_from_two_digits(), three
// digits plus 1900 (the tm_year bug: "122" is 2022). Only 100-199 are taken
// from three digits; "202" is more likely a cut-off "2022" than 2102.
// A short year never runs into a time: in "2 Jan 15:04:05", 15 is the hour.
std::optional<int> read_rfc822_year(Cursor& c) {
  const std::size_t digits = c.digits_ahead();
  if (digits == 4) {
    return c.digits(4);
  }
  if (c.peek(digits) == ':') {
    return std::nullopt;
  }
  if (digits == 2) {
    return year_from_two_digits(*c.digits(2));
  }
  if (digits == 3 && c.peek() == '1') {
    return 1900 + *c.digits(3);
  }
  return std::nullopt;
}

std::optional<int> read_day_with_suffix(Cursor& c) {
  const auto day = c.number(1, 2);
  if (!day) {
    return std::nullopt;
  }
  const std::size_t start = c.pos();
  const std::string_view suffix = c.ascii_word();
  if (!iequals(suffix, "st") && !iequals(suffix, "nd") &&
      !iequals(suffix, "rd") && !iequals(suffix, "th")) {
    c.rewind(start);
  }
  return day;
}

// Old servers write the time without a colon: "03 Apr 02 1500 GMT".
bool read_rfc822_time(Cursor& c, ParsedDate& parsed) {
  const std::size_t start = c.pos();
  c.skip_spaces();
  if (c.digits_ahead() == 4 && (c.peek(4) == ' ' || c.peek(4) == '\0')) {
    parsed.time = {*c.digits(2), *c.digits(2), 0};
    return read_optional_zone(c, parsed);
  }
  c.rewind(start);
  return read_time_and_zone(c, parsed);
}

// The leading word is taken for a weekday even when it reads as a month
// (Spanish "mar," is Tuesday); "Mar 30 2022" then finds no month and fails.
std::optional<ParsedDate> parse_rfc822(std::string_view text) {
  Cursor c(text);
  c.word();
  while (c.skip_spaces() || c.eat(',') || c.eat('.')) {
  }
  ParsedDate parsed;
  const auto day = read_day_with_suffix(c);
  skip_date_separator(c);
  const auto month = day ? read_month(c) : std::nullopt;
  skip_date_separator(c);
  const auto year = month ? read_rfc822_year(c) : std::nullopt;
  if (!year) {
    return std::nullopt;
  }
  parsed.date = {*year, *month, *day};
  return read_rfc822_time(c, parsed) ? std::optional(parsed) : std::nullopt;
}

// ---------------------------------------------------------- month first
// asctime() and date(1): "Wed Mar 30 17:45:57 2022", "... 17:45:57 UTC 2022",
// Twitter's "... 01:16:00 +0000 2012", Go's "... 15:04:05 2006 MST".
std::optional<ParsedDate> finish_asctime(Cursor& c, ParsedDate parsed) {
  c.skip_spaces();
  const bool zone_first = !is_digit(c.peek());
  if (zone_first && !read_zone(c, parsed)) {
    return std::nullopt;
  }
  c.skip_spaces();
  const auto year = c.number(4, 4);
  if (!year) {
    return std::nullopt;
  }
  parsed.date.year = *year;
  if (zone_first) {
    c.skip_spaces();
    return c.at_end() ? std::optional(parsed) : std::nullopt;
  }
  return read_optional_zone(c, parsed) ? std::optional(parsed) : std::nullopt;
}

std::optional<ParsedDate> finish_month_first(Cursor& c, ParsedDate parsed) {
  const auto year = c.number(4, 4);
  if (!year) {
    return std::nullopt;
  }
  parsed.date.year = *year;
  return read_time_and_zone(c, parsed) ? std::optional(parsed) : std::nullopt;
}

// "Mar 30, 2022", "March 30th, 2022 at 5:45 PM", "Wed Mar 30 2022 19:45:57
// GMT+0200" (JavaScript) and the asctime() family.
std::optional<ParsedDate> parse_month_first(std::string_view text) {
  Cursor c(text);
  skip_weekday(c);
  const auto month = read_month(c);
  skip_date_separator(c);
  const auto day = month ? read_day_with_suffix(c) : std::nullopt;
  if (!day) {
    return std::nullopt;
  }
  ParsedDate parsed;
  parsed.date = {0, *month, *day};
  skip_time_lead_in(c);
  const std::size_t start = c.pos();
  if (is_digit(c.peek()) && c.digits_ahead() <= 2) {
    if (const auto clock = read_clock(c)) {
      parsed.time = *clock;
      return finish_asctime(c, parsed);
    }
  }
  c.rewind(start);
  return finish_month_first(c, parsed);
}

// ------------------------------------------------------ other day orders
// "2006 January 02", Hungarian "2022. március 30." and feedparser's
// Hungarian "2004-július-13T9:15-05:00".
std::optional<ParsedDate> parse_year_first_named(std::string_view text) {
  Cursor c(text);
  const auto year = c.number(4, 4);
  skip_date_separator(c);
  const auto month = year ? read_month(c) : std::nullopt;
  skip_date_separator(c);
  const auto day = month ? c.number(1, 2) : std::nullopt;
  if (!day) {
    return std::nullopt;
  }
  c.eat('.');
  ParsedDate parsed;
  parsed.date = {*year, *month, *day};
  const bool ok = (c.eat('T') || c.eat('t')) ? read_clock_and_zone(c, parsed)
                                             : read_time_and_zone(c, parsed);
  return ok ? std::optional(parsed) : std::nullopt;
}

// Which of two numbers is the day: dots mean day first (German, Russian
// "30.03.2022"); with "/" or "-" the order is only known when one of them
// cannot be a month ("30/03/2022", "03/30/2022") or both are equal.
std::optional<CivilDate> day_and_month(int first, int second, char separator,
                                       int year) {
  if (separator == '.' || (first > 12 && second <= 12) || first == second) {
    return CivilDate{year, second, first};
  }
  if (second > 12 && first <= 12) {
    return CivilDate{year, first, second};
  }
  return std::nullopt;
}

// Drupal's default "Wed, 03/30/2022 - 17:45" has a weekday and a dash.
std::optional<ParsedDate> parse_numeric_date(std::string_view text) {
  Cursor c(text);
  skip_weekday(c);
  const auto first = c.number(1, 2);
  const char separator = c.peek();
  const bool separator_ok =
      separator == '.' || separator == '/' || separator == '-';
  if (!first || !separator_ok || !c.eat(separator)) {
    return std::nullopt;
  }
  const auto second = c.number(1, 2);
  const auto year = second && c.eat(separator) ? c.number(4, 4) : std::nullopt;
  const auto date =
      year ? day_and_month(*first, *second, separator, *year) : std::nullopt;
  if (!date) {
    return std::nullopt;
  }
  ParsedDate parsed;
  parsed.date = *date;
  return read_time_and_zone(c, parsed) ? std::optional(parsed) : std::nullopt;
}

}  // namespace

std::optional<ParsedDate> parse_any(std::string_view text) {
  using Parser = std::optional<ParsedDate> (*)(std::string_view);
  constexpr std::array<Parser, 6> kParsers = {parse_iso,
                                              parse_cjk,
                                              parse_rfc822,
                                              parse_month_first,
                                              parse_year_first_named,
                                              parse_numeric_date};
  for (Parser parser : kParsers) {
    if (auto parsed = parser(text)) {
      return parsed;
    }
  }
  return std::nullopt;
}

}  // namespace feedmark::date_detail
