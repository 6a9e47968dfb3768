// End-to-end tests: the feedmark binary over fixtures, checked on disk.
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_support.h"

namespace fs = std::filesystem;
using feedmark::test::fixture;
using feedmark::test::lines_of;
using feedmark::test::markdown_files;
using feedmark::test::read_text;
using feedmark::test::rss_feed;
using feedmark::test::run_feedmark;
using feedmark::test::TempDir;
using feedmark::test::write_text;

namespace {

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};
const std::string kProxy = "https://images.weserv.nl?url={url_noscheme}";

std::string golden_feed() {
  return fixture("golden/voa-2022-03-30.xml").string();
}

fs::file_time_type mtime(const fs::path& p) {
  return fs::last_write_time(p);
}

std::map<std::string, fs::file_time_type> mtimes(const fs::path& dir) {
  std::map<std::string, fs::file_time_type> times;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    times[e.path().string()] = mtime(e.path());
  }
  return times;
}

/// Every article file under `archive` renders, with cmark-gfm, as a link
/// whose text is the title and whose href is the link of the --json record.
void check_articles_render(const std::string& json_lines) {
  for (const std::string& line : lines_of(json_lines)) {
    const auto record = nlohmann::json::parse(line);
    const auto link = feedmark::test::first_rendered_link(
        read_text(record["path"].get<std::string>()));
    CHECK(link.text == record["title"].get<std::string>());
    CHECK(link.href == record["link"].get<std::string>());
  }
}

/// Every article file written from `feed` into `archive` renders, with
/// cmark-gfm, as a link whose text is the item's title and whose href is its
/// link, as `feedmark parse` reports them. Returns how many were checked.
std::size_t check_archive_renders(const fs::path& archive,
                                  const std::string& feed) {
  const auto parsed = run_feedmark({"parse", feed});
  REQUIRE(parsed.status == 0);
  std::map<std::string, nlohmann::json> items;
  for (const std::string& line : lines_of(parsed.out)) {
    const auto j = nlohmann::json::parse(line);
    if (j["type"] == "item") {
      items[j["id"].get<std::string>()] = j;
    }
  }
  std::size_t checked = 0;
  for (const std::string& rel : markdown_files(archive)) {
    const std::string id = fs::path(rel).stem().string();
    if (!items.contains(id)) {
      continue;  // an index, or another feed's article
    }
    const auto& item = items[id];
    const auto link =
        feedmark::test::first_rendered_link(read_text(archive / rel));
    INFO(rel);
    CHECK(link.text == (item["title"].is_null()
                            ? "(untitled)"
                            : item["title"].get<std::string>()));
    CHECK(link.href ==
          (item["link"].is_null() ? "" : item["link"].get<std::string>()));
    ++checked;
  }
  return checked;
}

}  // namespace

TEST_CASE("The golden feed archives to the golden files byte for byte",
          "[cli][golden]") {
  TempDir tmp;
  const auto run =
      run_feedmark({"fetch", golden_feed(), "-a", (tmp / "archive").string(),
                    "--image-proxy", kProxy},
                   {}, kEpoch);
  REQUIRE(run.status == 0);
  CHECK(run.err.empty());
  CHECK(lines_of(run.out).size() == 3);
  const fs::path expected = fixture("golden/expected");
  for (const auto& e : fs::recursive_directory_iterator(expected)) {
    if (e.is_regular_file()) {
      const fs::path rel = fs::relative(e.path(), expected);
      INFO(rel.string());
      CHECK(read_text(tmp / "archive" / rel) == read_text(e.path()));
    }
  }
  CHECK(check_archive_renders(tmp / "archive", golden_feed()) == 3);
  CHECK(fs::exists(tmp / "archive" / "index.md"));
  CHECK(read_text(tmp / "archive" / "index.md")
            .find("(2f579d79b3d75f19/index.md) (3 articles)") !=
        std::string::npos);
}

TEST_CASE("Every written article renders as a link to its item",
          "[cli][markdown]") {
  TempDir tmp;
  const std::string feed =
      "<rss "
      "version=\"2.0\"><channel><title>T</title><link>https://example.com/</"
      "link>"
      "<item><title>[x] *y* _z_ `code` a &lt; b &amp;amp;amp; AT&amp;T ~~s~~ "
      "\\</title>"
      "<link>https://example.com/a b/中文 (1).html?q=a b</link></item>"
      "<item><title>![img](x) &lt;http://x&gt; **b** __u__ 新闻[更新]</title>"
      "<link>/relative/path</link></item></channel></rss>";
  write_text(tmp / "f.xml", feed);
  const auto run = run_feedmark({"fetch", (tmp / "f.xml").string(), "-a",
                                 (tmp / "archive").string(), "--json"});
  REQUIRE(run.status == 0);
  REQUIRE(lines_of(run.out).size() == 2);
  check_articles_render(run.out);
  const auto first = nlohmann::json::parse(lines_of(run.out)[0]);
  CHECK(first["title"] == "[x] *y* _z_ `code` a < b &amp; AT&T ~~s~~ \\");
  CHECK(first["link"] ==
        "https://example.com/a%20b/%e4%b8%ad%e6%96%87%20%281%29.html?q=a%20b");
}

TEST_CASE("A second run over the same feed prints nothing and touches nothing",
          "[cli][archive]") {
  TempDir tmp;
  const std::vector<std::string> args = {"fetch", golden_feed(), "-a",
                                         (tmp / "archive").string()};
  REQUIRE(run_feedmark(args).status == 0);
  const auto before = mtimes(tmp / "archive");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto again = run_feedmark(args);
  CHECK(again.status == 0);
  CHECK(again.out.empty());
  CHECK(again.err.empty());
  CHECK(mtimes(tmp / "archive") == before);
}

TEST_CASE("A changed item is rewritten and printed alone", "[cli][archive]") {
  TempDir tmp;
  const fs::path feed = tmp / "feed.xml";
  const std::string archive = (tmp / "archive").string();
  write_text(feed, rss_feed(5));
  const auto first =
      run_feedmark({"fetch", feed.string(), "-a", archive}, {}, kEpoch);
  REQUIRE(first.status == 0);
  REQUIRE(lines_of(first.out).size() == 5);
  const auto before = mtimes(archive);

  write_text(feed, rss_feed(5, "Item 1, corrected"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto second =
      run_feedmark({"fetch", feed.string(), "-a", archive, "-v"}, {},
                   {{"SOURCE_DATE_EPOCH", "1700000000"}});
  REQUIRE(second.status == 0);
  const auto printed = lines_of(second.out);
  REQUIRE(printed.size() == 1);
  CHECK(second.err.find("0 new, 1 updated") != std::string::npos);
  const std::string text = read_text(printed[0]);
  CHECK(text.starts_with("<!--1700000000000-->\n[Item 1, corrected]"));
  for (const auto& [path, time] : mtimes(archive)) {
    if (path.ends_with(".md") && path != printed[0] &&
        !path.ends_with("index.md")) {
      INFO(path);
      CHECK(before.at(path) == time);
    }
  }
  CHECK(read_text(fs::path(printed[0]).parent_path() / "index.md")
            .find("Item 1, corrected") != std::string::npos);
  CHECK(check_archive_renders(archive, feed.string()) == 5);
}

TEST_CASE(
    "Bad sources fail one by one with a line each, good ones are archived",
    "[cli][errors]") {
  TempDir tmp;
  write_text(tmp / "empty.xml", "");
  write_text(tmp / "page.html",
             "<!DOCTYPE html><html><body><p>Hi</p></body></html>");
  write_text(tmp / "data.json", "{\"items\": []}");
  std::string noise;
  for (int i = 0; i < 4096; ++i) {
    noise += static_cast<char>((i * 7919 + 13) % 256);
  }
  write_text(tmp / "noise.bin", noise);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"empty.xml", "empty"},
      {"page.html", "not a feed"},
      {"data.json", "JSON"},
      {"noise.bin", "XML"},
      {"missing.xml", "No such file"}};
  std::vector<std::string> args = {"fetch", "-a", (tmp / "archive").string()};
  for (const auto& [name, cause] : bad) {
    args.push_back((tmp / name).string());
  }
  args.push_back(golden_feed());
  const auto run = run_feedmark(args);
  CHECK(run.status == 1);
  const auto errors = lines_of(run.err);
  REQUIRE(errors.size() == bad.size());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    INFO(errors[i]);
    CHECK(errors[i].starts_with("feedmark: " + (tmp / bad[i].first).string() +
                                ": "));
    CHECK(errors[i].find(bad[i].second) != std::string::npos);
  }
  CHECK(lines_of(run.out).size() == 3);
  CHECK(markdown_files(tmp / "archive").size() ==
        3 + 1 + 1);  // articles, index, root
  CHECK(check_archive_renders(tmp / "archive", golden_feed()) == 3);
}

TEST_CASE("feedmark index rebuilds every index.md from the article files alone",
          "[cli][index]") {
  TempDir tmp;
  const fs::path archive = tmp / "archive";
  write_text(tmp / "gen.xml", rss_feed(30));
  REQUIRE(run_feedmark({"fetch", golden_feed(), (tmp / "gen.xml").string(),
                        "-a", archive.string()},
                       {}, kEpoch)
              .status == 0);
  std::map<fs::path, std::string> indexes;
  for (const auto& e : fs::recursive_directory_iterator(archive)) {
    if (e.path().filename() == "index.md") {
      indexes[e.path()] = read_text(e.path());
      if (e.path().parent_path() != archive) {
        // Keep only the header line: the list must come from the articles.
        write_text(e.path(), lines_of(indexes[e.path()])[0] + "\n");
        fs::remove(e.path().parent_path() / ".state.json");
      }
    }
  }
  fs::remove(archive / "index.md");
  REQUIRE(indexes.size() == 3);
  CHECK(check_archive_renders(archive, golden_feed()) == 3);
  CHECK(check_archive_renders(archive, (tmp / "gen.xml").string()) == 30);
  const auto run = run_feedmark({"index", "-a", archive.string()});
  CHECK(run.status == 0);
  CHECK(run.out.empty());
  for (const auto& [path, text] : indexes) {
    INFO(path.string());
    CHECK(read_text(path) == text);
  }
}

TEST_CASE("A state file older than the articles rewrites nothing",
          "[cli][archive]") {
  TempDir tmp;
  const fs::path feed = tmp / "feed.xml";
  const fs::path archive = tmp / "archive";
  write_text(feed, rss_feed(3));
  const auto first = run_feedmark(
      {"fetch", feed.string(), "-a", archive.string()}, {}, kEpoch);
  REQUIRE(first.status == 0);
  const fs::path state =
      fs::path(lines_of(first.out).at(0)).parent_path() / ".state.json";
  const std::string old_state = read_text(state);
  write_text(feed, rss_feed(3, "Item 1, corrected"));
  REQUIRE(
      run_feedmark({"fetch", feed.string(), "-a", archive.string()}).status ==
      0);
  write_text(state, old_state);  // as if a run died before saving its state
  const auto again =
      run_feedmark({"fetch", feed.string(), "-a", archive.string()});
  CHECK(again.status == 0);
  CHECK(again.out.empty());
}

TEST_CASE("A fetch after the state file is deleted rewrites nothing",
          "[cli][archive]") {
  TempDir tmp;
  const std::string archive = (tmp / "archive").string();
  REQUIRE(run_feedmark({"fetch", golden_feed(), "-a", archive}, {}, kEpoch)
              .status == 0);
  fs::remove(fs::path(archive) / "2f579d79b3d75f19" / ".state.json");
  const auto run = run_feedmark({"fetch", golden_feed(), "-a", archive});
  CHECK(run.status == 0);
  CHECK(run.out.empty());
  CHECK(fs::exists(fs::path(archive) / "2f579d79b3d75f19" / ".state.json"));
}

TEST_CASE("Output options: stdin, --feed-url, --json, -0 and --dry-run",
          "[cli]") {
  TempDir tmp;
  const std::string archive = (tmp / "archive").string();
  const std::string feed = read_text(golden_feed());

  SECTION("stdin with --feed-url takes its identity from the flag") {
    const auto run = run_feedmark({"fetch", "-", "-a", archive, "--feed-url",
                                   "https://example.org/feed.xml"},
                                  feed);
    REQUIRE(run.status == 0);
    // printf %s https://example.org/feed.xml | sha256sum | cut -c1-16
    CHECK(lines_of(run.out)[0].starts_with(archive + "/d74f9ca50683ebec/"));
  }
  SECTION("-0 with --json ends every object with NUL") {
    const auto run =
        run_feedmark({"fetch", golden_feed(), "-a", archive, "--json", "-0"});
    REQUIRE(run.status == 0);
    CHECK(std::count(run.out.begin(), run.out.end(), '\0') == 3);
    CHECK(run.out.find('\n') == std::string::npos);
  }
  SECTION("-0 ends every path with NUL") {
    const auto run =
        run_feedmark({"fetch", golden_feed(), "-a", archive, "-0"});
    REQUIRE(run.status == 0);
    CHECK(std::count(run.out.begin(), run.out.end(), '\0') == 3);
    CHECK(run.out.find('\n') == std::string::npos);
  }
  SECTION("--json prints one object per article") {
    const auto run =
        run_feedmark({"fetch", golden_feed(), "-a", archive, "--json"});
    REQUIRE(run.status == 0);
    const auto lines = lines_of(run.out);
    REQUIRE(lines.size() == 3);
    const auto first = nlohmann::json::parse(lines[0]);
    CHECK(first["id"] == "f5d2215372e8f44f");
    CHECK(first["status"] == "new");
    CHECK(first["published"] == "2022-03-30T17:45:57Z");
    check_articles_render(run.out);
  }
  SECTION("--dry-run prints the paths and writes nothing") {
    const auto run =
        run_feedmark({"fetch", golden_feed(), "-a", archive, "--dry-run"});
    REQUIRE(run.status == 0);
    CHECK(lines_of(run.out).size() == 3);
    CHECK(!fs::exists(archive));
  }
  SECTION("FEEDMARK_ARCHIVE names the archive when -a is not given") {
    const auto run = run_feedmark({"fetch", golden_feed()}, {},
                                  {{"FEEDMARK_ARCHIVE", archive}});
    REQUIRE(run.status == 0);
    CHECK(fs::exists(fs::path(archive) / "2f579d79b3d75f19" / "index.md"));
  }
}

TEST_CASE("Usage errors exit 2, --help and --version exit 0 on stdout",
          "[cli][usage]") {
  SECTION("an unknown flag") {
    const auto run = run_feedmark({"fetch", "--no-such-flag", golden_feed()});
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find("--no-such-flag") != std::string::npos);
  }
  SECTION("no command") {
    CHECK(run_feedmark({}).status == 2);
  }
  SECTION("a SOURCE_DATE_EPOCH too large for milliseconds") {
    CHECK(run_feedmark({"fetch", golden_feed(), "--dry-run"}, {},
                       {{"SOURCE_DATE_EPOCH", "9223372036854775807"}})
              .status == 2);
  }
  SECTION("an unknown --tz, which the C library would silently read as UTC") {
    const auto run =
        run_feedmark({"parse", golden_feed(), "--tz", "Nowhere/Zone"});
    CHECK(run.status == 2);
    CHECK(run.err.find("unknown time zone") != std::string::npos);
  }
  SECTION("an archive that is a file") {
    TempDir tmp;
    write_text(tmp / "afile", "x");
    const auto run =
        run_feedmark({"fetch", golden_feed(), "-a", (tmp / "afile").string()});
    CHECK(run.status == 2);
    CHECK(lines_of(run.err).size() == 1);
    CHECK(run.out.empty());
  }
  SECTION("a bad SOURCE_DATE_EPOCH") {
    CHECK(run_feedmark({"fetch", golden_feed(), "--dry-run"}, {},
                       {{"SOURCE_DATE_EPOCH", "yesterday"}})
              .status == 2);
  }
  SECTION("--help") {
    const auto run = run_feedmark({"--help"});
    CHECK(run.status == 0);
    CHECK(run.out.find("fetch") != std::string::npos);
    CHECK(run.err.empty());
  }
  SECTION("--version") {
    const auto run = run_feedmark({"--version"});
    CHECK(run.status == 0);
    CHECK(run.out.starts_with("feedmark "));
  }
}

TEST_CASE(
    "parse prints a feed line then an item line per item, keys in SPEC order",
    "[cli][parse]") {
  const auto run = run_feedmark({"parse", golden_feed()});
  REQUIRE(run.status == 0);
  const auto lines = lines_of(run.out);
  REQUIRE(lines.size() == 4);
  const auto feed = nlohmann::ordered_json::parse(lines[0]);
  std::vector<std::string> keys;
  for (const auto& [key, value] : feed.items()) {
    keys.push_back(key);
  }
  CHECK(keys == std::vector<std::string>{
                    "type", "source", "format", "title", "link", "description",
                    "language", "updated", "image", "encoding", "well_formed"});
  CHECK(feed["format"] == "rss2.0");
  const auto item = nlohmann::json::parse(lines[2]);
  CHECK(item["id"] == "85a02c0799e483de");
  CHECK(item["image"] == "https://www.example.com/img/a.jpg");
  CHECK(item["caption"] == "Caption B");
  CHECK(item["published"] == "2022-03-31T00:00:00Z");
  CHECK(item["guid"].is_null());
}
