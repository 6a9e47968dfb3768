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

#include "feedmark/util/text.h"

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
  std::optional<int> offset;  // seconds east of UTC
  std::string zone;           // an IANA zone the text names ("Etc/GMT+5")
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

struct MonthWord {
  std::string_view word;
  int month;
};

constexpr std::array<const char*, 12> kMonthAbbreviations = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr std::array<const char*, 7> kWeekdayAbbreviations = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// Month names as folded_word() writes them: lowercase, Greek without
// accents and with σ for the final ς. A word names a month when it is a
// prefix, three letters or more, of names of that month only: "Sept",
// "juil.", "Ιούλ" and "März" are read, "jui" (juin or juillet?) is not.
// Languages that use another language's name for a different month stay
// out (Croatian "listopad" is October, Polish "listopad" November).
using MonthRow = std::array<std::string_view, 12>;
constexpr std::array<MonthRow, 12> kMonthNames = {{
    {"january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"},
    {"januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
     "september", "oktober", "november", "dezember"},
    {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
     "septembre", "octobre", "novembre", "décembre"},
    {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
     "septiembre", "octubre", "noviembre", "diciembre"},
    {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
     "agosto", "settembre", "ottobre", "novembre", "dicembre"},
    {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho",
     "agosto", "setembro", "outubro", "novembro", "dezembro"},
    {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
     "september", "oktober", "november", "december"},
    {"január", "február", "március", "április", "május", "június", "július",
     "augusztus", "szeptember", "október", "november", "december"},
    {"ιανουαριοσ", "φεβρουαριοσ", "μαρτιοσ", "απριλιοσ", "μαιοσ", "ιουνιοσ",
     "ιουλιοσ", "αυγουστοσ", "σεπτεμβριοσ", "οκτωβριοσ", "νοεμβριοσ",
     "δεκεμβριοσ"},
    {"ιανουαριου", "φεβρουαριου", "μαρτιου", "απριλιου", "μαιου", "ιουνιου",
     "ιουλιου", "αυγουστου", "σεπτεμβριου", "οκτωβριου", "νοεμβριου",
     "δεκεμβριου"},
    {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
     "сентябрь", "октябрь", "ноябрь", "декабрь"},
    {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
     "сентября", "октября", "ноября", "декабря"},
}};

// Abbreviations that are no prefix of their month's name: Dutch "mrt",
// German "Mrz", Spanish "set" (setiembre), Greek "Ιον"/"Ιολ" (seen by
// feedparser in Greek feeds).
constexpr auto kMonthAbbreviationsExtra = std::to_array<MonthWord>({
    {"mrt", 3},
    {"mrz", 3},
    {"set", 9},
    {"ιον", 6},
    {"ιολ", 7},
});

// CST is the US zone (RFC 822), not China; IST is India, as most feeds mean.
// AT/ET/CT/MT/PT are the US zones' generic names, read as standard time, as
// feedparser does.
constexpr auto kNamedZones = std::to_array<NamedZone>({
    {"GMT", 0},       {"UT", 0},         {"UTC", 0},        {"Z", 0},
    {"EST", -5 * 60}, {"EDT", -4 * 60},  {"CST", -6 * 60},  {"CDT", -5 * 60},
    {"MST", -7 * 60}, {"MDT", -6 * 60},  {"PST", -8 * 60},  {"PDT", -7 * 60},
    {"ET", -5 * 60},  {"CT", -6 * 60},   {"MT", -7 * 60},   {"PT", -8 * 60},
    {"AT", -4 * 60},  {"AST", -4 * 60},  {"ADT", -3 * 60},  {"NST", -210},
    {"NDT", -150},    {"AKST", -9 * 60}, {"AKDT", -8 * 60}, {"HST", -10 * 60},
    {"HDT", -9 * 60}, {"WET", 0},        {"WEST", 60},      {"BST", 60},
    {"IST", 330},     {"CET", 60},       {"CEST", 120},     {"MET", 60},
    {"MEST", 120},    {"MEZ", 60},       {"MESZ", 120},     {"EET", 120},
    {"EEST", 180},    {"MSK", 180},      {"MSD", 240},      {"WAT", 60},
    {"CAT", 120},     {"EAT", 180},      {"SAST", 120},     {"PKT", 300},
    {"ICT", 420},     {"WIB", 420},      {"SGT", 480},      {"HKT", 480},
    {"PHT", 480},     {"AWST", 480},     {"JST", 540},      {"KST", 540},
    {"ACST", 570},    {"ACDT", 630},     {"AEST", 600},     {"AEDT", 660},
    {"NZST", 720},    {"NZDT", 780},
});

// Lead-in words between a date and its time: "March 30, 2022 at 5:45 PM",
// "30 mars 2022 à 17h45", "30. März 2022 um 17:45 Uhr".
constexpr std::array<std::string_view, 6> kTimeLeadIns = {"at", "à",  "um",
                                                          "às", "om", "alle"};

constexpr std::array<std::string_view, 5> kAnteMeridiem = {"a.m.", "am", "上午",
                                                           "午前", "오전"};
constexpr std::array<std::string_view, 5> kPostMeridiem = {"p.m.", "pm", "下午",
                                                           "午後", "오후"};

constexpr std::int64_t kSecondsPerDay = 86400;
// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: what four-digit years hold.
constexpr UnixTime kEarliest = -62167219200;
constexpr UnixTime kLatest = 253402300799;
constexpr int kMaxOffsetHours = 18;  // java.time's bound; real ones reach 14

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Bytes of UTF-8 sequences count as letters, so "Ιούλ" and "März" are words.
bool is_word_byte(char c) {
  return is_alpha(c) || static_cast<unsigned char>(c) >= 0x80;
}

bool is_space(char c) {
  return is_ascii_space(c) || c == '\v';
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

// ---------------------------------------------------------------- cursor

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  std::size_t pos() const { return pos_; }
  void rewind(std::size_t pos) { pos_ = pos; }
  std::string_view rest() const { return text_.substr(pos_); }
  std::string_view since(std::size_t start) const {
    return text_.substr(start, pos_ - start);
  }

  bool eat(char c) {
    if (at_end() || text_[pos_] != c) {
      return false;
    }
    ++pos_;
    return true;
  }

  // Case-insensitive for ASCII; a word must not run on ("am" is not "America").
  bool eat_word(std::string_view word) {
    if (!istarts_with(rest(), word)) {
      return false;
    }
    const char next = peek(word.size());
    if (is_alpha(word.back()) && is_word_byte(next)) {
      return false;
    }
    pos_ += word.size();
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
    return digits(n);
  }

  // Exactly `n` digits, even if more follow ("20220330" is 2022, 03, 30).
  std::optional<int> digits(std::size_t n) {
    if (digits_ahead() < n) {
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
    while (!at_end() && is_word_byte(text_[pos_])) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  std::string_view ascii_word() {
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

// -------------------------------------------------------------- calendar

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

std::size_t character_count(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(
      utf8.begin(), utf8.end(),
      [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::optional<int> month_from_name(std::string_view word) {
  if (character_count(word) < 3 || word.size() > 40) {
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

bool read_zone(Cursor& c, ParsedDate& parsed) {
  if (c.peek() == '+' || c.peek() == '-') {
    parsed.offset = read_numeric_offset(c, false);
    return parsed.offset.has_value();
  }
  return read_named_zone(c, parsed);
}

// Text after the zone and a space is ignored ("-0700 PDT", "+0000 GMT");
// text glued to it means we misread the zone ("EST5EDT").
bool zone_ends_cleanly(const Cursor& c) {
  return c.at_end() || is_space(c.peek());
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

enum class HourMark { kNone, kColon, kLetterH, kUnit };

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
