// End-to-end tests of `fetch --format` and `--template` (SPEC "Formats"):
// every front matter read by yaml-cpp, a format switch, and a real Hugo
// building the archive as a site.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "feedmark/html/text.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

const std::vector<std::string>& kHostileTitles = hostile_titles();

std::string xml_escaped(const std::string& text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
}

// A feed of one item per hostile title, two of them dated.
std::string hostile_feed() {
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile: "
      "\"titles\"</title><link>https://hostile.example/</link>";
  for (std::size_t i = 0; i < kHostileTitles.size(); ++i) {
    feed += fmt::format(
        "<item><title>{}</title><link>https://hostile.example/{}</link>"
        "<guid>h-{}</guid>{}<category>yes</category><category>a: b</category>"
        "<description>&lt;p&gt;Body {} with &lt;em&gt;emphasis&lt;/em&gt;"
        "&lt;/p&gt;</description></item>",
        xml_escaped(kHostileTitles[i]), i, i,
        i < 2 ? "<pubDate>Wed, 30 Mar 2022 17:45:57 GMT</pubDate>" : "", i);
  }
  return feed + "</channel></rss>";
}

YAML::Node front_matter_of(const std::string& file) {
  REQUIRE(file.starts_with("---\n"));
  const auto end = file.find("\n---\n");
  REQUIRE(end != std::string::npos);
  return YAML::Load(file.substr(4, end - 4));
}

// Each item as `feedmark parse` reads it, by the path it is archived at.
std::map<std::string, nlohmann::json> items_by_file(const fs::path& feed) {
  const RunResult parsed = run_feedmark({"parse", feed.string()});
  REQUIRE(parsed.status == 0);
  std::map<std::string, nlohmann::json> items;
  std::istringstream lines(parsed.out);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j["type"] == "item") {
      items[j["id"].get<std::string>() + ".md"] = j;
    }
  }
  return items;
}

bool is_article(const fs::path& p) {
  return p.filename().string().size() == 19 && p.extension() == ".md" &&
         p.parent_path().filename() != "index";
}

TEST_CASE("Every front matter fetch --format writes equals the item's fields",
          "[formats]") {
  TempDir tmp;
  write_text(tmp / "hostile.xml", hostile_feed());
  const std::vector<fs::path> feeds = {
      tmp / "hostile.xml", fixture("golden/voa-2022-03-30.xml"),
      fixture("../samples/gbk-news-rss20.xml"),
      fixture("../samples/example-blog-atom10.xml")};
  for (const char* format : {"hugo", "obsidian"}) {
    INFO(format);
    const fs::path archive = tmp / format;
    std::size_t checked = 0;
    for (const fs::path& feed : feeds) {
      const RunResult run =
          run_feedmark({"fetch", "-q", "--format", format, "-a",
                        archive.string(), feed.string()},
                       {}, kEpoch);
      REQUIRE(run.status == 0);
      const auto items = items_by_file(feed);
      for (const auto& e : fs::recursive_directory_iterator(archive)) {
        const auto item = items.find(e.path().filename().string());
        if (!is_article(e.path()) || item == items.end()) {
          continue;
        }
        const YAML::Node fm = front_matter_of(read_text(e.path()));
        const nlohmann::json& j = item->second;
        CHECK(fm["title"].as<std::string>() == j["title"].get<std::string>());
        CHECK(fm["source"].as<std::string>() == j["link"].get<std::string>());
        // An article's date: the item's published date, else its updated.
        const nlohmann::json& when =
            j["published"].is_null() ? j["updated"] : j["published"];
        const std::string date =
            when.is_null() ? std::string() : when.get<std::string>();
        if (std::string(format) == "hugo") {
          CHECK(fm["date"].as<std::string>() ==
                (date.empty() ? "2022-03-30T17:59:03.000Z" : date));
          CHECK(fm["captured"].as<std::string>() == "2022-03-30T17:59:03.000Z");
        } else {
          CHECK(fm["created"].as<std::string>() == "2022-03-30T17:59:03.000Z");
          CHECK((fm["published"] ? fm["published"].as<std::string>() : "") ==
                date);
        }
        const auto categories = j["categories"].get<std::vector<std::string>>();
        CHECK((fm["tags"] ? fm["tags"].as<std::vector<std::string>>()
                          : std::vector<std::string>{}) == categories);
        ++checked;
      }
    }
    CHECK(checked == kHostileTitles.size() + 3 + 1 + 2);
  }
}

TEST_CASE(
    "A --format hugo archive has _index.md with front matter, no index.md",
    "[formats]") {
  TempDir tmp;
  write_text(tmp / "hostile.xml", hostile_feed());
  REQUIRE(run_feedmark({"fetch", "-q", "--format", "hugo", "-a",
                        (tmp / "a").string(), (tmp / "hostile.xml").string()},
                       {}, kEpoch)
              .status == 0);
  CHECK(fs::exists(tmp / "a" / "_index.md"));
  CHECK_FALSE(fs::exists(tmp / "a" / "index.md"));
  const YAML::Node root = front_matter_of(read_text(tmp / "a" / "_index.md"));
  CHECK(root["title"].as<std::string>() == "Feeds");
  for (const auto& e : fs::directory_iterator(tmp / "a")) {
    if (e.is_directory()) {
      // A new folder is born in its format: nothing to convert.
      CHECK(
          read_text(e.path() / ".state.json").find("\"format\": \"hugo /\"") !=
          std::string::npos);
      CHECK_FALSE(fs::exists(e.path() / "index.md"));
      const YAML::Node fm = front_matter_of(read_text(e.path() / "_index.md"));
      CHECK(fm["title"].as<std::string>() == "Hostile: \"titles\"");
    }
  }
  // `feedmark index` rebuilds the same indexes from the files alone.
  std::map<std::string, std::string> before;
  for (const auto& e : fs::recursive_directory_iterator(tmp / "a")) {
    if (e.path().filename() == "_index.md") {
      before[e.path().string()] = read_text(e.path());
      fs::remove(e.path());
    }
  }
  REQUIRE(
      run_feedmark({"index", "-a", (tmp / "a").string(), "--format", "hugo"})
          .status == 0);
  for (const auto& [path, text] : before) {
    CHECK(read_text(path) == text);
  }
}

std::string three_item_feed(int first) {
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Three"
      "</title><link>https://three.example/</link>";
  for (int i = first; i < first + 3; ++i) {
    feed += fmt::format(
        "<item><title>Item {0}</title><link>https://three.example/{0}</link>"
        "<description>&lt;p&gt;Text {0}&lt;/p&gt;</description></item>",
        i);
  }
  return feed + "</channel></rss>";
}

TEST_CASE("Switching formats rewrites every article once, old layout gone",
          "[formats]") {
  TempDir tmp;
  const std::string archive = (tmp / "a").string();
  const std::string feed = (tmp / "f.xml").string();
  write_text(feed, three_item_feed(0));
  REQUIRE(
      run_feedmark({"fetch", "-q", "-a", archive, feed}, {}, kEpoch).status ==
      0);
  // Item 0 leaves the feed: only the archive has it now.
  write_text(feed, three_item_feed(1));
  REQUIRE(
      run_feedmark({"fetch", "-q", "-a", archive, feed}, {}, kEpoch).status ==
      0);
  const std::vector<std::string> files = markdown_files(archive);

  const std::map<std::string, std::string> later = {
      {"SOURCE_DATE_EPOCH", "1700000000"}};
  const RunResult hugo = run_feedmark(
      {"fetch", "-a", archive, "--format", "hugo", feed}, {}, later);
  REQUIRE(hugo.status == 0);
  // The items in the feed are printed (their content changed); the one
  // that left is rewritten too, but keeps its capture time.
  CHECK(lines_of(hugo.out).size() == 3);
  std::size_t articles = 0;
  for (const auto& e : fs::recursive_directory_iterator(archive)) {
    if (!is_article(e.path())) {
      continue;
    }
    ++articles;
    const YAML::Node fm = front_matter_of(read_text(e.path()));
    const bool departed = fm["title"].as<std::string>() == "Item 0";
    CHECK(fm["captured"].as<std::string>() ==
          (departed ? "2022-03-30T17:59:03.000Z" : "2023-11-14T22:13:20.000Z"));
  }
  CHECK(articles == 4);
  CHECK(fs::exists(tmp / "a" / "_index.md"));
  CHECK_FALSE(fs::exists(tmp / "a" / "index.md"));
  for (const std::string& f : markdown_files(archive)) {
    CHECK_FALSE(fs::path(f).filename() == "index.md");
  }
  const std::string index = read_text(
      fs::path(archive) / fs::path(files.front()).parent_path() / "_index.md");
  CHECK(index.find("Item 0") != std::string::npos);

  // Once switched, a run rewrites nothing.
  const RunResult again = run_feedmark(
      {"fetch", "-v", "-a", archive, "--format", "hugo", feed}, {}, later);
  REQUIRE(again.status == 0);
  CHECK(again.out.empty());
  CHECK(again.err.find("rewritten in the new format") == std::string::npos);

  // And back to seed: every file is seed's again, _index.md gone.
  REQUIRE(
      run_feedmark({"fetch", "-q", "-a", archive, feed}, {}, later).status ==
      0);
  for (const auto& e : fs::recursive_directory_iterator(archive)) {
    if (is_article(e.path())) {
      CHECK(read_text(e.path()).starts_with("<!--"));
    }
    CHECK(e.path().filename() != "_index.md");
  }
  CHECK(markdown_files(archive) == files);
}

TEST_CASE("A --template renders articles, a bad one is exit 2 naming it",
          "[formats]") {
  TempDir tmp;
  write_text(tmp / "t.mustache",
             "---\ntitle: {{{title_yaml}}}\ncaptured: {{captured}}\n---\n"
             "# {{title}}\n\n{{{body_markdown}}}");
  write_text(tmp / "bad.mustache", "{{#section}} never closed");
  const std::string feed = fixture("golden/voa-2022-03-30.xml").string();
  const RunResult bad =
      run_feedmark({"fetch", "-a", (tmp / "a").string(), "--template",
                    (tmp / "bad.mustache").string(), feed});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("bad.mustache") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "a"));

  const RunResult run =
      run_feedmark({"fetch", "-q", "-a", (tmp / "a").string(), "--template",
                    (tmp / "t.mustache").string(), feed},
                   {}, kEpoch);
  REQUIRE(run.status == 0);
  std::size_t articles = 0;
  for (const auto& e : fs::recursive_directory_iterator(tmp / "a")) {
    if (is_article(e.path())) {
      const std::string text = read_text(e.path());
      const YAML::Node fm = front_matter_of(text);
      CHECK(text.find("\n# ") != std::string::npos);
      CHECK(fm["captured"].as<std::string>() == "2022-03-30T17:59:03.000Z");
      ++articles;
    }
  }
  CHECK(articles == 3);
  // The index is rebuilt from the template's files, which name their
  // title and capture time as Hugo's do.
  const fs::path dir = tmp / "a" / "2f579d79b3d75f19";
  const std::string index = read_text(dir / "index.md");
  fs::remove(dir / "index.md");
  REQUIRE(run_feedmark({"index", "-a", (tmp / "a").string()}).status == 0);
  CHECK(read_text(dir / "index.md") == index);
  // Unchanged, a second run writes nothing.
  const RunResult again =
      run_feedmark({"fetch", "-a", (tmp / "a").string(), "--template",
                    (tmp / "t.mustache").string(), feed},
                   {}, kEpoch);
  CHECK(again.out.empty());
}

}  // namespace
}  // namespace feedmark::test
