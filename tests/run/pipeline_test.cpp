// feed_key_for: the feed key of SPEC "Archive layout", which names a feed's
// folder.
#include "feedmark/run/pipeline.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

using feedmark::Feed;
using feedmark::feed_key_for;
using feedmark::Source;

Source file_source() {
  return {Source::Kind::kFile, "/srv/feeds/site.xml"};
}

}  // namespace

TEST_CASE("The feed key of a file is --feed-url, else self link, else link",
          "[pipeline]") {
  Feed feed;
  feed.self_link = "https://example.org/feed.xml";
  feed.link = "https://example.org/";
  CHECK(feed_key_for(file_source(), feed, "https://x.example/a.xml") ==
        "https://x.example/a.xml");
  CHECK(feed_key_for(file_source(), feed, "") ==
        "https://example.org/feed.xml");
  feed.self_link.clear();
  CHECK(feed_key_for(file_source(), feed, "") == "https://example.org/");
  SECTION("a URL source is its own key, as given") {
    const Source url{Source::Kind::kUrl, "https://Example.org/feed"};
    CHECK(feed_key_for(url, feed, "") == "https://Example.org/feed");
  }
}

// Links keep the feed's spelling ("http://Example.org"); the key uses the
// canonical form, so a feed's folder stays where earlier versions put it.
TEST_CASE("A feed key from the feed's links is their canonical form",
          "[pipeline]") {
  Feed feed;
  feed.link = "http://WWW.Example.org";
  CHECK(feed_key_for(file_source(), feed, "") == "http://www.example.org/");
  feed.self_link = "https://Example.org?feed=rss2";
  CHECK(feed_key_for(file_source(), feed, "") ==
        "https://example.org/?feed=rss2");
}
