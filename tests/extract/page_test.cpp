// The full-text extractor on pages written for these tests: the shapes of
// real news pages (a story among navigation, sidebars, share bars, related
// links and comments), not copies of them.
#include "feedmark/extract/page.h"

#include <fmt/format.h>
#include <iconv.h>

#include <catch2/catch.hpp>

#include "feedmark/decode/decode.h"
#include "feedmark/extract/extract.h"
#include "feedmark/extract/selector.h"
#include "feedmark/util/dates.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string kStory[] = {
    "The city council voted on Tuesday to expand the riverside park, "
    "adding four hectares of meadow, a footbridge and a playground, after "
    "two years of hearings, petitions and a contested environmental study.",
    "Supporters said the plan would give the east side its first large "
    "green space in a century, while opponents, mostly business owners on "
    "Quay Street, worried about parking, deliveries and the cost of works.",
    "The mayor, who cast the deciding vote, said construction would start "
    "in the spring and that the first section would open within a year, "
    "with the footbridge following once the river authority approves it.",
    "Funding comes from a regional grant, a bond approved by voters in 2024 "
    "and private donations, which the council expects to cover a fifth of "
    "the total, according to figures presented at the meeting.",
};

std::string story_paragraphs() {
  std::string html;
  for (const std::string& p : kStory) {
    html += "<p>" + p + "</p>\n";
  }
  return html;
}

// Navigation, a sidebar of links, a share bar, related stories and a
// footer around the story: what every news page has.
std::string news_page(const std::string& head_extra,
                      const std::string& after_story = {}) {
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Council expands riverside park | The Daily Example</title>
{}
</head><body>
<header class="site-header"><a href="/">The Daily Example</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/culture">Culture</a></li></ul></nav></header>
<main><article class="story">
<h1>Council expands riverside park</h1>
<div class="share-tools"><a href="https://x.example/share">Share on X</a>
<a href="https://fb.example/share">Share on Facebook</a></div>
<div class="story-body">
{}
<figure><img src="/img/park.jpg" alt="The meadow"><figcaption>The meadow by
the river, where the new park will open.</figcaption></figure>
</div>
{}
</article>
<aside class="sidebar"><h3>Most read</h3><ul>
<li><a href="/a">Storm closes the coast road for a week</a></li>
<li><a href="/b">Schools to get new heating systems</a></li>
<li><a href="/c">Ferry timetable changes from Monday</a></li></ul></aside>
</main>
<div class="related-stories"><h3>Related</h3>
<a href="/d">Park plan faces new objections from traders</a>
<a href="/e">What the footbridge will look like</a></div>
<footer><p>Copyright The Daily Example. All rights reserved. Contact us,
advertise, privacy policy, terms of use, cookie settings.</p></footer>
</body></html>)",
                     head_extra, story_paragraphs(), after_story);
}

PageArticle extract(
    const std::string& html,
    const std::string& base = "https://news.example/2026/park") {
  std::optional<PageArticle> article = extract_page(html, base);
  REQUIRE(article);
  return *article;
}

void check_story_only(const PageArticle& a) {
  for (const std::string& p : kStory) {
    CHECK(contains(a.text, p));
  }
  for (const char* clutter : {"Sport", "Most read", "Storm closes", "Related",
                              "Share on", "Copyright", "traders"}) {
    INFO(clutter);
    CHECK_FALSE(contains(a.text, clutter));
  }
}

std::string to_gbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* to = out.data();
  std::size_t out_left = out.size();
  REQUIRE(iconv(cd, &in, &in_left, &to, &out_left) !=
          static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

TEST_CASE("A news page with JSON-LD: its story, and its data from JSON-LD",
          "[fulltext]") {
  const PageArticle a = extract(news_page(R"(<script type="application/ld+json">
{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Daily"},
{"@type":"NewsArticle","headline":"Council votes to expand the riverside park",
"datePublished":"2026-11-30T09:15:00+01:00",
"author":[{"@type":"Person","name":"Ana Ruiz"},{"@type":"Person","name":"Li Wei"}],
"image":{"@type":"ImageObject","url":"/img/park-wide.jpg"}}]}
</script>)"));
  check_story_only(a);
  CHECK(a.title == "Council votes to expand the riverside park");
  CHECK(a.byline == "Ana Ruiz, Li Wei");
  REQUIRE(a.published);
  CHECK(format_iso8601(*a.published) == "2026-11-30T08:15:00Z");
  CHECK(a.image == "https://news.example/img/park-wide.jpg");
  CHECK(a.language == "en-GB");
  // Sanitized, with absolute URLs; the caption stays with its picture.
  CHECK(contains(a.content_html, "src=\"https://news.example/img/park.jpg\""));
  CHECK(contains(a.text, "The meadow by the river"));
  // Blocks are separated by one blank line.
  CHECK(contains(a.text, std::string(kStory[0]) + "\n\n" + kStory[1]));
}

TEST_CASE("A page without JSON-LD: Open Graph and the title tag",
          "[fulltext]") {
  const PageArticle a = extract(news_page(
      R"(<meta property="og:image" content="https://cdn.example/p.jpg">
<meta name="author" content="Sam Hill">
<meta property="article:published_time" content="2026-11-30T10:00:00Z">)"));
  check_story_only(a);
  CHECK(a.title == "Council expands riverside park");  // site name dropped
  CHECK(a.byline == "Sam Hill");
  CHECK(a.image == "https://cdn.example/p.jpg");
  REQUIRE(a.published);
  CHECK(format_iso8601(*a.published) == "2026-11-30T10:00:00Z");
}

TEST_CASE("Comments that outweigh the story are left out", "[fulltext]") {
  std::string comments = "<section class=\"comments\" id=\"comments\">";
  for (int i = 0; i < 12; ++i) {
    comments += fmt::format(
        "<div class=\"comment\"><p class=\"comment-author\">reader{}</p><p>I "
        "have lived by the river for thirty years, and honestly, this park "
        "is the best news in ages, though the parking question, the noise, "
        "and the traffic on Quay Street will need answers, comment {}.</p>"
        "</div>",
        i, i);
  }
  comments += "</section>";
  const PageArticle a = extract(news_page({}, comments));
  check_story_only(a);
  CHECK_FALSE(contains(a.text, "thirty years"));
}

TEST_CASE("A page split into pages keeps its text, not its page links",
          "[fulltext]") {
  const PageArticle a =
      extract(news_page({}, R"(<div class="pagination"><a href="?page=1">1</a>
<a href="?page=2">2</a> <a href="?page=3">3</a> <a href="?page=2">Next page</a></div>)"));
  check_story_only(a);
  CHECK_FALSE(contains(a.text, "Next page"));
}

TEST_CASE("A Chinese page in GBK, declared by <meta charset>", "[fulltext]") {
  const std::string paragraph =
      "外交部发言人在例行记者会上表示，中方一贯主张通过对话协商解决分歧，"
      "希望有关各方保持冷静克制，共同维护地区和平稳定。";
  std::string body;
  for (int i = 0; i < 5; ++i) {
    body += "<p>" + paragraph + "第" + std::to_string(i) + "段。</p>";
  }
  const std::string page =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
      "charset=gb2312\"><title>外交部例行记者会_新闻中心</title></head><body>"
      "<div class=\"nav\"><a href=\"/\">首页</a><a href=\"/gn\">国内</a></div>"
      "<div id=\"article\">" +
      body +
      "</div><div class=\"footer\">版权所有 "
      "未经授权不得转载</div></body></html>";
  Response response;
  response.body = to_gbk(page);
  response.content_type = "text/html";  // no charset: the page's <meta> says
  Result<Document> decoded = decode_page(std::move(response), "page.html");
  REQUIRE(decoded);
  const PageArticle a =
      extract(decoded->utf8, "https://news.example.cn/a.html");
  CHECK(contains(a.text, paragraph));
  CHECK(contains(a.text, "第4段"));
  CHECK_FALSE(contains(a.text, "版权所有"));
  CHECK_FALSE(contains(a.text, "首页"));
}

TEST_CASE("A page without text is no article", "[fulltext]") {
  CHECK_FALSE(
      extract_page("<html><body><nav><a href=/>Home</a></nav>"
                   "<img src=a.png></body></html>",
                   "https://x.example/"));
}

TEST_CASE("A selector picks the article by hand", "[fulltext]") {
  const auto selector = Selector::parse("main article > div.story-body");
  REQUIRE(selector);
  const std::optional<PageArticle> a =
      extract_page(news_page({}), "https://news.example/", &*selector);
  REQUIRE(a);
  for (const std::string& p : kStory) {
    CHECK(contains(a->text, p));
  }
  CHECK_FALSE(contains(a->text, "Council expands riverside park"));
  SECTION("one that picks nothing leaves it to the scorer") {
    const auto none = Selector::parse("#no-such-thing");
    REQUIRE(none);
    const auto scored =
        extract_page(news_page({}), "https://news.example/", &*none);
    REQUIRE(scored);
    CHECK(contains(scored->text, kStory[3]));
  }
}

TEST_CASE("Selectors: the SPEC's CSS subset, and clear errors", "[fulltext]") {
  for (const char* good :
       {"article", ".story", "#main", "[data-article]", "[role=main]",
        "[itemprop=\"articleBody\"]", "div.a.b#c", "main article p",
        "main > article", "div.x, section#y", "*[lang]"}) {
    INFO(good);
    CHECK(Selector::parse(good));
  }
  for (const auto& [bad, why] :
       std::vector<std::pair<std::string, std::string>>{
           {"", "the selector ends too soon"},
           {"div >", "the selector ends too soon"},
           {"div:first-child", "unexpected \":\""},
           {"a + b", "unexpected \"+\""},
           {"[x", "expected \"]\""},
           {".", "a class name is missing"},
           {"div,", "the selector ends too soon"}}) {
    INFO(bad);
    const auto parsed = Selector::parse(bad);
    REQUIRE_FALSE(parsed);
    CHECK(contains(parsed.error().message, why));
  }
}

TEST_CASE("auto wants the page of a short or cut body only", "[fulltext]") {
  Item item;
  item.link = "https://news.example/1";
  item.summary_html = "<p>The council voted to expand the park.</p>";
  CHECK(wants_full_text(item, FullText::kAuto));
  CHECK(wants_full_text(item, FullText::kAlways));
  CHECK_FALSE(wants_full_text(item, FullText::kNever));
  std::string long_body;
  for (const std::string& p : kStory) {
    long_body += "<p>" + p + "</p>";
  }
  item.summary_html = long_body + long_body;
  CHECK_FALSE(wants_full_text(item, FullText::kAuto));
  for (const char* cut : {"…", "[...]", " Read more »",
                          "<a href=x>Continue "
                          "reading →</a>",
                          "……阅读全文"}) {
    INFO(cut);
    item.summary_html = long_body + long_body + "<p>And then" + cut + "</p>";
    CHECK(wants_full_text(item, FullText::kAuto));
  }
  item.link = "ftp://news.example/1";
  CHECK_FALSE(wants_full_text(item, FullText::kAlways));
}

}  // namespace feedmark::test

namespace feedmark::test {

// Each element and compound is tried once: "span div div div div div p" on a
// page nested 250 deep would otherwise try every way up the tree, and a
// hostile page could stall the run.
TEST_CASE("A selector on a deeply nested page takes linear time",
          "[fulltext]") {
  std::string page = "<html><body>";
  for (int i = 0; i < 250; ++i) {
    page += "<div>";
  }
  page += "<p>deep</p>";
  const auto selector = Selector::parse("span div div div div div p");
  REQUIRE(selector);
  const auto a = extract_page(page, "https://x.example/", &*selector);
  REQUIRE(a);  // picked nothing: the scorer's choice
  CHECK(a->text == "deep");
}

}  // namespace feedmark::test

namespace feedmark::test {

// Hostile pages for the extractor: each must cost time linear in its size.
TEST_CASE("Pages built to be slow take linear time", "[fulltext]") {
  SECTION("a selector list over many elements nested deep") {
    const auto selector =
        Selector::parse("a div, b div, i div, u div, s div, em div, q div");
    REQUIRE(selector);
    const double growth = growth_when_multiplied(
        [&](std::size_t n) {
          std::string page = "<html><body>" + std::string(100 * 5, ' ');
          for (int i = 0; i < 100; ++i) {
            page += "<div>";
          }
          for (std::size_t i = 0; i < n; ++i) {
            page += "<div>a</div>";
          }
          (void)extract_page(page, "https://x.example/", &*selector);
        },
        2'000);
    CHECK(growth < kLinearGrowthLimit);
  }
  SECTION("headings nested in headings") {
    const double growth = growth_when_multiplied(
        [&](std::size_t n) {
          std::string page =
              "<html><head><title>A short title</title></head><body>";
          for (int i = 0; i < 100; ++i) {
            page += "<h2><div>";
          }
          for (std::size_t i = 0; i < n; ++i) {
            page += "<p>Text of a paragraph, long enough to score.</p>";
          }
          (void)extract_page(page, "https://x.example/");
        },
        1'000);
    CHECK(growth < kLinearGrowthLimit);
  }
  SECTION("JSON-LD nested thousands deep is not followed") {
    const std::string deep =
        std::string(30'000, '[') + std::string(30'000, ']');
    const auto a = extract_page(
        "<html><head><script type=\"application/ld+json\">{\"@type\":"
        "\"NewsArticle\",\"headline\":\"H\",\"author\":" +
            deep +
            "}</script></head><body><p>Some text of the page.</p>"
            "</body></html>",
        "https://x.example/");
    REQUIRE(a);
    CHECK(a->text == "Some text of the page.");
  }
}

}  // namespace feedmark::test
