// What Hugo needs of feedmark's files (write/hugo.h): feed text that never
// starts a shortcode, and saved images shown from the site's root.

#include "feedmark/write/hugo.h"

#include <catch2/catch.hpp>

#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

TEST_CASE("Hugo: every '{{' of feed text is broken, and read back whole",
          "[hugo]") {
  CHECK(hugo::escape_shortcodes(R"({{% ref "x" %}})") ==
        R"({&#123;% ref "x" %}})");
  CHECK(hugo::escape_shortcodes("{{< nosuch >}} {{ .Site.Title }}") ==
        "{&#123;< nosuch >}} {&#123; .Site.Title }}");
  // No two braces stand side by side afterwards, however many there were.
  CHECK(hugo::escape_shortcodes("{{{{") == "{&#123;{&#123;");
  CHECK(hugo::escape_shortcodes("{ {x}") == "{ {x}");
  for (const char* text : {"{{{", "{{{{{", "a{{b}}c", "{", "", "{&#123;"}) {
    const std::string escaped = hugo::escape_shortcodes(text);
    CHECK(escaped.find("{{") == std::string::npos);
    if (std::string_view(text) != "{&#123;") {
      CHECK(hugo::unescape_shortcodes(escaped) == text);
    }
  }
}

TEST_CASE("Hugo: saved images move to the site's root and back, text stays",
          "[hugo]") {
  const std::string folder = hugo::media_folder("/news/", "0123456789abcdef");
  CHECK(folder == "/news/0123456789abcdef/media/");
  const std::string html =
      "<p>src=\"media/a.png\" stays text</p><img alt=\"src=&quot;media/\" "
      "src=\"media/ab.png\" /><video poster=\"media/v.jpg\"></video>"
      "<img src=\"https://cdn.example/media/x.png\" />";
  const std::string site = hugo::site_media_paths(html, folder);
  CHECK(site ==
        "<p>src=\"media/a.png\" stays text</p><img alt=\"src=&quot;media/\" "
        "src=\"/news/0123456789abcdef/media/ab.png\" /><video "
        "poster=\"/news/0123456789abcdef/media/v.jpg\"></video>"
        "<img src=\"https://cdn.example/media/x.png\" />");
  CHECK(hugo::local_media_paths(site) == html);
  CHECK(hugo::site_media_path("media/x.png", folder) ==
        "/news/0123456789abcdef/media/x.png");
  CHECK(hugo::local_media_path("/0123456789abcdef/media/x.png") ==
        "media/x.png");
  CHECK(hugo::local_media_path("/not-a-feed/media/x.png") ==
        "/not-a-feed/media/x.png");
}

TEST_CASE("Hugo: the archive's place in its site gives the images' root",
          "[hugo]") {
  const TempDir dir;
  const fs::path& tmp = dir.path();
  CHECK(hugo::site_root_of(tmp / "plain") == "/");
  fs::create_directories(tmp / "site" / "content" / "news" / "world");
  write_text(tmp / "site" / "hugo.toml", "title = 'x'\n");
  CHECK(hugo::site_root_of(tmp / "site" / "content") == "/");
  CHECK(hugo::site_root_of(tmp / "site" / "content" / "news") == "/news/");
  CHECK(hugo::site_root_of(tmp / "site" / "content" / "news" / "world") ==
        "/news/world/");
  // A folder named content with no site beside it is no site.
  fs::create_directories(tmp / "other" / "content" / "a");
  CHECK(hugo::site_root_of(tmp / "other" / "content" / "a") == "/");
}

}  // namespace
}  // namespace feedmark::test
