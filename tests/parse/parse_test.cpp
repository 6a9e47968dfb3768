#include "feedmark/parse/parse.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "feedmark/decode/decode.h"
#include "feedmark/util/dates.h"
#include "feedmark/util/error.h"
#include "test_support.h"

namespace {

using Catch::Matchers::Contains;
using feedmark::Document;
using feedmark::Enclosure;
using feedmark::Feed;
using feedmark::Format;
using feedmark::Item;
using feedmark::MediaImage;
using feedmark::ParseOptions;
using feedmark::Result;
using feedmark::UnixTime;
using Kind = feedmark::MediaImage::Kind;

// Where the feeds are said to come from: another host than their sites, so a
// URL resolved against the wrong base shows.
constexpr const char* kFeedUrl = "https://feeds.example.net/mirror/feed.xml";

Result<Feed> parse_text(std::string text,
                        const std::string& base_url = kFeedUrl,
                        const ParseOptions& options = {}) {
  return feedmark::parse_feed(Document{std::move(text), "utf-8", base_url},
                              base_url, options);
}

Feed parsed_text(std::string text, const std::string& base_url = kFeedUrl,
                 const ParseOptions& options = {}) {
  Result<Feed> result = parse_text(std::move(text), base_url, options);
  INFO((result ? std::string() : feedmark::describe(result.error())));
  REQUIRE(result.has_value());
  return std::move(*result);
}

Feed parsed_fixture(const std::string& name,
                    const std::string& base_url = kFeedUrl,
                    const ParseOptions& options = {}) {
  const auto path = feedmark::test::fixture("feeds/" + name);
  std::string text = feedmark::test::read_text(path);
  INFO(path.string());
  REQUIRE_FALSE(text.empty());
  return parsed_text(std::move(text), base_url, options);
}

feedmark::Error parse_error(std::string text, const std::string& source) {
  Result<Feed> result = feedmark::parse_feed(
      Document{std::move(text), "utf-8", source}, source, {});
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

/// A date as the JSON output shows it, "null" when unknown.
std::string iso(const std::optional<UnixTime>& t) {
  return t ? feedmark::format_iso8601(*t) : "null";
}

const Item& item_with_guid(const Feed& feed, const std::string& guid) {
  const auto it =
      std::find_if(feed.items.begin(), feed.items.end(),
                   [&](const Item& item) { return item.guid == guid; });
  INFO("guid " << guid);
  REQUIRE(it != feed.items.end());
  return *it;
}

std::vector<std::string> media_urls(const Item& item) {
  std::vector<std::string> urls;
  for (const MediaImage& m : item.media) {
    urls.push_back(m.url);
  }
  return urls;
}

const MediaImage& media_with_url(const Item& item, const std::string& url) {
  const auto it =
      std::find_if(item.media.begin(), item.media.end(),
                   [&](const MediaImage& m) { return m.url == url; });
  INFO("media " << url);
  REQUIRE(it != item.media.end());
  return *it;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return s;
}

}  // namespace

// ---------------------------------------------------------------- detection

TEST_CASE(
    "The format is detected from the root element, its version and namespace",
    "[parse][detect]") {
  struct Case {
    const char* document;
    Format format;
    const char* name;
  };
  const Case cases[] = {
      {R"(<rss version="0.91"><channel><title>t</title></channel></rss>)",
       Format::kRss09x, "rss0.9x"},
      {R"(<rss version="0.92"><channel><title>t</title></channel></rss>)",
       Format::kRss09x, "rss0.9x"},
      {R"(<rss version="2.0"><channel><title>t</title></channel></rss>)",
       Format::kRss20, "rss2.0"},
      {R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#")"
       R"( xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel></rdf:RDF>)",
       Format::kRss10, "rss1.0"},
      {R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#")"
       R"( xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>t</title>)"
       R"(</channel></rdf:RDF>)",
       Format::kRss09x, "rss0.9x"},
      {R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>)",
       Format::kAtom10, "atom1.0"},
      {R"(<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>t</title></feed>)",
       Format::kAtom03, "atom0.3"},
  };
  for (const Case& c : cases) {
    INFO(c.document);
    const Feed feed = parsed_text(c.document);
    CHECK(feed.format == c.format);
    CHECK(std::string(feedmark::format_name(feed.format)) == c.name);
    CHECK(feed.title == "t");
  }
}

// ---------------------------------------------------------------- RSS 0.9x

TEST_CASE("An RSS 0.91 feed with the Netscape doctype is read as rss0.9x",
          "[parse][rss09x]") {
  const Feed feed = parsed_fixture("rss091_netscape.xml");

  CHECK(feed.format == Format::kRss09x);
  CHECK(feed.title == "Scripting News");
  CHECK(feed.link == "http://www.scripting.com/");
  CHECK(feed.description == "A weblog about scripting and stuff like that.");
  CHECK(feed.language == "en-us");
  CHECK(iso(feed.updated) == "2002-09-30T11:00:00Z");
  CHECK(feed.image == "http://www.scripting.com/gifs/tinyScriptingNews.gif");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "stuff");
  CHECK(feed.items[0].link == "http://www.scripting.com/stuff.html");
  CHECK(feed.items[0].summary_html == "A <b>bold</b> statement about stuff.");
  CHECK(feed.items[0].content_html.empty());
  CHECK(feed.items[1].title == "More stuff");
  CHECK(feed.items[1].link == "http://www.scripting.com/more.html");
}

TEST_CASE("An RSS 0.92 feed is rss0.9x and keeps its categories and enclosure",
          "[parse][rss09x]") {
  const Feed feed = parsed_fixture("rss092_enclosure.xml");

  CHECK(feed.format == Format::kRss09x);
  CHECK(feed.title == "Radio Show");
  REQUIRE(feed.items.size() == 1);
  const Item& item = feed.items[0];
  CHECK(item.title == "Episode 12");
  CHECK(item.summary_html == "<p>This week: <i>feeds</i>.</p>");
  CHECK(item.categories == std::vector<std::string>{"Talk"});
  REQUIRE(item.enclosures.size() == 1);
  CHECK(item.enclosures[0].url == "http://radio.example.com/audio/ep12.mp3");
  CHECK(item.enclosures[0].type == "audio/mpeg");
  CHECK(item.enclosures[0].length == std::optional<std::int64_t>(12216320));
  CHECK(item.media.empty());
}

TEST_CASE("An RSS 0.90 feed (rdf:RDF in the Netscape 0.9 namespace) is rss0.9x",
          "[parse][rss09x]") {
  const Feed feed = parsed_fixture("rss090_netscape_rdf.xml");

  CHECK(feed.format == Format::kRss09x);
  CHECK(std::string(feedmark::format_name(feed.format)) == "rss0.9x");
  CHECK(feed.title == "Mozilla Dot Org");
  CHECK(feed.link == "http://www.mozilla.org");
  CHECK(feed.description == "the Mozilla Organization web site");
  // RSS 0.90 puts <image> beside the channel, like its items.
  CHECK(feed.image == "http://www.mozilla.org/images/moz.gif");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "New Status Updates");
  CHECK(feed.items[0].link == "http://www.mozilla.org/status/");
  CHECK(feed.items[1].title == "Bugzilla Reorganized");
  CHECK(feed.items[1].link == "http://www.mozilla.org/bugs/");
}

// ---------------------------------------------------------------- RSS 2.0

TEST_CASE("RSS 2.0 channel fields are read", "[parse][rss20]") {
  const Feed feed = parsed_fixture("rss20_content_encoded_dc.xml");

  CHECK(feed.format == Format::kRss20);
  CHECK(feed.title == "World & Nation");
  CHECK(feed.link == "https://news.example.com/world/");
  CHECK(feed.description == "Top stories from Example News");
  CHECK(feed.language == "en-gb");
  CHECK(iso(feed.updated) == "2022-03-31T06:30:00Z");
  CHECK(feed.image == "https://news.example.com/static/logo.png");
  CHECK(feed.self_link == "https://feeds.example.com/world.xml");
  CHECK(feed.encoding == "utf-8");
  CHECK(feed.well_formed);
  CHECK(feed.items.size() == 2);
}

TEST_CASE(
    "RSS 2.0 item fields are read, content:encoded apart from description",
    "[parse][rss20]") {
  const Feed feed = parsed_fixture("rss20_content_encoded_dc.xml");
  REQUIRE(feed.items.size() == 2);

  SECTION("an item with every field") {
    const Item& item = feed.items[0];
    CHECK(item.guid == "urn:example:news:4711");
    CHECK(item.title == "Talks resume in Geneva");
    CHECK(item.link == "https://news.example.com/world/2022/03/talks-resume");
    CHECK(iso(item.published) == "2022-03-30T17:45:57Z");
    CHECK(iso(item.updated) == "null");
    CHECK(item.author == "Jane Doe");
    CHECK(item.categories == std::vector<std::string>{"World", "Diplomacy"});
    CHECK(item.summary_html == "<p>Short summary.</p>");
    CHECK(
        item.content_html ==
        R"(<p>The <em>full</em> story, with <a href="/world/more">more</a>.</p>)");
    REQUIRE(item.enclosures.size() == 2);
    CHECK(item.enclosures[0].url == "https://cdn.example.com/audio/talks.mp3");
    CHECK(item.enclosures[0].type == "audio/mpeg");
    CHECK(item.enclosures[0].length == std::optional<std::int64_t>(2048000));
    CHECK(item.enclosures[1].url == "https://cdn.example.com/video/talks.mp4");
    CHECK(item.enclosures[1].type == "video/mp4");
    CHECK_FALSE(item.enclosures[1].length.has_value());
    CHECK(item.media.empty());
  }

  SECTION("an item with only a description and an RSS author") {
    const Item& item = feed.items[1];
    CHECK(item.guid.empty());
    CHECK(item.link == "https://news.example.com/world/2022/03/markets");
    CHECK(item.summary_html == "Only a description, no content:encoded.");
    CHECK(item.content_html.empty());
    // The SPEC does not say how "email (Name)" is shown; the name must be
    // there.
    CHECK_THAT(item.author, Contains("Max Mustermann"));
    CHECK(item.categories.empty());
    CHECK(item.enclosures.empty());
  }
}

TEST_CASE(
    "A relative RSS item link resolves against the channel link, not the feed "
    "URL",
    "[parse][rss20][url]") {
  const Feed feed = parsed_fixture("rss20_relative_links_guid.xml");
  REQUIRE(feed.items.size() == 5);

  CHECK(feed.link == "https://www.example.com/blog/");
  CHECK(feed.items[0].link ==
        "https://www.example.com/blog/2022/03/relative-post.html");
}

TEST_CASE(
    "A permalink guid is the link when there is no <link>, unless isPermaLink "
    "is false",
    "[parse][rss20][url]") {
  const Feed feed = parsed_fixture("rss20_relative_links_guid.xml");
  REQUIRE(feed.items.size() == 5);

  SECTION("isPermaLink absent means true") {
    CHECK(feed.items[1].guid ==
          "https://www.example.com/blog/2022/03/permalink-guid.html");
    CHECK(feed.items[1].link ==
          "https://www.example.com/blog/2022/03/permalink-guid.html");
  }
  SECTION("isPermaLink=\"true\"") {
    CHECK(feed.items[2].link ==
          "https://www.example.com/blog/2022/03/explicit.html");
  }
  SECTION("isPermaLink=\"false\" keeps the guid as an id only") {
    CHECK(feed.items[3].guid == "https://www.example.com/blog/?p=4711");
    CHECK(feed.items[3].link == "");
  }
  SECTION("no guid and no link gives no link (not the feed's own URL)") {
    CHECK(feed.items[4].guid.empty());
    CHECK(feed.items[4].link == "");
  }
}

TEST_CASE("A feed with zero items parses fine", "[parse][rss20]") {
  SECTION("RSS 2.0") {
    const Feed feed = parsed_fixture("rss20_zero_items.xml");
    CHECK(feed.format == Format::kRss20);
    CHECK(feed.title == "Quiet Feed");
    CHECK(feed.link == "https://quiet.example.com/");
    CHECK(feed.items.empty());
  }
  SECTION("Atom 1.0") {
    const Feed feed = parsed_text(
        R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>Empty</title>)"
        R"(<link href="https://empty.example.com/"/></feed>)");
    CHECK(feed.format == Format::kAtom10);
    CHECK(feed.title == "Empty");
    CHECK(feed.link == "https://empty.example.com/");
    CHECK(feed.items.empty());
  }
}

// ---------------------------------------------------------------- RSS 1.0

TEST_CASE("An RSS 1.0 (RDF) feed is read with its items beside the channel",
          "[parse][rss10]") {
  const Feed feed = parsed_fixture("rss10_rdf.xml");

  CHECK(feed.format == Format::kRss10);
  CHECK(std::string(feedmark::format_name(feed.format)) == "rss1.0");
  CHECK(feed.title == "Example Daily");
  CHECK(feed.link == "https://www.example.org/");
  CHECK(feed.description == "News from the example newsroom");
  CHECK(feed.language == "ja");
  CHECK(iso(feed.updated) == "2022-03-31T00:00:00Z");
  CHECK(feed.image == "https://www.example.org/logo.png");
  REQUIRE(feed.items.size() == 2);

  const Item& first = feed.items[0];
  CHECK(first.title == "First story");
  CHECK(first.link == "https://www.example.org/news/1.html");
  CHECK(first.author == "Hanako Yamada");
  CHECK(first.categories == std::vector<std::string>{"Politics", "Asia"});
  CHECK(iso(first.published) == "2022-03-30T17:45:57Z");
  CHECK(first.summary_html == "Short summary of the first story.");
  CHECK(first.content_html == "<p>The <b>full</b> first story.</p>");

  const Item& second = feed.items[1];
  CHECK(second.title == "Second story");
  CHECK(iso(second.published) == "2022-03-30T08:00:00Z");
  CHECK(second.content_html.empty());
  CHECK(second.summary_html == "Only a summary here.");
}

// ---------------------------------------------------------------- Atom 1.0

TEST_CASE("Atom 1.0 feed fields are read", "[parse][atom]") {
  const Feed feed = parsed_fixture("atom10_text_constructs.xml");

  CHECK(feed.format == Format::kAtom10);
  CHECK(feed.title == "Example & Co. Engineering");
  CHECK(feed.description == "Notes from the engine room");
  CHECK(feed.link == "https://example.com/engineering/");
  CHECK(feed.self_link == "https://example.com/engineering/atom.xml");
  CHECK(feed.image == "https://example.com/engineering/logo.svg");
  CHECK(feed.language == "en-US");
  CHECK(iso(feed.updated) == "2022-03-31T10:00:00Z");
  CHECK(feed.items.size() == 4);
}

TEST_CASE("Atom 1.0 entry fields are read", "[parse][atom]") {
  const Feed feed = parsed_fixture("atom10_text_constructs.xml");
  REQUIRE(feed.items.size() == 4);

  const Item& text = item_with_guid(feed, "tag:example.com,2022:entry-text");
  CHECK(text.link == "https://example.com/engineering/text");
  CHECK(iso(text.published) == "2022-03-30T17:45:57Z");
  CHECK(iso(text.updated) == "2022-03-31T12:00:00Z");
  CHECK(text.author == "Ada Lovelace");
  CHECK(text.categories == std::vector<std::string>{"compilers", "c++"});
  CHECK(text.enclosures.empty());

  const Item& html = item_with_guid(feed, "tag:example.com,2022:entry-html");
  CHECK(html.link == "https://example.com/engineering/html");
  REQUIRE(html.enclosures.size() == 1);
  CHECK(html.enclosures[0].url == "https://example.com/engineering/talk.mp3");
  CHECK(html.enclosures[0].type == "audio/mpeg");
  CHECK(html.enclosures[0].length == std::optional<std::int64_t>(1337));

  const Item& xhtml = item_with_guid(feed, "tag:example.com,2022:entry-xhtml");
  CHECK(iso(xhtml.published) == "null");
  CHECK(iso(xhtml.updated) == "2022-03-28T12:00:00Z");
  CHECK(xhtml.author.empty());
}

TEST_CASE("Atom text constructs of type text, html and xhtml become HTML",
          "[parse][atom]") {
  const Feed feed = parsed_fixture("atom10_text_constructs.xml");
  REQUIRE(feed.items.size() == 4);

  SECTION("type text is escaped as HTML") {
    const Item& item = item_with_guid(feed, "tag:example.com,2022:entry-text");
    CHECK(item.title == "Tom & Jerry: 1 < 2");
    CHECK(item.content_html == "Tom &amp; Jerry: 1 &lt; 2\nand a second line");
    CHECK(item.summary_html.empty());
  }
  SECTION("type html is taken as markup; a title becomes its text") {
    const Item& item = item_with_guid(feed, "tag:example.com,2022:entry-html");
    CHECK(item.title == "Q&A: Bold moves");
    CHECK(item.summary_html == "<p>Summary with <b>markup</b></p>");
    CHECK(item.content_html ==
          "<p>Content with <i>markup</i> &amp; an entity.</p>");
  }
  SECTION("type xhtml is serialised without its wrapper div, spaces kept") {
    const Item& item = item_with_guid(feed, "tag:example.com,2022:entry-xhtml");
    CHECK(item.title == "An XHTML title");
    CHECK(item.content_html == "<p>A <b>big</b> <i>world</i> &amp; more</p>");
  }
  SECTION(
      "type xhtml under an xhtml: prefix (the RFC 4287 example) gives plain "
      "HTML tags") {
    const Item& item =
        item_with_guid(feed, "tag:example.com,2022:entry-xhtml-prefixed");
    CHECK(item.summary_html ==
          "AT&amp;T bought <b>by far</b> the most minutes");
  }
}

TEST_CASE(
    "A prefixed Atom feed (<a:feed xmlns:a=...>) is read like an unprefixed "
    "one",
    "[parse][atom][namespaces]") {
  const Feed feed = parsed_fixture("atom10_prefixed.xml");

  CHECK(feed.format == Format::kAtom10);
  CHECK(feed.title == "Prefixed Atom");
  CHECK(feed.link == "https://example.net/");
  CHECK(feed.self_link == "https://example.net/feed.atom");
  CHECK(iso(feed.updated) == "2022-03-31T12:00:00Z");
  REQUIRE(feed.items.size() == 1);
  const Item& item = feed.items[0];
  CHECK(item.guid == "tag:example.net,2022:prefixed-1");
  CHECK(item.title == "Everything under a prefix");
  CHECK(item.link == "https://example.net/posts/1");
  CHECK(iso(item.published) == "2022-03-31T10:00:00Z");
  CHECK(item.author == "Prefix Person");
  CHECK(item.categories == std::vector<std::string>{"xml"});
  CHECK(item.content_html == "<p>Prefixed content</p>");
}

TEST_CASE("xml:base on the feed, an entry and a link resolves relative URLs",
          "[parse][atom][url]") {
  const Feed feed = parsed_fixture("atom10_xml_base.xml",
                                   "https://example.org/feeds/atom.xml");
  REQUIRE(feed.items.size() == 3);

  SECTION("feed-level xml:base, itself relative to the document URL") {
    CHECK(feed.link == "https://example.org/blog/");
    CHECK(feed.self_link == "https://example.org/blog/atom.xml");
    CHECK(feed.image == "https://example.org/blog/favicon.ico");
    CHECK(feed.items[2].link == "https://example.org/about.html");
  }
  SECTION("entry-level xml:base stacks on the feed's") {
    CHECK(feed.items[0].link ==
          "https://example.org/blog/2022/03/first-post.html");
  }
  SECTION("xml:base on the content element is the base of the item's HTML") {
    CHECK(feed.items[0].base == "https://static.example.net/media/");
  }
  SECTION("xml:base on the link element itself") {
    CHECK(feed.items[1].link ==
          "https://mirror.example.org/archive/second-post.html");
  }
}

// ---------------------------------------------------------------- Atom 0.3

TEST_CASE("An Atom 0.3 feed is read with issued, modified and tagline",
          "[parse][atom03]") {
  const Feed feed = parsed_fixture("atom03_modified_issued.xml");

  CHECK(feed.format == Format::kAtom03);
  CHECK(std::string(feedmark::format_name(feed.format)) == "atom0.3");
  CHECK(feed.title == "dive into mark");
  CHECK(feed.description == "A lot of effort went into making this effortless");
  CHECK(feed.link == "http://diveintomark.example.org/");
  CHECK(feed.language == "en");
  CHECK(iso(feed.updated) == "2003-12-13T18:30:02Z");
  REQUIRE(feed.items.size() == 1);

  const Item& item = feed.items[0];
  CHECK(item.guid == "tag:diveintomark.example.org,2003:3.2397");
  CHECK(item.title == "Atom 0.3 snapshot");
  CHECK(item.link == "http://diveintomark.example.org/2003/12/13/atom03");
  CHECK(iso(item.published) == "2003-12-13T12:29:29Z");
  CHECK(iso(item.updated) == "2003-12-13T18:30:02Z");
  CHECK(item.author == "Mark Pilgrim");
  CHECK(item.summary_html == "Plain summary &amp; text");
  CHECK(item.content_html == "<p>Escaped <b>HTML</b> content</p>");
}

// ---------------------------------------------------------------- namespaces

TEST_CASE("Namespaces are matched by URI, whatever prefix the feed chose",
          "[parse][rss20][namespaces]") {
  const Feed feed = parsed_fixture("rss20_custom_prefixes.xml");
  REQUIRE(feed.items.size() == 2);

  SECTION("channel: at:link self and d:language") {
    CHECK(feed.self_link == "https://prefix.example.com/rss");
    CHECK(feed.language == "de");
  }
  SECTION("item: d:creator, d:date, d:subject and c:encoded") {
    const Item& item = feed.items[0];
    CHECK(item.author == "Erika Musterfrau");
    CHECK(iso(item.published) == "2022-03-30T17:45:57Z");
    CHECK(item.categories == std::vector<std::string>{"Namespaces"});
    CHECK(item.summary_html == "Summary");
    CHECK(item.content_html == "<p>Full text under c:encoded</p>");
  }
  SECTION("m:content is Media RSS; media: bound to another namespace is not") {
    const Item& item = feed.items[0];
    REQUIRE(item.media.size() == 1);
    CHECK(item.media[0].kind == Kind::kContent);
    CHECK(item.media[0].url == "https://prefix.example.com/img/real.jpg");
    CHECK(item.media[0].width == 640);
    CHECK(item.media[0].caption == "Real media caption");
  }
  SECTION("a namespace declared on the item itself") {
    const Item& item = feed.items[1];
    REQUIRE(item.media.size() == 1);
    CHECK(item.media[0].kind == Kind::kThumbnail);
    CHECK(item.media[0].url ==
          "https://prefix.example.com/img/item-scoped.jpg");
    CHECK(item.media[0].width == 200);
  }
}

// ---------------------------------------------------------------- media

TEST_CASE(
    "media:content and media:group images are listed with width and caption",
    "[parse][rss20][media]") {
  const Feed feed = parsed_fixture("rss20_media_group.xml");
  REQUIRE(feed.items.size() == 3);

  SECTION("one media:content with medium=image; the video is not an image") {
    const Item& item = feed.items[0];
    REQUIRE(item.media.size() == 1);
    CHECK(item.media[0].kind == Kind::kContent);
    CHECK(item.media[0].url == "https://img.example.com/single-1200.jpg");
    CHECK(item.media[0].width == 1200);
    CHECK(item.media[0].caption == "Boats & nets at dawn");
  }
  SECTION("a media:group with several renditions and a thumbnail") {
    const Item& item = feed.items[1];
    CHECK(item.media.size() == 4);
    const auto urls = media_urls(item);
    CHECK(std::count(urls.begin(), urls.end(),
                     "https://img.example.com/group.mp4") == 0);
    const MediaImage& small =
        media_with_url(item, "https://img.example.com/group-320.jpg");
    CHECK(small.kind == Kind::kContent);
    CHECK(small.width == 320);
    CHECK(small.caption == "Group caption");
    const MediaImage& large =
        media_with_url(item, "https://img.example.com/group-1024.jpg");
    CHECK(large.kind == Kind::kContent);
    CHECK(large.width == 1024);
    CHECK(large.caption == "Group caption");
    const MediaImage& webp =
        media_with_url(item, "https://img.example.com/group-640.webp");
    CHECK(webp.kind == Kind::kContent);
    CHECK(webp.width == 640);
    const MediaImage& thumb =
        media_with_url(item, "https://img.example.com/group-thumb.jpg");
    CHECK(thumb.kind == Kind::kThumbnail);
    CHECK(thumb.width == 150);
  }
  SECTION("media:title is the caption when there is no media:description") {
    const Item& item = feed.items[2];
    REQUIRE(item.media.size() == 1);
    CHECK(item.media[0].url == "https://photos.example.com/titled/pic.png");
    CHECK(item.media[0].width == 500);
    CHECK(item.media[0].caption == "Only a title");
  }
}

TEST_CASE(
    "media:thumbnail, an image enclosure and itunes:image are media images",
    "[parse][rss20][media]") {
  const Feed feed = parsed_fixture("rss20_image_sources.xml");
  REQUIRE(feed.items.size() == 3);

  CHECK(feed.image == "https://pod.example.com/cover.jpg");

  SECTION("media:thumbnail") {
    const Item& item = feed.items[0];
    REQUIRE(item.media.size() == 1);
    CHECK(item.media[0].kind == Kind::kThumbnail);
    CHECK(item.media[0].url == "https://pod.example.com/ep/1/thumb.jpg");
    CHECK(item.media[0].width == 300);
  }
  SECTION("an image enclosure; the audio enclosure is no image") {
    const Item& item = feed.items[1];
    REQUIRE(item.media.size() == 1);
    CHECK(item.media[0].kind == Kind::kEnclosure);
    CHECK(item.media[0].url == "https://pod.example.com/ep/2/cover.png");
    REQUIRE(item.enclosures.size() == 2);
    CHECK(item.enclosures[0].type == "image/png");
    CHECK(item.enclosures[0].length == std::optional<std::int64_t>(34567));
    CHECK(item.enclosures[1].url == "https://pod.example.com/ep/2/audio.mp3");
    CHECK_FALSE(item.enclosures[1].length.has_value());
  }
  SECTION("itunes:image") {
    const Item& item = feed.items[2];
    REQUIRE(item.media.size() == 1);
    CHECK(item.media[0].kind == Kind::kItunes);
    CHECK(item.media[0].url == "https://pod.example.com/ep/3/art.jpg");
  }
}

// ---------------------------------------------------------------- dates

TEST_CASE(
    "Item dates are normalised to UTC, a date that cannot be read is empty",
    "[parse][rss20][dates]") {
  SECTION("default zone (UTC)") {
    const Feed feed = parsed_fixture("rss20_dates_zones.xml");
    REQUIRE(feed.items.size() == 7);
    CHECK(iso(item_with_guid(feed, "offset").published) ==
          "2022-03-30T09:45:57Z");
    CHECK(iso(item_with_guid(feed, "named").published) ==
          "2022-03-30T09:45:57Z");
    CHECK(iso(item_with_guid(feed, "dcdate").published) ==
          "2022-03-30T09:45:57Z");
    CHECK(iso(item_with_guid(feed, "nozone").published) ==
          "2022-03-30T17:45:57Z");
    CHECK(iso(item_with_guid(feed, "unreadable").published) == "null");
    CHECK(iso(item_with_guid(feed, "impossible").published) == "null");
    CHECK(iso(item_with_guid(feed, "missing").published) == "null");
  }
  SECTION("zone Asia/Shanghai applies only to dates without a zone") {
    const Feed feed = parsed_fixture("rss20_dates_zones.xml", kFeedUrl,
                                     ParseOptions{"Asia/Shanghai"});
    REQUIRE(feed.items.size() == 7);
    CHECK(iso(item_with_guid(feed, "offset").published) ==
          "2022-03-30T09:45:57Z");
    CHECK(iso(item_with_guid(feed, "named").published) ==
          "2022-03-30T09:45:57Z");
    CHECK(iso(item_with_guid(feed, "dcdate").published) ==
          "2022-03-30T09:45:57Z");
    CHECK(iso(item_with_guid(feed, "nozone").published) ==
          "2022-03-30T09:45:57Z");
    CHECK(iso(item_with_guid(feed, "unreadable").published) == "null");
    CHECK(iso(item_with_guid(feed, "impossible").published) == "null");
    CHECK(iso(item_with_guid(feed, "missing").published) == "null");
  }
}

TEST_CASE("An RFC 822 date without a zone is read in the given zone",
          "[parse][rss20][dates]") {
  const std::string doc =
      "<rss version=\"2.0\"><channel><title>t</title>"
      "<lastBuildDate>Wed, 30 Mar 2022 17:45:57</lastBuildDate>"
      "<item><guid>a</guid><pubDate>Wed, 30 Mar 2022 17:45:57</pubDate></item>"
      "</channel></rss>";
  const Feed shanghai =
      parsed_text(doc, kFeedUrl, ParseOptions{"Asia/Shanghai"});
  REQUIRE(shanghai.items.size() == 1);
  CHECK(iso(shanghai.items[0].published) == "2022-03-30T09:45:57Z");
  CHECK(iso(shanghai.updated) == "2022-03-30T09:45:57Z");

  const Feed utc = parsed_text(doc);
  REQUIRE(utc.items.size() == 1);
  CHECK(iso(utc.items[0].published) == "2022-03-30T17:45:57Z");
}

// ---------------------------------------------------------------- errors

TEST_CASE(
    "Text that is not a feed is a parse Error naming the source and the cause",
    "[parse][errors]") {
  const std::string source = "https://www.example.com/not-a-feed";

  SECTION("a well-formed HTML page") {
    const feedmark::Error e = parse_error(
        "<html><head><title>Home</title></head><body><p>Hi</p></body></html>",
        source);
    CHECK(e.stage == "parse");
    CHECK(e.source == source);
    CHECK_THAT(lower(e.message), Contains("html"));
  }
  SECTION("a real-world HTML page, not well-formed XML") {
    const feedmark::Error e = parse_error(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n"
        "<title>Example &mdash; Home</title>\n</head>\n<body><p>Welcome<br>\n"
        "<img src=\"/logo.png\"></body>\n</html>\n",
        source);
    CHECK(e.stage == "parse");
    CHECK(e.source == source);
    CHECK_THAT(lower(e.message), Contains("html"));
  }
  SECTION("ill-formed XML with no element to recover") {
    const feedmark::Error e = parse_error(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<<rss>>", source);
    CHECK(e.stage == "parse");
    CHECK(e.source == source);
    CHECK_THAT(e.message, Contains("XML"));
  }
  SECTION("a JSON object that is not a JSON Feed") {
    const feedmark::Error e =
        parse_error("{\"version\": \"3\", \"results\": []}", source);
    CHECK(e.stage == "parse");
    CHECK(e.source == source);
    CHECK(e.message == "not a feed: JSON, but not a JSON Feed");
  }
  SECTION("a JSON array after whitespace") {
    const feedmark::Error e = parse_error("\n  [1, 2, 3]", source);
    CHECK(e.stage == "parse");
    CHECK_THAT(e.message, Contains("JSON"));
  }
  SECTION("empty text") {
    const feedmark::Error e = parse_error("", source);
    CHECK(e.stage == "parse");
    CHECK(e.source == source);
    CHECK_THAT(e.message, Contains("empty"));
  }
  SECTION("whitespace only") {
    const feedmark::Error e = parse_error(" \r\n\t\n", source);
    CHECK(e.stage == "parse");
    CHECK_THAT(e.message, Contains("empty"));
  }
  SECTION("an XML document of another kind") {
    const feedmark::Error e = parse_error(
        "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        source);
    CHECK(e.stage == "parse");
    CHECK(e.source == source);
    CHECK_THAT(e.message, Contains("svg"));
  }
}

TEST_CASE("RSS falls back to Dublin Core and XHTML bodies for missing fields",
          "[parse][rss]") {
  const Feed feed = parsed_text(
      "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
      " xmlns:dcterms=\"http://purl.org/dc/terms/\"><channel>"
      "<dc:title>Only a DC title</dc:title>"
      "<dcterms:modified>2003-12-31T10:14:55Z</dcterms:modified>"
      "<item><dc:description>DC summary</dc:description>"
      "<body xmlns=\"http://www.w3.org/1999/xhtml\"><p>Body "
      "<b>text</b></p></body>"
      "</item></channel></rss>");
  CHECK(feed.title == "Only a DC title");
  REQUIRE(feed.updated);
  CHECK(feedmark::format_iso8601(*feed.updated) == "2003-12-31T10:14:55Z");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].summary_html == "DC summary");
  CHECK(feed.items[0].content_html == "<p>Body <b>text</b></p>");
}

TEST_CASE("RSS 2.0 in UserLand's namespace and bare <body> markup are read",
          "[parse][rss]") {
  SECTION("elements under a prefix bound to the RSS 2.0 namespace") {
    const Feed feed = parsed_text(
        "<r:rss version=\"2.0\" xmlns:r=\"http://backend.userland.com/rss2\">"
        "<r:channel><r:title>Namespaced</r:title><r:item><r:title>First</"
        "r:title>"
        "</r:item></r:channel></r:rss>");
    CHECK(feed.title == "Namespaced");
    REQUIRE(feed.items.size() == 1);
    CHECK(feed.items[0].title == "First");
  }
  SECTION("a <body> without namespace holds the item's content") {
    const Feed feed = parsed_text(
        "<rss version=\"2.0\"><channel><link>https://example.com/</link><item>"
        "<body><a href=\"/relative/uri\">click "
        "here</a></body></item></channel></rss>");
    REQUIRE(feed.items.size() == 1);
    CHECK(feed.items[0].content_html ==
          "<a href=\"/relative/uri\">click here</a>");
  }
}

TEST_CASE("Atom base64 content, link text and language tags are read",
          "[parse][atom]") {
  const Feed feed = parsed_text(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en_US\"><entry>"
      "<title type=\"application/octet-stream\">\n  "
      "RXhhbXBsZSA8Yj5BdG9tPC9iPg==\n</title>"
      "<link rel=\"enclosure\" href=\"https://example.com/e.mp3\"/>"
      "<link rel=\"alternate\">https://example.com/alternate</link>"
      "</entry></feed>");
  CHECK(feed.language == "en-US");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Example Atom");
  CHECK(feed.items[0].link == "https://example.com/alternate");
}

TEST_CASE("RSS 1.0 items are named by rdf:about, dc:author is an author",
          "[parse][rdf]") {
  const Feed feed = parsed_text(
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""
      " xmlns=\"http://purl.org/rss/1.0/\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
      "<channel rdf:about=\"https://example.org/\"><title>t</title></channel>"
      "<item rdf:about=\"https://example.org/1\"><title>One</title>"
      "<dc:author>Example editor</dc:author></item></rdf:RDF>");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].guid == "https://example.org/1");
  CHECK(feed.items[0].author == "Example editor");
}

TEST_CASE("Raw markup inside a description keeps its escaped text escaped",
          "[parse][rss]") {
  const Feed feed = parsed_text(
      "<rss version=\"2.0\"><channel><item><title>Why std::vector&lt;bool&gt; "
      "is "
      "special</title><description><p>Use &lt;script&gt; for &quot;JS&quot;</p>"
      "</description></item></channel></rss>");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Why std::vector<bool> is special");
  CHECK(feed.items[0].summary_html == "<p>Use &lt;script&gt; for \"JS\"</p>");
}

// ---------------------------------------------------------------- iTunes

TEST_CASE("A podcast's iTunes elements fill what the core elements leave out",
          "[parse][rss20][itunes]") {
  const Feed feed = parsed_fixture("rss20_itunes_podcast.xml");
  REQUIRE(feed.items.size() == 2);

  SECTION("the channel, under the namespace URI in any case") {
    CHECK(feed.title == "Night Shift Radio");  // <TITLE>
    CHECK(feed.link == "https://radio.example.org");
    CHECK(feed.description ==
          "Conversations recorded after midnight, every week.");
    CHECK(feed.image == "https://radio.example.org/art/show-3000.jpg");
  }
  SECTION("an episode: author, summary, nested categories, keywords, image") {
    const Item& item = feed.items[0];
    CHECK(item.author == "Ana Ribeiro");
    CHECK(item.summary_html ==
          "Ana spends a night at the last manned lighthouse.");
    CHECK(item.categories ==
          std::vector<std::string>{"Society & Culture", "Documentary",
                                   "lighthouse", "sea", "night"});
    REQUIRE(item.media.size() == 1);  // the audio enclosure is no image
    CHECK(item.media[0].kind == Kind::kItunes);
    CHECK(item.media[0].url == "https://radio.example.org/art/ep12.jpg");
  }
  SECTION("itunes:title, itunes:subtitle and an old <itunes:link rel=image>") {
    const Item& item = feed.items[1];
    CHECK(item.title == "Episode 11: Bakers at four");
    CHECK(item.summary_html == "Bread before dawn");
    REQUIRE(item.media.size() == 1);
    CHECK(item.media[0].kind == Kind::kItunes);
    CHECK(item.media[0].url == "https://radio.example.org/art/ep11.png");
  }
}

TEST_CASE("The channel description falls back to itunes:subtitle last",
          "[parse][rss20][itunes]") {
  const Feed feed = parsed_text(
      "<rss xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">"
      "<channel><itunes:subtitle>Only a subtitle</itunes:subtitle>"
      "<image><url>http://i.example/Logo.gif</url></image>"
      "<itunes:image/></channel></rss>");
  CHECK(feed.description == "Only a subtitle");
  // An empty itunes:image does not replace the channel's <image>.
  CHECK(feed.image == "http://i.example/Logo.gif");
}

// ---------------------------------------------------------------- mapping

TEST_CASE("Element names match in any case", "[parse][rss20]") {
  const Feed feed = parsed_text(
      "<rss version=\"2.0\"><channel><Title>Shouting</Title><ITEM>"
      "<TITLE>Loud</TITLE><pubdate>Wed, 30 Mar 2022 17:45:57 GMT</pubdate>"
      "<GUID>loud-1</GUID></ITEM></channel></rss>");
  CHECK(feed.title == "Shouting");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Loud");
  CHECK(feed.items[0].guid == "loud-1");
  CHECK(iso(feed.items[0].published) == "2022-03-30T17:45:57Z");
}

TEST_CASE("Categories come from every vocabulary, in document order, once",
          "[parse][categories]") {
  SECTION("RSS") {
    const Feed feed = parsed_text(
        "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
        " xmlns:media=\"http://search.yahoo.com/mrss\""
        " xmlns:atom=\"http://www.w3.org/2005/Atom\""
        " xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">"
        "<channel><item>"
        "<tags>tag one, tag two</tags>"
        "<category domain=\"https://x.example/\">Politics</category>"
        "<dc:subject>Elections</dc:subject>"
        "<media:category scheme=\"urn:x\">Politics</media:category>"
        "<atom:category term=\"atomterm\" label=\"Atom label\"/>"
        "<itunes:category text=\"News\"><itunes:category text=\"Daily\"/>"
        "</itunes:category>"
        "<itunes:keywords>vote,  ballot ,</itunes:keywords>"
        "</item></channel></rss>");
    REQUIRE(feed.items.size() == 1);
    CHECK(feed.items[0].categories ==
          std::vector<std::string>{"tag one", "tag two", "Politics",
                                   "Elections", "atomterm", "News", "Daily",
                                   "vote", "ballot"});
  }
  SECTION("Atom: the term, else the label, else the text") {
    const Feed feed = parsed_text(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
        "<category term=\"t1\" label=\"L1\"/><category label=\"L2\"/>"
        "<category>text3</category></entry></feed>");
    REQUIRE(feed.items.size() == 1);
    CHECK(feed.items[0].categories ==
          std::vector<std::string>{"t1", "L2", "text3"});
  }
}

TEST_CASE("RSS items fall back to Atom, Dublin Core, iTunes and Media RSS",
          "[parse][rss20]") {
  const Feed feed = parsed_text(
      "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\""
      " xmlns:media=\"http://search.yahoo.com/mrss/\">"
      "<channel><link>https://example.com/</link><item>"
      "<media:title>Only a media title</media:title>"
      "<atom:author><atom:name>John Doe</atom:name>"
      "<atom:email>john@example.com</atom:email></atom:author>"
      "<atom:summary>Plain &amp; short</atom:summary>"
      "<atom:content type=\"html\">&lt;p&gt;Body&lt;/p&gt;</atom:content>"
      "<atom:link rel=\"alternate\" href=\"/posts/1\"/>"
      "</item></channel></rss>");
  REQUIRE(feed.items.size() == 1);
  const Item& item = feed.items[0];
  CHECK(item.title == "Only a media title");
  CHECK(item.author == "John Doe");
  CHECK(item.summary_html == "Plain &amp; short");
  CHECK(item.content_html == "<p>Body</p>");
  CHECK(item.link == "https://example.com/posts/1");
  CHECK(item.media.empty());  // media:title alone names no image
}

TEST_CASE("Of a description and a summary, the second is the content",
          "[parse][rss20]") {
  const auto item_of = [](const std::string& elements) {
    Feed feed = parsed_text("<rss version=\"2.0\"><channel><item>" + elements +
                            "</item></channel></rss>");
    REQUIRE(feed.items.size() == 1);
    return feed.items[0];
  };
  SECTION("description first") {
    const Item item = item_of(
        "<description>Example description</description>"
        "<summary>Example summary</summary>");
    CHECK(item.summary_html == "Example description");
    CHECK(item.content_html == "Example summary");
  }
  SECTION("summary first") {
    const Item item = item_of(
        "<summary>Example summary</summary>"
        "<description>Example description</description>");
    CHECK(item.summary_html == "Example summary");
    CHECK(item.content_html == "Example description");
  }
  SECTION("content:encoded stays the content") {
    const Item item = item_of(
        "<description>D</description><summary>S</summary>"
        "<content:encoded xmlns:content="
        "\"http://purl.org/rss/1.0/modules/content/\">C</content:encoded>");
    CHECK(item.summary_html == "D");
    CHECK(item.content_html == "C");
  }
}

TEST_CASE("The link is the first <link> with text, else one with an href",
          "[parse][rss20][url]") {
  SECTION("several links with text") {
    const Feed feed = parsed_text(
        "<rss version=\"2.0\"><channel><link></link>"
        "<link>http://example.org</link><link>http://example2.org</link>"
        "<item><link>https://example.org/a</link><link>https://example.org/b"
        "</link></item></channel></rss>");
    CHECK(feed.link == "http://example.org");
    REQUIRE(feed.items.size() == 1);
    CHECK(feed.items[0].link == "https://example.org/a");
  }
  SECTION("only an Atom-style href") {
    const Feed feed = parsed_text(
        "<rss version=\"2.0\"><channel><link href=\"https://example.org/\"/>"
        "<item><link href=\"posts/2\"/></item></channel></rss>");
    CHECK(feed.link == "https://example.org/");
    REQUIRE(feed.items.size() == 1);
    CHECK(feed.items[0].link == "https://example.org/posts/2");
  }
}

TEST_CASE("Atom 0.3 base64 titles and taglines are decoded",
          "[parse][atom03]") {
  const Feed feed = parsed_text(
      "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">"
      "<title mode=\"base64\">RmVlZCAmIHRpdGxl</title>"
      "<tagline mode=\"base64\">\n  PGk+VGFnPC9pPg==\n</tagline>"
      "<entry><title mode=\"base64\" type=\"text/html\">"
      "RXhhbXBsZSA8Yj5BdG9tPC9iPg==</title></entry></feed>");
  CHECK(feed.title == "Feed & title");
  CHECK(feed.description == "<i>Tag</i>");  // text/plain: the markup is text
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Example Atom");
}

TEST_CASE("Escaped HTML inside an XHTML div of html content is that HTML",
          "[parse][atom]") {
  // TypePad's double wrapping.
  const Feed feed = parsed_text(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
      "<content type=\"html\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
      "Example &lt;b&gt;Atom&lt;/b&gt;</div></content>"
      "<summary type=\"html\"><p>Raw <b>markup</b></p></summary>"
      "</entry></feed>");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].content_html == "Example <b>Atom</b>");
  // Raw markup in html content stays markup, its element kept.
  CHECK(feed.items[0].summary_html == "<p>Raw <b>markup</b></p>");
}

TEST_CASE("An Atom id written as a path resolves like a link",
          "[parse][atom][url]") {
  const std::string doc =
      "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry>"
      "<id>/relative/link</id></entry><entry><id>tag:x,2022:1</id></entry>"
      "<entry><id>post-3</id></entry></feed>";
  const Feed feed = parsed_text(doc, "http://127.0.0.1:8097/feed.xml");
  REQUIRE(feed.items.size() == 3);
  CHECK(feed.items[0].guid == "http://127.0.0.1:8097/relative/link");
  CHECK(feed.items[1].guid == "tag:x,2022:1");
  CHECK(feed.items[2].guid == "post-3");  // not a path: kept as written
  SECTION("without a base it stays as written") {
    CHECK(parsed_text(doc, "").items[0].guid == "/relative/link");
  }
}

TEST_CASE("A channel's Media RSS thumbnail is its image when nothing else is",
          "[parse][rss20][media]") {
  const Feed feed = parsed_text(
      "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\">"
      "<channel><link>https://example.org/</link>"
      "<media:thumbnail url=\"/logo.png\"/><item><title>t</title>"
      "<media:thumbnail url=\"/item.png\"/></item></channel></rss>");
  CHECK(feed.image == "https://example.org/logo.png");
}

TEST_CASE("Deeply nested XHTML content is cut, not a stack overflow",
          "[parse][atom][robustness]") {
  std::string open;
  std::string close;
  for (int i = 0; i < 200'000; ++i) {
    open += "<b>";
    close += "</b>";
  }
  const Feed feed = parsed_text(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id>"
      "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
      "<p>top</p>" +
      open + "deep" + close + "</div></content></entry></feed>");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].content_html.starts_with("<p>top</p><b><b>"));
  CHECK(feed.items[0].content_html.find("deep") == std::string::npos);
}
