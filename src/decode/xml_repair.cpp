#include "feedmark/decode/xml_repair.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "feedmark/decode/decode.h"
#include "feedmark/util/text.h"

namespace feedmark {
namespace {

using namespace std::string_view_literals;

struct HtmlEntity {
  std::string_view name;
  std::string_view utf8;
};

// Sorted by name, for binary search.
constexpr HtmlEntity kHtmlEntities[] = {
#include "html_entities.inc"
};

std::string_view html_entity(std::string_view name) {
  const auto it = std::lower_bound(
      std::begin(kHtmlEntities), std::end(kHtmlEntities), name,
      [](const HtmlEntity& e, std::string_view n) { return e.name < n; });
  return it != std::end(kHtmlEntities) && it->name == name ? it->utf8 : "";
}

std::string_view predefined_reference(char c) {
  switch (c) {
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '&':
      return "&amp;";
    case '"':
      return "&quot;";
    case '\'':
      return "&apos;";
    default:
      return {};
  }
}

bool is_predefined_entity(std::string_view name) {
  return name == "amp" || name == "lt" || name == "gt" || name == "quot" ||
         name == "apos";
}

bool is_name_start(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':' || b >= 0x80;
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// HTML elements that never have content, left unclosed in feeds that paste
// HTML without CDATA ("<description>one<br>two</description>"). Not link,
// source or meta: RSS and Atom have elements of those names.
bool is_html_void(std::string_view name) {
  for (std::string_view v :
       {"area", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
        "img", "input", "keygen", "param", "track", "wbr"}) {
    if (iequals(name, v)) {
      return true;
    }
  }
  return false;
}

// XML 1.0 §2.2 Char.
bool is_xml_char(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

std::string utf8_of(std::uint32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// The one code point a UTF-8 string holds, if it holds exactly one.
std::optional<std::uint32_t> single_code_point(std::string_view utf8) {
  if (utf8.empty() ||
      utf8_length(static_cast<unsigned char>(utf8[0])) != utf8.size()) {
    return std::nullopt;
  }
  return decode_utf8_at(utf8, 0);
}

// The byte a character stands for when text was decoded as windows-1252 (or
// ISO-8859-1) by mistake: "€" for 0x80, "é" for 0xE9.
std::optional<unsigned char> mistaken_byte(std::uint32_t c) {
  if (c <= 0xFF) {
    return static_cast<unsigned char>(c);
  }
  const std::string character = utf8_of(c);
  for (unsigned b = 0x80; b <= 0x9F; ++b) {
    if (windows1252_character(static_cast<unsigned char>(b)) == character) {
      return static_cast<unsigned char>(b);
    }
  }
  return std::nullopt;
}

std::size_t utf8_length_for_lead(unsigned char lead) {
  return lead >= 0xC2 && lead <= 0xDF   ? 2
         : lead >= 0xE0 && lead <= 0xEF ? 3
         : lead >= 0xF0 && lead <= 0xF4 ? 4
                                        : 0;
}

enum class Problem {
  kJunkBefore,
  kBareAmpersand,
  kHtmlEntity,
  kUndefinedEntity,
  kBadCharacterReference,
  kMalformedCharacterReference,
  kLooseLessThan,
  kBadTag,
  kUndeclaredPrefix,
  kVoidElement,
  kUnclosedElement,
  kStrayEndTag,
  kEntityLimit,
  kUnfinished,
  kCutEndTag,
  kUnclosedCdata,
  kTruncated,
  kJunkAfter,
};
constexpr std::size_t kProblems =
    static_cast<std::size_t>(Problem::kJunkAfter) + 1;

/// One kind of error: how often, and where and what the first was.
struct Tally {
  std::size_t count = 0;
  std::size_t offset = 0;
  std::string detail;
};

std::string problem_text(Problem problem, const Tally& tally) {
  const std::string& d = tally.detail;
  switch (problem) {
    case Problem::kJunkBefore:
      return fmt::format("ignored {}", d);
    case Problem::kBareAmpersand:
      return "escaped a bare &";
    case Problem::kHtmlEntity:
      return fmt::format("decoded the HTML entity &{};", d);
    case Problem::kUndefinedEntity:
      return fmt::format("kept the undefined entity &{}; as text", d);
    case Problem::kBadCharacterReference:
      return fmt::format("replaced the character reference {} with U+FFFD", d);
    case Problem::kMalformedCharacterReference:
      return fmt::format("read the malformed character reference {}", d);
    case Problem::kLooseLessThan:
      return "escaped a < that starts no tag";
    case Problem::kBadTag:
      return fmt::format("repaired the malformed tag <{}>", d);
    case Problem::kUndeclaredPrefix:
      return fmt::format("undeclared namespace prefix {}:", d);
    case Problem::kVoidElement:
      return fmt::format("self-closed the HTML element <{}>", d);
    case Problem::kUnclosedElement:
      return fmt::format("closed <{}>, left open", d);
    case Problem::kStrayEndTag:
      return fmt::format("dropped </{}>, which closes no open element", d);
    case Problem::kEntityLimit:
      return fmt::format("stopped expanding entities after {} bytes", d);
    case Problem::kUnfinished:
      return fmt::format("dropped an unfinished {} at the end", d);
    case Problem::kCutEndTag:
      return fmt::format("completed the end tag </{} cut off at the end", d);
    case Problem::kUnclosedCdata:
      return "closed a CDATA section cut off at the end";
    case Problem::kTruncated:
      return fmt::format("the document is cut off inside <{}>; closed {}", d,
                         tally.count == 1
                             ? std::string("it")
                             : fmt::format("{} open elements", tally.count));
    case Problem::kJunkAfter:
      return fmt::format("ignored {} after the root element", d);
  }
  return {};
}

// Counted once however many there were.
bool is_summary(Problem problem) {
  return problem == Problem::kJunkBefore || problem == Problem::kTruncated ||
         problem == Problem::kJunkAfter || problem == Problem::kUnfinished ||
         problem == Problem::kCutEndTag || problem == Problem::kUnclosedCdata ||
         problem == Problem::kEntityLimit;
}

std::string bytes_text(std::size_t n) {
  return fmt::format("{} byte{}", n, n == 1 ? "" : "s");
}

// A document may only be junk before its XML declaration in its first
// kilobytes (a PHP warning printed ahead of the feed).
constexpr std::size_t kJunkWindow = 4096;

// A declaration inside one of these is misplaced, not the start of the
// document after junk.
bool is_feed_root(std::string_view name) {
  const std::size_t colon = name.find(':');
  const std::string_view local =
      colon == std::string_view::npos ? name : name.substr(colon + 1);
  return local == "rss" || local == "feed" || local == "RDF";
}

bool starts_with_declaration(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos &&
         text.substr(first).starts_with("<?xml");
}

/// One pass over a document, copying it to `out_` only from the first
/// change on.
class Repairer {
 public:
  explicit Repairer(std::string_view in)
      : in_(in), may_restart_(!starts_with_declaration(in)) {}

  XmlRepair run() {
    while (pos_ < in_.size()) {
      step();
    }
    finish();
    return result();
  }

 private:
  enum class Phase { kProlog, kRoot, kEpilog };

  struct Frame {
    std::string_view name;
    std::size_t offset;         // of its start tag, in the input
    std::size_t output_lt;      // of its '<', in the output
    std::size_t void_gt;        // output offset of its '>', if HTML void
    std::size_t declared_from;  // its prefixes in declared_
  };

  /// Text to insert at an output offset already written past.
  struct LateInsert {
    std::size_t at;
    std::string text;
  };

  // ------------------------------------------------------------ output

  void replace(std::size_t from, std::size_t to, std::string_view text) {
    out_.append(in_.substr(copied_, from - copied_));
    out_.append(text);
    copied_ = to;
    changed_ = true;
  }
  void insert(std::size_t at, std::string_view text) { replace(at, at, text); }
  void erase(std::size_t from, std::size_t to) { replace(from, to, ""); }
  std::size_t output_offset(std::size_t at) const {
    return out_.size() + (at - copied_);
  }

  void note(Problem problem, std::size_t offset, std::string_view detail = {}) {
    Tally& tally = tallies_[static_cast<std::size_t>(problem)];
    if (tally.count++ == 0) {
      tally.offset = offset;
      tally.detail = detail;
    }
  }

  // ------------------------------------------------------------ text

  // Where the next '<' or '&' is, or the end. A plain loop: find_first_of
  // searches its two-character set once per byte, the slowest part of this
  // pass on a feed that needs no repair.
  std::size_t next_markup(std::size_t from) const {
    const char* data = in_.data();
    for (std::size_t i = from; i < in_.size(); ++i) {
      if (data[i] == '<' || data[i] == '&') {
        return i;
      }
    }
    return in_.size();
  }

  void step() {
    const std::size_t next = next_markup(pos_);
    if (phase_ != Phase::kRoot && !is_blank(pos_, next)) {
      junk(pos_, next);
      return;
    }
    pos_ = next;
    if (pos_ >= in_.size()) {
      return;
    }
    if (in_[pos_] == '&') {
      if (phase_ == Phase::kRoot) {
        pos_ = reference(pos_, in_.size(), 0);
      } else {
        junk(pos_, pos_ + 1);
      }
      return;
    }
    markup();
  }

  bool is_blank(std::size_t from, std::size_t to) const {
    return std::all_of(in_.begin() + from, in_.begin() + to, is_ascii_space);
  }

  // Outside the root element: before it, the junk is dropped; after it,
  // everything is.
  void junk(std::size_t from, std::size_t to) {
    while (from < to && is_ascii_space(in_[from])) {
      ++from;
    }
    if (const std::size_t declaration = declaration_after(from);
        declaration != std::string_view::npos) {
      restart_at(declaration);
      return;
    }
    if (phase_ == Phase::kEpilog) {
      note(Problem::kJunkAfter, from, bytes_text(in_.size() - from));
      erase(from, in_.size());
      pos_ = in_.size();
      return;
    }
    junk_before_ += to - from;
    note(Problem::kJunkBefore, from);
    erase(from, to);
    pos_ = to;
  }

  // ------------------------------------------------------------ markup

  bool at(std::size_t i, std::string_view s) const {
    return in_.substr(i).starts_with(s);
  }

  void markup() {
    const char next = pos_ + 1 < in_.size() ? in_[pos_ + 1] : '\0';
    if (at(pos_, "<!--")) {
      comment();
    } else if (at(pos_, "<![CDATA[") && phase_ == Phase::kRoot) {
      cdata();
    } else if (at(pos_, "<!DOCTYPE") && phase_ == Phase::kProlog) {
      doctype();
    } else if (next == '?' && pos_ + 2 < in_.size() &&
               is_name_start(in_[pos_ + 2])) {
      processing_instruction();
    } else if (next == '/' && pos_ + 2 < in_.size() &&
               is_name_start(in_[pos_ + 2])) {
      end_tag();
    } else if (is_name_start(next)) {
      start_tag();
    } else {
      loose_less_than();
    }
  }

  void loose_less_than() {
    if (phase_ != Phase::kRoot) {
      const std::size_t next = std::min(in_.find('<', pos_ + 1), in_.size());
      junk(pos_, next);
      return;
    }
    note(Problem::kLooseLessThan, pos_);
    replace(pos_, pos_ + 1, "&lt;");
    pos_ += 1;
  }

  // Cut off before its end: dropped, and the document ends here.
  void unfinished(std::string_view what) {
    note(Problem::kUnfinished, pos_, what);
    erase(pos_, in_.size());
    pos_ = in_.size();
  }

  void comment() {
    const std::size_t close = in_.find("-->", pos_ + 4);
    if (close == std::string_view::npos) {
      unfinished("comment");
      return;
    }
    pos_ = close + 3;
  }

  void cdata() {
    const std::size_t close = in_.find("]]>", pos_ + 9);
    if (close == std::string_view::npos) {
      note(Problem::kUnclosedCdata, pos_);
      insert(in_.size(), "]]>");
      pos_ = in_.size();
      return;
    }
    pos_ = close + 3;
  }

  void processing_instruction() {
    const std::size_t close = in_.find("?>", pos_ + 2);
    if (close == std::string_view::npos) {
      unfinished("processing instruction");
      return;
    }
    const std::string_view target = in_.substr(pos_ + 2, 4);
    const bool declaration =
        target.starts_with("xml") &&
        (target.size() < 4 || is_ascii_space(target[3]) || target[3] == '?');
    if (declaration && may_restart_ && pos_ <= kJunkWindow &&
        !is_blank(0, pos_) &&
        (stack_.empty() || !is_feed_root(stack_.front().name))) {
      restart_at(pos_);
    }
    pos_ = close + 2;
  }

  // Where an XML declaration starts after junk at `from`, if one does
  // while the document may still start again.
  std::size_t declaration_after(std::size_t from) const {
    if (!may_restart_ || from > kJunkWindow) {
      return std::string_view::npos;
    }
    const std::size_t found =
        in_.substr(0, kJunkWindow + 5).find("<?xml", from);
    if (found == std::string_view::npos || found + 5 >= in_.size() ||
        !(is_ascii_space(in_[found + 5]) || in_[found + 5] == '?')) {
      return std::string_view::npos;
    }
    return found;
  }

  // Junk before a declaration (a PHP warning, "<b>Notice</b>: ...") is
  // dropped with everything made of it; the document starts again at
  // `start`.
  void restart_at(std::size_t start) {
    *this = Repairer(in_);
    may_restart_ = false;
    out_.clear();
    copied_ = start;
    changed_ = true;
    pos_ = start;
    note(Problem::kJunkBefore, 0,
         bytes_text(start) + " before the XML declaration");
    junk_before_ = start;
  }

  // ------------------------------------------------------------ DOCTYPE

  std::size_t skip_quoted(std::size_t i) const {
    const std::size_t close = in_.find(in_[i], i + 1);
    return close == std::string_view::npos ? in_.size() : close + 1;
  }

  // Up to and past the '>' that ends a markup declaration, quotes respected.
  std::size_t declaration_end(std::size_t i) const {
    while (i < in_.size() && in_[i] != '>') {
      i = in_[i] == '"' || in_[i] == '\'' ? skip_quoted(i) : i + 1;
    }
    return std::min(i + 1, in_.size() + 1);
  }

  std::size_t skip_spaces(std::size_t i) const {
    while (i < in_.size() && is_ascii_space(in_[i])) {
      ++i;
    }
    return i;
  }

  std::size_t name_end(std::size_t i) const {
    while (i < in_.size() && is_name_char(in_[i])) {
      ++i;
    }
    return i;
  }

  void doctype() {
    std::size_t i = pos_ + 9;
    bool valid = true;
    while (i < in_.size() && in_[i] != '>' && in_[i] != '[') {
      if (in_[i] == '"' || in_[i] == '\'') {
        i = skip_quoted(i);
        external_dtd_ = true;
      } else {
        valid = valid && (is_name_char(in_[i]) || is_ascii_space(in_[i]));
        ++i;
      }
    }
    if (i < in_.size() && in_[i] == '[') {
      bool subset_valid = true;
      std::tie(i, subset_valid) = internal_subset(i + 1);
      i = skip_spaces(i);
      valid = valid && subset_valid && i < in_.size() && in_[i] == '>';
    }
    i = declaration_end(i);
    if (i > in_.size()) {
      unfinished("DOCTYPE");
      return;
    }
    if (!valid) {
      // What it declared cannot be trusted; the document goes on without.
      note(Problem::kBadTag, pos_, "!DOCTYPE");
      erase(pos_, i);
      entities_.clear();
      external_dtd_ = false;
    }
    pos_ = i;
  }

  // XML 1.0 §2.8: markup declarations, comments, PIs and parameter-entity
  // references up to the ']'. Returns where it ends, and whether it held
  // nothing else.
  std::pair<std::size_t, bool> internal_subset(std::size_t i) {
    bool valid = true;
    while (i < in_.size() && in_[i] != ']') {
      if (at(i, "<!--")) {
        const std::size_t close = in_.find("-->", i + 4);
        i = close == std::string_view::npos ? in_.size() : close + 3;
      } else if (at(i, "<!ENTITY")) {
        const std::size_t end = entity_declaration(i + 8);
        valid = valid && !contains_markup(i + 8, end - 1);
        i = end;
      } else if (at(i, "<!ELEMENT") || at(i, "<!ATTLIST") ||
                 at(i, "<!NOTATION") || at(i, "<?")) {
        const std::size_t end = declaration_end(i + 2);
        valid = valid && !contains_markup(i + 2, end - 1);
        i = end;
      } else if (in_[i] == '%') {
        // Entities may then be declared where we cannot see them.
        external_dtd_ = true;
        const std::size_t end = name_end(i + 1);
        valid = valid && end < in_.size() && in_[end] == ';';
        i = end + 1;
      } else {
        valid = valid && is_ascii_space(in_[i]);
        ++i;
      }
    }
    return {std::min(i + 1, in_.size()), valid};
  }

  // A '<' outside quotes, which no markup declaration holds.
  bool contains_markup(std::size_t from, std::size_t to) const {
    for (std::size_t i = from; i < to && i < in_.size();) {
      if (in_[i] == '<') {
        return true;
      }
      i = in_[i] == '"' || in_[i] == '\'' ? skip_quoted(i) : i + 1;
    }
    return false;
  }

  std::size_t entity_declaration(std::size_t i) {
    i = skip_spaces(i);
    if (i < in_.size() && in_[i] != '%') {
      const std::size_t end = name_end(i);
      const std::string_view name = in_.substr(i, end - i);
      const std::size_t value = skip_spaces(end);
      if (value < in_.size() && (in_[value] == '"' || in_[value] == '\'')) {
        const std::size_t close = skip_quoted(value);
        const std::string_view text = in_.substr(value + 1, close - value - 2);
        entities_.try_emplace(name, text);
      } else {
        entities_.try_emplace(name, std::nullopt);  // external: not expanded
      }
    }
    return declaration_end(i);
  }

  // ------------------------------------------------------------ references

  // The reference at `amp`, inside text that ends at `limit`; `quote` is
  // the attribute value's delimiter, 0 in text. Returns where it ends.
  std::size_t reference(std::size_t amp, std::size_t limit, char quote) {
    if (amp + 1 < limit && in_[amp + 1] == '#') {
      return character_reference(amp, limit);
    }
    const std::size_t end = name_end(amp + 1);
    if (end == amp + 1 || end >= limit || in_[end] != ';') {
      note(Problem::kBareAmpersand, amp);
      replace(amp, amp + 1, "&amp;");
      return amp + 1;
    }
    const std::string_view name = in_.substr(amp + 1, end - amp - 1);
    if (is_predefined_entity(name)) {
      return end + 1;
    }
    if (const auto it = entities_.find(name); it != entities_.end()) {
      return declared_entity(amp, end + 1, it->second, quote);
    }
    if (const std::string_view value = html_entity(name); !value.empty()) {
      if (const std::size_t run = double_encoded_run(amp, limit)) {
        return run;
      }
      note_html_entity(amp, name);
      const std::string_view escaped =
          value.size() == 1 ? predefined_reference(value[0]) : "";
      replace(amp, end + 1, escaped.empty() ? value : escaped);
      return end + 1;
    }
    if (!external_dtd_) {
      note(Problem::kUndefinedEntity, amp, name);
    }
    replace(amp, amp + 1, "&amp;");
    return end + 1;
  }

  // With an external DTD, HTML's entities may well be declared there
  // (RSS 0.91's Netscape DTD declares them); XML 1.0 §4.1 makes an
  // undeclared one an error only without it.
  void note_html_entity(std::size_t amp, std::string_view name) {
    if (!external_dtd_) {
      note(Problem::kHtmlEntity, amp, name);
    }
  }

  struct CharacterReference {
    std::uint32_t value = 0;
    std::size_t end = 0;  ///< past the ';'
    bool upper_x = false;
  };

  std::optional<CharacterReference> parse_character_reference(
      std::size_t amp, std::size_t limit) const {
    std::size_t i = amp + 2;
    CharacterReference ref;
    int base = 10;
    if (i < limit && (in_[i] == 'x' || in_[i] == 'X')) {
      ref.upper_x = in_[i] == 'X';
      base = 16;
      ++i;
    }
    const std::size_t digits = i;
    std::uint64_t value = 0;
    for (; i < limit && i - digits < 10; ++i) {
      const char c = ascii_lower(in_[i]);
      const int digit = c >= '0' && c <= '9'                 ? c - '0'
                        : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                             : -1;
      if (digit < 0) {
        break;
      }
      value = value * base + digit;
    }
    if (i == digits || i >= limit || in_[i] != ';') {
      return std::nullopt;
    }
    ref.value =
        value > 0x10FFFF ? 0xFFFFFFFF : static_cast<std::uint32_t>(value);
    ref.end = i + 1;
    return ref;
  }

  std::size_t character_reference(std::size_t amp, std::size_t limit) {
    const auto ref = parse_character_reference(amp, limit);
    if (!ref) {
      note(Problem::kBareAmpersand, amp);
      replace(amp, amp + 1, "&amp;");
      return amp + 1;
    }
    if (const std::size_t run = double_encoded_run(amp, limit)) {
      return run;
    }
    const std::string_view spelled = in_.substr(amp, ref->end - amp);
    if (!is_xml_char(ref->value)) {
      note(Problem::kBadCharacterReference, amp, spelled);
      replace(amp, ref->end, kReplacementCharacter);
    } else if (ref->value >= 0x80 && ref->value <= 0x9F &&
               !windows1252_character(ref->value).empty()) {
      replace(amp, ref->end, windows1252_character(ref->value));
    } else if (ref->upper_x) {
      note(Problem::kMalformedCharacterReference, amp, spelled);
      const std::string_view escaped =
          ref->value < 0x80
              ? predefined_reference(static_cast<char>(ref->value))
              : "";
      replace(amp, ref->end, escaped.empty() ? utf8_of(ref->value) : escaped);
    }
    return ref->end;
  }

  // The code point of the reference at `amp` and where it ends, for
  // numeric and HTML named references.
  std::optional<std::pair<std::uint32_t, std::size_t>> reference_value(
      std::size_t amp, std::size_t limit) const {
    if (amp >= limit || in_[amp] != '&') {
      return std::nullopt;
    }
    if (amp + 1 < limit && in_[amp + 1] == '#') {
      const auto ref = parse_character_reference(amp, limit);
      return ref ? std::optional(std::pair(ref->value, ref->end))
                 : std::nullopt;
    }
    const std::size_t end = name_end(amp + 1);
    if (end >= limit || in_[end] != ';') {
      return std::nullopt;
    }
    const auto c =
        single_code_point(html_entity(in_.substr(amp + 1, end - amp - 1)));
    return c ? std::optional(std::pair(*c, end + 1)) : std::nullopt;
  }

  // UTF-8 that was decoded as windows-1252 and written out as references:
  // "&#226;&#128;&#166;" (or "&acirc;&euro;&brvbar;") is "…". Replaced
  // when the references spell exactly one valid UTF-8 character; returns
  // where they end, or 0.
  std::size_t double_encoded_run(std::size_t amp, std::size_t limit) {
    const auto first = reference_value(amp, limit);
    if (!first || first->first < 0xC2 || first->first > 0xF4) {
      return 0;
    }
    std::string bytes(1, static_cast<char>(first->first));
    const std::size_t length =
        utf8_length_for_lead(static_cast<unsigned char>(first->first));
    std::size_t i = first->second;
    std::optional<std::size_t> named;
    while (bytes.size() < length) {
      const auto ref = reference_value(i, limit);
      const auto byte = ref ? mistaken_byte(ref->first) : std::nullopt;
      if (!byte) {
        return 0;
      }
      if (in_[i + 1] != '#' && !named) {
        named = i;
      }
      bytes += static_cast<char>(*byte);
      i = ref->second;
    }
    if (repair_utf8(bytes)) {
      return 0;
    }
    if (in_[amp + 1] != '#') {
      named = amp;
    }
    if (named) {
      const std::size_t end = in_.find(';', *named);
      note_html_entity(*named, in_.substr(*named + 1, end - *named - 1));
    }
    replace(amp, i, bytes);
    return i;
  }

  // Expands to the declared replacement text, as text (markup in it is
  // escaped), within a budget that stops "billion laughs" from growing
  // the document.
  std::size_t declared_entity(std::size_t amp, std::size_t end,
                              const std::optional<std::string_view>& value,
                              char quote) {
    if (!value) {
      return end;  // an external entity: left as a reference
    }
    const std::size_t budget = std::max<std::size_t>(in_.size(), 1 << 20);
    if (expanded_ + value->size() > budget) {
      note(Problem::kEntityLimit, amp, std::to_string(expanded_));
      replace(amp, amp + 1, "&amp;");
      return end;
    }
    expanded_ += value->size();
    replace(amp, end, entity_text(*value, quote));
    return end;
  }

  // A declared entity's replacement text, where it is referenced: its
  // character references and &amp; stay; markup and other entities
  // become text.
  std::string entity_text(std::string_view value, char quote) const {
    std::string text;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      const bool keep = c != '<' && (quote == 0 || c != quote) &&
                        (c != '&' || is_kept_reference(value.substr(i)));
      text += keep ? std::string(1, c) : std::string(predefined_reference(c));
    }
    return text;
  }

  // &amp; and the like, and references to characters XML allows.
  static bool is_kept_reference(std::string_view text) {
    const std::size_t semicolon = text.find(';');
    if (semicolon == std::string_view::npos || semicolon < 2) {
      return false;
    }
    const std::string_view name = text.substr(1, semicolon - 1);
    if (is_predefined_entity(name)) {
      return true;
    }
    if (!name.starts_with('#')) {
      return false;
    }
    const bool hex = name.starts_with("#x");
    const std::string_view digits = name.substr(hex ? 2 : 1);
    std::uint32_t value = 0;
    for (char d : digits) {
      const char c = ascii_lower(d);
      const int digit = c >= '0' && c <= '9'          ? c - '0'
                        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                      : -1;
      if (digit < 0 || value > 0x10FFFF) {
        return false;
      }
      value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    return !digits.empty() && is_xml_char(value) &&
           !(value >= 0x80 && value <= 0x9F);
  }

  // ------------------------------------------------------------ tags

  void start_tag() {
    if (phase_ == Phase::kEpilog) {
      junk(pos_, in_.size());
      return;
    }
    const std::size_t start = pos_;
    const std::size_t output_lt = output_offset(start);
    const std::size_t end = name_end(pos_ + 1);
    const std::string_view name = in_.substr(pos_ + 1, end - pos_ - 1);
    const std::size_t declared_from = declared_.size();
    std::vector<std::string_view> prefixed;
    const std::size_t written = out_.size();
    const std::size_t copied = copied_;
    const std::optional<std::size_t> close = attributes(end, name, prefixed);
    if (!close) {
      out_.resize(written);  // the repairs inside it go with the tag
      copied_ = copied;
      unfinished(fmt::format("tag <{}", name));
      undeclare(declared_from);
      return;
    }
    if (phase_ == Phase::kProlog) {
      phase_ = Phase::kRoot;
    }
    check_prefix(name, start);
    for (std::string_view attribute : prefixed) {
      check_prefix(attribute, start);
    }
    const bool empty = in_[*close - 1] == '/';
    pos_ = *close + 1;
    if (empty) {
      undeclare(declared_from);
      if (stack_.empty()) {
        phase_ = Phase::kEpilog;
      }
      return;
    }
    // A root element is never taken for HTML: self-closing it would leave
    // its content outside.
    const std::size_t void_gt = is_html_void(name) && !stack_.empty()
                                    ? output_offset(*close)
                                    : std::string_view::npos;
    stack_.push_back({name, start, output_lt, void_gt, declared_from});
    ++open_[name];
  }

  // The attributes of a start tag, repaired; returns the offset of its '>'
  // (after a '/' when the tag is empty), or nothing when the text ends first.
  std::optional<std::size_t> attributes(
      std::size_t i, std::string_view tag,
      std::vector<std::string_view>& prefixed) {
    bool separated = false;  // not so in <a b="1"c="2"> or <a"b=1>
    while (true) {
      const std::size_t spaced = i;
      i = skip_spaces(i);
      separated = separated || i != spaced;
      if (i >= in_.size()) {
        return std::nullopt;
      }
      const char c = in_[i];
      if (c == '>') {
        return i;
      }
      if (c == '/' && i + 1 < in_.size() && in_[i + 1] == '>') {
        return i + 1;
      }
      if (!is_name_start(c)) {
        note(Problem::kBadTag, i, tag);
        erase(i, i + 1);
        ++i;
        continue;
      }
      if (!separated) {
        note(Problem::kBadTag, i, tag);
        insert(i, " ");
      }
      const auto next = attribute(i, tag, prefixed);
      if (!next) {
        return std::nullopt;
      }
      separated = false;
      i = *next;
    }
  }

  std::optional<std::size_t> attribute(
      std::size_t i, std::string_view tag,
      std::vector<std::string_view>& prefixed) {
    const std::size_t end = name_end(i);
    const std::string_view name = in_.substr(i, end - i);
    if (name.starts_with("xmlns:")) {
      declare(name.substr(6));
    } else if (name.find(':') != std::string_view::npos) {
      prefixed.push_back(name);
    }
    std::size_t j = skip_spaces(end);
    if (j >= in_.size()) {
      return std::nullopt;
    }
    if (in_[j] != '=') {
      note(Problem::kBadTag, i, tag);  // <td nowrap>
      insert(end, "=\"\"");
      return end;
    }
    j = skip_spaces(j + 1);
    if (j >= in_.size()) {
      return std::nullopt;
    }
    if (in_[j] == '"' || in_[j] == '\'') {
      const std::size_t close = in_.find(in_[j], j + 1);
      if (close == std::string_view::npos) {
        return std::nullopt;
      }
      attribute_value(j + 1, close, in_[j], tag);
      return close + 1;
    }
    // <a href=http://x/?a=1&b=2>: the value runs to a space or '>'.
    note(Problem::kBadTag, i, tag);
    std::size_t close = j;
    while (close < in_.size() && !is_ascii_space(in_[close]) &&
           in_[close] != '>' && !at(close, "/>")) {
      ++close;
    }
    insert(j, "\"");
    attribute_value(j, close, 0, tag);
    insert(close, "\"");
    return close;
  }

  // `quote` 0: an unquoted value, which will be quoted with '"'.
  void attribute_value(std::size_t i, std::size_t end, char quote,
                       std::string_view tag) {
    while (i < end) {
      const char c = in_[i];
      if (c == '&') {
        i = reference(i, end, quote == 0 ? '"' : quote);
      } else if (c == '<' || (quote == 0 && c == '"')) {
        note(Problem::kBadTag, i, tag);
        replace(i, i + 1, predefined_reference(c));
        ++i;
      } else {
        ++i;
      }
    }
  }

  void end_tag() {
    const std::size_t start = pos_;
    const std::size_t end = name_end(pos_ + 2);
    const std::string_view name = in_.substr(pos_ + 2, end - pos_ - 2);
    std::size_t close = skip_spaces(end);
    const bool malformed = close < in_.size() && in_[close] != '>';
    if (malformed) {
      close = in_.find('>', close);  // </a junk>
    }
    const bool cut = close >= in_.size();
    if (cut && malformed) {
      unfinished(fmt::format("end tag </{}", name));
      return;
    }
    pos_ = cut ? in_.size() : close + 1;
    if (phase_ == Phase::kEpilog) {
      junk(start, in_.size());
      return;
    }
    const auto open = open_.find(name);
    if (phase_ == Phase::kProlog || open == open_.end() || open->second == 0) {
      if (cut) {
        pos_ = start;
        unfinished(fmt::format("end tag </{}", name));
        return;
      }
      note(Problem::kStrayEndTag, start, name);
      erase(start, pos_);
      return;
    }
    close_implicitly_until(name, start, Problem::kUnclosedElement);
    if (malformed) {
      note(Problem::kBadTag, start, fmt::format("/{}", name));
      replace(start, pos_, fmt::format("</{}>", name));
    }
    if (cut) {
      note(Problem::kCutEndTag, start, name);
      insert(in_.size(), ">");
    }
    pop();
    if (stack_.empty()) {
      phase_ = Phase::kEpilog;
    }
  }

  // Closes the open elements above `name` (all when it is empty) at
  // `at`. HTML void elements are self-closed instead, and where one
  // paragraph was left open inside another ("<p>one<p>two"), the first
  // ends where the second starts, as HTML reads it.
  void close_implicitly_until(std::string_view name, std::size_t at,
                              Problem problem) {
    std::optional<Frame> child;
    while (!stack_.empty() && stack_.back().name != name) {
      const Frame frame = stack_.back();
      if (frame.void_gt != std::string_view::npos) {
        note(Problem::kVoidElement, frame.offset, frame.name);
        late_.push_back({frame.void_gt, "/"});
      } else {
        if (problem == Problem::kUnclosedElement) {
          note(problem, frame.offset, frame.name);
        }
        const std::string end_tag = fmt::format("</{}>", frame.name);
        if (child && stack_.size() > 1 &&
            closes_sibling(frame.name, child->name)) {
          late_.push_back({child->output_lt, end_tag});
        } else {
          insert(at, end_tag);
        }
      }
      child = frame;
      pop();
    }
  }

  // HTML's implied end tags: a <p> starts a new paragraph, an <li> a new
  // list item.
  static bool closes_sibling(std::string_view open, std::string_view next) {
    if (!iequals(open, next)) {
      return false;
    }
    for (std::string_view name :
         {"p", "li", "dt", "dd", "option", "tr", "td", "th"}) {
      if (iequals(open, name)) {
        return true;
      }
    }
    return false;
  }

  void pop() {
    --open_[stack_.back().name];
    undeclare(stack_.back().declared_from);
    stack_.pop_back();
  }

  // ------------------------------------------------------------ namespaces

  void declare(std::string_view prefix) {
    declared_.push_back(prefix);
    ++prefixes_[prefix];
  }

  void undeclare(std::size_t from) {
    while (declared_.size() > from) {
      --prefixes_[declared_.back()];
      declared_.pop_back();
    }
  }

  void check_prefix(std::string_view name, std::size_t offset) {
    const std::size_t colon = name.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return;
    }
    const std::string_view prefix = name.substr(0, colon);
    if (prefix == "xml" || prefix == "xmlns") {
      return;
    }
    if (const auto it = prefixes_.find(prefix);
        it == prefixes_.end() || it->second == 0) {
      note(Problem::kUndeclaredPrefix, offset, prefix);
    }
  }

  // ------------------------------------------------------------ the end

  void finish() {
    if (!stack_.empty()) {
      const std::string_view innermost = stack_.back().name;
      const std::size_t open = stack_.size();
      close_implicitly_until({}, in_.size(), Problem::kTruncated);
      Tally& tally = tallies_[static_cast<std::size_t>(Problem::kTruncated)];
      tally = {open, in_.size(), std::string(innermost)};
    }
    Tally& junk = tallies_[static_cast<std::size_t>(Problem::kJunkBefore)];
    if (junk.count > 0 && junk.detail.empty()) {
      junk.detail = bytes_text(junk_before_) + " before the root element";
    }
    if (!late_.empty()) {
      insert(in_.size(), "");
    }
  }

  XmlRepair result() {
    XmlRepair repair;
    if (changed_) {
      out_.append(in_.substr(copied_));
      repair.text = with_late_inserts(std::move(out_));
      repair.changed = true;
    }
    for (std::size_t i = 0; i < kProblems; ++i) {
      const Tally& tally = tallies_[i];
      if (tally.count == 0) {
        continue;
      }
      const auto problem = static_cast<Problem>(i);
      std::string line =
          fmt::format("line {}: {}", line_number_at(in_, tally.offset),
                      problem_text(problem, tally));
      if (tally.count > 1 && !is_summary(problem)) {
        line += fmt::format(" ({} in all)", tally.count);
      }
      repair.warnings.push_back(std::move(line));
    }
    return repair;
  }

  // The late inserts (`<br>` becoming `<br/>`), in one pass.
  std::string with_late_inserts(std::string text) {
    if (late_.empty()) {
      return text;
    }
    std::stable_sort(
        late_.begin(), late_.end(),
        [](const LateInsert& a, const LateInsert& b) { return a.at < b.at; });
    std::string out;
    out.reserve(text.size() + late_.size() * 4);
    std::size_t from = 0;
    for (const LateInsert& late : late_) {
      out.append(text, from, late.at - from);
      out += late.text;
      from = late.at;
    }
    out.append(text, from);
    return out;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string out_;
  std::size_t copied_ = 0;
  bool changed_ = false;
  Phase phase_ = Phase::kProlog;
  bool may_restart_;  // until the first restart; never after a declaration
  bool external_dtd_ = false;
  std::size_t junk_before_ = 0;
  std::size_t expanded_ = 0;
  std::vector<Frame> stack_;
  std::unordered_map<std::string_view, int> open_;
  std::vector<std::string_view> declared_;
  std::unordered_map<std::string_view, int> prefixes_;
  std::unordered_map<std::string_view, std::optional<std::string_view>>
      entities_;
  std::vector<LateInsert> late_;
  std::array<Tally, kProblems> tallies_;
};

}  // namespace

XmlRepair repair_xml(std::string_view text) {
  return Repairer(text).run();
}

}  // namespace feedmark
