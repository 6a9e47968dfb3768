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

#include "decode_detail.h"
#include "feedmark/util/text.h"

namespace feedmark::decode_detail {
namespace {

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

std::string_view skip_spaces(std::string_view text) {
  while (!text.empty() && is_ascii_space(text.front())) {
    text.remove_prefix(1);
  }
  return text;
}

bool starts_with_single_byte_ascii(std::string_view body) {
  return body.size() >= 2 && byte_at(body, 0) != 0 && byte_at(body, 0) < 0x80 &&
         byte_at(body, 1) != 0;
}

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

constexpr std::string_view kWindows1252 = "WINDOWS-1252";

// A label from the feed, quoted for a one-line warning: control
// characters, quotes and backslashes escaped, and cut after 40 bytes.
std::string quoted_for_warning(std::string_view text) {
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
    warnings.push_back(fmt::format(
        "the {} says {}, but the bytes are UTF-8; decoded as utf-8",
        origin_name(choice.origin), quoted_for_warning(choice.name)));
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
                        origin_name(choice.origin),
                        quoted_for_warning(choice.name), decoded_as));
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
        quoted_for_warning(declared), choice.name);
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
        quoted_for_warning(declared), choice.name);
  }
  return fmt::format("the {} says {}, the XML declaration {}; decoded as {}",
                     origin_name(choice.origin), choice.name,
                     quoted_for_warning(declared), choice.name);
}

}  // namespace

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

}  // namespace feedmark::decode_detail

namespace feedmark {

using namespace decode_detail;  // the readers of decode_detail.h

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

std::string damage_warning(const Damage& damage, const Choice& choice) {
  return fmt::format(
      "replaced {} byte sequence{} invalid in {} with U+FFFD (first at byte "
      "{})",
      damage.count, damage.count == 1 ? "" : "s", choice.name,
      damage.first + choice.bom_length);
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
