// Feed discovery and sharding, end to end: `feedmark discover` and the
// error of `fetch` on a web page against a real server on 127.0.0.1, and
// `fetch --shard K/N` over a list.
#include "feedmark/html/discover.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <set>

#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

void serve(TestServer& server, const std::string& path, std::string body,
           const char* type = "text/html; charset=utf-8") {
  server.routes().Get(path, [body = std::move(body), type](
                                const httplib::Request&, httplib::Response& r) {
    r.set_content(body, type);
  });
}

const char* kPage =
    "<!doctype html><html><head><title>Site</title>"
    "<link rel=\"stylesheet\" href=\"/s.css\">"
    "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\">"
    "<link rel=\"alternate\" type=\"application/atom+xml\" "
    "href=\"atom.xml\">"
    "<link rel=\"Alternate\" type=\"application/feed+json\" "
    "href=\"https://other.example/feed.json\">"
    "<link rel=\"alternate\" type=\"text/html\" hreflang=\"zh\" href=\"/zh\">"
    "</head><body><p>Hello</p></body></html>";

TEST_CASE("linked_feeds: RSS, Atom and JSON Feed links, resolved",
          "[discover]") {
  CHECK(html::linked_feeds(kPage, "https://site.example/blog/post") ==
        std::vector<std::string>{"https://site.example/feed.xml",
                                 "https://site.example/blog/atom.xml",
                                 "https://other.example/feed.json"});
  // <base href> moves relative links, itself resolved against the page.
  const std::string with_base =
      "<html><head><base href=\"/news/\"><link rel=\"alternate feed\" "
      "type=\"application/rss+xml; charset=utf-8\" href=\"rss\"><link "
      "rel=\"alternate\" type=\"application/rss+xml\" href=\"rss\">"
      "</head></html>";
  CHECK(html::linked_feeds(with_base, "https://site.example/a/b") ==
        std::vector<std::string>{"https://site.example/news/rss"});
  CHECK(html::linked_feeds("<p>no links</p>", "https://site.example/").empty());
  // Only http(s): a javascript: or a relative link without a base is none.
  CHECK(html::linked_feeds("<link rel=alternate type=application/rss+xml "
                           "href=\"javascript:alert(1)\">",
                           "https://site.example/")
            .empty());
  CHECK(html::linked_feeds(
            "<link rel=alternate type=application/rss+xml href=feed>", "")
            .empty());
}

TEST_CASE("feedmark discover prints the feeds a page links, one a line",
          "[discover]") {
  TestServer server;
  serve(server, "/blog/", kPage);
  serve(server, "/plain", "<html><body>nothing</body></html>");
  serve(server, "/feed.xml", rss_feed(1), "application/rss+xml");
  server.start();

  const RunResult found = run_feedmark({"discover", server.url("/blog/")});
  CHECK(found.status == 0);
  CHECK(lines_of(found.out) ==
        std::vector<std::string>{server.url("/feed.xml"),
                                 server.url("/blog/atom.xml"),
                                 "https://other.example/feed.json"});
  // A feed's own URL is its feed.
  const RunResult feed = run_feedmark({"discover", server.url("/feed.xml")});
  CHECK(feed.status == 0);
  CHECK(feed.out == server.url("/feed.xml") + "\n");

  const RunResult none = run_feedmark({"discover", server.url("/plain")});
  CHECK(none.status == 1);
  CHECK(none.out.empty());
  CHECK(none.err == "feedmark: " + server.url("/plain") +
                        ": no feed: the page links none\n");

  // A file or stdin, with --base for its relative links.
  TempDir tmp;
  write_text(tmp / "page.html", kPage);
  const RunResult file =
      run_feedmark({"discover", "--base", "https://site.example/blog/",
                    (tmp / "page.html").string()});
  CHECK(file.status == 0);
  CHECK(lines_of(file.out).front() == "https://site.example/feed.xml");
}

TEST_CASE("Fetching a web page names the feeds it links", "[discover]") {
  TestServer server;
  serve(server, "/blog/", kPage);
  serve(server, "/plain", "<!DOCTYPE html><html><body>x</body></html>");
  server.start();
  TempDir tmp;
  const RunResult run =
      run_feedmark({"fetch", "-a", tmp.path().string(), server.url("/blog/"),
                    server.url("/plain")});
  CHECK(run.status == 1);
  CHECK(run.err.find(fmt::format(
            "feedmark: {}: not a feed: an HTML page; it links to {}, {}, "
            "https://other.example/feed.json\n",
            server.url("/blog/"), server.url("/feed.xml"),
            server.url("/blog/atom.xml"))) != std::string::npos);
  CHECK(run.err.find(fmt::format("feedmark: {}: not a feed: an HTML page\n",
                                 server.url("/plain"))) != std::string::npos);
}

TEST_CASE("With --shard K/N the shards of a list hold every feed exactly once",
          "[discover]") {
  TempDir tmp;
  std::string list;
  for (int i = 0; i < 24; ++i) {
    const std::string feed = fmt::format(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>F{0}"
        "</title><link>https://f{0}.example/</link><item><title>A</title>"
        "<link>https://f{0}.example/a</link></item></channel></rss>",
        i);
    write_text(tmp / fmt::format("f{}.xml", i), feed);
    list += fmt::format("f{}.xml\n", i);
  }
  write_text(tmp / "feeds.txt", list);
  // Each shard in an archive of its own: a feed two shards took would be
  // printed by both.
  std::multiset<std::string> folders;
  for (int k = 0; k < 4; ++k) {
    const RunResult run =
        run_feedmark({"fetch", "--shard", fmt::format("{}/4", k), "--feeds",
                      (tmp / "feeds.txt").string(), "-a",
                      (tmp / fmt::format("a{}", k)).string()});
    REQUIRE(run.status == 0);
    std::size_t in_shard = 0;
    for (const std::string& path : lines_of(run.out)) {
      folders.insert(fs::path(path).parent_path().filename().string());
      ++in_shard;
    }
    CHECK(in_shard < 24);  // a shard is a part, not the whole
  }
  CHECK(folders.size() == 24);
  CHECK(std::set<std::string>(folders.begin(), folders.end()).size() == 24);

  for (const char* bad : {"4/4", "1", "a/b", "-1/4", "0/0"}) {
    const RunResult run = run_feedmark(
        {"fetch", "--shard", bad, "--feeds", (tmp / "feeds.txt").string()});
    CHECK(run.status == 2);
    CHECK(run.err.find("--shard") != std::string::npos);
  }
}

}  // namespace
}  // namespace feedmark::test

namespace feedmark::test {
namespace {

TEST_CASE("Each --help shows values and defaults readably",
          "[discover][help]") {
  for (const char* command :
       {"fetch", "parse", "extract", "discover", "index"}) {
    const RunResult help = run_feedmark({command, "--help"});
    INFO(command << "\n" << help.out);
    CHECK(help.status == 0);
    // CLI11's raw forms: "ENUM:value in {always->1,...}", "UINT:INT in [..]".
    CHECK(help.out.find("ENUM") == std::string::npos);
    CHECK(help.out.find("UINT") == std::string::npos);
    CHECK(help.out.find("->") == std::string::npos);
  }
  const std::string fetch = run_feedmark({"fetch", "--help"}).out;
  CHECK(fetch.find("--progress auto|always|never") != std::string::npos);
  CHECK(fetch.find("--full-text never|auto|always") != std::string::npos);
  CHECK(fetch.find("--format seed|hugo|obsidian") != std::string::npos);
  CHECK(fetch.find("(1-256, default 8)") != std::string::npos);
}

}  // namespace
}  // namespace feedmark::test
