#include "feedmark/decode/decode.h"

#include <fmt/format.h>
#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "feedmark/util/text.h"

namespace feedmark {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf8 = "UTF-8";
constexpr std::size_t kHeadBytes = 1024;

struct Label {
  std::string_view label;
  std::string_view charset;
};

// The WHATWG Encoding Standard's labels, mapped to glibc iconv names. The
// GBK labels go to GB18030: it is a superset that decodes every GBK byte
// sequence, and feeds declared "gb2312" are really GBK (they use 镕, which
// GB2312 lacks). Big5 goes to Big5-HKSCS because Hong Kong feeds declare
// "big5" and use HKSCS characters (嘅, 嘢). Shift_JIS and EUC-KR go to their
// Microsoft supersets, as WHATWG's own tables do.
constexpr Label kLabels[] = {
    {"unicode-1-1-utf-8", "UTF-8"},
    {"unicode11utf8", "UTF-8"},
    {"unicode20utf8", "UTF-8"},
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"x-unicode20utf8", "UTF-8"},
    {"866", "IBM866"},
    {"cp866", "IBM866"},
    {"csibm866", "IBM866"},
    {"ibm866", "IBM866"},
    {"csisolatin2", "ISO-8859-2"},
    {"iso-8859-2", "ISO-8859-2"},
    {"iso-ir-101", "ISO-8859-2"},
    {"iso8859-2", "ISO-8859-2"},
    {"iso88592", "ISO-8859-2"},
    {"iso_8859-2", "ISO-8859-2"},
    {"iso_8859-2:1987", "ISO-8859-2"},
    {"l2", "ISO-8859-2"},
    {"latin2", "ISO-8859-2"},
    {"csisolatin3", "ISO-8859-3"},
    {"iso-8859-3", "ISO-8859-3"},
    {"iso-ir-109", "ISO-8859-3"},
    {"iso8859-3", "ISO-8859-3"},
    {"iso88593", "ISO-8859-3"},
    {"iso_8859-3", "ISO-8859-3"},
    {"iso_8859-3:1988", "ISO-8859-3"},
    {"l3", "ISO-8859-3"},
    {"latin3", "ISO-8859-3"},
    {"csisolatin4", "ISO-8859-4"},
    {"iso-8859-4", "ISO-8859-4"},
    {"iso-ir-110", "ISO-8859-4"},
    {"iso8859-4", "ISO-8859-4"},
    {"iso88594", "ISO-8859-4"},
    {"iso_8859-4", "ISO-8859-4"},
    {"iso_8859-4:1988", "ISO-8859-4"},
    {"l4", "ISO-8859-4"},
    {"latin4", "ISO-8859-4"},
    {"csisolatincyrillic", "ISO-8859-5"},
    {"cyrillic", "ISO-8859-5"},
    {"iso-8859-5", "ISO-8859-5"},
    {"iso-ir-144", "ISO-8859-5"},
    {"iso8859-5", "ISO-8859-5"},
    {"iso88595", "ISO-8859-5"},
    {"iso_8859-5", "ISO-8859-5"},
    {"iso_8859-5:1988", "ISO-8859-5"},
    {"arabic", "ISO-8859-6"},
    {"asmo-708", "ISO-8859-6"},
    {"csiso88596e", "ISO-8859-6"},
    {"csiso88596i", "ISO-8859-6"},
    {"csisolatinarabic", "ISO-8859-6"},
    {"ecma-114", "ISO-8859-6"},
    {"iso-8859-6", "ISO-8859-6"},
    {"iso-8859-6-e", "ISO-8859-6"},
    {"iso-8859-6-i", "ISO-8859-6"},
    {"iso-ir-127", "ISO-8859-6"},
    {"iso8859-6", "ISO-8859-6"},
    {"iso88596", "ISO-8859-6"},
    {"iso_8859-6", "ISO-8859-6"},
    {"iso_8859-6:1987", "ISO-8859-6"},
    {"csisolatingreek", "ISO-8859-7"},
    {"ecma-118", "ISO-8859-7"},
    {"elot_928", "ISO-8859-7"},
    {"greek", "ISO-8859-7"},
    {"greek8", "ISO-8859-7"},
    {"iso-8859-7", "ISO-8859-7"},
    {"iso-ir-126", "ISO-8859-7"},
    {"iso8859-7", "ISO-8859-7"},
    {"iso88597", "ISO-8859-7"},
    {"iso_8859-7", "ISO-8859-7"},
    {"iso_8859-7:1987", "ISO-8859-7"},
    {"sun_eu_greek", "ISO-8859-7"},
    {"csiso88598e", "ISO-8859-8"},
    {"csisolatinhebrew", "ISO-8859-8"},
    {"hebrew", "ISO-8859-8"},
    {"iso-8859-8", "ISO-8859-8"},
    {"iso-8859-8-e", "ISO-8859-8"},
    {"iso-ir-138", "ISO-8859-8"},
    {"iso8859-8", "ISO-8859-8"},
    {"iso88598", "ISO-8859-8"},
    {"iso_8859-8", "ISO-8859-8"},
    {"iso_8859-8:1988", "ISO-8859-8"},
    {"visual", "ISO-8859-8"},
    {"csiso88598i", "ISO-8859-8"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"logical", "ISO-8859-8"},
    {"csisolatin6", "ISO-8859-10"},
    {"iso-8859-10", "ISO-8859-10"},
    {"iso-ir-157", "ISO-8859-10"},
    {"iso8859-10", "ISO-8859-10"},
    {"iso885910", "ISO-8859-10"},
    {"l6", "ISO-8859-10"},
    {"latin6", "ISO-8859-10"},
    {"iso-8859-13", "ISO-8859-13"},
    {"iso8859-13", "ISO-8859-13"},
    {"iso885913", "ISO-8859-13"},
    {"iso-8859-14", "ISO-8859-14"},
    {"iso8859-14", "ISO-8859-14"},
    {"iso885914", "ISO-8859-14"},
    {"csisolatin9", "ISO-8859-15"},
    {"iso-8859-15", "ISO-8859-15"},
    {"iso8859-15", "ISO-8859-15"},
    {"iso885915", "ISO-8859-15"},
    {"iso_8859-15", "ISO-8859-15"},
    {"l9", "ISO-8859-15"},
    {"iso-8859-16", "ISO-8859-16"},
    {"cskoi8r", "KOI8-R"},
    {"koi", "KOI8-R"},
    {"koi8", "KOI8-R"},
    {"koi8-r", "KOI8-R"},
    {"koi8_r", "KOI8-R"},
    {"koi8-ru", "KOI8-U"},
    {"koi8-u", "KOI8-U"},
    {"csmacintosh", "MACINTOSH"},
    {"mac", "MACINTOSH"},
    {"macintosh", "MACINTOSH"},
    {"x-mac-roman", "MACINTOSH"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"},
    {"x-mac-ukrainian", "MAC-CYRILLIC"},
    {"dos-874", "WINDOWS-874"},
    {"iso-8859-11", "WINDOWS-874"},
    {"iso8859-11", "WINDOWS-874"},
    {"iso885911", "WINDOWS-874"},
    {"tis-620", "WINDOWS-874"},
    {"windows-874", "WINDOWS-874"},
    {"cp1250", "WINDOWS-1250"},
    {"windows-1250", "WINDOWS-1250"},
    {"x-cp1250", "WINDOWS-1250"},
    {"cp1251", "WINDOWS-1251"},
    {"windows-1251", "WINDOWS-1251"},
    {"x-cp1251", "WINDOWS-1251"},
    {"ansi_x3.4-1968", "WINDOWS-1252"},
    {"ascii", "WINDOWS-1252"},
    {"cp1252", "WINDOWS-1252"},
    {"cp819", "WINDOWS-1252"},
    {"csisolatin1", "WINDOWS-1252"},
    {"ibm819", "WINDOWS-1252"},
    {"iso-8859-1", "WINDOWS-1252"},
    {"iso-ir-100", "WINDOWS-1252"},
    {"iso8859-1", "WINDOWS-1252"},
    {"iso88591", "WINDOWS-1252"},
    {"iso_8859-1", "WINDOWS-1252"},
    {"iso_8859-1:1987", "WINDOWS-1252"},
    {"l1", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"},
    {"us-ascii", "WINDOWS-1252"},
    {"windows-1252", "WINDOWS-1252"},
    {"x-cp1252", "WINDOWS-1252"},
    {"cp1253", "WINDOWS-1253"},
    {"windows-1253", "WINDOWS-1253"},
    {"x-cp1253", "WINDOWS-1253"},
    {"cp1254", "WINDOWS-1254"},
    {"csisolatin5", "WINDOWS-1254"},
    {"iso-8859-9", "WINDOWS-1254"},
    {"iso-ir-148", "WINDOWS-1254"},
    {"iso8859-9", "WINDOWS-1254"},
    {"iso88599", "WINDOWS-1254"},
    {"iso_8859-9", "WINDOWS-1254"},
    {"iso_8859-9:1989", "WINDOWS-1254"},
    {"l5", "WINDOWS-1254"},
    {"latin5", "WINDOWS-1254"},
    {"windows-1254", "WINDOWS-1254"},
    {"x-cp1254", "WINDOWS-1254"},
    {"cp1255", "WINDOWS-1255"},
    {"windows-1255", "WINDOWS-1255"},
    {"x-cp1255", "WINDOWS-1255"},
    {"cp1256", "WINDOWS-1256"},
    {"windows-1256", "WINDOWS-1256"},
    {"x-cp1256", "WINDOWS-1256"},
    {"cp1257", "WINDOWS-1257"},
    {"windows-1257", "WINDOWS-1257"},
    {"x-cp1257", "WINDOWS-1257"},
    {"cp1258", "WINDOWS-1258"},
    {"windows-1258", "WINDOWS-1258"},
    {"x-cp1258", "WINDOWS-1258"},
    {"chinese", "GB18030"},
    {"csgb2312", "GB18030"},
    {"csiso58gb231280", "GB18030"},
    {"gb2312", "GB18030"},
    {"gb_2312", "GB18030"},
    {"gb_2312-80", "GB18030"},
    {"gbk", "GB18030"},
    {"iso-ir-58", "GB18030"},
    {"x-gbk", "GB18030"},
    {"gb18030", "GB18030"},
    {"big5", "BIG5-HKSCS"},
    {"big5-hkscs", "BIG5-HKSCS"},
    {"cn-big5", "BIG5-HKSCS"},
    {"csbig5", "BIG5-HKSCS"},
    {"x-x-big5", "BIG5-HKSCS"},
    {"cseucpkdfmtjapanese", "EUC-JP"},
    {"euc-jp", "EUC-JP"},
    {"x-euc-jp", "EUC-JP"},
    {"csiso2022jp", "ISO-2022-JP"},
    {"iso-2022-jp", "ISO-2022-JP"},
    {"csshiftjis", "CP932"},
    {"ms932", "CP932"},
    {"ms_kanji", "CP932"},
    {"shift-jis", "CP932"},
    {"shift_jis", "CP932"},
    {"sjis", "CP932"},
    {"windows-31j", "CP932"},
    {"x-sjis", "CP932"},
    {"cseuckr", "CP949"},
    {"csksc56011987", "CP949"},
    {"euc-kr", "CP949"},
    {"iso-ir-149", "CP949"},
    {"korean", "CP949"},
    {"ks_c_5601-1987", "CP949"},
    {"ks_c_5601-1989", "CP949"},
    {"ksc5601", "CP949"},
    {"ksc_5601", "CP949"},
    {"windows-949", "CP949"},
    {"unicodefffe", "UTF-16BE"},
    {"utf-16be", "UTF-16BE"},
    {"csunicode", "UTF-16LE"},
    {"iso-10646-ucs-2", "UTF-16LE"},
    {"ucs-2", "UTF-16LE"},
    {"unicode", "UTF-16LE"},
    {"unicodefeff", "UTF-16LE"},
    {"utf-16", "UTF-16LE"},
    {"utf-16le", "UTF-16LE"},
    // Not WHATWG labels (browsers have no UTF-32), but XML 1.0 names them;
    // without a BOM, Unicode's default byte order is big-endian.
    {"csucs4", "UTF-32BE"},
    {"iso-10646-ucs-4", "UTF-32BE"},
    {"ucs-4", "UTF-32BE"},
    {"utf-32", "UTF-32BE"},
    {"utf-32be", "UTF-32BE"},
    {"utf-32le", "UTF-32LE"},
};

unsigned char byte_at(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]);
}

bool is_utf16(std::string_view charset) {
  return charset.starts_with("UTF-16");
}
bool is_utf32(std::string_view charset) {
  return charset.starts_with("UTF-32");
}
bool is_wide(std::string_view charset) {
  return is_utf16(charset) || is_utf32(charset);
}

struct Sequence {
  std::size_t length;
  bool valid;
};

// Unicode table 3-7: the well-formed UTF-8 byte sequences, by lead byte.
struct LeadRule {
  unsigned char first_lead;
  unsigned char last_lead;
  std::size_t trail;   // continuation bytes that follow
  unsigned char low;   // the allowed range of the first continuation byte
  unsigned char high;  // (later ones are always 80..BF)
};

constexpr LeadRule kLeadRules[] = {
    {0xC2, 0xDF, 1, 0x80, 0xBF}, {0xE0, 0xE0, 2, 0xA0, 0xBF},
    {0xE1, 0xEC, 2, 0x80, 0xBF}, {0xED, 0xED, 2, 0x80, 0x9F},
    {0xEE, 0xEF, 2, 0x80, 0xBF}, {0xF0, 0xF0, 3, 0x90, 0xBF},
    {0xF1, 0xF3, 3, 0x80, 0xBF}, {0xF4, 0xF4, 3, 0x80, 0x8F},
};

// The rule of every lead byte at once (trail 0: not a lead byte), so that
// CJK text, three bytes a character, costs one lookup per character.
constexpr std::array<LeadRule, 256> kRuleByLead = [] {
  std::array<LeadRule, 256> table{};
  for (const LeadRule& rule : kLeadRules) {
    for (unsigned lead = rule.first_lead; lead <= rule.last_lead; ++lead) {
      table[lead] = rule;
    }
  }
  return table;
}();

// The sequence starting at `pos`: a whole valid character, or the maximal
// invalid subpart (at least one byte) that one U+FFFD replaces.
Sequence next_sequence(std::string_view text, std::size_t pos) {
  const unsigned char lead = byte_at(text, pos);
  if (lead < 0x80) {
    return {1, true};
  }
  const LeadRule* rule = &kRuleByLead[lead];
  if (rule->trail == 0) {
    return {1, false};
  }
  for (std::size_t i = 1; i <= rule->trail; ++i) {
    if (pos + i >= text.size()) {
      return {i, false};
    }
    const unsigned char b = byte_at(text, pos + i);
    const unsigned char low = i == 1 ? rule->low : 0x80;
    const unsigned char high = i == 1 ? rule->high : 0xBF;
    if (b < low || b > high) {
      return {i, false};
    }
  }
  return {rule->trail + 1, true};
}

// Where the run of ASCII bytes starting at `pos` ends; eight bytes a step,
// since feeds are mostly ASCII markup even when the text is not.
std::size_t ascii_run_end(std::string_view text, std::size_t pos) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  while (pos + 8 <= text.size()) {
    std::uint64_t chunk;
    std::memcpy(&chunk, text.data() + pos, sizeof chunk);
    if ((chunk & kHighBits) != 0) {
      break;
    }
    pos += 8;
  }
  while (pos < text.size() && byte_at(text, pos) < 0x80) {
    ++pos;
  }
  return pos;
}

std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t pos = ascii_run_end(text, 0);
  while (pos < text.size()) {
    const Sequence sequence = next_sequence(text, pos);
    if (!sequence.valid) {
      return pos;
    }
    pos = ascii_run_end(text, pos + sequence.length);
  }
  return std::string_view::npos;
}

/// How much of a byte string reads as UTF-8 beyond ASCII.
struct Utf8Census {
  std::size_t characters = 0;  ///< valid multi-byte characters
  std::size_t invalid = 0;     ///< invalid sequences
};

Utf8Census utf8_census(std::string_view text) {
  Utf8Census census;
  std::size_t pos = ascii_run_end(text, 0);
  while (pos < text.size()) {
    const Sequence sequence = next_sequence(text, pos);
    ++(sequence.valid ? census.characters : census.invalid);
    pos = ascii_run_end(text, pos + sequence.length);
  }
  return census;
}

struct Bom {
  std::string_view bytes;
  std::string_view charset;
};

// UTF-32LE first: its BOM begins with the UTF-16LE one.
constexpr Bom kBoms[] = {
    {"\x00\x00\xFE\xFF"sv, "UTF-32BE"}, {"\xFF\xFE\x00\x00"sv, "UTF-32LE"},
    {"\xEF\xBB\xBF"sv, "UTF-8"},        {"\xFE\xFF"sv, "UTF-16BE"},
    {"\xFF\xFE"sv, "UTF-16LE"},
};

std::optional<Bom> find_bom(std::string_view body) {
  for (const Bom& bom : kBoms) {
    if (body.starts_with(bom.bytes)) {
      return bom;
    }
  }
  return std::nullopt;
}

std::string_view strip_quotes(std::string_view value) {
  value = trim(value);
  while (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '"' || value.back() == '\'')) {
    value.remove_suffix(1);
  }
  return trim(value);
}

// The charset parameter of a Content-Type, unquoted: servers send
// `text/xml; charset="GB2312"` and `charset='utf-8'` as well as the plain form.
std::string_view charset_parameter(std::string_view content_type) {
  std::size_t start = content_type.find(';');
  while (start != std::string_view::npos) {
    const std::size_t end = content_type.find(';', start + 1);
    const std::string_view parameter =
        trim(content_type.substr(start + 1, end - start - 1));
    const std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos &&
        ascii_lowercase(trim(parameter.substr(0, equals))) == "charset") {
      return strip_quotes(parameter.substr(equals + 1));
    }
    start = end;
  }
  return {};
}

std::string_view skip_spaces(std::string_view text) {
  while (!text.empty() && is_ascii_space(text.front())) {
    text.remove_prefix(1);
  }
  return text;
}

// The encoding pseudo-attribute of an `<?xml ...?>` declaration at the start
// of `head` (leading whitespace allowed: feeds often begin with a newline).
std::string_view declared_encoding(std::string_view head) {
  head = skip_spaces(head);
  if (!head.starts_with("<?xml") || head.size() < 6 ||
      !is_ascii_space(head[5])) {
    return {};
  }
  const std::string_view declaration = head.substr(0, head.find("?>"));
  const std::size_t name = declaration.find("encoding");
  if (name == std::string_view::npos) {
    return {};
  }
  std::string_view rest = skip_spaces(declaration.substr(name + 8));
  if (!rest.starts_with('=')) {
    return {};
  }
  rest = skip_spaces(rest.substr(1));
  if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) {
    return {};
  }
  const std::size_t close = rest.find(rest.front(), 1);
  if (close == std::string_view::npos) {
    return {};
  }
  return rest.substr(1, close - 1);
}

// XML 1.0 Appendix F: without a BOM, a document in UTF-16 or UTF-32 shows
// it by its first character, ASCII `<` (or whitespace), stored as 16- or
// 32-bit units: 00 00 00 3C is UTF-32BE, 3C 00 3F 00 is UTF-16LE.
std::string_view wide_layout(std::string_view body) {
  if (body.size() < 4) {
    return {};
  }
  auto ascii = [](unsigned char b) { return b != 0 && b < 0x80; };
  const unsigned char b0 = byte_at(body, 0), b1 = byte_at(body, 1);
  const unsigned char b2 = byte_at(body, 2), b3 = byte_at(body, 3);
  if (b0 == 0 && b1 == 0 && b2 == 0 && ascii(b3)) {
    return "UTF-32BE";
  }
  if (ascii(b0) && b1 == 0 && b2 == 0 && b3 == 0) {
    return "UTF-32LE";
  }
  if (ascii(b0) && b1 == 0 && ascii(b2) && b3 == 0) {
    return "UTF-16LE";
  }
  if (b0 == 0 && ascii(b1) && b2 == 0 && ascii(b3)) {
    return "UTF-16BE";
  }
  return {};
}

bool starts_with_single_byte_ascii(std::string_view body) {
  return body.size() >= 2 && byte_at(body, 0) != 0 && byte_at(body, 0) < 0x80 &&
         byte_at(body, 1) != 0;
}

// The iconv charset a label names, checked against the body. A UTF-16 label
// on a body that starts with single-byte ASCII is wrong and is ignored:
// .NET feeds written through a StringWriter declare encoding="utf-16" and are
// then sent as UTF-8.
std::string charset_for_label(std::string_view label, std::string_view body) {
  std::string charset = canonical_charset(label);
  if (is_wide(charset) && starts_with_single_byte_ascii(body)) {
    return {};
  }
  return charset;
}

enum class Origin {
  kBom,
  kLayout,
  kForced,
  kHttp,
  kDeclaration,
  kDetected,
  kDefault
};

const char* origin_name(Origin origin) {
  switch (origin) {
    case Origin::kBom:
      return "byte order mark";
    case Origin::kLayout:
      return "byte pattern";
    case Origin::kForced:
      return "feed list";
    case Origin::kHttp:
      return "HTTP charset";
    case Origin::kDeclaration:
      return "XML declaration";
    case Origin::kDetected:
      return "charset detector";
    case Origin::kDefault:
      break;
  }
  return "XML default";
}

struct Choice {
  std::string charset;  ///< the iconv name
  std::string name;     ///< what Document::encoding reports
  Origin origin = Origin::kDefault;
  std::size_t bom_length = 0;
  bool valid_utf8 = false;  ///< the bytes were checked and are valid UTF-8
};

// Unicode charsets are named by what was used ("utf-16be" for a "utf-16"
// label); others by the label as given, lowercased ("iso-8859-1", "gb2312").
Choice labelled(std::string charset, std::string_view label, Origin origin) {
  std::string name = charset.starts_with("UTF-") ? ascii_lowercase(charset)
                                                 : ascii_lowercase(trim(label));
  return {std::move(charset), std::move(name), origin};
}

Choice chosen(std::string_view charset, Origin origin) {
  return {std::string(charset), ascii_lowercase(charset), origin};
}

constexpr std::string_view kWindows1252 = "WINDOWS-1252";

struct DetectorDeleter {
  void operator()(uchardet_t detector) const { uchardet_delete(detector); }
};

// How much of the text's letters are bytes above ASCII: nearly all in a
// Russian or Greek feed (its markup aside), a few percent in Western text.
double high_byte_share(std::string_view text) {
  std::size_t high = 0;
  std::size_t ascii_letters = 0;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    high += b >= 0x80;
    ascii_letters += (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
  }
  return high == 0 ? 0.0
                   : static_cast<double>(high) /
                         static_cast<double>(high + ascii_letters);
}

// The charset uchardet reads in text that is neither UTF-8 nor labelled
// with a legacy charset: a Chinese blog's unlabelled GBK, a Russian feed's
// KOI8-R. Only guesses in a script of their own are taken: on short Latin
// text uchardet wavers between its many Latin charsets ("Café" reads as
// iso-8859-2), which the windows-1252 default already decodes best. A
// single-byte guess also needs the text to be mostly high bytes: English
// with a few accents and curly quotes is now and then taken for Greek or
// Thai ("as \xE7\xE8at from" reads as tis-620). Multi-byte guesses need
// no such check, their byte pairs being a structure Latin text lacks. The
// feed's encoding is named by the WHATWG label for uchardet's guess.
Choice detected_charset(std::string_view body) {
  struct Trusted {
    std::string_view uchardet;  ///< the name uchardet gives
    std::string_view label;     ///< the WHATWG label for it
    bool multibyte;
  };
  static constexpr Trusted kTrusted[] = {
      {"GB18030", "gb18030", true},
      {"BIG5", "big5", true},
      {"EUC-JP", "euc-jp", true},
      {"SHIFT_JIS", "shift_jis", true},
      {"EUC-KR", "euc-kr", true},
      {"UHC", "euc-kr", true},  // windows-949
      {"KOI8-R", "koi8-r", false},
      {"WINDOWS-1251", "windows-1251", false},
      {"ISO-8859-5", "iso-8859-5", false},
      {"IBM866", "ibm866", false},
      {"MAC-CYRILLIC", "x-mac-cyrillic", false},
      {"ISO-8859-7", "iso-8859-7", false},
      {"WINDOWS-1253", "windows-1253", false},
      {"ISO-8859-8", "iso-8859-8", false},
      {"WINDOWS-1255", "windows-1255", false},
      {"ISO-8859-6", "iso-8859-6", false},
      {"WINDOWS-1256", "windows-1256", false},
      {"TIS-620", "tis-620", false},
      {"ISO-8859-11", "iso-8859-11", false}};
  constexpr std::size_t kSample = 64 * 1024;  // plenty to tell, and quick
  constexpr double kMinHighShare = 0.15;
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, DetectorDeleter> detector(
      uchardet_new());
  const std::string_view sample = body.substr(0, kSample);
  if (!detector ||
      uchardet_handle_data(detector.get(), sample.data(), sample.size()) != 0) {
    return {};
  }
  uchardet_data_end(detector.get());
  const std::string_view guess = uchardet_get_charset(detector.get());
  for (const Trusted& t : kTrusted) {
    if (t.uchardet == guess &&
        (t.multibyte || high_byte_share(sample) >= kMinHighShare)) {
      return labelled(canonical_charset(t.label), t.label, Origin::kDetected);
    }
  }
  return {};
}

// BOM, then the layout of the first character, then the labels in order.
Choice choose_charset(std::string_view body, std::string_view content_type,
                      std::string_view forced) {
  if (const auto bom = find_bom(body)) {
    Choice choice = chosen(bom->charset, Origin::kBom);
    choice.bom_length = bom->bytes.size();
    return choice;
  }
  if (const std::string_view layout = wide_layout(body); !layout.empty()) {
    return chosen(layout, Origin::kLayout);
  }
  const std::pair<std::string_view, Origin> labels[] = {
      {forced, Origin::kForced},
      {charset_parameter(content_type), Origin::kHttp},
      {declared_encoding(body.substr(0, kHeadBytes)), Origin::kDeclaration},
  };
  for (const auto& [label, origin] : labels) {
    if (std::string charset = charset_for_label(label, body);
        !charset.empty()) {
      return labelled(std::move(charset), label, origin);
    }
  }
  return chosen(kUtf8, Origin::kDefault);
}

// A label from the feed, quoted for a one-line warning: control
// characters, quotes and backslashes escaped, and cut after 40 bytes.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;
  std::size_t shown = std::min(text.size(), kMaxShown);
  while (shown < text.size() && shown > 0 &&
         (byte_at(text, shown) & 0xC0) == 0x80) {
    --shown;  // never cut a UTF-8 character in two
  }
  std::string out = "\"";
  for (const char c : text.substr(0, shown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '"' || c == '\\') {
      out += fmt::format("\\x{:02X}", byte);
    } else {
      out += c;
    }
  }
  return out + (shown < text.size() ? "\"…" : "\"");
}

// Bytes that contradict the label: a careful reader believes the bytes.
// Text that is valid UTF-8 beyond ASCII is UTF-8, whatever a label says
// (servers default to charset=iso-8859-1; CMSs keep a gb2312 declaration
// after moving to UTF-8), since legacy text is next to never valid UTF-8.
// Text labelled (or defaulting to) UTF-8 that is mostly invalid UTF-8 is in
// the legacy charset its XML declaration names, else the one uchardet
// recognizes, else windows-1252 (the usual charset of Western text served
// as UTF-8); a few invalid sequences in real UTF-8 text only become U+FFFD.
// A feed list's encoding= is obeyed.
Choice checked_against_bytes(Choice choice, std::string_view body,
                             std::vector<std::string>& warnings) {
  if (choice.origin == Origin::kBom || choice.origin == Origin::kLayout ||
      choice.origin == Origin::kForced || is_wide(choice.charset)) {
    return choice;
  }
  if (choice.charset != kUtf8) {
    const Utf8Census census = utf8_census(body);
    if (census.invalid > 0 || census.characters == 0) {
      return choice;
    }
    warnings.push_back(
        fmt::format("the {} says {}, but the bytes are UTF-8; decoded as utf-8",
                    origin_name(choice.origin), quoted(choice.name)));
    Choice utf8 = chosen(kUtf8, choice.origin);
    utf8.valid_utf8 = true;  // the census found no invalid sequence
    return utf8;
  }
  if (first_invalid_utf8(body) == std::string_view::npos) {
    choice.valid_utf8 = true;  // decoding need not check again
    return choice;
  }
  const Utf8Census census = utf8_census(body);
  if (census.characters > census.invalid) {
    return choice;
  }
  Choice fallback = chosen(kWindows1252, choice.origin);
  const std::string_view declared =
      declared_encoding(body.substr(0, kHeadBytes));
  if (std::string charset = canonical_charset(declared);
      !charset.empty() && charset != kUtf8 && !is_wide(charset)) {
    fallback = labelled(std::move(charset), declared, Origin::kDeclaration);
  } else if (Choice detected = detected_charset(body);
             !detected.charset.empty()) {
    fallback = std::move(detected);
  }
  const std::string decoded_as =
      fallback.origin == Origin::kDetected
          ? fmt::format("{}, which they look like", fallback.name)
          : fallback.name;
  warnings.push_back(
      choice.origin == Origin::kDefault
          ? fmt::format("the bytes are not UTF-8 and no charset is declared; "
                        "decoded as {}",
                        decoded_as)
          : fmt::format("the {} says {}, but the bytes are not UTF-8; "
                        "decoded as {}",
                        origin_name(choice.origin), quoted(choice.name),
                        decoded_as));
  return fallback;
}

// A feed's text never holds C0 controls before its first '<' (or within
// its first kilobyte when there is none), so those are some binary format
// sent in its place (gzip 1F 8B, PNG 89 'PNG' 0D 0A 1A, JPEG FF D8 FF E0 00).
bool looks_binary(std::string_view body) {
  const std::string_view head =
      body.substr(0, body.find('<')).substr(0, kHeadBytes);
  return std::any_of(head.begin(), head.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 && !is_ascii_space(c);
  });
}

// A growing output buffer that iconv writes into directly.
struct Sink {
  std::string text;
  std::size_t used = 0;

  char* cursor() { return text.data() + used; }
  std::size_t room() const { return text.size() - used; }
  void ensure(std::size_t bytes) {
    if (room() < bytes) {
      text.resize(std::max(text.size() * 2, used + bytes));
    }
  }
  void append(std::string_view bytes) {
    ensure(bytes.size());
    std::memcpy(cursor(), bytes.data(), bytes.size());
    used += bytes.size();
  }
};

/// Where decoding met bytes the charset does not allow.
struct Damage {
  std::size_t count = 0;
  std::size_t first = 0;  ///< input offset of the first

  void note(std::size_t offset) {
    if (count++ == 0) {
      first = offset;
    }
  }
};

class Converter {
 public:
  explicit Converter(const std::string& charset)
      : handle_(iconv_open("UTF-8", charset.c_str())),
        unit_(is_utf32(charset)   ? 4
              : is_utf16(charset) ? 2
                                  : 1) {}
  ~Converter() {
    if (ok()) {
      iconv_close(handle_);
    }
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  bool ok() const { return handle_ != reinterpret_cast<iconv_t>(-1); }

  std::string convert(std::string_view input, Damage& damage) {
    Sink out;
    out.text.resize(input.size() + input.size() / 2 + 16);
    char* in = const_cast<char*>(input.data());
    std::size_t left = input.size();
    while (left > 0) {
      step(in, left, out, damage, input.size());
    }
    flush(out);
    out.text.resize(out.used);
    return std::move(out.text);
  }

 private:
  // One iconv call; on a bad sequence, one U+FFFD and skip a code unit. A
  // truncated sequence can only be at the end, since iconv has all input.
  void step(char*& in, std::size_t& left, Sink& out, Damage& damage,
            std::size_t total) {
    char* target = out.cursor();
    std::size_t room = out.room();
    const std::size_t result = iconv(handle_, &in, &left, &target, &room);
    const int error = errno;
    out.used = static_cast<std::size_t>(target - out.text.data());
    if (result != static_cast<std::size_t>(-1)) {
      return;
    }
    if (error == E2BIG) {
      out.ensure(out.room() + 16);
      return;
    }
    damage.note(total - left);
    out.append(kReplacementCharacter);
    const std::size_t skip = error == EINVAL ? left : std::min(unit_, left);
    in += skip;
    left -= skip;
  }

  // POSIX ends a stateful conversion (ISO-2022-JP) with a call that has no
  // input, and lets a converter hold output back until then.
  void flush(Sink& out) {
    out.ensure(32);
    char* target = out.cursor();
    std::size_t room = out.room();
    iconv(handle_, nullptr, nullptr, &target, &room);
    out.used = static_cast<std::size_t>(target - out.text.data());
  }

  iconv_t handle_;
  std::size_t unit_;
};

void strip_leading_boms(std::string& text) {
  std::size_t count = 0;
  while (std::string_view(text).substr(count * 3).starts_with(kUtf8Bom)) {
    ++count;
  }
  if (count > 0) {
    text.erase(0, count * 3);
  }
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_ascii_space);
}

// repair_utf8() for text whose first invalid sequence is known to be at
// `first`.
std::size_t repair_utf8_from(std::string& text, std::size_t first) {
  const std::string_view in = text;
  std::size_t replaced = 0;
  std::string out;
  out.reserve(text.size() + 16);
  out.append(in.substr(0, first));
  std::size_t pos = first;
  while (pos < in.size()) {
    const Sequence sequence = next_sequence(in, pos);
    out.append(sequence.valid ? in.substr(pos, sequence.length)
                              : kReplacementCharacter);
    replaced += sequence.valid ? 0 : 1;
    pos += sequence.length;
    const std::size_t run = ascii_run_end(in, pos);
    out.append(in.substr(pos, run - pos));
    pos = run;
  }
  text = std::move(out);
  return replaced;
}

// Decodes `body` (BOM already removed) with the chosen charset; one this
// system's iconv lacks falls back to UTF-8 repair, and says so.
std::string decoded_body(std::string&& body, Choice& choice, Damage& damage) {
  if (choice.charset != kUtf8) {
    Converter converter(choice.charset);
    if (converter.ok()) {
      return converter.convert(body, damage);
    }
    choice = chosen(kUtf8, choice.origin);
  }
  if (const std::size_t first =
          choice.valid_utf8 ? std::string_view::npos : first_invalid_utf8(body);
      first != std::string_view::npos) {
    damage.first = first;
    damage.count = repair_utf8_from(body, first);
  }
  return std::move(body);
}

std::string_view charset_family(std::string_view charset) {
  return is_wide(charset) ? charset.substr(0, 6) : charset;
}

// What the XML declaration says, when it disagrees with a charset taken
// from the document's own bytes (BOM, UTF-16/32 layout) or with the UTF-8
// read in its place (an unknown label, a utf-16 label on single-byte
// text). A declaration that the HTTP charset overrides is no error.
std::string declaration_conflict(const Choice& choice, std::string_view utf8) {
  const bool unlabelled =
      choice.origin == Origin::kDefault || choice.origin == Origin::kDetected;
  if (choice.origin != Origin::kBom && choice.origin != Origin::kLayout &&
      !unlabelled) {
    return {};
  }
  const std::string_view declared =
      declared_encoding(utf8.substr(0, kHeadBytes));
  if (declared.empty()) {
    return {};
  }
  const std::string charset = canonical_charset(declared);
  if (charset.empty() && !unlabelled) {
    return {};  // a label we do not know cannot contradict the bytes
  }
  if (charset.empty()) {
    return fmt::format(
        "unknown charset {} in the XML declaration; decoded as {}",
        quoted(declared), choice.name);
  }
  if (choice.origin == Origin::kDetected) {
    return {};  // a known label was weighed against the bytes already
  }
  if (charset_family(charset) == charset_family(choice.charset)) {
    return {};
  }
  if (choice.origin == Origin::kDefault) {
    return fmt::format(
        "the XML declaration says {}, but the text is single-byte; "
        "decoded as {}",
        quoted(declared), choice.name);
  }
  return fmt::format("the {} says {}, the XML declaration {}; decoded as {}",
                     origin_name(choice.origin), choice.name, quoted(declared),
                     choice.name);
}

}  // namespace

std::string canonical_charset(std::string_view label) {
  const std::string key = ascii_lowercase(trim(label));
  for (const Label& entry : kLabels) {
    if (entry.label == key) {
      return std::string(entry.charset);
    }
  }
  return {};
}

std::size_t repair_utf8(std::string& text) {
  const std::size_t first = first_invalid_utf8(text);
  return first == std::string_view::npos ? 0 : repair_utf8_from(text, first);
}

std::string_view windows1252_character(unsigned char byte) {
  // iconv knows the table; it fails on the five bytes windows-1252 leaves
  // undefined.
  static const std::array<std::string, 32> kTable = [] {
    std::array<std::string, 32> table;
    Converter converter{std::string(kWindows1252)};
    for (std::size_t i = 0; i < table.size() && converter.ok(); ++i) {
      Damage damage;
      const char c = static_cast<char>(0x80 + i);
      std::string text = converter.convert(std::string_view(&c, 1), damage);
      if (damage.count == 0) {
        table[i] = std::move(text);
      }
    }
    return table;
  }();
  if (byte < 0x80 || byte > 0x9F) {
    return {};
  }
  return kTable[byte - 0x80];
}

namespace {

// U+0080..U+009F, encoded C2 80..C2 9F.
bool is_c1_at(std::string_view text, std::size_t i) {
  return byte_at(text, i) == 0xC2 && i + 1 < text.size() &&
         byte_at(text, i + 1) >= 0x80 && byte_at(text, i + 1) <= 0x9F;
}

/// Characters no feed means: how many were replaced, and the first's line.
struct Cleanup {
  std::size_t controls = 0;
  std::size_t first_line = 0;
};

// XML 1.0 forbids C0 controls but tab, LF and CR; one stray NUL in a title
// would make the whole feed unreadable, so each becomes U+FFFD instead. C1
// controls in decoded text are windows-1252 bytes someone decoded as
// ISO-8859-1 ("don\u0092t" means "don’t"), as HTML reads &#146;.
Cleanup clean_characters(std::string& text) {
  Cleanup cleanup;
  const std::string_view in = text;
  std::size_t i = 0;
  while (i < in.size() && !is_forbidden_control(byte_at(in, i)) &&
         !is_c1_at(in, i)) {
    ++i;
  }
  if (i == in.size()) {
    return cleanup;
  }
  std::string out;
  out.reserve(in.size() + 16);
  out.append(in.substr(0, i));
  for (; i < in.size(); ++i) {
    if (is_forbidden_control(byte_at(in, i))) {
      if (cleanup.controls++ == 0) {
        cleanup.first_line = line_number_at(in, i);
      }
      out += kReplacementCharacter;
    } else if (is_c1_at(in, i)) {
      const std::string_view character =
          windows1252_character(byte_at(in, i + 1));
      out += character.empty() ? in.substr(i, 2) : character;
      ++i;
    } else {
      out += in[i];
    }
  }
  text = std::move(out);
  return cleanup;
}

std::string damage_warning(const Damage& damage, const Choice& choice) {
  return fmt::format(
      "replaced {} byte sequence{} invalid in {} with U+FFFD (first at byte "
      "{})",
      damage.count, damage.count == 1 ? "" : "s", choice.name,
      damage.first + choice.bom_length);
}

std::string cleanup_warning(const Cleanup& cleanup) {
  return fmt::format(
      "line {}: replaced {} control character{} XML forbids with U+FFFD",
      cleanup.first_line, cleanup.controls, cleanup.controls == 1 ? "" : "s");
}

}  // namespace

Result<Document> decode_response(Response&& response, const std::string& source,
                                 std::string_view forced_charset) {
  std::vector<std::string> warnings;
  Choice choice =
      choose_charset(response.body, response.content_type, forced_charset);
  response.body.erase(0, choice.bom_length);
  if (!is_wide(choice.charset) && looks_binary(response.body)) {
    return fail("decode", source, "not a feed: binary data, not XML");
  }
  choice = checked_against_bytes(std::move(choice), response.body, warnings);
  Damage damage;
  std::string utf8 = decoded_body(std::move(response.body), choice, damage);
  if (damage.count > 0) {
    warnings.push_back(damage_warning(damage, choice));
  }
  strip_leading_boms(utf8);
  if (std::string conflict = declaration_conflict(choice, utf8);
      !conflict.empty()) {
    warnings.push_back(std::move(conflict));
  }
  if (const Cleanup cleanup = clean_characters(utf8); cleanup.controls > 0) {
    warnings.push_back(cleanup_warning(cleanup));
  }
  if (is_blank(utf8)) {
    return fail("decode", source, "empty document");
  }
  return Document{std::move(utf8), std::move(choice.name),
                  std::move(response.final_url), std::move(warnings)};
}

}  // namespace feedmark
