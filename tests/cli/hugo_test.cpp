// A real client: Debian's `hugo` builds an archive written with
// `--format hugo` as a site. Every article must become a page with the
// item's title and date, and every feed a section listing its articles.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "feedmark/html/text.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

bool hugo_installed() {
  return std::system("command -v hugo >/dev/null 2>&1") == 0;
}

void write_site(const fs::path& site) {
  fs::create_directories(site / "layouts" / "_default");
  write_text(site / "config.toml",
             "baseURL = \"http://archive.example/\"\ntitle = \"archive\"\n"
             "disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", "
             "\"robotsTXT\", \"404\"]\n"
             "[markup.goldmark.renderer]\nunsafe = true\n");
  write_text(site / "layouts" / "_default" / "single.html",
             "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>"
             "<body><time>{{ .Date.UTC.Format \"2006-01-02T15:04:05Z\" }}"
             "</time>{{ .Content }}</body></html>\n");
  write_text(site / "layouts" / "_default" / "list.html",
             "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>"
             "<body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">"
             "{{ .Title }}</a></li>{{ end }}</ul></body></html>\n");
}

// The text of the first <tag>…</tag> of a page, entities decoded.
std::string element_text(const std::string& html, const std::string& tag) {
  const auto open = html.find("<" + tag + ">");
  const auto close = html.find("</" + tag + ">");
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  const std::size_t start = open + tag.size() + 2;
  return html_to_text(html.substr(start, close - start));
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos;
       at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

std::string hostile_titles_feed() {
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile: "
      "\"titles\" &amp; more</title><link>https://hostile.example/</link>";
  int i = 0;
  for (const std::string& title : hostile_titles()) {
    std::string escaped;
    append_html_escaped(escaped, title);
    feed += fmt::format(
        "<item><title>{}</title><link>https://hostile.example/{}</link>{}"
        "<description>Body {}</description></item>",
        escaped, i,
        i % 2 ? "<pubDate>Wed, 30 Mar 2022 17:45:57 GMT</pubDate>" : "", i);
    ++i;
  }
  return feed + "</channel></rss>";
}

TEST_CASE(
    "hugo builds a --format hugo archive: a page per article, a "
    "section per feed",
    "[formats][hugo]") {
  if (!hugo_installed()) {
    FAIL("hugo is not installed (scripts/install-deps.sh installs it)");
  }
  TempDir tmp;
  const fs::path site = tmp / "site";
  write_site(site);
  write_text(tmp / "hostile.xml", hostile_titles_feed());
  const std::vector<fs::path> feeds = {
      fixture("golden/voa-2022-03-30.xml"),
      fixture("../samples/voa-chinese-rss20.xml"),
      fixture("../samples/gbk-news-rss20.xml"),
      fixture("../samples/example-blog-atom10.xml"), tmp / "hostile.xml"};
  for (const fs::path& feed : feeds) {
    REQUIRE(run_feedmark({"fetch", "-q", "--format", "hugo", "-a",
                          (site / "content").string(), feed.string()},
                         {}, {{"SOURCE_DATE_EPOCH", "1648663143"}})
                .status == 0);
  }
  const std::string command =
      fmt::format("hugo --quiet --source '{}' > '{}' 2>&1", site.string(),
                  (tmp / "hugo.log").string());
  const int status = std::system(command.c_str());
  INFO(read_text(tmp / "hugo.log"));
  REQUIRE(status == 0);

  std::size_t pages = 0;
  for (const fs::path& feed : feeds) {
    const RunResult parsed = run_feedmark({"parse", feed.string()});
    REQUIRE(parsed.status == 0);
    std::istringstream lines(parsed.out);
    std::string feed_id;
    std::size_t items = 0;
    for (std::string line; std::getline(lines, line);) {
      const nlohmann::json j = nlohmann::json::parse(line);
      if (j["type"] == "feed") {
        continue;
      }
      const std::string id = j["id"].get<std::string>();
      // Its folder is the one holding its file.
      for (const auto& e : fs::directory_iterator(site / "content")) {
        if (fs::exists(e.path() / (id + ".md"))) {
          feed_id = e.path().filename().string();
        }
      }
      REQUIRE_FALSE(feed_id.empty());
      const fs::path page = site / "public" / feed_id / id / "index.html";
      REQUIRE(fs::exists(page));
      const std::string html = read_text(page);
      CHECK(element_text(html, "title") == j["title"].get<std::string>());
      const nlohmann::json& when =
          j["published"].is_null() ? j["updated"] : j["published"];
      CHECK(
          element_text(html, "time") ==
          (when.is_null() ? "2022-03-30T17:59:03Z" : when.get<std::string>()));
      ++items;
      ++pages;
    }
    const std::string section =
        read_text(site / "public" / feed_id / "index.html");
    CHECK(count_of(section, "<li>") == items);
  }
  CHECK(pages == 3 + 3 + 1 + 2 + hostile_titles().size());
  CHECK(element_text(read_text(site / "public" / "index.html"), "title") ==
        "Feeds");
}

}  // namespace
}  // namespace feedmark::test
