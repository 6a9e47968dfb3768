#include "html/input_stream.h"

#include <cstdint>
#include <cstring>
#include <utility>

namespace feedmark::html {
namespace {

// Whether eight bytes are all printable ASCII (0x20-0x7E): most of the
// markup and of Western text, skipped a word at a time.
bool all_printable_ascii(std::uint64_t chunk) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t below_space = (chunk - 0x20 * kOnes) & ~chunk & kHigh;
  const std::uint64_t del_or_high = ((chunk + kOnes) | chunk) & kHigh;
  return (below_space | del_or_high) == 0;
}

// The code point of the well-formed UTF-8 sequence at `i` and its length,
// or length 0 for a stray byte, an overlong form, a surrogate or a code
// point past U+10FFFF: bytes gumbo reads as U+FFFD.
std::pair<char32_t, std::size_t> code_point_at(const unsigned char* s,
                                               std::size_t n, std::size_t i) {
  const unsigned char c = s[i];
  const std::size_t length = c < 0xC2   ? 0
                             : c < 0xE0 ? 2
                             : c < 0xF0 ? 3
                             : c < 0xF5 ? 4
                                        : 0;
  if (length == 0 || i + length > n) {
    return {0, 0};
  }
  char32_t cp = c & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) {
      return {0, 0};
    }
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  const bool overlong =
      (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return {0, 0};
  }
  return {cp, length};
}

}  // namespace

// Every byte of a fragment the direct reader takes passes here (text,
// values, comments) or is ASCII it checked itself (names, spaces).
bool gumbo_would_change(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t chunk;
      std::memcpy(&chunk, s + i, sizeof chunk);
      if (all_printable_ascii(chunk)) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c == 0x7F) {
        return true;
      }
      ++i;
      continue;
    }
    const auto [cp, length] = code_point_at(s, n, i);
    if (length == 0 || cp < 0xA0 || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
        (cp & 0xFFFE) == 0xFFFE) {
      return true;
    }
    i += length;
  }
  return false;
}

}  // namespace feedmark::html
