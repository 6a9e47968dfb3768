#pragma once

// What the charset decoder (decode/*.cpp) shares: private to it.

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

#include "feedmark/decode/decode.h"
#include "feedmark/util/text.h"

namespace feedmark::decode_detail {

struct Bom {
  std::string_view bytes;
  std::string_view charset;
};

using namespace std::string_view_literals;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

constexpr std::string_view kUtf8 = "UTF-8";

constexpr std::size_t kHeadBytes = 1024;

struct Sequence {
  std::size_t length;
  bool valid;
};

/// How much of a byte string reads as UTF-8 beyond ASCII.
struct Utf8Census {
  std::size_t characters = 0;  ///< valid multi-byte characters
  std::size_t invalid = 0;     ///< invalid sequences
};

enum class Origin {
  kBom,
  kLayout,
  kForced,
  kHttp,
  kDeclaration,
  kDetected,
  kDefault
};

struct Choice {
  std::string charset;  ///< the iconv name
  std::string name;     ///< what Document::encoding reports
  Origin origin = Origin::kDefault;
  std::size_t bom_length = 0;
  bool valid_utf8 = false;  ///< the bytes were checked and are valid UTF-8
};

// Called for every byte of a document: inline, not across files.
inline unsigned char byte_at(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]);
}
bool is_utf16(std::string_view charset);
bool is_utf32(std::string_view charset);
bool is_wide(std::string_view charset);
Sequence next_sequence(std::string_view text, std::size_t pos);
std::size_t ascii_run_end(std::string_view text, std::size_t pos);
std::size_t first_invalid_utf8(std::string_view text);
Utf8Census utf8_census(std::string_view text);
std::optional<Bom> find_bom(std::string_view body);
Choice detected_charset(std::string_view body);
Choice choose_charset(std::string_view body, std::string_view content_type,
                      std::string_view forced);
std::string_view charset_parameter(std::string_view content_type);
std::string_view declared_encoding(std::string_view head);
std::string_view wide_layout(std::string_view body);
std::string charset_for_label(std::string_view label, std::string_view body);
Choice labelled(std::string charset, std::string_view label, Origin origin);
Choice chosen(std::string_view charset, Origin origin);

/// Characters no feed means: how many were replaced, and the first's line.
struct Cleanup {
  std::size_t controls = 0;
  std::size_t first_line = 0;
};
Cleanup clean_characters(std::string& text);
std::string cleanup_warning(const Cleanup& cleanup);

}  // namespace feedmark::decode_detail
