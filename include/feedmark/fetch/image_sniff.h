#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace feedmark {

/// The longest head and tail of a body that sniff_image needs.
inline constexpr std::size_t kImageHeadBytes = 32;
inline constexpr std::size_t kImageTailBytes = 32;

/// What the first bytes of a body say it is (SPEC "Images").
struct ImageSniff {
  std::string extension;  ///< "jpg", "png", "gif", "webp", "avif", "bmp",
                          ///< "ico"; "" when refused
  std::string refusal;    ///< why it is not an image, "" when it is one
};

/// Sniffs an image type from the body's first kImageHeadBytes bytes (fewer
/// only when the body is shorter). A type that cannot hold the body is
/// refused: an HTML error page, an SVG, an empty body.
ImageSniff sniff_image_head(std::string_view head);

/// Why a whole body of a sniffed type is not a complete image ("" if it
/// is): the types with an end marker or a size field must show it, so that
/// a body cut short by a closed connection is not kept. `tail`: its last
/// kImageTailBytes bytes; `jpeg_end_seen`: whether FF D9 occurs anywhere
/// in it (a JPEG may carry data after its end, as motion photos do).
std::string image_truncation(std::string_view extension, std::string_view head,
                             std::string_view tail, std::uint64_t size,
                             bool jpeg_end_seen = false);

}  // namespace feedmark
