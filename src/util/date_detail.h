#pragma once

// The pieces the date readers share (util/dates*.cpp): private to them.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "feedmark/util/dates.h"
#include "feedmark/util/text.h"

namespace feedmark::date_detail {

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

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Bytes of UTF-8 sequences count as letters, so "Ιούλ" and "März" are words.
inline bool is_word_byte(char c) {
  return is_alpha(c) || static_cast<unsigned char>(c) >= 0x80;
}

inline bool is_space(char c) {
  return is_ascii_space(c) || c == '\v';
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

enum class HourMark { kNone, kColon, kLetterH, kUnit };

std::string normalized(std::string_view text);
int days_in_month(int year, int month);
CivilDate date_from_ordinal(int year, int ordinal);
int year_from_two_digits(int year);
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
BrokenDown break_down(UnixTime t);
std::string folded_word(std::string_view word);
std::optional<int> month_from_name(std::string_view word);
std::optional<int> zone_minutes_from_name(std::string_view name);
bool is_utc_name(std::string_view name);
bool read_zone(Cursor& c, ParsedDate& parsed);
bool read_optional_zone(Cursor& c, ParsedDate& parsed);
void skip_fraction(Cursor& c);
bool eat_any(Cursor& c, std::initializer_list<std::string_view> words);
std::optional<bool> read_meridiem(Cursor& c);
std::optional<Clock> read_clock(Cursor& c);
bool read_clock_and_zone(Cursor& c, ParsedDate& parsed);
void skip_time_lead_in(Cursor& c);
bool read_time_and_zone(Cursor& c, ParsedDate& parsed);
std::optional<ParsedDate> parse_any(std::string_view text);
bool is_valid(const ParsedDate& parsed);

}  // namespace feedmark::date_detail
