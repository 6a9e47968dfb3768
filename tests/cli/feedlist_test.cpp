#include "feedmark/cli/feedlist.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using feedmark::FeedEntry;
using feedmark::parse_feed_list;
using feedmark::read_feed_list;
using feedmark::test::fixture;
using feedmark::test::TempDir;
using feedmark::test::write_text;

const fs::path kBase = "/lists";

std::vector<FeedEntry> entries_of(std::string_view text,
                                  const std::string& origin = "feeds.txt") {
  auto result = parse_feed_list(text, origin, kBase);
  if (!result) {
    FAIL(feedmark::describe(result.error()));
  }
  return std::move(*result);
}

std::vector<std::string> sources_of(const std::vector<FeedEntry>& entries) {
  std::vector<std::string> sources;
  for (const FeedEntry& entry : entries) {
    sources.push_back(entry.source);
  }
  return sources;
}

std::vector<std::string> sources_of(std::string_view text,
                                    const std::string& origin = "feeds.txt") {
  return sources_of(entries_of(text, origin));
}

/// The single entry of a one-line list.
FeedEntry entry_of(std::string_view line) {
  auto entries = entries_of(line);
  REQUIRE(entries.size() == 1);
  return std::move(entries.front());
}

/// "source: message" of the error the list gives; its stage must be config.
std::string error_of(std::string_view text,
                     const std::string& origin = "feeds.txt") {
  auto result = parse_feed_list(text, origin, kBase);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().stage == "config");
  return feedmark::describe(result.error());
}

bool settings_empty(const FeedEntry& entry) {
  const auto& s = entry.settings;
  return !s.encoding && !s.zone && !s.user_agent && !s.image_proxy;
}

std::string opml(const std::string& body) {
  return "<?xml version=\"1.0\"?>\n<opml version=\"2.0\">\n<body>\n" + body +
         "</body>\n</opml>\n";
}

}  // namespace

TEST_CASE("A plain list skips blank lines and comments and keeps the order",
          "[feedlist]") {
  const fs::path file = fixture("feedlists/plain_settings_comments.txt");
  auto result = read_feed_list(file);
  REQUIRE(result.has_value());
  const std::vector<FeedEntry>& entries = *result;
  CHECK_THAT(
      sources_of(entries),
      Equals(std::vector<std::string>{
          "https://news.example.org/rss.xml", "https://www.example.cn/feed.xml",
          "https://blog.example.com/index.xml#atom",
          "https://slow.example.net/feed",
          (file.parent_path() / "saved/offline.xml").string()}));
  CHECK(settings_empty(entries[0]));
  CHECK(entries[1].settings.encoding == "gbk");
  CHECK(entries[1].settings.zone == "Asia/Shanghai");
  CHECK(entries[3].settings.user_agent == "Mozilla/5.0 (X11; Linux x86_64)");
  CHECK(entries[3].settings.image_proxy ==
        "https://images.example.com/?url={url_encoded}");
  CHECK(entries[4].settings.zone == "Europe/Berlin");
}

TEST_CASE("CRLF line ends belong neither to the source nor to a value",
          "[feedlist]") {
  const auto entries = entries_of(
      "# list\r\n\r\nhttps://a.example/feed\r\n"
      "https://b.example/feed tz=Asia/Shanghai\r\n");
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].source == "https://a.example/feed");
  CHECK(entries[1].source == "https://b.example/feed");
  CHECK(entries[1].settings.zone == "Asia/Shanghai");
}

TEST_CASE("Whitespace then '#' starts a comment, a '#' in a URL is a fragment",
          "[feedlist]") {
  SECTION("a comment after the source") {
    const FeedEntry entry = entry_of("https://a.example/feed   # the best");
    CHECK(entry.source == "https://a.example/feed");
    CHECK(settings_empty(entry));
  }
  SECTION("a comment after a tab") {
    CHECK(entry_of("https://a.example/feed\t#x").source ==
          "https://a.example/feed");
  }
  SECTION("a fragment") {
    CHECK(entry_of("https://a.example/feed#atom").source ==
          "https://a.example/feed#atom");
  }
  SECTION("a fragment and then a comment") {
    CHECK(entry_of("https://a.example/feed#atom #comment").source ==
          "https://a.example/feed#atom");
  }
  SECTION("a comment after a setting") {
    CHECK(entry_of("https://a.example/feed tz=UTC # in UTC").settings.zone ==
          "UTC");
  }
  SECTION("a line that is only a comment, indented") {
    CHECK(sources_of("   # https://a.example/feed\nhttps://b.example/feed") ==
          std::vector<std::string>{"https://b.example/feed"});
  }
}

TEST_CASE("Each setting fills its own field and only that one", "[feedlist]") {
  SECTION("encoding") {
    const FeedEntry entry = entry_of("https://a.example/feed encoding=gb2312");
    CHECK(entry.settings.encoding == "gb2312");
    CHECK_FALSE(entry.settings.zone);
  }
  SECTION("tz") {
    const FeedEntry entry = entry_of("https://a.example/feed tz=Asia/Shanghai");
    CHECK(entry.settings.zone == "Asia/Shanghai");
    CHECK_FALSE(entry.settings.encoding);
  }
  SECTION("user-agent") {
    const FeedEntry entry = entry_of("https://a.example/feed user-agent=Bot/1");
    CHECK(entry.settings.user_agent == "Bot/1");
    CHECK_FALSE(entry.settings.image_proxy);
  }
  SECTION("image-proxy") {
    const FeedEntry entry = entry_of(
        "https://a.example/feed image-proxy=https://p.example/{url_noscheme}");
    CHECK(entry.settings.image_proxy == "https://p.example/{url_noscheme}");
    CHECK_FALSE(entry.settings.user_agent);
  }
  SECTION("all four, separated by runs of whitespace") {
    const FeedEntry entry = entry_of(
        "https://a.example/feed  encoding=big5\ttz=UTC   "
        "image-proxy=https://p.example/{url}  user-agent=Bot/2");
    CHECK(entry.settings.encoding == "big5");
    CHECK(entry.settings.zone == "UTC");
    CHECK(entry.settings.image_proxy == "https://p.example/{url}");
    CHECK(entry.settings.user_agent == "Bot/2");
  }
}

TEST_CASE("A user agent with spaces ends where the next setting begins",
          "[feedlist]") {
  SECTION("followed by another setting") {
    const FeedEntry entry = entry_of(
        "https://a.example/feed user-agent=Mozilla/5.0 (X11; Linux x86_64) "
        "tz=Asia/Shanghai");
    CHECK(entry.settings.user_agent == "Mozilla/5.0 (X11; Linux x86_64)");
    CHECK(entry.settings.zone == "Asia/Shanghai");
  }
  SECTION("last on the line, with trailing spaces") {
    CHECK(entry_of("https://a.example/feed user-agent=Reader (compat)   ")
              .settings.user_agent == "Reader (compat)");
  }
  SECTION("holding a '=' that is not a known key") {
    CHECK(entry_of("https://a.example/feed user-agent=Bot (a=b) encoding=gbk")
              .settings.user_agent == "Bot (a=b)");
  }
}

TEST_CASE("A selector holds spaces, '>' and '#id', and a comment may follow",
          "[feedlist]") {
  const FeedEntry entry = entry_of(
      "https://a.example/feed full-text-selector=main > #story p, div.a "
      "full-text=always   # teaser feed");
  CHECK(entry.settings.full_text_selector == "main > #story p, div.a");
  CHECK(entry.settings.full_text == "always");
  CHECK(entry_of("https://a.example/feed full-text-selector=article #body")
            .settings.full_text_selector == "article #body");
  CHECK(entry_of("https://a.example/feed full-text-selector=#body # note")
            .settings.full_text_selector == "#body");
}

TEST_CASE(
    "include= and exclude= hold RE2 patterns, spaces and all, id= "
    "names the key",
    "[feedlist]") {
  const FeedEntry entry = entry_of(
      "https://a.example/feed include=climate change|heat (wave|dome) "
      "exclude=(?i)sponsored id=link");
  CHECK(entry.settings.include == "climate change|heat (wave|dome)");
  CHECK(entry.settings.exclude == "(?i)sponsored");
  CHECK(entry.settings.id == "link");
  CHECK_THAT(error_of("# feeds\nhttps://a.example/feed include=heat (wave\n"),
             Equals("feeds.txt:2: bad include pattern \"heat (wave\": "
                    "missing ): heat (wave"));
  CHECK_THAT(error_of("https://a.example/feed id=uuid"),
             Equals("feeds.txt:1: id is guid, link or title, not \"uuid\""));
}

TEST_CASE("A bad setting is an error naming file:line and the cause",
          "[feedlist]") {
  const std::string head = "# my feeds\n\nhttps://ok.example/feed\n";
  SECTION("an unknown key") {
    CHECK_THAT(error_of(head + "https://a.example/feed foo=bar\n"),
               Equals("feeds.txt:4: unknown setting \"foo\" (known: encoding, "
                      "tz, user-agent, image-proxy, save-images, full-text, "
                      "full-text-selector, include, exclude, id, cacert, "
                      "cookies)"));
  }
  SECTION("a key in the wrong case") {
    CHECK_THAT(error_of("https://a.example/feed TZ=UTC"),
               Contains("feeds.txt:1: unknown setting \"TZ\""));
  }
  SECTION("a word that is not key=value") {
    CHECK_THAT(error_of(head + "https://a.example/feed gbk\n"),
               Equals("feeds.txt:4: expected key=value, got \"gbk\""));
  }
  SECTION("a key without a name") {
    CHECK_THAT(error_of("https://a.example/feed =gbk"),
               Equals("feeds.txt:1: expected key=value, got \"=gbk\""));
  }
  SECTION("a second source on the line") {
    CHECK_THAT(
        error_of("https://a.example/feed https://b.example/feed?x=1"),
        Contains("feeds.txt:1: expected key=value, got \"https://b.example"));
  }
  SECTION("an empty value at the end") {
    CHECK_THAT(error_of(head + "https://a.example/feed tz=\n"),
               Equals("feeds.txt:4: empty value for \"tz\""));
  }
  SECTION("an empty user agent before another setting") {
    CHECK_THAT(error_of("https://a.example/feed user-agent=  tz=UTC"),
               Equals("feeds.txt:1: empty value for \"user-agent\""));
  }
  SECTION("an unknown time zone") {
    CHECK_THAT(error_of(head + "https://a.example/feed tz=Mars/Olympus\n"),
               Equals("feeds.txt:4: unknown time zone \"Mars/Olympus\""));
  }
  SECTION("an unknown encoding") {
    CHECK_THAT(error_of(head + "https://a.example/feed encoding=klingon\n"),
               Equals("feeds.txt:4: unknown encoding \"klingon\""));
  }
  SECTION("a value with a space where only a user agent may have one") {
    CHECK_THAT(error_of("https://a.example/feed tz=Asia/Shanghai Time"),
               Equals("feeds.txt:1: expected key=value, got \"Time\""));
  }
  SECTION("a setting given twice") {
    CHECK_THAT(error_of("https://a.example/feed tz=UTC tz=Asia/Shanghai"),
               Equals("feeds.txt:1: \"tz\" is set twice"));
  }
}

TEST_CASE("A source that is not an http(s) URL or a file path is an error",
          "[feedlist]") {
  SECTION("stdin") {
    CHECK_THAT(error_of("https://a.example/feed\n-\n"),
               Equals("feeds.txt:2: stdin (\"-\") cannot be listed"));
  }
  SECTION("stdin with settings") {
    CHECK_THAT(error_of("- tz=UTC"),
               Equals("feeds.txt:1: stdin (\"-\") cannot be listed"));
  }
  SECTION("ftp") {
    CHECK_THAT(error_of("\n\nftp://files.example/feed.xml"),
               Equals("feeds.txt:3: not an http(s) URL or a file path: "
                      "ftp://files.example/feed.xml"));
  }
  SECTION("file, in upper case") {
    CHECK_THAT(error_of("FILE:///etc/passwd"),
               Equals("feeds.txt:1: not an http(s) URL or a file path: "
                      "FILE:///etc/passwd"));
  }
  SECTION("javascript") {
    CHECK_THAT(error_of("javascript:alert(1)"),
               Contains("feeds.txt:1: not an http(s) URL or a file path"));
  }
  SECTION("a mistyped http") {
    CHECK_THAT(error_of("http:/a.example/feed"),
               Contains("feeds.txt:1: not an http(s) URL or a file path"));
  }
}

TEST_CASE("URLs are kept exactly as written", "[feedlist]") {
  CHECK(sources_of("HTTPS://News.Example.COM/Feed?a=1&b=%20#x\n"
                   "http://a.example:8080/rss") ==
        std::vector<std::string>{"HTTPS://News.Example.COM/Feed?a=1&b=%20#x",
                                 "http://a.example:8080/rss"});
}

TEST_CASE("Relative paths resolve against the list's folder", "[feedlist]") {
  auto result = parse_feed_list(
      "feeds/a.xml\n../b.xml\n./c:d.xml\n/srv/e.xml\n", "x", "/lists/sub");
  REQUIRE(result.has_value());
  CHECK(sources_of(*result) ==
        std::vector<std::string>{"/lists/sub/feeds/a.xml", "/lists/b.xml",
                                 "/lists/sub/c:d.xml", "/srv/e.xml"});
}

TEST_CASE("read_feed_list resolves paths against the folder of the list file",
          "[feedlist]") {
  TempDir dir;
  write_text(dir / "feeds.txt", "local.xml\nhttps://a.example/feed\n");
  auto result = read_feed_list(dir / "feeds.txt");
  REQUIRE(result.has_value());
  CHECK(sources_of(*result) ==
        std::vector<std::string>{(dir.path() / "local.xml").string(),
                                 "https://a.example/feed"});
}

TEST_CASE("read_feed_list names the file and the OS error it cannot read",
          "[feedlist]") {
  TempDir dir;
  const fs::path missing = dir / "missing.txt";
  auto result = read_feed_list(missing);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().stage == "config");
  CHECK(result.error().source == missing.string());
  CHECK_THAT(result.error().message, Contains("No such file or directory"));
}

TEST_CASE("A shell command in a list is only a file path, never run",
          "[feedlist]") {
  CHECK(sources_of("|curl\n$(touch)\n") ==
        std::vector<std::string>{"/lists/|curl", "/lists/$(touch)"});
}

TEST_CASE("Duplicates are kept and an empty list is no error", "[feedlist]") {
  SECTION("duplicates") {
    CHECK(
        sources_of("https://a.example/f\nhttps://a.example/f tz=UTC") ==
        std::vector<std::string>{"https://a.example/f", "https://a.example/f"});
  }
  SECTION("only comments and blank lines") {
    CHECK(entries_of("# nothing yet\n\n   \n").empty());
  }
  SECTION("nothing at all") {
    CHECK(entries_of("").empty());
  }
  SECTION("an OPML without outlines") {
    CHECK(entries_of(opml("")).empty());
  }
}

TEST_CASE("OPML gives every xmlUrl of nested folders in document order",
          "[feedlist][opml]") {
  auto result = read_feed_list(fixture("feedlists/opml_nested_folders.opml"));
  REQUIRE(result.has_value());
  CHECK_THAT(sources_of(*result), Equals(std::vector<std::string>{
                                      "https://world.example.org/rss",
                                      "https://asia.example.cn/feed.xml",
                                      "https://q.example.com/feed?a=1&b=2",
                                      "https://europe.example.eu/atom.xml",
                                      "https://tech.example.com/index.xml"}));
  for (const FeedEntry& entry : *result) {
    CHECK(settings_empty(entry));
  }
}

TEST_CASE("OPML outlines are read whatever the exporter's case and padding",
          "[feedlist][opml]") {
  SECTION("xmlurl in lower case") {
    CHECK(sources_of(opml("<outline xmlurl=\"https://a.example/f\"/>\n")) ==
          std::vector<std::string>{"https://a.example/f"});
  }
  SECTION("an outline without xmlUrl is skipped") {
    CHECK(sources_of(opml("<outline text=\"Folder\" htmlUrl=\"https://x/\"/>\n"
                          "<outline xmlUrl=\"https://b.example/f\"/>\n")) ==
          std::vector<std::string>{"https://b.example/f"});
  }
  SECTION("a UTF-8 BOM, leading space and an upper-case root") {
    CHECK(sources_of("\xEF\xBB\xBF\n  <OPML><body><outline "
                     "xmlUrl=\"https://c.example/f\"/></body></OPML>") ==
          std::vector<std::string>{"https://c.example/f"});
  }
  SECTION("a relative xmlUrl") {
    CHECK(sources_of(opml("<outline xmlUrl=\"saved/d.xml\"/>\n")) ==
          std::vector<std::string>{"/lists/saved/d.xml"});
  }
}

TEST_CASE("A plain list after a UTF-8 BOM does not keep the BOM",
          "[feedlist]") {
  CHECK(sources_of("\xEF\xBB\xBFhttps://a.example/feed\n") ==
        std::vector<std::string>{"https://a.example/feed"});
}

TEST_CASE("XML that is not OPML is an error naming its root",
          "[feedlist][opml]") {
  CHECK_THAT(error_of("<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"
                      "<channel/></rss>",
                      "feeds.opml"),
             Equals("feeds.opml: not an OPML document (root element <rss>)"));
}

TEST_CASE("Malformed OPML is an error with line, byte and pugixml's reason",
          "[feedlist][opml]") {
  const std::string message = error_of(
      "<opml>\n<body>\n<outline xmlUrl=\"https://a.example/f\">\n</body>\n"
      "</opml>\n",
      "feeds.opml");
  CHECK_THAT(message, Contains("feeds.opml:4: not well-formed XML at byte "));
  CHECK_THAT(message, Contains("Start-end tags mismatch"));
}

TEST_CASE("A bad OPML outline is an error naming its line",
          "[feedlist][opml]") {
  SECTION("another scheme") {
    CHECK_THAT(error_of(opml("<outline xmlUrl=\"https://a.example/f\"/>\n"
                             "<outline xmlUrl=\"ftp://b.example/f\"/>\n"),
                        "feeds.opml"),
               Equals("feeds.opml:5: not an http(s) URL or a file path: "
                      "ftp://b.example/f"));
  }
  SECTION("stdin") {
    CHECK_THAT(error_of(opml("<outline xmlUrl=\"-\"/>\n"), "feeds.opml"),
               Equals("feeds.opml:4: stdin (\"-\") cannot be listed"));
  }
}
