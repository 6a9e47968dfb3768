#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace feedmark {

/// ASCII whitespace as HTML and XML know it: space, tab, CR, LF, FF.
inline bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/// A-Z, a-z, 0-9, whatever the locale.
inline bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

/// A C0 control character XML forbids (all but tab, LF and CR). HTML
/// character references can still produce one (`&#1;`), so text written
/// out replaces them too.
inline bool is_forbidden_control(unsigned char c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

/// U+FFFD REPLACEMENT CHARACTER in UTF-8.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

/// The length of the UTF-8 sequence `lead` starts, for valid UTF-8.
inline std::size_t utf8_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

/// How many code points UTF-8 text holds (its bytes that start one).
inline std::size_t utf8_character_count(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  return n;
}

/// The code point of valid UTF-8 `s` that starts at byte `i`.
inline char32_t decode_utf8_at(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) & 0x3F : 0;
  };
  const auto c = static_cast<unsigned char>(s[i]);
  switch (utf8_length(c)) {
    case 1:
      return c;
    case 2:
      return ((c & 0x1F) << 6) | b(1);
    case 3:
      return ((c & 0x0F) << 12) | (b(1) << 6) | b(2);
    default:
      return ((c & 0x07) << 18) | (b(1) << 12) | (b(2) << 6) | b(3);
  }
}

/// The 1-based number of the line that byte `offset` of `text` is on.
inline std::size_t line_number_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(
                 std::count(text.begin(), text.begin() + offset, '\n'));
}

/// Appends the UTF-8 encoding of the code point `c`.
inline void append_utf8(std::string& out, char32_t c) {
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
}

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `text` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

/// `text` with A-Z lowered; other bytes unchanged.
std::string ascii_lowercase(std::string_view text);

/// Equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

/// `text` starts with `prefix`, ignoring ASCII case.
bool istarts_with(std::string_view text, std::string_view prefix);

/// Runs of ASCII whitespace become one space; the ends are trimmed.
std::string collapse_whitespace(std::string_view text);

}  // namespace feedmark
