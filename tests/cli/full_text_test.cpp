// End-to-end tests of `fetch --full-text` and `feedmark extract`: the
// binary against a real server on 127.0.0.1 serving a summary-only feed and
// its article pages.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "feedmark/util/sha256.h"
#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string page_text(int n) {
  return fmt::format(
      "Story {} in full: the harbour authority confirmed on Monday that the "
      "old grain warehouse will become a library, a market hall and forty "
      "flats, after a design competition drew more than ninety entries.",
      n);
}

// An article page: the story among navigation and a sidebar.
std::string article_page(int n, const std::string& image = {}) {
  std::string paragraphs;
  for (int i = 0; i < 4; ++i) {
    paragraphs += fmt::format("<p>{} Paragraph {}.</p>", page_text(n), i);
  }
  return fmt::format(
      "<html><head><title>Story {} | Harbour News</title></head><body>"
      "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
      "<div class=\"story\" id=\"story\"><h1>Story {}</h1>{}{}</div>"
      "<div class=\"sidebar\"><a href=\"/x\">Most read: ferry fares</a></div>"
      "</body></html>",
      n, n, paragraphs, image.empty() ? "" : "<img src=\"" + image + "\">");
}

// A feed whose items carry one line each: the kind --full-text is for.
std::string teaser_feed(const TestServer& server, int items) {
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour"
      "</title><link>https://harbour.example/</link>";
  for (int i = 0; i < items; ++i) {
    feed += fmt::format(
        "<item><title>Story {}</title><link>{}</link><guid>story-{}</guid>"
        "<description>The warehouse will become a library…</description>"
        "</item>",
        i, server.url("/story/" + std::to_string(i)), i);
  }
  return feed + "</channel></rss>";
}

std::string article_file(const fs::path& archive, int item) {
  for (const auto& e : fs::directory_iterator(archive)) {
    if (e.is_directory()) {
      return read_text(e.path() /
                       (short_hash("story-" + std::to_string(item)) + ".md"));
    }
  }
  FAIL("no feed folder");
  return {};
}

}  // namespace

TEST_CASE("Full text: each new article's page is fetched once",
          "[cli][http][fulltext]") {
  TestServer server;
  bool broken = true;  // story 1's page fails until told otherwise
  server.routes().Get(R"(/story/(\d+))", [&](const httplib::Request& req,
                                             httplib::Response& res) {
    const int n = std::stoi(req.matches[1]);
    if (n == 1 && broken) {
      res.status = 500;
      return;
    }
    res.set_content(article_page(n, n == 2 ? "/img/x.png" : ""), "text/html");
  });
  server.routes().Get("/img/x.png", [](const auto&, httplib::Response& res) {
    res.set_content(std::string("\x89PNG\r\n\x1A\n", 8) + std::string(50, 'p') +
                        std::string("\0\0\0\0IEND\xAE\x42\x60\x82", 12),
                    "image/png");
  });
  server.start();
  server.routes().Get("/feed.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(teaser_feed(server, 3), "application/rss+xml");
  });
  TempDir tmp;
  const fs::path archive = tmp / "a";
  const auto fetch = [&](std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"fetch",
                                     server.url("/feed.xml"),
                                     "-a",
                                     archive.string(),
                                     "--full-text",
                                     "auto",
                                     "--retries",
                                     "0",
                                     "--allow-private-networks",
                                     "-v"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_feedmark(args, {}, kEpoch);
  };
  RunResult run = fetch({"--save-images"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK(lines_of(run.out).size() == 3);
  // The page's story, not its navigation or sidebar, is the body.
  const std::string first = article_file(archive, 0);
  CHECK(contains(first, page_text(0)));
  CHECK_FALSE(contains(first, "Most read"));
  CHECK_FALSE(contains(first, "library…"));
  // The failed page leaves the feed's body; -v says why.
  CHECK(contains(article_file(archive, 1), "library…"));
  CHECK(contains(run.err, "pages: 2 used, 1 failed"));
  CHECK(contains(run.err, "/story/1: HTTP 500"));
  // The page's images go through --save-images.
  CHECK(contains(
      article_file(archive, 2),
      "src=\"media/" + short_hash(server.url("/img/x.png")) + ".png\""));
  CHECK(server.count("/story/0") == 1);

  SECTION("a rerun asks again only for the page that failed") {
    run = fetch({"--save-images"});
    CHECK(run.status == 0);
    CHECK(run.out.empty());
    CHECK(server.count("/story/0") == 1);
    CHECK(server.count("/story/2") == 1);
    CHECK(server.count("/story/1") == 2);
    CHECK(server.count("/img/x.png") == 1);
    SECTION("and uses it when it works") {
      broken = false;
      run = fetch({"--save-images"});
      CHECK(lines_of(run.out).size() == 1);
      CHECK(contains(article_file(archive, 1), page_text(1)));
      CHECK(server.count("/story/1") == 3);
      run = fetch({"--save-images"});
      CHECK(server.count("/story/1") == 3);
    }
    SECTION("and gives it up after 3 runs") {
      run = fetch({"--save-images"});
      CHECK(server.count("/story/1") == 3);
      for (int i = 0; i < 2; ++i) {
        run = fetch({"--save-images"});
        CHECK(run.status == 0);
      }
      CHECK(server.count("/story/1") == 3);
    }
  }
}

TEST_CASE("An image retried later does not fetch the article's page again",
          "[cli][http][fulltext]") {
  TestServer server;
  server.routes().Get(
      R"(/story/(\d+))", [&](const auto&, httplib::Response& res) {
        res.set_content(article_page(0, "/img/missing.png"), "text/html");
      });
  server.start();
  server.routes().Get("/feed.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(teaser_feed(server, 1), "application/rss+xml");
  });
  TempDir tmp;
  const auto fetch = [&] {
    return run_feedmark(
        {"fetch", server.url("/feed.xml"), "-a", (tmp / "a").string(),
         "--full-text", "always", "--save-images", "--allow-private-networks",
         "--retries", "0"},
        {}, kEpoch);
  };
  for (int run = 1; run <= 3; ++run) {
    INFO("run " << run);
    CHECK(fetch().status == 0);
    CHECK(server.count("/story/0") == 1);
    CHECK(server.count("/img/missing.png") == static_cast<std::size_t>(run));
    CHECK(contains(article_file(tmp / "a", 0), page_text(0)));
  }
}

TEST_CASE("full-text-selector= picks the article of a feed's pages",
          "[cli][http][fulltext]") {
  TestServer server;
  server.routes().Get(R"(/story/(\d+))", [&](const httplib::Request& req,
                                             httplib::Response& res) {
    const int n = std::stoi(req.matches[1]);
    res.set_content(
        fmt::format("<html><body><div class=\"teaser\"><p>{}</p></div><div "
                    "class=\"text body\"><p>Picked by hand, story {}.</p>"
                    "</div></body></html>",
                    page_text(n), n),
        "text/html");
  });
  server.start();
  server.routes().Get("/feed.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(teaser_feed(server, 1), "application/rss+xml");
  });
  TempDir tmp;
  write_text(tmp / "feeds.txt",
             server.url("/feed.xml") +
                 " full-text=always full-text-selector=body > div.text.body\n");
  const RunResult run =
      run_feedmark({"fetch", "--feeds", (tmp / "feeds.txt").string(), "-a",
                    (tmp / "a").string(), "--allow-private-networks"},
                   {}, kEpoch);
  INFO(run.err);
  REQUIRE(run.status == 0);
  const std::string text = article_file(tmp / "a", 0);
  CHECK(contains(text, "Picked by hand, story 0."));
  CHECK_FALSE(contains(text, "grain warehouse"));

  SECTION("a bad selector is a configuration error naming the line") {
    write_text(tmp / "bad.txt", "# feeds\n" + server.url("/feed.xml") +
                                    " full-text-selector=div:hover\n");
    const RunResult bad =
        run_feedmark({"fetch", "--feeds", (tmp / "bad.txt").string(), "-a",
                      (tmp / "b").string()},
                     {}, kEpoch);
    CHECK(bad.status == 2);
    CHECK(contains(bad.err, "bad.txt:2: bad full-text-selector"));
    CHECK(lines_of(bad.err).size() == 1);
  }
}

TEST_CASE("Article pages on private addresses are refused by default",
          "[cli][http][fulltext]") {
  TestServer server;
  server.routes().Get(R"(/story/(\d+))",
                      [](const auto&, httplib::Response& res) {
                        res.set_content(article_page(0), "text/html");
                      });
  server.start();
  server.routes().Get("/feed.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(teaser_feed(server, 1), "application/rss+xml");
  });
  TempDir tmp;
  const RunResult run =
      run_feedmark({"fetch", server.url("/feed.xml"), "-a",
                    (tmp / "a").string(), "--full-text", "always", "-v"},
                   {}, kEpoch);
  CHECK(run.status == 0);
  CHECK(server.count("/story/0") == 0);
  CHECK(contains(run.err, "refused: 127.0.0.1 is a private address"));
  CHECK(contains(article_file(tmp / "a", 0), "library…"));
}

TEST_CASE("feedmark extract prints one page's article as a JSON line",
          "[cli][fulltext]") {
  TempDir tmp;
  write_text(tmp / "page.html", article_page(7, "pic.jpg"));
  RunResult run =
      run_feedmark({"extract", "--base", "https://harbour.example/s/7",
                    (tmp / "page.html").string()});
  INFO(run.err);
  REQUIRE(run.status == 0);
  REQUIRE(lines_of(run.out).size() == 1);
  const auto j = nlohmann::ordered_json::parse(run.out);
  CHECK(j["url"] == "https://harbour.example/s/7");
  CHECK(j["title"] == "Story 7");
  CHECK(j["byline"].is_null());
  CHECK(j["published"].is_null());
  CHECK(contains(j["text"].get<std::string>(), page_text(7) + " Paragraph 0."));
  CHECK(contains(j["text"].get<std::string>(), "Paragraph 0.\n\n"));
  CHECK(contains(j["content_html"].get<std::string>(),
                 "src=\"https://harbour.example/s/pic.jpg\""));
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) {
    keys.push_back(key);
  }
  CHECK(keys == std::vector<std::string>{"url", "title", "byline", "published",
                                         "language", "image", "content_html",
                                         "text"});

  SECTION("from stdin") {
    const RunResult piped = run_feedmark({"extract", "-"}, article_page(8));
    CHECK(piped.status == 0);
    CHECK(contains(piped.out, "Story 8 in full"));
  }
  SECTION("a page with no article is exit 1 and one line") {
    const RunResult none =
        run_feedmark({"extract", "-"}, "<html><body><nav></nav></body></html>");
    CHECK(none.status == 1);
    CHECK(none.out.empty());
    CHECK(none.err == "feedmark: -: no article found\n");
  }
}

}  // namespace feedmark::test

namespace feedmark::test {

TEST_CASE(
    "include= and exclude= choose the items, id=link survives new "
    "guids",
    "[cli][http][feedlist]") {
  TestServer server;
  std::string feed;
  server.routes().Get("/feed.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(feed, "application/rss+xml");
  });
  server.start();
  const auto make_feed = [](const std::string& guid_prefix) {
    std::string f =
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>F"
        "</title><link>https://f.example/</link>";
    const char* items[][2] = {{"Heat wave hits the coast", "Weather"},
                              {"Budget vote delayed", "Politics"},
                              {"Sponsored: the best fans", "Weather"},
                              {"Storm season starts", "Climate"}};
    for (int i = 0; i < 4; ++i) {
      f += fmt::format(
          "<item><title>{}</title><category>{}</category><link>"
          "https://f.example/{}</link><guid>{}{}</guid></item>",
          items[i][0], items[i][1], i, guid_prefix, i);
    }
    return f + "</channel></rss>";
  };
  feed = make_feed("a-");
  TempDir tmp;
  write_text(tmp / "feeds.txt",
             server.url("/feed.xml") +
                 " include=(?i)heat|climate exclude=^Sponsored id=link\n");
  const auto run = [&] {
    return run_feedmark({"fetch", "--feeds", (tmp / "feeds.txt").string(), "-a",
                         (tmp / "a").string()},
                        {}, kEpoch);
  };
  RunResult first = run();
  INFO(first.err);
  REQUIRE(first.status == 0);
  // "Heat wave…" by its title, "Storm season…" by its category; the vote
  // matches nothing, the sponsored item is excluded.
  CHECK(lines_of(first.out).size() == 2);
  CHECK(markdown_files(tmp / "a").size() == 2 + 2);  // and the two indexes
  feed = make_feed("b-");  // every guid changes, the links stay
  const RunResult second = run();
  CHECK(second.status == 0);
  CHECK(second.out.empty());
  CHECK(markdown_files(tmp / "a").size() == 4);
}

}  // namespace feedmark::test
