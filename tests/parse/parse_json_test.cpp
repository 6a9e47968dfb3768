// JSON Feed 1.0 and 1.1, read into the same Feed as RSS and Atom.
#include <catch2/catch.hpp>

#include "feedmark/decode/decode.h"
#include "feedmark/extract/extract.h"
#include "feedmark/parse/parse.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

Result<Feed> parse_json_text(std::string text, std::string url = {}) {
  Response response;
  response.body = std::move(text);
  response.final_url = std::move(url);
  Result<Document> document = decode_response(std::move(response), "test");
  REQUIRE(document);
  return parse_feed(std::move(*document), "test");
}

}  // namespace

TEST_CASE("A JSON Feed 1.1 gives the feed and its items", "[parse][json]") {
  const auto feed = parse_json_text(
      read_text(fixture("feeds/jsonfeed11_podcast_relative_urls.json")));
  REQUIRE(feed);
  CHECK(std::string(format_name(feed->format)) == "jsonfeed");
  CHECK(feed->title == "Harbour Radio");
  CHECK(feed->link == "https://radio.example.net/");
  CHECK(feed->self_link == "https://radio.example.net/feed.json");
  CHECK(feed->description == "Weekly talk from the harbour");
  CHECK(feed->language == "zh-Hant");
  CHECK(feed->image == "https://radio.example.net/art/icon-512.png");
  CHECK(feed->well_formed);
  CHECK(feed->updated == 1714642200);  // the newest item date
  REQUIRE(feed->items.size() == 2);    // "not an item" is skipped

  const Item& first = feed->items[0];
  CHECK(first.guid == "ep-42");
  CHECK(first.link == "https://radio.example.net/episodes/42");
  CHECK(first.title == "Episode 42: Fog & Ferries");
  CHECK(first.published == 1714521600);
  CHECK(first.updated == 1714642200);
  CHECK(first.author == "Lin Wei");  // the feed's authors
  CHECK(first.categories == std::vector<std::string>{"harbour", "ferries"});
  CHECK(first.summary_html == "Fog, ferries &lt;and&gt; foghorns");
  REQUIRE(first.enclosures.size() == 1);
  CHECK(first.enclosures[0].url == "https://radio.example.net/audio/ep42.mp3");
  CHECK(first.enclosures[0].type == "audio/mpeg");
  CHECK(first.enclosures[0].length == 31337);
  REQUIRE(first.media.size() == 1);
  CHECK(first.media[0].url == "https://radio.example.net/art/ep42.jpg");

  const Item& second = feed->items[1];
  CHECK(second.guid == "41");  // a number id read as a string
  CHECK(second.link == "https://elsewhere.example.org/story");
  CHECK(second.author == "Old-style Author");  // version 1.0's "author"
  CHECK(second.content_html ==
        "Plain text with &lt;angle&gt; brackets\nand a second line.");
}

TEST_CASE("A JSON Feed's HTML is sanitized and resolved like any other",
          "[parse][json][extract]") {
  auto feed = parse_json_text(
      read_text(fixture("feeds/jsonfeed11_podcast_relative_urls.json")));
  REQUIRE(feed);
  const Article article = extract_article(feed->items[0], {});
  CHECK(article.image == "https://radio.example.net/art/ep42.jpg");
  CHECK(article.body_html.find("<script") == std::string::npos);
  CHECK(article.body_html.find(
            "<a href=\"https://radio.example.net/map\">harbour</a>") !=
        std::string::npos);
}

TEST_CASE("An image attachment can be the lead image", "[parse][json]") {
  auto feed =
      parse_json_text(R"j({"version": "https://jsonfeed.org/version/1.1",
      "items": [{"id": "1", "url": "https://example.org/a",
        "content_html": "<p>Text only</p>",
        "attachments": [
          {"url": "https://example.org/a.mp3", "mime_type": "audio/mpeg"},
          {"url": "https://example.org/photo.jpg", "mime_type": "image/jpeg"}]}]})j");
  REQUIRE(feed);
  const Item& item = feed->items[0];
  REQUIRE(item.media.size() == 1);
  CHECK(item.media[0].kind == MediaImage::Kind::kEnclosure);
  CHECK(item.media[0].url == "https://example.org/photo.jpg");
  CHECK(extract_article(item, {}).image == "https://example.org/photo.jpg");
}

TEST_CASE("JSON that is not a JSON Feed is not a feed", "[parse][json]") {
  SECTION("an API response") {
    const auto feed = parse_json_text(R"({"status": "ok", "data": []})");
    REQUIRE_FALSE(feed);
    CHECK(feed.error().message == "not a feed: JSON, but not a JSON Feed");
  }
  SECTION("a list") {
    const auto feed = parse_json_text("[1, 2, 3]");
    REQUIRE_FALSE(feed);
    CHECK(feed.error().message == "not a feed: JSON, but not a JSON Feed");
  }
  SECTION("items that are not a list") {
    const auto feed = parse_json_text(R"({"version": "1.1", "items": {}})");
    REQUIRE_FALSE(feed);
  }
  SECTION("broken JSON") {
    const auto feed = parse_json_text(R"({"version": "1.1", "items": [)");
    REQUIRE_FALSE(feed);
    CHECK(feed.error().message == "not a feed: JSON that does not parse");
  }
}

TEST_CASE("A JSON Feed with odd values keeps what it can", "[parse][json]") {
  const auto feed = parse_json_text(
      R"j({"version": "1", "title": 5, "items": [{"id": null, "url":
      "javascript:alert(1)", "title": "  Two   words ", "date_published":
      "not a date", "tags": "one", "attachments": [{"url": 3}]}]})j",
      "https://example.com/feed.json");
  REQUIRE(feed);
  CHECK(feed->title.empty());
  REQUIRE(feed->items.size() == 1);
  CHECK(feed->items[0].guid.empty());
  CHECK(feed->items[0].link.empty());  // only http(s) links
  CHECK(feed->items[0].title == "Two words");
  CHECK_FALSE(feed->items[0].published);
  CHECK(feed->items[0].categories.empty());
  CHECK(feed->items[0].enclosures.empty());
}

}  // namespace feedmark::test
