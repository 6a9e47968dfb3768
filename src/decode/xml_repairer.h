#pragma once

// The XML repairer's shared parts (decode/xml_repair*.cpp), private to it:
// the problems it reports, small readers of names and characters, and the
// Repairer, one pass over a document whose member functions are defined
// by kind of markup: xml_repair_markup.cpp (text, comments, CDATA,
// DOCTYPE), xml_repair_references.cpp (entity and character references),
// xml_repair_tags.cpp (tags, attributes, namespaces) and xml_repair.cpp
// (the end of the document, and the report).

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "feedmark/decode/decode.h"
#include "feedmark/decode/xml_repair.h"
#include "feedmark/util/text.h"

namespace feedmark::xml_detail {

using namespace std::string_view_literals;

struct HtmlEntity {
  std::string_view name;
  std::string_view utf8;
};

// Sorted by name, for binary search.
constexpr HtmlEntity kHtmlEntities[] = {
#include "html_entities.inc"
};

inline std::string_view html_entity(std::string_view name) {
  const auto it = std::lower_bound(
      std::begin(kHtmlEntities), std::end(kHtmlEntities), name,
      [](const HtmlEntity& e, std::string_view n) { return e.name < n; });
  return it != std::end(kHtmlEntities) && it->name == name ? it->utf8 : "";
}

inline std::string_view predefined_reference(char c) {
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

inline bool is_predefined_entity(std::string_view name) {
  return name == "amp" || name == "lt" || name == "gt" || name == "quot" ||
         name == "apos";
}

inline bool is_name_start(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':' || b >= 0x80;
}

inline bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// HTML elements that never have content, left unclosed in feeds that paste
// HTML without CDATA ("<description>one<br>two</description>"). Not link,
// source or meta: RSS and Atom have elements of those names.
inline bool is_html_void(std::string_view name) {
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
inline bool is_xml_char(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

inline std::string utf8_of(std::uint32_t c) {
  std::string out;
  append_utf8(out, c);
  return out;
}

// The one code point a UTF-8 string holds, if it holds exactly one.
inline std::optional<std::uint32_t> single_code_point(std::string_view utf8) {
  if (utf8.empty() ||
      utf8_length(static_cast<unsigned char>(utf8[0])) != utf8.size()) {
    return std::nullopt;
  }
  return decode_utf8_at(utf8, 0);
}

// The byte a character stands for when text was decoded as windows-1252 (or
// ISO-8859-1) by mistake: "€" for 0x80, "é" for 0xE9.
inline std::optional<unsigned char> mistaken_byte(std::uint32_t c) {
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

inline std::size_t utf8_length_for_lead(unsigned char lead) {
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

inline std::string problem_text(Problem problem, const Tally& tally) {
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
inline bool is_summary(Problem problem) {
  return problem == Problem::kJunkBefore || problem == Problem::kTruncated ||
         problem == Problem::kJunkAfter || problem == Problem::kUnfinished ||
         problem == Problem::kCutEndTag || problem == Problem::kUnclosedCdata ||
         problem == Problem::kEntityLimit;
}

inline std::string bytes_text(std::size_t n) {
  return fmt::format("{} byte{}", n, n == 1 ? "" : "s");
}

// A document may only be junk before its XML declaration in its first
// kilobytes (a PHP warning printed ahead of the feed).
constexpr std::size_t kJunkWindow = 4096;

// A declaration inside one of these is misplaced, not the start of the
// document after junk.
inline bool is_feed_root(std::string_view name) {
  const std::size_t colon = name.find(':');
  const std::string_view local =
      colon == std::string_view::npos ? name : name.substr(colon + 1);
  return local == "rss" || local == "feed" || local == "RDF";
}

inline bool starts_with_declaration(std::string_view text) {
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

  // text
  // Where the next '<' or '&' is, or the end. A plain loop: find_first_of
  // searches its two-character set once per byte, the slowest part of this
  // pass on a feed that needs no repair.
  std::size_t next_markup(std::size_t from) const;
  void step();
  bool is_blank(std::size_t from, std::size_t to) const;
  // Outside the root element: before it, the junk is dropped; after it,
  // everything is.
  void junk(std::size_t from, std::size_t to);

  // markup
  bool at(std::size_t i, std::string_view s) const;
  void markup();
  void loose_less_than();
  // Cut off before its end: dropped, and the document ends here.
  void unfinished(std::string_view what);
  void comment();
  void cdata();
  void processing_instruction();
  // Where an XML declaration starts after junk at `from`, if one does
  // while the document may still start again.
  std::size_t declaration_after(std::size_t from) const;
  // Junk before a declaration (a PHP warning, "<b>Notice</b>: ...") is
  // dropped with everything made of it; the document starts again at
  // `start`.
  void restart_at(std::size_t start);

  // doctype
  std::size_t skip_quoted(std::size_t i) const;
  // Up to and past the '>' that ends a markup declaration, quotes respected.
  std::size_t declaration_end(std::size_t i) const;
  std::size_t skip_spaces(std::size_t i) const;
  std::size_t name_end(std::size_t i) const;
  void doctype();
  // XML 1.0 §2.8: markup declarations, comments, PIs and parameter-entity
  // references up to the ']'. Returns where it ends, and whether it held
  // nothing else.
  std::pair<std::size_t, bool> internal_subset(std::size_t i);
  // A '<' outside quotes, which no markup declaration holds.
  bool contains_markup(std::size_t from, std::size_t to) const;
  std::size_t entity_declaration(std::size_t i);

  // references
  // The reference at `amp`, inside text that ends at `limit`; `quote` is
  // the attribute value's delimiter, 0 in text. Returns where it ends.
  std::size_t reference(std::size_t amp, std::size_t limit, char quote);
  // With an external DTD, HTML's entities may well be declared there
  // (RSS 0.91's Netscape DTD declares them); XML 1.0 §4.1 makes an
  // undeclared one an error only without it.
  void note_html_entity(std::size_t amp, std::string_view name);
  struct CharacterReference {
    std::uint32_t value = 0;
    std::size_t end = 0;  ///< past the ';'
    bool upper_x = false;
  };
  std::optional<CharacterReference> parse_character_reference(
      std::size_t amp, std::size_t limit) const;
  std::size_t character_reference(std::size_t amp, std::size_t limit);
  // The code point of the reference at `amp` and where it ends, for
  // numeric and HTML named references.
  std::optional<std::pair<std::uint32_t, std::size_t>> reference_value(
      std::size_t amp, std::size_t limit) const;
  // UTF-8 that was decoded as windows-1252 and written out as references:
  // "&#226;&#128;&#166;" (or "&acirc;&euro;&brvbar;") is "…". Replaced
  // when the references spell exactly one valid UTF-8 character; returns
  // where they end, or 0.
  std::size_t double_encoded_run(std::size_t amp, std::size_t limit);
  // Expands to the declared replacement text, as text (markup in it is
  // escaped), within a budget that stops "billion laughs" from growing
  // the document.
  std::size_t declared_entity(std::size_t amp, std::size_t end,
                              const std::optional<std::string_view>& value,
                              char quote);
  // A declared entity's replacement text, where it is referenced: its
  // character references and &amp; stay; markup and other entities
  // become text.
  std::string entity_text(std::string_view value, char quote) const;
  // &amp; and the like, and references to characters XML allows.
  static bool is_kept_reference(std::string_view text);

  // tags
  void start_tag();
  // The attributes of a start tag, repaired; returns the offset of its '>'
  // (after a '/' when the tag is empty), or nothing when the text ends first.
  std::optional<std::size_t> attributes(
      std::size_t i, std::string_view tag,
      std::vector<std::string_view>& prefixed);
  std::optional<std::size_t> attribute(std::size_t i, std::string_view tag,
                                       std::vector<std::string_view>& prefixed);
  // `quote` 0: an unquoted value, which will be quoted with '"'.
  void attribute_value(std::size_t i, std::size_t end, char quote,
                       std::string_view tag);
  void end_tag();
  // Closes the open elements above `name` (all when it is empty) at
  // `at`. HTML void elements are self-closed instead, and where one
  // paragraph was left open inside another ("<p>one<p>two"), the first
  // ends where the second starts, as HTML reads it.
  void close_implicitly_until(std::string_view name, std::size_t at,
                              Problem problem);
  // HTML's implied end tags: a <p> starts a new paragraph, an <li> a new
  // list item.
  static bool closes_sibling(std::string_view open, std::string_view next);
  void pop();

  // namespaces
  void declare(std::string_view prefix);
  void undeclare(std::size_t from);
  void check_prefix(std::string_view name, std::size_t offset);

  // end
  void finish();
  XmlRepair result();
  // The late inserts (`<br>` becoming `<br/>`), in one pass.
  std::string with_late_inserts(std::string text);

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

}  // namespace feedmark::xml_detail
