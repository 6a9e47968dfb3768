// Which bodies are kept as images: the bytes decide, never the label.
#include "feedmark/fetch/image_sniff.h"

#include <catch2/catch.hpp>

namespace feedmark::test {
namespace {

std::string bytes(const char* text, std::size_t size) {
  return {text, size};
}

}  // namespace

TEST_CASE("Image types are sniffed from their first bytes", "[images]") {
  const auto ext = [](const std::string& head) {
    const ImageSniff sniff = sniff_image_head(head);
    CHECK(sniff.refusal.empty() == !sniff.extension.empty());
    return sniff.extension;
  };
  CHECK(ext(bytes("\xFF\xD8\xFF\xE0\0\x10JFIF", 10)) == "jpg");
  CHECK(ext(bytes("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR", 16)) == "png");
  CHECK(ext("GIF87a....") == "gif");
  CHECK(ext("GIF89a....") == "gif");
  CHECK(ext(bytes("RIFF\x10\0\0\0WEBPVP8 ", 16)) == "webp");
  CHECK(ext(bytes("\0\0\0\x1C"
                  "ftypavif\0\0\0\0avifmif1",
                  24)) == "avif");
  CHECK(ext(bytes("\0\0\0\x1C"
                  "ftypmif1\0\0\0\0mif1avif",
                  24)) == "avif");
  CHECK(ext("BM6\x0C\0\0\0\0\0\0") == "bmp");
  CHECK(ext(bytes("\0\0\1\0\1\0\x10\x10", 8)) == "ico");
  // Near misses.
  CHECK(ext(bytes("RIFF\x10\0\0\0WAVEfmt ", 16)).empty());  // a sound
  CHECK(ext(bytes("\0\0\0\x1C"
                  "ftypisom\0\0\0\0mp41",
                  20))
            .empty());                           // a video
  CHECK(ext(bytes("\0\0\1\0\0\0", 6)).empty());  // an icon of no image
  CHECK(ext("\xFF\xD8").empty());                // too short to be a JPEG
}

TEST_CASE("What is not an image says what it is", "[images]") {
  const auto why = [](const std::string& head) {
    return sniff_image_head(head).refusal;
  };
  CHECK(why("") == "empty body, not an image");
  CHECK(why("\n  <!DOCTYPE html><html><head>") ==
        "an HTML or XML document, not an image");
  CHECK(why("\xEF\xBB\xBF<html>") == "an HTML or XML document, not an image");
  CHECK(why("<svg xmlns=\"http://www.w3.org/2000/svg\"") ==
        "an SVG image, not kept (it can carry scripts)");
  CHECK(why("<?xml version=\"1.0\"?>\n<svg ") ==
        "an SVG image, not kept (it can carry scripts)");
  CHECK(why("{\"error\": \"forbidden\"}") == "a JSON document, not an image");
  CHECK(why("%PDF-1.7") ==
        "not an image of a kept type (JPEG, PNG, GIF, WebP, AVIF, BMP, ICO)");
}

TEST_CASE("A body cut short is not a whole image", "[images]") {
  const std::string png_end("\0\0\0\0IEND\xAE\x42\x60\x82", 12);
  CHECK(image_truncation("png", "", "xxxx" + png_end, 500).empty());
  CHECK(image_truncation("png", "", "xxxxxxxxxxxxxxxx", 500) ==
        "truncated png (500 bytes): no IEND chunk at its end");
  CHECK(image_truncation("jpg", "", "xxxx\xFF\xD9", 500).empty());
  CHECK(image_truncation("jpg", "", "xxxx\xFF\xD9\0\0", 500).empty());
  CHECK_FALSE(image_truncation("jpg", "", "xxxxxxxx", 500).empty());
  // A motion photo: a whole JPEG, then its video.
  CHECK(image_truncation("jpg", "", "ftypmp42xxxx", 500, true).empty());
  CHECK(image_truncation("gif", "", "xxx;", 500).empty());
  CHECK_FALSE(image_truncation("gif", "", "xxxx", 500).empty());
  const std::string webp = bytes("RIFF\xF4\x01\0\0WEBPVP8 ", 16);  // 500 + 8
  CHECK(image_truncation("webp", webp, "", 508).empty());
  CHECK(image_truncation("webp", webp, "", 300) ==
        "truncated webp (300 bytes): its header says 508");
  const std::string bmp = bytes("BM\x00\x02\0\0", 6);  // 512 bytes
  CHECK(image_truncation("bmp", bmp, "", 512).empty());
  CHECK_FALSE(image_truncation("bmp", bmp, "", 100).empty());
  CHECK(image_truncation("avif", "", "", 2000).empty());
}

}  // namespace feedmark::test
