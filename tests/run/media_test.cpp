// The archive stage alone with --save-images: a document archived with its
// images fetched by the stage itself (archive_response), the state's
// record of images still to retry, and the indexes beside media/.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "feedmark/store/catalogue.h"
#include "feedmark/run/pipeline.h"
#include "feedmark/util/sha256.h"
#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

std::string png() {
  return std::string("\x89PNG\r\n\x1A\n", 8) + std::string(100, 'p') +
         std::string("\0\0\0\0IEND\xAE\x42\x60\x82", 12);
}

Response document(const std::string& image_url) {
  Response r;
  r.body = fmt::format(
      "<rss version=\"2.0\"><channel><title>T</title><link>https://t.example/"
      "</link><item><guid>one</guid><title>One</title><link>https://t.example/1"
      "</link><description><![CDATA[<p>Text</p><figure><img src=\"{}\">"
      "<figcaption>Cap</figcaption></figure><p>More <img src=\"{}\"></p>]]>"
      "</description></item></channel></rss>",
      image_url, image_url + "?b");
  return r;
}

ArchiveOptions options_in(const fs::path& archive) {
  ArchiveOptions options;
  options.archive = archive;
  options.feed_url = "https://t.example/feed.xml";
  options.captured_ms = 1'648'663'143'000;
  options.images.save = true;
  options.images.allow_private_networks = true;
  options.images.http.retries = 0;
  return options;
}

}  // namespace

TEST_CASE(
    "The archive stage saves a feed's images before writing its "
    "articles",
    "[images]") {
  TestServer server;
  bool second_image_ok = false;
  server.routes().Get("/a.png",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        if (req.has_param("b") && !second_image_ok) {
                          res.status = 500;
                          return;
                        }
                        res.set_content(png(), "image/png");
                      });
  server.start();
  TempDir tmp;
  const Source source{Source::Kind::kFile, "feed.xml"};
  const std::string url = server.url("/a.png");
  Result<FeedOutcome> outcome =
      archive_response(source, document(url), options_in(tmp.path()));
  REQUIRE(outcome);
  CHECK(outcome->images_saved == 1);
  REQUIRE(outcome->image_failures.size() == 1);
  CHECK(outcome->image_failures[0] ==
        url + "?b: HTTP 500 Internal Server Error");
  const fs::path dir = tmp / feed_id("https://t.example/feed.xml");
  const std::string local = "media/" + short_hash(url) + ".png";
  const std::string text = read_text(dir / (short_hash("one") + ".md"));
  CHECK(text.find("<img src=\"" + local + "\" width=\"100%\">") !=
        std::string::npos);
  CHECK(text.find("<img src=\"" + url + "?b\" />") != std::string::npos);
  CHECK(read_text(dir / local) == png());
  // The state remembers that an image is still to fetch.
  const auto state = read_state_file(dir);
  REQUIRE(state);
  REQUIRE(state->current.size() == 1);
  CHECK(state->current[0].image_tries == 1);
  CHECK_FALSE(current_articles_intact(dir, *state));

  SECTION("the next run saves it and rewrites the article") {
    second_image_ok = true;
    outcome = archive_response(source, document(url), options_in(tmp.path()));
    REQUIRE(outcome);
    CHECK(outcome->images_saved == 1);
    CHECK(outcome->images_present == 1);
    CHECK(outcome->written.size() == 1);
    CHECK(server.count("/a.png") == 3);  // the first image not again
    CHECK(read_state_file(dir)->current[0].image_tries == 0);
    CHECK(current_articles_intact(dir, *read_state_file(dir)));
  }
  SECTION("it is given up after kMaxImageTries runs") {
    for (unsigned run = 2; run <= kMaxImageTries; ++run) {
      outcome = archive_response(source, document(url), options_in(tmp.path()));
      REQUIRE(outcome);
      CHECK(read_state_file(dir)->current[0].image_tries == run);
    }
    const std::size_t requests = server.requests().size();
    outcome = archive_response(source, document(url), options_in(tmp.path()));
    CHECK(outcome->same_document);
    CHECK(server.requests().size() == requests);
  }
  SECTION("the indexes rebuild from the articles, media/ aside") {
    const std::string index = read_text(dir / "index.md");
    REQUIRE(rebuild_indexes(tmp.path()));
    CHECK(read_text(dir / "index.md") == index);
    CHECK(fs::exists(dir / local));
  }
}

}  // namespace feedmark::test
