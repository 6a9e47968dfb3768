// Characters no feed means, cleaned from decoded text: C0 controls XML
// forbids, and C1 controls that are windows-1252 bytes decoded as Latin-1.
#include <fmt/format.h>

#include <cstdint>
#include <cstring>

#include "decode_detail.h"
#include "feedmark/util/text.h"

namespace feedmark::decode_detail {
namespace {

// Where the first block of eight bytes that may hold a byte clean_characters
// changes begins: a C0 control, or 0xC2 (the lead byte of C1 controls in
// UTF-8). Eight bytes a step: a 36 MB feed has none, or a few.
std::size_t next_suspect_block(std::string_view text, std::size_t pos) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  while (pos + 8 <= text.size()) {
    std::uint64_t x;
    std::memcpy(&x, text.data() + pos, sizeof x);
    const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
    const std::uint64_t y = x ^ (kOnes * 0xC2);
    const std::uint64_t is_c2 = (y - kOnes) & ~y & kHighs;
    if ((below_space | is_c2) != 0) {
      break;
    }
    pos += 8;
  }
  return pos;
}

// U+0080..U+009F, encoded C2 80..C2 9F.
bool is_c1_at(std::string_view text, std::size_t i) {
  return byte_at(text, i) == 0xC2 && i + 1 < text.size() &&
         byte_at(text, i + 1) >= 0x80 && byte_at(text, i + 1) <= 0x9F;
}

}  // namespace

// XML 1.0 forbids C0 controls but tab, LF and CR; one stray NUL in a title
// would make the whole feed unreadable, so each becomes U+FFFD instead. C1
// controls in decoded text are windows-1252 bytes someone decoded as
// ISO-8859-1 ("don\u0092t" means "don’t"), as HTML reads &#146;.
Cleanup clean_characters(std::string& text) {
  Cleanup cleanup;
  const std::string_view in = text;
  std::size_t i = 0;
  while (i < in.size()) {
    i = next_suspect_block(in, i);
    const std::size_t block_end = std::min(i + 8, in.size());
    while (i < block_end && !is_forbidden_control(byte_at(in, i)) &&
           !is_c1_at(in, i)) {
      ++i;
    }
    if (i < block_end) {
      break;
    }
  }
  if (i >= in.size()) {
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

std::string cleanup_warning(const Cleanup& cleanup) {
  return fmt::format(
      "line {}: replaced {} control character{} XML forbids with U+FFFD",
      cleanup.first_line, cleanup.controls, cleanup.controls == 1 ? "" : "s");
}

}  // namespace feedmark::decode_detail
