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

// UTF-32LE first: its BOM begins with the UTF-16LE one.
constexpr Bom kBoms[] = {
    {"\x00\x00\xFE\xFF"sv, "UTF-32BE"}, {"\xFF\xFE\x00\x00"sv, "UTF-32LE"},
    {"\xEF\xBB\xBF"sv, "UTF-8"},        {"\xFE\xFF"sv, "UTF-16BE"},
    {"\xFF\xFE"sv, "UTF-16LE"},
};

}  // namespace

bool is_utf16(std::string_view charset) {
  return charset.starts_with("UTF-16");
}

bool is_utf32(std::string_view charset) {
  return charset.starts_with("UTF-32");
}

bool is_wide(std::string_view charset) {
  return is_utf16(charset) || is_utf32(charset);
}

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

std::optional<Bom> find_bom(std::string_view body) {
  for (const Bom& bom : kBoms) {
    if (body.starts_with(bom.bytes)) {
      return bom;
    }
  }
  return std::nullopt;
}

}  // namespace feedmark::decode_detail
