#include "feedmark/decode.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "feedmark/text.h"

namespace feedmark {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
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
};

unsigned char byte_at(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]);
}

bool is_utf16(std::string_view charset) {
  return charset == "UTF-16LE" || charset == "UTF-16BE";
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

std::optional<LeadRule> lead_rule(unsigned char lead) {
  for (const LeadRule& rule : kLeadRules) {
    if (lead >= rule.first_lead && lead <= rule.last_lead) {
      return rule;
    }
  }
  return std::nullopt;
}

// The sequence starting at `pos`: a whole valid character, or the maximal
// invalid subpart (at least one byte) that one U+FFFD replaces.
Sequence next_sequence(std::string_view text, std::size_t pos) {
  const unsigned char lead = byte_at(text, pos);
  if (lead < 0x80) {
    return {1, true};
  }
  const auto rule = lead_rule(lead);
  if (!rule) {
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

// "UTF-16LE" or "UTF-16BE" when the first two characters are ASCII stored
// as 16-bit units (`<?` is 3C 00 3F 00 or 00 3C 00 3F), else empty.
std::string_view utf16_layout(std::string_view body) {
  if (body.size() < 4) {
    return {};
  }
  auto ascii = [](unsigned char b) { return b != 0 && b < 0x80; };
  const unsigned char b0 = byte_at(body, 0), b1 = byte_at(body, 1);
  const unsigned char b2 = byte_at(body, 2), b3 = byte_at(body, 3);
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
// then sent as UTF-8. Byte order comes from the body when it shows one.
std::string charset_for_label(std::string_view label, std::string_view body) {
  std::string charset = canonical_charset(label);
  if (!is_utf16(charset)) {
    return charset;
  }
  const std::string_view layout = utf16_layout(body);
  if (!layout.empty()) {
    return std::string(layout);
  }
  return starts_with_single_byte_ascii(body) ? std::string() : charset;
}

struct Choice {
  std::string charset;
  std::size_t bom_length = 0;
};

Choice choose_charset(std::string_view body, std::string_view content_type,
                      std::string_view forced) {
  if (const auto bom = find_bom(body)) {
    return {std::string(bom->charset), bom->bytes.size()};
  }
  if (auto charset = canonical_charset(forced); !charset.empty()) {
    return {std::move(charset)};
  }
  if (auto charset = charset_for_label(charset_parameter(content_type), body);
      !charset.empty()) {
    return {std::move(charset)};
  }
  // A declaration readable only as UTF-16 can say nothing but UTF-16.
  if (const auto layout = utf16_layout(body); !layout.empty()) {
    return {std::string(layout)};
  }
  const std::string_view head = body.substr(0, kHeadBytes);
  if (auto charset = charset_for_label(declared_encoding(head), body);
      !charset.empty()) {
    return {std::move(charset)};
  }
  return {std::string(kUtf8)};
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

class Converter {
 public:
  explicit Converter(const std::string& charset)
      : handle_(iconv_open("UTF-8", charset.c_str())),
        unit_(charset.starts_with("UTF-32") ? 4
              : is_utf16(charset)           ? 2
                                            : 1) {}
  ~Converter() {
    if (ok()) {
      iconv_close(handle_);
    }
  }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  bool ok() const { return handle_ != reinterpret_cast<iconv_t>(-1); }

  std::string convert(std::string_view input) {
    Sink out;
    out.text.resize(input.size() + input.size() / 2 + 16);
    char* in = const_cast<char*>(input.data());
    std::size_t left = input.size();
    while (left > 0) {
      step(in, left, out);
    }
    flush(out);
    out.text.resize(out.used);
    return std::move(out.text);
  }

 private:
  // One iconv call; on a bad sequence, one U+FFFD and skip a code unit. A
  // truncated sequence can only be at the end, since iconv has all input.
  void step(char*& in, std::size_t& left, Sink& out) {
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
    out.append(kReplacement);
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

// Decodes `body` (BOM already removed) and names the charset really used;
// a charset this system's iconv lacks falls back to UTF-8 repair.
std::pair<std::string, std::string> decode_body(std::string&& body,
                                                const std::string& charset) {
  if (charset != kUtf8) {
    Converter converter(charset);
    if (converter.ok()) {
      return {converter.convert(body), ascii_lowercase(charset)};
    }
  }
  repair_utf8(body);
  return {std::move(body), "utf-8"};
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

bool repair_utf8(std::string& text) {
  const std::size_t first = first_invalid_utf8(text);
  if (first == std::string_view::npos) {
    return false;
  }
  const std::string_view in = text;
  std::string out;
  out.reserve(text.size() + 16);
  out.append(in.substr(0, first));
  std::size_t pos = first;
  while (pos < in.size()) {
    const Sequence sequence = next_sequence(in, pos);
    out.append(sequence.valid ? in.substr(pos, sequence.length) : kReplacement);
    pos += sequence.length;
    const std::size_t run = ascii_run_end(in, pos);
    out.append(in.substr(pos, run - pos));
    pos = run;
  }
  text = std::move(out);
  return true;
}

namespace {

bool is_forbidden_control(unsigned char c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

// XML 1.0 forbids C0 controls but tab, LF and CR; one stray NUL in a title
// would make the whole feed unreadable, so each becomes U+FFFD instead.
void replace_forbidden_controls(std::string& text) {
  const auto bad = std::find_if(text.begin(), text.end(), [](char c) {
    return is_forbidden_control(static_cast<unsigned char>(c));
  });
  if (bad == text.end()) {
    return;
  }
  std::string out;
  out.reserve(text.size() + 16);
  out.append(text.begin(), bad);
  for (auto it = bad; it != text.end(); ++it) {
    if (is_forbidden_control(static_cast<unsigned char>(*it))) {
      out += "\xEF\xBF\xBD";
    } else {
      out += *it;
    }
  }
  text = std::move(out);
}

}  // namespace

Result<Document> decode_response(Response&& response, const std::string& source,
                                 std::string_view forced_charset) {
  const Choice choice =
      choose_charset(response.body, response.content_type, forced_charset);
  response.body.erase(0, choice.bom_length);
  auto [utf8, encoding] = decode_body(std::move(response.body), choice.charset);
  strip_leading_boms(utf8);
  replace_forbidden_controls(utf8);
  if (is_blank(utf8)) {
    return fail("decode", source, "empty document");
  }
  return Document{std::move(utf8), std::move(encoding),
                  std::move(response.final_url)};
}

}  // namespace feedmark
