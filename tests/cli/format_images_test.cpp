// Saved images across formats: an archive written for Hugo by an earlier
// feedmark (images shown as "media/…", which Hugo's pretty URLs do not
// resolve) is converted once by the next run; a switch to seed takes the
// images back to "media/…", and an Obsidian note's image resolves from the
// note's folder, as a vault resolves it.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

std::string png() {
  std::string head("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR", 16);
  const std::string end("\0\0\0\0IEND\xAE\x42\x60\x82", 12);
  return head + std::string(100, 'p') + end;
}

std::string replaced(std::string text, const std::string& from,
                     const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST_CASE("An older Hugo archive's image paths are converted once",
          "[formats][hugo]") {
  TestServer server;
  const std::string image = png();
  server.routes().Get("/img/a.png", [&](const auto&, httplib::Response& res) {
    res.set_content(image, "image/png");
  });
  server.routes().Get("/feed.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(
        fmt::format(
            "<rss version=\"2.0\"><channel><title>T</title>"
            "<link>https://news.example/</link><item><title>One {{{{% x "
            "%}}}}</title><link>https://news.example/1</link><guid>g1</guid>"
            "<description><![CDATA[<p>a {{{{< y >}}}}</p><img "
            "src=\"{}\">]]></description></item></channel></rss>",
            server.url("/img/a.png")),
        "application/rss+xml");
  });
  server.start();
  const TempDir dir;
  fs::create_directories(dir / "site/content");
  write_text(dir / "site/hugo.toml", "title = 'x'\n");
  const fs::path archive = dir / "site/content/news";
  const std::vector<std::string> hugo = {"fetch",
                                         server.url("/feed.xml"),
                                         "-a",
                                         archive.string(),
                                         "--format",
                                         "hugo",
                                         "--save-images",
                                         "--allow-private-networks"};
  REQUIRE(run_feedmark(hugo).status == 0);
  fs::path feed;
  for (const auto& e : fs::directory_iterator(archive)) {
    if (e.is_directory()) {
      feed = e.path();
    }
  }
  const std::string id = feed.filename().string();
  const std::string site_media = "/news/" + id + "/media/";
  std::vector<std::string> articles = markdown_files(feed);
  std::erase_if(articles,
                [](const std::string& name) { return name.starts_with('_'); });
  REQUIRE(articles.size() == 1);
  const fs::path article = feed / articles[0];
  const std::string written = read_text(article);
  CHECK(written.find("src=\"" + site_media) != std::string::npos);
  CHECK(written.find("image: \"" + site_media) != std::string::npos);
  CHECK(written.find("{&#123;&lt; y &gt;}}") != std::string::npos);
  CHECK(written.find("{{") == written.find("{{% x %}}"));  // the title only

  // As an earlier feedmark left it: local paths, "{{" as it came, "hugo";
  // and a second article no longer in the feed.
  const std::string old =
      replaced(replaced(written, site_media, "media/"), "{&#123;", "{{");
  write_text(article, old);
  write_text(feed / "00000000000000aa.md", old);
  const fs::path state = feed / ".state.json";
  write_text(state, replaced(read_text(state), "\"hugo /news/\"", "\"hugo\""));

  const std::size_t requests = server.requests().size();
  const RunResult again = run_feedmark(hugo);
  REQUIRE(again.status == 0);
  CHECK(read_text(article) == written);
  CHECK(read_text(feed / "00000000000000aa.md") == written);
  CHECK(read_text(state).find("\"format\": \"hugo /news/\"") !=
        std::string::npos);
  // The saved image is not fetched again.
  for (std::size_t i = requests; i < server.requests().size(); ++i) {
    CHECK(server.requests()[i].path == "/feed.xml");
  }

  // Back to seed: the images are "media/…" from the article again.
  std::vector<std::string> seed = hugo;
  seed[5] = "seed";
  REQUIRE(run_feedmark(seed).status == 0);
  const std::string in_seed = read_text(feed / "00000000000000aa.md");
  CHECK(in_seed.find("src=\"media/") != std::string::npos);
  CHECK(in_seed.find("/news/") == std::string::npos);
  CHECK(in_seed.find("{{&lt; y &gt;}}") != std::string::npos);

  std::vector<std::string> obsidian = hugo;
  obsidian[5] = "obsidian";
  REQUIRE(run_feedmark(obsidian).status == 0);
  const std::string note = read_text(article);
  const std::size_t open = note.find("](media/");
  REQUIRE(open != std::string::npos);
  const std::size_t close = note.find(')', open);
  const std::string path = note.substr(open + 2, close - open - 2);
  CHECK(fs::exists(article.parent_path() / path));
  CHECK(read_text(article.parent_path() / path) == image);

  // `feedmark index --format hugo` converts the articles too.
  REQUIRE(run_feedmark({"index", "-a", archive.string(), "--format", "hugo"})
              .status == 0);
  const std::string indexed = read_text(article);
  CHECK(indexed.starts_with("---\n"));
  CHECK(indexed.find("src=\"" + site_media) != std::string::npos);
  CHECK(indexed.find("{&#123;&lt; y &gt;}}") != std::string::npos);
  CHECK(read_text(state).find("\"format\": \"hugo /news/\"") !=
        std::string::npos);
  CHECK(fs::exists(feed / "_index.md"));
}

}  // namespace
}  // namespace feedmark::test
