// Item -> Article: the item key and id, the body, the lead image and its
// caption (SPEC "Archive layout" and "Extraction rules"), on Items built by
// hand.
#include "feedmark/extract/extract.h"

#include <catch2/catch.hpp>
#include <string>

#include "test_support.h"

namespace {

using Catch::Contains;
using feedmark::Article;
using feedmark::extract_article;
using feedmark::ExtractOptions;
using feedmark::Item;
using feedmark::item_key;
using feedmark::ItemView;
using feedmark::MediaImage;
using feedmark::view_item;

constexpr feedmark::UnixTime kMar30 = 1648662357;  // 2022-03-30T17:45:57Z
constexpr feedmark::UnixTime kMar31 = 1648748757;  // 2022-03-31T17:45:57Z
const std::string kProxy = "https://images.weserv.nl?url={url_noscheme}";

Item news_item() {
  Item item;
  item.guid = "voa-6507885";
  item.title = "Headline";
  item.link = "https://www.voanews.com/a/story/6507885.html";
  item.base = item.link;
  return item;
}

MediaImage media(MediaImage::Kind kind, std::string url, int width,
                 std::string caption = {}) {
  MediaImage m;
  m.kind = kind;
  m.url = std::move(url);
  m.width = width;
  m.caption = std::move(caption);
  return m;
}

/// The items of a fixture feed, as `parse` reads it from `url`.
std::vector<Item> fixture_items(const std::string& name,
                                const std::string& url) {
  std::string text =
      feedmark::test::read_text(feedmark::test::fixture("feeds/" + name));
  feedmark::Result<feedmark::Feed> feed = feedmark::parse_feed(
      feedmark::Document{std::move(text), "utf-8", url}, url);
  REQUIRE(feed.has_value());
  return std::move(feed->items);
}

Article extracted(const Item& item, const std::string& proxy = {}) {
  ExtractOptions options;
  options.image_proxy = proxy;
  return extract_article(item, options);
}

}  // namespace

// ------------------------------------------------------------- key and id

TEST_CASE("The item key is the guid, else the link, else title and date",
          "[extract]") {
  Item item = news_item();
  SECTION("guid") {
    CHECK(item_key(item) == "voa-6507885");
  }
  SECTION("guid, trimmed") {
    item.guid = " \n voa-6507885\t\n";
    CHECK(item_key(item) == "voa-6507885");
  }
  SECTION("a blank guid is no guid") {
    item.guid = "  \n ";
    CHECK(item_key(item) == "https://www.voanews.com/a/story/6507885.html");
  }
  SECTION("link when there is no guid") {
    item.guid.clear();
    CHECK(item_key(item) == "https://www.voanews.com/a/story/6507885.html");
  }
  // Links keep the feed's spelling ("http://Example.org"); keys, and so the
  // ids of archived articles, use the canonical one they always had.
  SECTION("the canonical link: host in lower case, an empty path as /") {
    item.guid.clear();
    item.link = "http://WWW.Example.org";
    CHECK(item_key(item) == "http://www.example.org/");
    item.link = "https://Example.org?p=7";
    CHECK(item_key(item) == "https://example.org/?p=7");
  }
  // How title and date are joined is not fixed by the SPEC: this is what
  // the implementation does (title, a space, the ISO 8601 date).
  SECTION("title and published date when there is neither") {
    item.guid.clear();
    item.link.clear();
    item.published = kMar30;
    CHECK(item_key(item) == "Headline 2022-03-30T17:45:57Z");
    item.published = kMar31;
    CHECK(item_key(item) == "Headline 2022-03-31T17:45:57Z");
  }
  SECTION("title alone when there is no date either") {
    item.guid.clear();
    item.link.clear();
    CHECK(item_key(item) == "Headline");
  }
}

TEST_CASE("The article id is the first 16 hex digits of SHA-256 of the key",
          "[extract]") {
  Item item = news_item();
  SECTION("from the guid") {
    // printf %s "voa-6507885" | sha256sum
    CHECK(extracted(item).id == "f5d2215372e8f44f");
  }
  SECTION("from the link") {
    item.guid.clear();
    item.link = "https://www.example.com/news/story-1.html";
    // printf %s "https://www.example.com/news/story-1.html" | sha256sum
    CHECK(extracted(item).id == "1f479ee5b25f048d");
  }
  SECTION("the same in the parse view") {
    CHECK(view_item(item).id == "f5d2215372e8f44f");
  }
}

// ------------------------------------------------------------- fields

TEST_CASE("Title and link are the item's", "[extract]") {
  const Article article = extracted(news_item());
  CHECK(article.title == "Headline");
  CHECK(article.link == "https://www.voanews.com/a/story/6507885.html");
}

TEST_CASE("The published date falls back to the updated date", "[extract]") {
  Item item = news_item();
  SECTION("published wins") {
    item.published = kMar30;
    item.updated = kMar31;
    CHECK(extracted(item).published == kMar30);
  }
  SECTION("updated when there is no published date") {
    item.updated = kMar31;
    CHECK(extracted(item).published == kMar31);
  }
  SECTION("nothing when there is neither") {
    CHECK_FALSE(extracted(item).published.has_value());
  }
}

TEST_CASE("The body is the content, else the summary, sanitized", "[extract]") {
  Item item = news_item();
  item.summary_html = "<p>Summary</p>";
  SECTION("content wins") {
    item.content_html =
        "<p onclick=\"x()\">Full\ntext with <a href=\"/more\">more</a>.</p>"
        "\n\n<script>x()</script><p>End</p>";
    CHECK(extracted(item).body_html ==
          "<p>Full text with <a href=\"https://www.voanews.com/more\">more</a>."
          "</p><p>End</p>");
  }
  SECTION("summary when there is no content") {
    CHECK(extracted(item).body_html == "<p>Summary</p>");
  }
}

// ------------------------------------------------------------- image

TEST_CASE("A media image beats the body's image", "[extract][image]") {
  Item item = news_item();
  item.content_html =
      "<figure><img src=\"/body.jpg\"><figcaption>Body caption</figcaption>"
      "</figure><p>Text</p>";
  item.media.push_back(media(MediaImage::Kind::kContent,
                             "https://gdb.voanews.com/media.jpg", 800,
                             "Media caption"));
  const Article article = extracted(item);
  CHECK(article.image == "https://gdb.voanews.com/media.jpg");
  CHECK(article.caption == "Media caption");
  SECTION("and the body keeps its own image") {
    CHECK_THAT(article.body_html,
               Contains("<img src=\"https://www.voanews.com/body.jpg\" />"));
    CHECK_THAT(article.body_html, Contains("Body caption"));
  }
}

TEST_CASE("The widest media:content is chosen, with its caption",
          "[extract][image]") {
  Item item = news_item();
  item.media.push_back(media(MediaImage::Kind::kContent,
                             "https://cdn.example.com/s.jpg", 320, "Small"));
  item.media.push_back(media(MediaImage::Kind::kContent,
                             "https://cdn.example.com/l.jpg", 1280, "Large"));
  item.media.push_back(media(MediaImage::Kind::kContent,
                             "https://cdn.example.com/m.jpg", 640, "Medium"));
  const Article article = extracted(item);
  CHECK(article.image == "https://cdn.example.com/l.jpg");
  CHECK(article.caption == "Large");
}

TEST_CASE("A thumbnail is used only when there is no media:content image",
          "[extract][image]") {
  Item item = news_item();
  item.media.push_back(media(MediaImage::Kind::kThumbnail,
                             "https://cdn.example.com/thumb.jpg", 1600,
                             "Thumb"));
  SECTION("no content image: the thumbnail") {
    const Article article = extracted(item);
    CHECK(article.image == "https://cdn.example.com/thumb.jpg");
    CHECK(article.caption == "Thumb");
  }
  SECTION("a content image, even a narrower one, wins") {
    item.media.push_back(media(MediaImage::Kind::kContent,
                               "https://cdn.example.com/content.jpg", 0,
                               "Content"));
    const Article article = extracted(item);
    CHECK(article.image == "https://cdn.example.com/content.jpg");
    CHECK(article.caption == "Content");
  }
  SECTION("the thumbnail beats an enclosure and an itunes:image") {
    item.media.insert(
        item.media.begin(),
        media(MediaImage::Kind::kItunes, "https://cdn.example.com/it.jpg", 0));
    item.media.insert(item.media.begin(),
                      media(MediaImage::Kind::kEnclosure,
                            "https://cdn.example.com/enc.jpg", 0));
    CHECK(extracted(item).image == "https://cdn.example.com/thumb.jpg");
  }
}

TEST_CASE("An image enclosure beats an itunes:image", "[extract][image]") {
  Item item = news_item();
  item.media.push_back(
      media(MediaImage::Kind::kItunes, "https://cdn.example.com/it.jpg", 3000));
  item.media.push_back(media(MediaImage::Kind::kEnclosure,
                             "https://cdn.example.com/enc.jpg", 0));
  CHECK(extracted(item).image == "https://cdn.example.com/enc.jpg");
}

TEST_CASE("Without media, the body's first image is taken out of the body",
          "[extract][image]") {
  Item item = news_item();
  item.content_html =
      "<p>Intro</p>\n<figure><img src=\"/img/a.jpg\" alt=\"Alt\">"
      "<figcaption>Fig caption</figcaption></figure>\n<p>Text</p>";
  const Article article = extracted(item);
  CHECK(article.image == "https://www.voanews.com/img/a.jpg");
  CHECK(article.caption == "Fig caption");
  CHECK(article.body_html == "<p>Intro</p><p>Text</p>");
}

TEST_CASE("A body with only a tracking pixel has no image",
          "[extract][image]") {
  Item item = news_item();
  item.content_html =
      "<p>Text</p><img src=\"https://x.example/px.gif\" width=\"1\" "
      "height=\"1\">";
  const Article article = extracted(item);
  CHECK(article.image.empty());
  CHECK(article.caption.empty());
  CHECK(article.body_html == "<p>Text</p>");
}

TEST_CASE("The image proxy is applied to the article image once",
          "[extract][image]") {
  Item item = news_item();
  SECTION("a media image") {
    item.media.push_back(media(MediaImage::Kind::kContent,
                               "https://gdb.voanews.com/a.jpg", 800));
    CHECK(extracted(item, kProxy).image ==
          "https://images.weserv.nl?url=gdb.voanews.com/a.jpg");
  }
  SECTION("a body image, and the images left in the body") {
    item.content_html = "<img src=\"/img/a.jpg\"><p>x</p><img src=\"/b.jpg\">";
    const Article article = extracted(item, kProxy);
    CHECK(article.image ==
          "https://images.weserv.nl?url=www.voanews.com/img/a.jpg");
    CHECK(article.body_html ==
          "<p>x</p><img "
          "src=\"https://images.weserv.nl?url=www.voanews.com/b.jpg\" />");
  }
  SECTION("no proxy, no change") {
    item.media.push_back(media(MediaImage::Kind::kContent,
                               "https://gdb.voanews.com/a.jpg", 800));
    CHECK(extracted(item).image == "https://gdb.voanews.com/a.jpg");
  }
}

// ------------------------------------------------------------- parse view

TEST_CASE("The parse view reports the lead image but keeps it in the HTML",
          "[extract][image]") {
  Item item = news_item();
  item.summary_html = "<p>Sum\nmary</p><script>x()</script>";
  item.content_html =
      "<figure><img src=\"/img/a.jpg\"><figcaption>C</figcaption></figure>"
      "<p>Text</p>";
  SECTION("from the body") {
    const ItemView view = view_item(item);
    CHECK(view.image == "https://www.voanews.com/img/a.jpg");
    CHECK(view.caption == "C");
    CHECK(view.content_html ==
          "<figure><img src=\"https://www.voanews.com/img/a.jpg\" />"
          "<figcaption>C</figcaption></figure><p>Text</p>");
    CHECK(view.summary_html == "<p>Sum mary</p>");
  }
  SECTION("from the media, preferred") {
    item.media.push_back(media(MediaImage::Kind::kContent,
                               "https://gdb.voanews.com/m.jpg", 800, "M"));
    const ItemView view = view_item(item);
    CHECK(view.image == "https://gdb.voanews.com/m.jpg");
    CHECK(view.caption == "M");
    CHECK_THAT(view.content_html,
               Contains("src=\"https://www.voanews.com/img/a.jpg\""));
  }
  SECTION("from the summary when there is no content") {
    item.content_html.clear();
    item.summary_html = "<p><img src=\"/img/s.jpg\" alt=\"S\"></p><p>t</p>";
    const ItemView view = view_item(item);
    CHECK(view.image == "https://www.voanews.com/img/s.jpg");
    CHECK(view.caption == "S");
    CHECK_THAT(view.summary_html,
               Contains("src=\"https://www.voanews.com/img/s.jpg\""));
    CHECK(view.content_html.empty());
  }
}

TEST_CASE("Items with no guid, link, title or date are told apart by content",
          "[extract]") {
  feedmark::Item a, b;
  a.summary_html = "<p>first</p>";
  b.summary_html = "<p>second</p>";
  CHECK(feedmark::item_key(a) != feedmark::item_key(b));
}

// ------------------------------------------------------------- from feeds

TEST_CASE("Each way a feed names its lead image, end to end",
          "[extract][image][media]") {
  const std::vector<Item> items = fixture_items(
      "rss20_media_group_largest.xml", "https://feeds.example.net/photo.xml");
  REQUIRE(items.size() == 7);

  SECTION("the widest image of a media:group, with the group's caption") {
    const Article article = extracted(items[0]);
    CHECK(article.image == "https://cdn.harbour.example.com/dusk-1600.jpg");
    CHECK(article.caption == "Fishing boats return at dusk");
    // The body's own image stays: it is not the one shown above it.
    CHECK(article.body_html ==
          "<p><img alt=\"inline\" "
          "src=\"https://harbour.example.com/inline/dusk-small.jpg\" />Boats "
          "come home.</p>");
  }
  SECTION("a video's thumbnail, captioned by the video's media:title") {
    const Article article = extracted(items[1]);
    CHECK(article.image == "https://cdn.harbour.example.com/crane-preview.jpg");
    CHECK(article.caption == "The new crane at work");
  }
  SECTION("an image enclosure beats the body's image, which stays") {
    const Article article = extracted(items[2]);
    CHECK(article.image == "https://cdn.harbour.example.com/nets.webp");
    CHECK(article.caption.empty());
    CHECK_THAT(article.body_html,
               Contains("https://harbour.example.com/inline/nets.jpg"));
  }
  SECTION("the body's lazy image after a pixel, taken out with its figure") {
    const Article article = extracted(items[3]);
    CHECK(article.image ==
          "https://harbour.example.com/2022/gulls/photos/gulls.jpg");
    CHECK(article.caption == "Gulls waiting for the boats");
    CHECK(article.body_html ==
          "<p>Gulls everywhere.</p><p>They know the timetable.</p>");
  }
  SECTION("an image known by its srcset, captioned by its title") {
    const Article article = extracted(items[4]);
    CHECK(article.image ==
          "https://harbour.example.com/img/lighthouse-1200.jpg");
    CHECK(article.caption == "The lighthouse at noon");
    CHECK(article.body_html == "<p>Freshly painted.</p>");
  }
  SECTION("a data-original image, captioned by its alt") {
    const Article article = extracted(items[5]);
    CHECK(article.image == "https://harbour.example.com/img/ropes.jpg");
    CHECK(article.caption == "Coiled ropes");
    CHECK(article.body_html == "<p>Ropes.</p>");
  }
  SECTION("a relative media:content, captioned by the item's description") {
    const Article article = extracted(items[6]);
    CHECK(article.image ==
          "https://harbour.example.com/2022/market/market.jpg");
    CHECK(article.caption == "Morning fish market");
  }
}

TEST_CASE("xml:base applies to every URL-bearing attribute, end to end",
          "[extract][url]") {
  const std::vector<Item> items = fixture_items(
      "atom10_xml_base_everywhere.xml", "https://feeds.example.net/a.xml");
  REQUIRE(items.size() == 2);

  SECTION("link, enclosure and media each under their own xml:base") {
    const Item& item = items[0];
    CHECK(item.link == "https://example.org/blog/2022/03/harbour.html");
    REQUIRE(item.enclosures.size() == 1);
    CHECK(item.enclosures[0].url ==
          "https://cdn.example.net/audio/harbour.mp3");
    const ItemView view = view_item(item);
    CHECK(view.image == "https://img.example.net/photos/harbour-wide.jpg");
    REQUIRE(item.media.size() == 2);
    CHECK(item.media[1].url ==
          "https://img.example.net/photos/thumbs/harbour.jpg");
  }
  SECTION("href, src, srcset and poster under the content's xml:base") {
    CHECK(view_item(items[0]).content_html ==
          "<p><a href=\"https://static.example.com/about.html\">About</a> "
          "<img srcset=\"https://static.example.com/assets/pic-2x.jpg 2x, "
          "https://static.example.com/root-3x.jpg 3x\" "
          "src=\"https://static.example.com/assets/pic.jpg\" /></p>"
          "<video src=\"https://static.example.com/assets/clip.mp4\" "
          "poster=\"https://static.example.com/assets/poster.jpg\"></video>");
  }
  SECTION("the feed's xml:base beats the item link") {
    const Article article = extracted(items[1]);
    CHECK(article.link == "https://mirror.example.net/second.html");
    CHECK(article.image == "https://example.org/blog/second.jpg");
    CHECK(article.body_html ==
          "<a href=\"https://example.org/blog/next.html\">next</a>");
  }
}

TEST_CASE("Without xml:base, URLs resolve against item link, feed link, source",
          "[extract][url]") {
  const auto body_of = [](const std::string& channel_link,
                          const std::string& item_link) {
    const std::string url = "https://feeds.example.net/mirror/feed.xml";
    std::string doc = "<rss version=\"2.0\"><channel>" + channel_link +
                      "<item>" + item_link +
                      "<description>&lt;a href=\"x.html\"&gt;x&lt;/a&gt;"
                      "</description></item></channel></rss>";
    feedmark::Result<feedmark::Feed> feed = feedmark::parse_feed(
        feedmark::Document{std::move(doc), "utf-8", url}, url);
    REQUIRE(feed.has_value());
    REQUIRE(feed->items.size() == 1);
    return extracted(feed->items[0]).body_html;
  };
  CHECK(body_of("<link>https://site.example/news/</link>",
                "<link>https://site.example/2022/story.html</link>") ==
        "<a href=\"https://site.example/2022/x.html\">x</a>");
  CHECK(body_of("<link>https://site.example/news/</link>", "") ==
        "<a href=\"https://site.example/news/x.html\">x</a>");
  CHECK(body_of("", "") ==
        "<a href=\"https://feeds.example.net/mirror/x.html\">x</a>");
}
