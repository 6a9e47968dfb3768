#include "feedmark/write/front_matter.h"

#include <fmt/format.h>

#include "feedmark/util/text.h"

namespace feedmark {
namespace {

// The escape of an ASCII character that YAML may not hold as it is, or
// nothing. Tabs are allowed inside quotes, but an escaped one survives
// editors and line folding.
std::string_view ascii_escape(char c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\0':
      return "\\0";
    case '\a':
      return "\\a";
    case '\b':
      return "\\b";
    case '\t':
      return "\\t";
    case '\n':
      return "\\n";
    case '\v':
      return "\\v";
    case '\f':
      return "\\f";
    case '\r':
      return "\\r";
    case '\x1b':
      return "\\e";
    default:
      return {};
  }
}

// Outside YAML 1.2's printable set, or a line break to YAML 1.1 (U+0085,
// U+2028, U+2029): escaped, so that parsers of both versions agree.
// U+0085 is "\x85", not "\N", which yaml-cpp 0.7 reads as a lone byte.
std::optional<std::string> unicode_escape(char32_t c) {
  if (c == 0x2028) {
    return "\\L";
  }
  if (c == 0x2029) {
    return "\\P";
  }
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
    return fmt::format("\\x{:02X}", static_cast<unsigned>(c));
  }
  if (c == 0xFEFF || c == 0xFFFE || c == 0xFFFF) {
    return fmt::format("\\u{:04X}", static_cast<unsigned>(c));
  }
  return std::nullopt;
}

}  // namespace

std::string yaml_quoted(std::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      const std::string_view escape = ascii_escape(text[i]);
      if (!escape.empty()) {
        out += escape;
      } else if (auto other = unicode_escape(lead)) {
        out += *other;
      } else {
        out += text[i];
      }
      ++i;
      continue;
    }
    const std::size_t length = utf8_length(lead);
    const char32_t c = i + length <= text.size() && length > 1
                           ? decode_utf8_at(text, i)
                           : char32_t{0xFFFD};
    if (auto escape = unicode_escape(c)) {
      out += *escape;
    } else {
      append_utf8(out, c);
    }
    i += length > 1 && i + length <= text.size() ? length : 1;
  }
  return out + "\"";
}

std::string format_iso8601_ms(std::int64_t ms) {
  const std::int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  std::string out = format_iso8601(seconds);
  out.insert(out.size() - 1, fmt::format(".{:03}", ms - seconds * 1000));
  return out;
}

FrontMatter& FrontMatter::text(std::string_view key, std::string_view value) {
  if (!value.empty()) {
    body_ += fmt::format("{}: {}\n", key, yaml_quoted(value));
  }
  return *this;
}

FrontMatter& FrontMatter::time(std::string_view key,
                               std::optional<UnixTime> value) {
  if (value) {
    body_ += fmt::format("{}: {}\n", key, format_iso8601(*value));
  }
  return *this;
}

FrontMatter& FrontMatter::time_ms(std::string_view key, std::int64_t ms) {
  body_ += fmt::format("{}: {}\n", key, format_iso8601_ms(ms));
  return *this;
}

FrontMatter& FrontMatter::list(std::string_view key,
                               const std::vector<std::string>& values) {
  if (values.empty()) {
    return *this;
  }
  body_ += fmt::format("{}:\n", key);
  for (const std::string& value : values) {
    body_ += fmt::format("  - {}\n", yaml_quoted(value));
  }
  return *this;
}

FrontMatter& FrontMatter::verbatim(std::string_view lines) {
  body_ += lines;
  return *this;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = ascii_lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// The reverse of yaml_quoted, for the escapes YAML defines.
std::optional<std::string> unquote(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') {
    return std::nullopt;
  }
  const std::string_view s = quoted.substr(1, quoted.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i >= s.size()) {
      return std::nullopt;
    }
    static constexpr std::string_view kFrom = "0abtnvfre \"/\\N_LP";
    static constexpr char32_t kTo[] = {0,    7,    8,    9,      10,    11,
                                       12,   13,   27,   ' ',    '"',   '/',
                                       '\\', 0x85, 0xA0, 0x2028, 0x2029};
    if (const auto simple = kFrom.find(s[i]);
        simple != std::string_view::npos) {
      append_utf8(out, kTo[simple]);
      continue;
    }
    const std::size_t digits = s[i] == 'x'   ? 2
                               : s[i] == 'u' ? 4
                               : s[i] == 'U' ? 8
                                             : 0;
    if (digits == 0 || i + digits >= s.size()) {
      return std::nullopt;
    }
    char32_t c = 0;
    for (std::size_t k = 1; k <= digits; ++k) {
      const int v = hex_value(s[i + k]);
      if (v < 0) {
        return std::nullopt;
      }
      c = c * 16 + static_cast<char32_t>(v);
    }
    append_utf8(out, c);
    i += digits;
  }
  return out;
}

std::string scalar_of(std::string_view value) {
  value = trim(value);
  if (value.starts_with('"')) {
    return unquote(value).value_or(std::string());
  }
  return std::string(value);
}

}  // namespace

std::string_view FrontMatterFields::get(std::string_view key) const {
  const auto found = scalars.find(key);
  return found == scalars.end() ? std::string_view() : found->second;
}

std::optional<FrontMatterFields> read_front_matter(std::string_view text) {
  if (!text.starts_with("---\n")) {
    return std::nullopt;
  }
  FrontMatterFields fields;
  std::string last_key;
  for (std::size_t pos = 4; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line == "---") {
      fields.end = pos;
      return fields;
    }
    if (line.starts_with("  - ") && !last_key.empty()) {
      fields.lists[last_key].push_back(scalar_of(line.substr(4)));
      continue;
    }
    const auto colon = line.find(": ");
    if (line.empty() || line[0] == ' ') {
      continue;  // a nested field of no interest ("  list: never")
    }
    if (colon == std::string_view::npos) {
      last_key = std::string(
          line.ends_with(':') ? line.substr(0, line.size() - 1) : line);
      continue;
    }
    last_key = std::string(line.substr(0, colon));
    fields.scalars[last_key] = scalar_of(line.substr(colon + 2));
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text) {
  std::int64_t fraction = 0;
  std::string seconds(text);
  if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    std::size_t i = dot + 1;
    int digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (digits < 3) {
        fraction = fraction * 10 + (text[i] - '0');
        ++digits;
      }
    }
    for (; digits < 3; ++digits) {
      fraction *= 10;
    }
    seconds = std::string(text.substr(0, dot)) + std::string(text.substr(i));
  }
  const std::optional<UnixTime> t = parse_date(seconds);
  if (!t) {
    return std::nullopt;
  }
  return *t * 1000 + fraction;
}

}  // namespace feedmark
