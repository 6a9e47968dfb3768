// A run's cost follows what changed: the same document costs a hash, an
// unchanged item a fingerprint, and the indexes a month. None of it may
// hide a real change.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "feedmark/store/archive.h"
#include "feedmark/extract/extract.h"
#include "feedmark/util/dates.h"
#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};
const std::map<std::string, std::string> kLater = {
    {"SOURCE_DATE_EPOCH", "1648749543"}};

/// An item a day, from 2022-03-30 back: `items` of them over some months.
/// Item 0 has an image (an --image-proxy changes its article), the others
/// none; item `edited` gets `edit` appended to its title.
std::string dated_feed(int items, int edited = -1,
                       const std::string& edit = {}) {
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
      "<title>Dated</title><link>https://example.com/</link>";
  for (int i = 0; i < items; ++i) {
    const long long day = 1648598400LL - 86400LL * i;  // 2022-03-30
    feed += fmt::format(
        "<item><title>Item {}{}</title><link>https://example.com/{}</link>"
        "<guid>g{}</guid><pubDate>{}</pubDate><description>&lt;p&gt;Body "
        "{}&lt;/p&gt;{}</description></item>",
        i, i == edited ? edit : "", i, i, format_rfc1123(day), i,
        i == 0 ? "&lt;img src=\"https://img.example.com/0.jpg\"&gt;" : "");
  }
  return feed + "</channel></rss>";
}

std::vector<std::string> printed(const std::string& out) {
  return lines_of(out);
}

/// Every file under `dir` with its modification time.
std::map<std::string, fs::file_time_type> mtimes(const fs::path& dir) {
  std::map<std::string, fs::file_time_type> all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      all[fs::relative(e.path(), dir).string()] = e.last_write_time();
    }
  }
  return all;
}

/// The files whose modification time changed, or that came or went.
std::vector<std::string> touched(
    const std::map<std::string, fs::file_time_type>& before,
    const std::map<std::string, fs::file_time_type>& after) {
  std::vector<std::string> changed;
  for (const auto& [path, time] : after) {
    const auto it = before.find(path);
    if (it == before.end() || it->second != time) {
      changed.push_back(path);
    }
  }
  for (const auto& [path, time] : before) {
    if (!after.contains(path)) {
      changed.push_back(path + " (removed)");
    }
  }
  return changed;
}

/// Every file under `dir` with its content, hidden caches left out.
std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_regular_file() && rel.find("/.") == std::string::npos &&
        !rel.starts_with(".")) {
      all[rel] = read_text(e.path());
    }
  }
  return all;
}

/// The state an older feedmark would have written for the same articles:
/// every article by id, and the current ids.
std::string version_1_of(const std::string& version_2) {
  const nlohmann::json now = nlohmann::json::parse(version_2);
  nlohmann::json old = {{"key", now["key"]},
                        {"title", now["title"]},
                        {"link", now["link"]},
                        {"etag", now["etag"]},
                        {"last_modified", now["last_modified"]},
                        {"next_fetch", nullptr},
                        {"current", nlohmann::json::array()},
                        {"articles", nlohmann::json::object()}};
  for (const nlohmann::json& item : now["current"]) {
    old["current"].push_back(item["id"]);
    old["articles"][item["id"].get<std::string>()] = {
        {"title", item["title"]},
        {"published", item["published"]},
        {"captured_ms", item["captured_ms"]},
        {"digest", item["digest"]},
        {"size", item["size"]}};
  }
  return old.dump(1) + "\n";
}

struct Archive {
  TempDir tmp;
  fs::path feed = tmp / "feed.xml";
  fs::path dir = tmp / "archive";

  RunResult fetch(const std::string& text,
                  const std::map<std::string, std::string>& env = kEpoch,
                  std::vector<std::string> extra = {}) {
    write_text(feed, text);
    return fetch_as_example_feed(feed, dir, extra, env);
  }
  fs::path feed_dir() const {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_directory()) {
        return e.path();
      }
    }
    return {};
  }
};

/// A feed of 120 items, then a run that adds "Late news" and dies after
/// renaming its article, before its indexes and state: the disk holds the
/// new article and the old rest. Returns the archive's files as the run
/// would have left them had it finished.
std::map<std::string, std::string> run_dying_before_indexes(Archive& archive) {
  REQUIRE(archive.fetch(dated_feed(120)).status == 0);
  const fs::path feed = archive.feed_dir();
  const fs::path saved = archive.tmp / "saved";
  const auto kCaches = {".state.json", "index.md", ".months", "index"};
  fs::create_directory(saved);
  for (const char* name : kCaches) {
    fs::copy(feed / name, saved / name, fs::copy_options::recursive);
  }
  std::string newer = dated_feed(120);
  newer.insert(newer.find("<item>"),
               "<item><title>Late news</title><guid>late</guid><pubDate>Thu, "
               "31 Mar 2022 08:00:00 GMT</pubDate><description>Late"
               "</description></item>");
  REQUIRE(archive.fetch(newer, kLater).status == 0);
  const auto complete = contents(archive.dir);
  for (const char* name : kCaches) {
    fs::remove_all(feed / name);
    fs::copy(saved / name, feed / name, fs::copy_options::recursive);
  }
  write_text(archive.feed, newer);
  return complete;
}

}  // namespace

TEST_CASE("The same document again costs a hash: nothing parsed or written",
          "[archive][incremental]") {
  Archive archive;
  // A repair warning shows that a document was parsed.
  const std::string text = dated_feed(5) + "<!-- trailing & -->";
  const auto first = archive.fetch(text);
  REQUIRE(first.status == 0);
  CHECK(printed(first.out).size() == 5);
  const auto before = mtimes(archive.dir);
  const auto second = archive.fetch(text, kLater);
  REQUIRE(second.status == 0);
  CHECK(second.out.empty());
  CHECK(second.err.find("same document as last archived") != std::string::npos);
  CHECK(second.err.find("warning") == std::string::npos);
  CHECK(touched(before, mtimes(archive.dir)).empty());
}

TEST_CASE(
    "An edited item rewrites its article alone, without extracting the "
    "others",
    "[archive][incremental]") {
  Archive archive;
  REQUIRE(archive.fetch(dated_feed(150)).status == 0);
  const auto before = mtimes(archive.dir);
  const auto edited =
      archive.fetch(dated_feed(150, 120, " (corrected)"), kLater);
  REQUIRE(edited.status == 0);
  const auto paths = printed(edited.out);
  REQUIRE(paths.size() == 1);
  const std::string id = fs::path(paths[0]).stem().string();
  CHECK(read_text(paths[0]).find("Item 120 (corrected)") != std::string::npos);
  CHECK(edited.err.find(", 1 extracted, 149 unchanged items unparsed") !=
        std::string::npos);
  // The article, its month's page and catalogue, the state, and the
  // delivery journal that held the article's path until it was printed.
  const fs::path feed = archive.feed_dir().filename();
  std::vector<std::string> expected = {
      ".undelivered", (feed / (id + ".md")).string(),
      (feed / ".months/2021-11.json").string(), (feed / ".state.json").string(),
      (feed / "index/2021-11.md").string()};
  std::vector<std::string> changed = touched(before, mtimes(archive.dir));
  std::sort(changed.begin(), changed.end());
  std::sort(expected.begin(), expected.end());
  CHECK(changed == expected);
  CHECK(read_text(archive.feed_dir() / "index/2021-11.md")
            .find("Item 120 (corrected)") != std::string::npos);
}

TEST_CASE(
    "Changed options re-render every article but rewrite only those "
    "whose output differs",
    "[archive][incremental]") {
  Archive archive;
  REQUIRE(archive.fetch(dated_feed(3)).status == 0);
  const std::string proxy = "https://proxy.example.com/?u={url}";
  const auto proxied =
      archive.fetch(dated_feed(3), kLater, {"--image-proxy", proxy});
  REQUIRE(proxied.status == 0);
  // Item 0 alone has an image.
  const auto paths = printed(proxied.out);
  REQUIRE(paths.size() == 1);
  CHECK(read_text(paths[0]).find("proxy.example.com") != std::string::npos);
  CHECK(proxied.err.find(", 3 extracted") != std::string::npos);
  // A newer feedmark makes other fingerprints: the state written by an
  // older one is stood for here by fingerprints that match nothing.
  const fs::path state = archive.feed_dir() / ".state.json";
  const std::string fingerprint_field = "\"fingerprint\":\"";
  std::string text = read_text(state);
  for (std::size_t at = text.find(fingerprint_field); at != std::string::npos;
       at = text.find(fingerprint_field, at + 1)) {
    text.replace(at + fingerprint_field.size(), 32, std::string(32, '0'));
  }
  text = std::regex_replace(text, std::regex("\"body\": \"[0-9a-f]+\""),
                            "\"body\": \"\"");
  // The context of the items' raw bytes names the version too.
  text = std::regex_replace(text, std::regex("\"context\": \"[0-9a-f]+\""),
                            "\"context\": \"0\"");
  write_text(state, text);
  const auto before = mtimes(archive.dir);
  const auto newer =
      archive.fetch(dated_feed(3), kLater, {"--image-proxy", proxy});
  REQUIRE(newer.status == 0);
  CHECK(newer.out.empty());  // the same output: no article rewritten
  CHECK(newer.err.find(", 3 extracted") != std::string::npos);
  CHECK(touched(before, mtimes(archive.dir)) ==
        std::vector<std::string>{
            (archive.feed_dir().filename() / ".state.json").string()});
  // Fingerprints are current again: the next run extracts nothing.
  const auto again =
      archive.fetch(dated_feed(3) + " ", kLater, {"--image-proxy", proxy});
  CHECK(again.err.find(", 0 extracted") != std::string::npos);
}

TEST_CASE(
    "An item fingerprint changes with every field, option and version "
    "input",
    "[archive][incremental]") {
  Item item;
  item.guid = "g";
  item.title = "t";
  const ExtractOptions options;
  const std::string base = item_fingerprint(item, options);
  CHECK(item_fingerprint(item, options) == base);
  const std::vector<std::function<void(Item&)>> edits = {
      [](Item& i) { i.guid = "h"; },
      [](Item& i) { i.title = "u"; },
      [](Item& i) { i.link = "https://x/"; },
      [](Item& i) { i.base = "https://x/"; },
      [](Item& i) { i.published = 0; },
      [](Item& i) { i.updated = 1; },
      [](Item& i) { i.author = "a"; },
      [](Item& i) { i.categories.push_back("c"); },
      [](Item& i) { i.summary_html = "<p>s</p>"; },
      [](Item& i) { i.content_html = "<p>c</p>"; },
      [](Item& i) {
        i.enclosures.push_back({"https://x/a.mp3", "audio", {}});
      },
      [](Item& i) { i.media.push_back({}); },
      [](Item& i) {
        i.enclosures = {{"https://x/a.mp3", "audio/mpeg", {}}};
      },
      [](Item& i) {
        i.enclosures = {{"https://x/a.mp3", "audio", 0}};
      },
      [](Item& i) {
        i.media = {{MediaImage::Kind::kThumbnail, "", "", 0}};
      },
      [](Item& i) {
        i.media = {{MediaImage::Kind::kContent, "https://x/", "", 0}};
      },
      [](Item& i) {
        i.media = {{MediaImage::Kind::kContent, "", "c", 0}};
      },
      [](Item& i) {
        i.media = {{MediaImage::Kind::kContent, "", "", 640}};
      },
      // The boundary between two fields moves: still another fingerprint.
      [](Item& i) {
        i.guid = "";
        i.title = "gt";
      },
  };
  // Each edit against the item, and the list edits against one another.
  std::set<std::string> seen = {base};
  for (std::size_t n = 0; n < edits.size(); ++n) {
    INFO("edit " << n);
    Item changed = item;
    edits[n](changed);
    CHECK(seen.insert(item_fingerprint(changed, options)).second);
  }
  CHECK(item_fingerprint(item, {"https://proxy/?{url}"}) != base);
}

TEST_CASE(
    "A feed past 100 articles lists the latest 100 and a page a month, "
    "feedmark index rebuilds them from the files alone",
    "[archive][incremental][index]") {
  Archive archive;
  REQUIRE(archive.fetch(dated_feed(150)).status == 0);
  const fs::path feed = archive.feed_dir();
  const std::vector<std::string> index = lines_of(read_text(feed / "index.md"));
  // Header, rule, blank, 100 articles, blank, "Months", rule, blank, months.
  REQUIRE(index.size() == 3 + 100 + 4 + 5);
  CHECK(index[3].starts_with("- 2022-03-30 [Item 0]("));
  CHECK(index[102] == "- 2021-12-21 [Item 99](" +
                          index[102].substr(index[102].find("](") + 2));
  CHECK(index[104] == "Months");
  CHECK(index[107] == "- [2022-03](index/2022-03.md) (30 articles)");
  CHECK(index.back() == "- [2021-11](index/2021-11.md) (30 articles)");
  const std::string march = read_text(feed / "index/2022-03.md");
  CHECK(lines_of(march)[0] == "2022-03");
  CHECK(lines_of(march)[3].starts_with("- 2022-03-30 [Item 0](../"));
  CHECK(march.ends_with("\n[The feed's index](../index.md)\n"));
  // The root index counts every article, not the 100 listed.
  CHECK(read_text(archive.dir / "index.md").find("(150 articles)") !=
        std::string::npos);

  const auto built = contents(archive.dir);
  fs::remove_all(feed / "index");
  fs::remove_all(feed / ".months");
  fs::remove(feed / "index.md");
  fs::remove(feed / ".state.json");
  fs::remove(archive.dir / "index.md");
  const auto rebuilt = run_feedmark({"index", "-a", archive.dir.string()});
  REQUIRE(rebuilt.status == 0);
  // The header comes back from the state or the feed; without either, the
  // folder's id. Compare what does not depend on it.
  auto after = contents(archive.dir);
  auto expected = built;
  for (auto* files : {&after, &expected}) {
    for (const char* header : {"index.md"}) {
      files->erase(header);
    }
    const std::string feed_index = (feed.filename() / "index.md").string();
    (*files)[feed_index] =
        (*files)[feed_index].substr((*files)[feed_index].find('\n'));
  }
  CHECK(after == expected);
  // The next fetch finds the indexes as it left them.
  const auto before = mtimes(archive.dir);
  REQUIRE(archive.fetch(dated_feed(150) + " ", kLater).status == 0);
  for (const std::string& path : touched(before, mtimes(archive.dir))) {
    INFO(path);
    CHECK((path.ends_with("index.md") || path.ends_with(".state.json")));
  }
}

TEST_CASE(
    "Without its state a folder is archived as before, and a state "
    "from an older feedmark is read",
    "[archive][incremental]") {
  Archive archive;
  REQUIRE(archive.fetch(dated_feed(120)).status == 0);
  const auto built = contents(archive.dir);
  const fs::path state = archive.feed_dir() / ".state.json";
  SECTION("no state") {
    fs::remove(state);
  }
  SECTION("no catalogue of the months") {
    fs::remove_all(archive.feed_dir() / ".months");
  }
  SECTION("a version 1 state, listing no article") {
    write_text(state,
               "{\"key\": \"https://example.com/feed.xml\", \"title\": "
               "\"Dated\", \"link\": \"https://example.com/\", \"etag\": \"\", "
               "\"last_modified\": \"\", \"next_fetch\": null, \"current\": "
               "[], \"articles\": {}}\n");
  }
  SECTION("a version 1 state") {
    write_text(state, version_1_of(read_text(state)));
  }
  SECTION("a damaged line among the current items") {
    std::string text = read_text(state);
    const std::size_t line = text.find("\n  {", text.find("\"current\"") + 40);
    REQUIRE(line != std::string::npos);
    text.insert(line + 4, "\"id\": ");  // {"id": "captured_ms":...
    write_text(state, text);
  }
  const auto again = archive.fetch(dated_feed(120), kLater);
  REQUIRE(again.status == 0);
  CHECK(again.out.empty());
  CHECK(contents(archive.dir) == built);
  CHECK(read_text(state).find("\"version\": 2") != std::string::npos);
}

TEST_CASE("The state is read line by line, or whole once reformatted",
          "[archive][incremental]") {
  // save_feed_state writes one current item a line, and those lines are
  // read on every core; a state in another layout is read whole.
  Archive archive;
  const std::string text = dated_feed(40);
  REQUIRE(archive.fetch(text).status == 0);
  const fs::path state = archive.feed_dir() / ".state.json";
  SECTION("as written") {}
  SECTION("reformatted") {
    write_text(state, nlohmann::json::parse(read_text(state)).dump(2) + "\n");
  }
  const auto again = archive.fetch(text, kLater);
  REQUIRE(again.status == 0);
  CHECK(again.out.empty());
  CHECK(again.err.find("same document as last archived") != std::string::npos);
}

TEST_CASE("A server sending the same body with no validators costs a hash",
          "[archive][incremental][http]") {
  TestServer server;
  const std::string body = dated_feed(4);
  server.routes().Get("/feed.xml",
                      [&](const httplib::Request&, httplib::Response& res) {
                        res.set_content(body, "application/rss+xml");
                      });
  server.start();
  TempDir tmp;
  const std::vector<std::string> args = {"fetch", server.url("/feed.xml"), "-a",
                                         (tmp / "a").string(), "-v"};
  const auto first = run_feedmark(args, {}, kEpoch);
  REQUIRE(first.status == 0);
  CHECK(printed(first.out).size() == 4);
  const auto second = run_feedmark(args, {}, kLater);
  REQUIRE(second.status == 0);
  CHECK(second.out.empty());
  CHECK(second.err.find(": 200, 4 items, 0 new, 0 updated") !=
        std::string::npos);
  CHECK(second.err.find("same document as last archived") != std::string::npos);
  CHECK(server.count("/feed.xml") == 2);
}

TEST_CASE(
    "Articles a killed run wrote before its indexes are indexed by the "
    "next run",
    "[archive][incremental][index]") {
  Archive archive;
  const auto complete = run_dying_before_indexes(archive);
  const fs::path feed = archive.feed_dir();
  const std::string newer = read_text(archive.feed);
  const auto next = archive.fetch(newer + " ", kLater);
  REQUIRE(next.status == 0);
  CHECK(next.out.empty());  // the article was printed by the run that wrote it
  CHECK(contents(archive.dir) == complete);
  CHECK(read_text(feed / "index.md").find("[Late news]") != std::string::npos);
}

TEST_CASE("An article whose date moves to another month moves between pages",
          "[archive][incremental][index]") {
  Archive archive;
  REQUIRE(archive.fetch(dated_feed(150)).status == 0);
  const fs::path feed = archive.feed_dir();
  std::string moved = dated_feed(150);
  const std::string march_30 = format_rfc1123(1648598400);
  moved.replace(moved.find(march_30), march_30.size(),
                format_rfc1123(1636934400));  // 2021-11-15
  SECTION("at once") {
    const auto run = archive.fetch(moved, kLater);
    REQUIRE(run.status == 0);
    CHECK(printed(run.out).size() == 1);
  }
  SECTION("after a failed write") {
    auto env = kLater;
    env["FEEDMARK_FAULT_WRITE"] = "1";  // the article
    REQUIRE(archive.fetch(moved, env).status == 1);
    const auto run = archive.fetch(moved, kLater);
    REQUIRE(run.status == 0);
    CHECK(printed(run.out).size() == 1);
  }
  const std::string march = read_text(feed / "index/2022-03.md");
  const std::string november = read_text(feed / "index/2021-11.md");
  CHECK(march.find("[Item 0]") == std::string::npos);
  CHECK(november.find("- 2021-11-15 [Item 0](") != std::string::npos);
  const std::string index = read_text(feed / "index.md");
  CHECK(index.find("(29 articles)") != std::string::npos);
  CHECK(index.find("- [2021-11](index/2021-11.md) (31 articles)") !=
        std::string::npos);
  // What the files say, exactly.
  const auto built = contents(archive.dir);
  REQUIRE(run_feedmark({"index", "-a", archive.dir.string()}).status == 0);
  CHECK(contents(archive.dir) == built);
}

TEST_CASE("A new charset in Content-Type is a new document, bytes unchanged",
          "[archive][incremental][http]") {
  TestServer server;
  std::string charset = "iso-8859-1";
  const std::string body =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>C</title>"
      "<link>https://example.com/</link><item><title>Caf\xE9</title>"
      "<guid>c</guid><description>d</description></item></channel></rss>";
  server.routes().Get(
      "/feed.xml", [&](const httplib::Request&, httplib::Response& res) {
        res.set_content(body, "application/rss+xml; charset=" + charset);
      });
  server.start();
  TempDir tmp;
  const std::vector<std::string> args = {"fetch", server.url("/feed.xml"), "-a",
                                         (tmp / "a").string()};
  const auto first = run_feedmark(args, {}, kEpoch);
  REQUIRE(first.status == 0);
  REQUIRE(printed(first.out).size() == 1);
  CHECK(read_text(printed(first.out)[0]).find("[Caf\xC3\xA9]") !=
        std::string::npos);  // read as Latin-1, as the server said
  charset = "windows-1251";  // the same byte is a Cyrillic letter there
  const auto fixed = run_feedmark(args, {}, kLater);
  REQUIRE(fixed.status == 0);
  REQUIRE(printed(fixed.out).size() == 1);
  CHECK(read_text(printed(fixed.out)[0]).find("[Caf\xD0\xB9]") !=
        std::string::npos);
}

TEST_CASE(
    "After a run that died, its articles are indexed even if their "
    "items have left the feed",
    "[archive][incremental][index]") {
  Archive archive;
  run_dying_before_indexes(archive);
  const fs::path feed = archive.feed_dir();
  write_text(archive.dir / ".running", "");  // what the dead run left
  // The next document no longer has the late item.
  const auto next = archive.fetch(dated_feed(120) + " ", kLater);
  REQUIRE(next.status == 0);
  CHECK(read_text(feed / "index.md").find("[Late news]") != std::string::npos);
  CHECK(read_text(archive.dir / "index.md").find("(121 articles)") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(archive.dir / ".running"));
}

}  // namespace feedmark::test
