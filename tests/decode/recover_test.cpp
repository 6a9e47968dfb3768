// Ill-formed and mislabelled feeds, end to end: bytes -> decode -> parse,
// and the warnings the binary prints.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "feedmark/decode/decode.h"
#include "feedmark/parse/parse.h"
#include "feedmark/util/error.h"
#include "test_support.h"

namespace {

using Catch::Matchers::Contains;
using feedmark::Feed;
using feedmark::Item;
using feedmark::Response;
using feedmark::Result;
using feedmark::test::fixture;
using feedmark::test::lines_of;
using feedmark::test::read_text;
using feedmark::test::run_feedmark;
using feedmark::test::TempDir;
using Strings = std::vector<std::string>;

constexpr const char* kUrl = "https://feeds.example.net/feed.xml";

Result<Feed> feed_from(std::string body, const std::string& source,
                       const std::string& content_type = "") {
  Response response;
  response.final_url = kUrl;
  response.content_type = content_type;
  response.body = std::move(body);
  Result<feedmark::Document> document =
      feedmark::decode_response(std::move(response), source);
  if (!document) {
    return tl::unexpected(document.error());
  }
  return feedmark::parse_feed(std::move(*document), source);
}

Feed recovered(const std::string& name, const std::string& content_type = "") {
  const std::string body = read_text(fixture("feeds/" + name));
  REQUIRE_FALSE(body.empty());
  Result<Feed> feed = feed_from(body, name, content_type);
  INFO(name << ": " << (feed ? std::string() : describe(feed.error())));
  REQUIRE(feed.has_value());
  return std::move(*feed);
}

feedmark::Error failure(const std::string& body) {
  Result<Feed> feed = feed_from(body, "feeds/bad.xml");
  REQUIRE_FALSE(feed.has_value());
  CHECK(feed.error().source == "feeds/bad.xml");
  return feed.error();
}

}  // namespace

// ---------------------------------------------------------------- XML

TEST_CASE("A feed with bare ampersands is recovered whole",
          "[recover][entities]") {
  const Feed feed = recovered("rss20_illformed_bare_ampersand.xml");
  CHECK(feed.title == "Tech & Telecom Weekly");
  CHECK(feed.link == "https://telecom.example.com/?section=news&lang=en");
  CHECK(feed.description == "Mergers & acquisitions, Q&A sessions");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "AT&T and T-Mobile trade spectrum");
  CHECK(feed.items[0].link ==
        "https://telecom.example.com/story?id=42&ref=rss");
  CHECK(feed.items[0].summary_html == "Prices rise 5% & more in R&D budgets");
  CHECK(feed.items[1].title == "Q&A: what the deal means");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings == Strings{"line 4: escaped a bare & (10 in all)"});
}

TEST_CASE("A feed with HTML entities gets their characters",
          "[recover][entities]") {
  const Feed feed = recovered("rss20_illformed_html_entities.xml");
  CHECK(feed.title == "Café Society — Reviews");
  CHECK(feed.description == "Coffee\u00A0&\u00A0pastries");
  REQUIRE(feed.items.size() == 1);
  const Item& item = feed.items[0];
  CHECK(item.title == "Don’t miss the crème brûlée…");
  CHECK(item.categories == Strings{"Désserts"});
  CHECK(item.summary_html == "<p>Rated «excellent» – €7</p>");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 4: decoded the HTML entity &eacute; (14 in all)"});
}

TEST_CASE("A feed with undefined entities keeps them as text",
          "[recover][entities]") {
  const Feed feed = recovered("rss20_illformed_undefined_entity.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Hello &username;, welcome back");
  CHECK_THAT(feed.items[0].summary_html, Contains("&signature;"));
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 8: kept the undefined entity &username; as text (2 in "
                "all)"});
}

TEST_CASE("A feed with control characters keeps its text around them",
          "[recover][characters]") {
  const Feed feed = recovered("rss20_illformed_control_characters.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Quarterly\uFFFD report\uFFFD ready");
  CHECK(feed.items[0].summary_html == "Figures\uFFFD attached");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 8: replaced 3 control characters XML forbids with "
                "U+FFFD"});
}

TEST_CASE("A truncated feed keeps every item up to the cut",
          "[recover][truncated]") {
  const Feed feed = recovered("rss20_illformed_truncated.xml");
  CHECK(feed.title == "Harbour Radio News");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "Ferry timetable changes");
  CHECK(feed.items[0].summary_html == "<p>New sailings from Monday.</p>");
  CHECK(feed.items[1].title == "Storm warning for the coast");
  CHECK(feed.items[1].guid == "https://radio.example.com/news/storm");
  CHECK(feed.items[1].summary_html ==
        "Winds up to 90 km/h are expected tonight, and the harbour");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 18: the document is cut off inside <description>; "
                "closed 4 open elements"});
}

TEST_CASE("A <br> inside a title or description is self-closed",
          "[recover][tags]") {
  const Feed feed = recovered("rss20_illformed_br_in_title.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "Roses are red, violets are blue");
  CHECK(feed.items[0].summary_html == "A classic<br/>in two lines");
  CHECK(feed.items[1].title == "Haiku");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 8: self-closed the HTML element <br> (2 in all)"});
}

TEST_CASE("Paragraphs never closed in a description end where HTML ends them",
          "[recover][tags]") {
  const Feed feed = recovered("rss20_illformed_unclosed_p.xml");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].summary_html ==
        "<p>Start them indoors in March.</p><p>Move them out in May, "
        "<b>after</b> the last frost.</p>");
  CHECK(feed.items[1].title == "Compost basics");
  CHECK(feed.items[1].summary_html ==
        "<p>Greens and browns, half and half.</p>");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings == Strings{"line 11: closed <p>, left open (2 in all)"});
}

TEST_CASE("End tags that close nothing are dropped", "[recover][tags]") {
  const Feed feed = recovered("rss20_illformed_stray_end_tag.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Sunny spells");
  CHECK(feed.items[0].link == "https://weather.example.com/sunny");
  CHECK(feed.items[0].summary_html == "Warm, with a light breeze");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 8: dropped </b>, which closes no open element (2 in "
                "all)"});
}

TEST_CASE("A PHP warning after the feed is ignored", "[recover][junk]") {
  const Feed feed = recovered("rss20_illformed_junk_after_root.xml");
  CHECK(feed.title == "City Council Minutes");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Budget approved");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 15: ignored 132 bytes after the root element"});
}

TEST_CASE("A PHP notice before the XML declaration is ignored",
          "[recover][junk]") {
  const Feed feed = recovered("rss20_illformed_junk_before_declaration.xml");
  CHECK(feed.title == "Local Sports");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Rovers win the derby");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 1: ignored 103 bytes before the XML declaration"});
}

TEST_CASE("Elements of an undeclared namespace prefix are still read",
          "[recover][namespaces]") {
  const Feed feed = recovered("rss20_illformed_undeclared_prefix.xml");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].title == "Episode 12: bread");
  REQUIRE(feed.items[0].enclosures.size() == 1);
  CHECK(feed.items[0].enclosures[0].url ==
        "https://kitchen.example.com/ep12.mp3");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 7: undeclared namespace prefix itunes: (2 in all)"});
}

TEST_CASE("Unquoted attribute values are quoted", "[recover][attributes]") {
  const Feed feed = recovered("atom10_illformed_unquoted_attributes.xml");
  CHECK(feed.link == "https://handmade.example.com/");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].link == "https://handmade.example.com/first?a=1&b=2");
  CHECK(feed.items[0].content_html == "<p>Typed by hand.</p>");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"line 9: escaped a bare &",
                "line 4: repaired the malformed tag <link> (6 in all)"});
}

TEST_CASE("Entities declared in the DOCTYPE are expanded, and well-formed",
          "[recover][dtd]") {
  const Feed feed = recovered("rss20_doctype_internal_entities.xml");
  CHECK(feed.title == "Entity & Co News");
  CHECK(feed.link == "https://entities.example.com/");
  REQUIRE(feed.items.size() == 1);
  CHECK(feed.items[0].guid == "https://entities.example.com/posts/1");
  CHECK(feed.well_formed);
  CHECK(feed.warnings.empty());
}

TEST_CASE("A well-formed feed is well-formed, without warnings", "[recover]") {
  const std::string name = GENERATE(
      "atom03_modified_issued.xml", "atom10_prefixed.xml",
      "atom10_text_constructs.xml", "atom10_xml_base.xml",
      "rss090_netscape_rdf.xml", "rss091_netscape.xml", "rss092_enclosure.xml",
      "rss10_rdf.xml", "rss20_content_encoded_dc.xml",
      "rss20_custom_prefixes.xml", "rss20_dates_zones.xml",
      "rss20_image_sources.xml", "rss20_media_group.xml",
      "rss20_relative_links_guid.xml", "rss20_zero_items.xml",
      "rss20_gbk_declared_gb2312.xml", "rss20_big5_hkscs_declared_big5.xml",
      "rss20_utf16le_bom.xml", "rss20_utf16be_nobom_declared_utf16.xml",
      "rss20_windows1252_declared_iso88591.xml");
  const Feed feed = recovered(name);
  INFO(name);
  CHECK(feed.well_formed);
  CHECK(feed.warnings.empty());
}

// ---------------------------------------------------------------- charsets

TEST_CASE("A GBK feed declared gb2312 parses with every character",
          "[recover][charsets]") {
  const Feed feed = recovered("rss20_gbk_declared_gb2312.xml");
  CHECK(feed.encoding == "gb2312");
  CHECK(feed.title == "新闻频道");
  REQUIRE_FALSE(feed.items.empty());
  CHECK(feed.items[0].title == "朱镕基访问上海");
  CHECK(feed.well_formed);
}

TEST_CASE("A Big5 feed parses with its HKSCS characters",
          "[recover][charsets]") {
  const Feed feed = recovered("rss20_big5_hkscs_declared_big5.xml");
  CHECK(feed.encoding == "big5");
  CHECK(feed.title == "香港新聞");
  REQUIRE_FALSE(feed.items.empty());
  CHECK(feed.items[0].title == "佢哋講嘅嘢");
  CHECK(feed.well_formed);
}

TEST_CASE("A windows-1252 feed served as UTF-8 parses as windows-1252",
          "[recover][charsets]") {
  const Feed feed = recovered("rss20_windows1252_served_as_utf8.xml",
                              "application/rss+xml; charset=utf-8");
  CHECK(feed.encoding == "windows-1252");
  CHECK(feed.title == "Le Petit Journal de Montréal");
  REQUIRE(feed.items.size() == 2);
  CHECK(feed.items[0].title == "L’été à la plage: “Soleil” garanti");
  CHECK(feed.items[1].title == "Œuvres d’art à vendre");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings ==
        Strings{"the HTTP charset says \"utf-8\", but the bytes are not "
                "UTF-8; decoded as windows-1252"});
}

TEST_CASE("A UTF-8 BOM that contradicts the declaration is believed",
          "[recover][charsets]") {
  const Feed feed = recovered("rss20_utf8_bom_declared_gb2312.xml");
  CHECK(feed.encoding == "utf-8");
  REQUIRE_FALSE(feed.items.empty());
  CHECK(feed.items[0].title == "朱镕基访问上海");
  CHECK_FALSE(feed.well_formed);
  CHECK(feed.warnings.size() == 1);
}

// ---------------------------------------------------------------- not feeds

TEST_CASE("What is not a feed at all is still an error", "[recover][errors]") {
  SECTION("an HTML page") {
    const auto e = failure(
        "<html>\n<head><title>Home</title></head>\n<body><p>Hi<br>there\n");
    CHECK(e.stage == "parse");
    CHECK(e.message == "not a feed: an HTML page");
  }
  SECTION("an XHTML page") {
    const auto e = failure(
        "<?xml version=\"1.0\"?>\n<!-- x -->\n<html "
        "xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>");
    CHECK(e.message == "not a feed: an HTML page");
  }
  SECTION("JSON") {
    const auto e = failure("{\"items\": [{\"title\": \"<b>x</b>\"}]}");
    CHECK(e.message == "not a feed: JSON, but not a JSON Feed");
  }
  SECTION("binary data") {
    const auto e =
        failure(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR<rss>", 20));
    CHECK(e.stage == "decode");
    CHECK(e.message == "not a feed: binary data, not XML");
  }
  SECTION("an empty document") {
    const auto e = failure(" \n ");
    CHECK(e.message == "empty document");
  }
  SECTION("plain text") {
    const auto e = failure("Service Unavailable\n");
    CHECK(e.message == "not a feed: no XML element");
  }
  SECTION("XML of another kind") {
    const auto e = failure("<?xml version=\"1.0\"?><config><a/></config>");
    CHECK(e.message == "not a feed: root element <config>");
  }
  SECTION("broken XML that holds no feed data") {
    const auto e = failure("<?xml version=\"1.0\"?>\n<<rss>>");
    CHECK_THAT(e.message,
               Contains("not well-formed XML, nothing recovered (line 2:"));
  }
}

// ---------------------------------------------------------------- the binary

TEST_CASE("Repair warnings go to stderr with -v only", "[recover][cli]") {
  const std::string feed =
      fixture("feeds/rss20_illformed_bare_ampersand.xml").string();
  const std::string warning =
      "feedmark: " + feed + ": warning: line 4: escaped a bare & (10 in all)";
  SECTION("parse") {
    const auto quiet = run_feedmark({"parse", feed});
    CHECK(quiet.status == 0);
    CHECK(quiet.err.empty());
    CHECK(lines_of(quiet.out).size() == 3);
    const auto verbose = run_feedmark({"parse", "-v", feed});
    CHECK(verbose.status == 0);
    CHECK(lines_of(verbose.err) == Strings{warning});
    CHECK(verbose.out == quiet.out);
  }
  SECTION("fetch") {
    TempDir tmp;
    const auto quiet =
        run_feedmark({"fetch", feed, "-a", (tmp / "quiet").string()});
    CHECK(quiet.status == 0);
    CHECK(quiet.err.empty());
    CHECK(lines_of(quiet.out).size() == 2);
    const auto verbose =
        run_feedmark({"fetch", "-v", feed, "-a", (tmp / "verbose").string()});
    CHECK(verbose.status == 0);
    const Strings errors = lines_of(verbose.err);
    CHECK(std::count(errors.begin(), errors.end(), warning) == 1);
  }
}
