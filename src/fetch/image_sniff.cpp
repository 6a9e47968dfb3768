// Which image a body is, from its bytes: servers label error pages
// "image/jpeg", and CDNs answer a hotlink with a small HTML page, so the
// Content-Type is never trusted.

#include "feedmark/fetch/image_sniff.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace feedmark {
namespace {

bool starts_with_bytes(std::string_view data, std::string_view magic,
                       std::size_t at = 0) {
  return data.size() >= at + magic.size() &&
         data.substr(at, magic.size()) == magic;
}

std::uint32_t little_endian_32(std::string_view data, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |=
        static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + i]))
        << (8 * i);
  }
  return value;
}

// AVIF is an ISO-BMFF file: "ftyp" at 4, then the major brand and the
// compatible ones; an image sequence says "avis".
bool is_avif(std::string_view head) {
  if (!starts_with_bytes(head, "ftyp", 4)) {
    return false;
  }
  for (std::size_t at = 8; at + 4 <= head.size(); at += 4) {
    const std::string_view brand = head.substr(at, 4);
    if (brand == "avif" || brand == "avis") {
      return true;
    }
  }
  return false;
}

// What a refused body looks like, for the -v line.
std::string describe_non_image(std::string_view head) {
  if (head.empty()) {
    return "empty body, not an image";
  }
  const std::size_t first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  const std::string_view text =
      first == std::string_view::npos ? std::string_view() : head.substr(first);
  std::string lower(text);
  std::transform(
      lower.begin(), lower.end(), lower.begin(),
      [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.starts_with("<svg") ||
      (lower.starts_with("<?xml") && lower.find("<svg") != std::string::npos)) {
    return "an SVG image, not kept (it can carry scripts)";
  }
  if (lower.starts_with("<")) {
    return "an HTML or XML document, not an image";
  }
  if (lower.starts_with("{") || lower.starts_with("[")) {
    return "a JSON document, not an image";
  }
  return "not an image of a kept type (JPEG, PNG, GIF, WebP, AVIF, BMP, ICO)";
}

}  // namespace

ImageSniff sniff_image_head(std::string_view head) {
  struct Magic {
    std::string_view bytes;
    std::size_t at;
    const char* extension;
  };
  static constexpr std::array<Magic, 6> kMagic{{
      {"\xFF\xD8\xFF", 0, "jpg"},
      {"\x89PNG\r\n\x1A\n", 0, "png"},
      {"GIF87a", 0, "gif"},
      {"GIF89a", 0, "gif"},
      {"WEBP", 8, "webp"},
      {"BM", 0, "bmp"},
  }};
  for (const Magic& m : kMagic) {
    if (starts_with_bytes(head, m.bytes, m.at) &&
        (m.at == 0 || starts_with_bytes(head, "RIFF"))) {
      return {m.extension, ""};
    }
  }
  if (is_avif(head)) {
    return {"avif", ""};
  }
  // An icon directory: reserved 0, type 1, at least one image.
  if (starts_with_bytes(head, std::string_view("\0\0\1\0", 4)) &&
      head.size() >= 6 && (head[4] != 0 || head[5] != 0)) {
    return {"ico", ""};
  }
  return {"", describe_non_image(head)};
}

std::string image_truncation(std::string_view extension, std::string_view head,
                             std::string_view tail, std::uint64_t size,
                             bool jpeg_end_seen) {
  const auto cut = [&](std::string_view what) {
    return fmt::format("truncated {} ({} bytes): {}", extension, size, what);
  };
  if (extension == "png") {
    // The last chunk is IEND: its type and fixed CRC end the file.
    return tail.find("IEND\xAE\x42\x60\x82") == std::string_view::npos
               ? cut("no IEND chunk at its end")
               : "";
  }
  if (extension == "gif") {
    return tail.find(';') == std::string_view::npos ? cut("no trailer") : "";
  }
  if (extension == "jpg") {
    // The end-of-image marker, anywhere (data may follow it).
    return !jpeg_end_seen && tail.find("\xFF\xD9") == std::string_view::npos
               ? cut("no end-of-image marker")
               : "";
  }
  if (extension == "webp" && head.size() >= 8) {
    // RIFF's size field counts what follows its first 8 bytes.
    const std::uint64_t declared = little_endian_32(head, 4) + std::uint64_t{8};
    return size < declared ? cut(fmt::format("its header says {}", declared))
                           : "";
  }
  if (extension == "bmp" && head.size() >= 6) {
    const std::uint64_t declared = little_endian_32(head, 2);
    return size < declared ? cut(fmt::format("its header says {}", declared))
                           : "";
  }
  return size < 16 ? cut("shorter than any image") : "";
}

}  // namespace feedmark
