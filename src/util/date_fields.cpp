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

// ----------------------------------------------------------------- names
// Greek letters with an accent or a diaeresis, capital or not, and the
// final sigma, as the plain lowercase letter.
constexpr auto kGreekPlain =
    std::to_array<std::pair<std::string_view, std::string_view>>({
        {"Ά", "α"}, {"ά", "α"}, {"Έ", "ε"}, {"έ", "ε"}, {"Ή", "η"}, {"ή", "η"},
        {"Ί", "ι"}, {"ί", "ι"}, {"Ϊ", "ι"}, {"ϊ", "ι"}, {"ΐ", "ι"}, {"Ό", "ο"},
        {"ό", "ο"}, {"Ύ", "υ"}, {"ύ", "υ"}, {"Ϋ", "υ"}, {"ϋ", "υ"}, {"ΰ", "υ"},
        {"Ώ", "ω"}, {"ώ", "ω"}, {"ς", "σ"},
    });

// A two-byte UTF-8 letter folded for month lookup: Latin-1, Greek and
// Cyrillic capitals lowered, Greek accents dropped ("ΙΟΎΛ", "Ιούλ" and
// "ιουλ" are one word).
std::string folded_pair(unsigned char lead, unsigned char trail) {
  std::string pair{static_cast<char>(lead), static_cast<char>(trail)};
  for (const auto& [accented, plain] : kGreekPlain) {
    if (pair == accented) {
      return std::string(plain);
    }
  }
  const auto shifted = [](int a, int b) {
    return std::string{static_cast<char>(a), static_cast<char>(b)};
  };
  if (lead == 0xC3 && trail >= 0x80 && trail <= 0x9E && trail != 0x97) {
    return shifted(0xC3, trail + 0x20);  // À-Þ but ×
  }
  if ((lead == 0xCE || lead == 0xD0) && trail >= 0x90 && trail <= 0x9F) {
    return shifted(lead, trail + 0x20);  // Α-Ο, А-П
  }
  if ((lead == 0xCE || lead == 0xD0) && trail >= 0xA0 && trail <= 0xAF) {
    return shifted(lead + 1, trail - 0x20);  // Π-Ω, Р-Я
  }
  return pair;
}

// ------------------------------------------------------------ normalizing
// The length of the Unicode space at `pos`, or 0. Dates pasted from HTML
// carry U+00A0, and ICU puts U+202F before "PM" since 2022.
std::size_t space_length(std::string_view text, std::size_t pos) {
  if (is_space(text[pos])) {
    return 1;
  }
  const std::string_view rest = text.substr(pos);
  if (rest.starts_with("\xC2\xA0")) {
    return 2;
  }
  if (rest.size() >= 3 && rest.starts_with("\xE2\x80")) {
    const auto third = static_cast<unsigned char>(rest[2]);
    return (third <= 0x8A || third == 0xAF) ? 3 : 0;
  }
  return rest.starts_with("\xE3\x80\x80") ? 3 : 0;  // ideographic space
}

std::size_t comment_open_length(std::string_view rest) {
  if (rest[0] == '(' || rest[0] == '[') {
    return 1;
  }
  return rest.starts_with("\xEF\xBC\x88") ? 3 : 0;  // fullwidth (
}

std::size_t comment_close_length(std::string_view rest) {
  if (rest[0] == ')' || rest[0] == ']') {
    return 1;
  }
  return rest.starts_with("\xEF\xBC\x89") ? 3 : 0;  // fullwidth )
}

// -------------------------------------------------------------- calendar
bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
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

}  // namespace

// Comments go (RFC 2822 §3.2.3 "-0700 (PDT)", JavaScript's "(Central
// European Summer Time)", Java's "[Europe/Paris]", Japanese "30日（水）"),
// every Unicode space becomes ' ', the ends are trimmed.
std::string normalized(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  int depth = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::string_view rest = text.substr(pos);
    if (const std::size_t n = comment_open_length(rest)) {
      ++depth;
      pos += n;
    } else if (const std::size_t m =
                   depth > 0 ? comment_close_length(rest) : 0) {
      --depth;
      pos += m;
      out.push_back(' ');
    } else if (const std::size_t s = space_length(text, pos)) {
      pos += s;
      out.push_back(' ');
    } else {
      if (depth == 0) {
        out.push_back(text[pos]);
      }
      ++pos;
    }
  }
  return std::string(trim(out));
}

int days_in_month(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                         31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) {
    return 29;
  }
  return kDays[static_cast<std::size_t>(month - 1)];
}

// ISO 8601 ordinal dates ("2003-335"); day 0 or past the year's end gives
// month 0, which is_valid() refuses.
CivilDate date_from_ordinal(int year, int ordinal) {
  for (int month = 1; month <= 12; ++month) {
    const int days = days_in_month(year, month);
    if (ordinal >= 1 && ordinal <= days) {
      return {year, month, ordinal};
    }
    ordinal -= days;
  }
  return {year, 0, 0};
}

// RFC 2822 §4.3: 00-49 are 2000-2049, 50-99 are 1950-1999.
int year_from_two_digits(int year) {
  return year < 50 ? 2000 + year : 1900 + year;
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

std::string folded_word(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    const auto lead = static_cast<unsigned char>(word[i]);
    if (lead >= 0xC0 && lead < 0xE0 && i + 1 < word.size()) {
      out += folded_pair(lead, static_cast<unsigned char>(word[++i]));
    } else {
      out.push_back(ascii_lower(word[i]));
    }
  }
  return out;
}

std::optional<int> month_from_name(std::string_view word) {
  if (utf8_character_count(word) < 3 || word.size() > 40) {
    return std::nullopt;
  }
  const std::string key = folded_word(word);
  for (const MonthWord& extra : kMonthAbbreviationsExtra) {
    if (key == extra.word) {
      return extra.month;
    }
  }
  std::optional<int> found;
  for (const MonthRow& row : kMonthNames) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i].starts_with(key)) {
        if (found && *found != static_cast<int>(i) + 1) {
          return std::nullopt;
        }
        found = static_cast<int>(i) + 1;
      }
    }
  }
  return found;
}

// RFC 2822 §4.3: military zones were defined with the wrong sign in RFC 822,
// so they carry no information and count as UTC ("-0000"); J is not a zone.
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

}  // namespace feedmark::date_detail
