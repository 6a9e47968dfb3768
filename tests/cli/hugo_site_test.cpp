// The Hugo site feedmark ships (examples/hugo-site/, SPEC "Formats"), built
// by Debian's real `hugo` from an archive that `fetch --format hugo
// --save-images` wrote from a feed served on 127.0.0.1: pictures, CJK text,
// and feed text that Hugo would run as shortcodes or templates if it were
// passed on as it came. Checked on the built pages, parsed by gumbo: every
// image and link resolves in public/ (Hugo's default URLs, and uglyURLs under
// a sub-path), the text reads as the feed wrote it, nothing active appears;
// then in Chromium: every image loads and nothing calls alert().
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "feedmark/html/fragment.h"
#include "feedmark/html/page.h"
#include "http_server.h"
#include "site_support.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

// Feed text that Hugo runs if it reaches a content file as it is.
const std::string kRef = R"({{% ref "x" %}})";
const std::string kNoSuch = "{{< nosuch >}}";
const std::string kSiteTitle = "{{ .Site.Title }}";
const std::string kFigure =
    "{{% figure class=`x onfocus=alert(1) autofocus tabindex=1 y` "
    "src=`a.png` %}}";

// One item of the served feed: its title, the hostile text of its body (and,
// for the last, of a title attribute), its lead image's caption.
struct Item {
  std::string title;
  std::string hostile;
  std::string caption;
};

const std::vector<Item>& items() {
  static const std::vector<Item> all = {
      {"长城脚下的春天 " + kRef, kRef, "八达岭长城，" + kSiteTitle},
      {kNoSuch + " 在标题里", kNoSuch, "图片说明 " + kNoSuch},
      {"Site title: " + kSiteTitle, kSiteTitle, "A caption"},
      {"属性 " + kFigure, kFigure, "图：属性"},
  };
  return all;
}

/// A feed of items(), each with a lead image (media:content, captioned) and
/// an image in its body, served with the images from 127.0.0.1.
struct FeedSite {
  TestServer server;
  std::map<std::string, std::string> images;  ///< by path
  std::string feed;

  FeedSite() {
    server.routes().Get("/feed.xml",
                        [this](const auto&, httplib::Response& res) {
                          res.set_content(feed, "application/rss+xml");
                        });
    server.routes().Get(R"(/img/.*)", [this](const httplib::Request& req,
                                             httplib::Response& res) {
      const auto it = images.find(req.path);
      if (it == images.end()) {
        res.status = 404;
        return;
      }
      res.set_content(it->second, "image/png");
    });
    server.start();
    feed =
        "<?xml version=\"1.0\"?><rss version=\"2.0\" "
        "xmlns:media=\"http://search.yahoo.com/mrss/\"><channel>"
        "<title>长城新闻 " +
        xml_escaped(kRef) + "</title><link>https://news.example/</link>";
    for (std::size_t i = 0; i < items().size(); ++i) {
      const Item& item = items()[i];
      const std::string lead = fmt::format("/img/lead-{}.png", i);
      const std::string inline_image = fmt::format("/img/inline-{}.png", i);
      images[lead] = real_png(64 + 8 * i, 36, 0xC0302A + 0x1020 * i);
      images[inline_image] = real_png(24, 24 + 4 * i, 0x2A8040 + 0x10 * i);
      std::string body = fmt::format(
          "<p>北京的春天来得很晚，第{}篇。{}</p><p><img src=\"{}\" "
          "alt=\"插图\"></p>",
          i, item.hostile, server.url(inline_image));
      if (item.hostile == kFigure) {
        body += "<p title=\"" + kFigure + "\">x</p>";
      }
      feed += fmt::format(
          "<item><title>{}</title><link>https://news.example/{}</link>"
          "<guid>item-{}</guid><pubDate>Wed, 30 Mar 2022 1{}:00:00 GMT"
          "</pubDate><media:content url=\"{}\" medium=\"image\">"
          "<media:description>{}</media:description></media:content>"
          "<description><![CDATA[{}]]></description></item>",
          xml_escaped(item.title), i, i, i, server.url(lead),
          xml_escaped(item.caption), body);
    }
    feed += "</channel></rss>";
  }
};

/// The shipped skeleton copied to `site`, its content/ fetched from `feed`.
/// Returns each article's title by its id.
std::map<std::string, std::string> fetch_into_skeleton(const FeedSite& feed,
                                                       const fs::path& site) {
  fs::copy(fixture("../examples/hugo-site"), site, fs::copy_options::recursive);
  REQUIRE(fs::exists(site / "hugo.toml"));
  const RunResult fetched =
      run_feedmark({"fetch", "--format", "hugo", "--save-images",
                    "--allow-private-networks", "--retries", "0", "-a",
                    (site / "content").string(), feed.server.url("/feed.xml")},
                   {}, kEpoch);
  INFO(fetched.err);
  REQUIRE(fetched.status == 0);
  REQUIRE(lines_of(fetched.out).size() == items().size());
  std::map<std::string, std::string> titles;
  for (const std::string& rel : markdown_files(site / "content")) {
    const fs::path path(rel);
    if (path.filename().string().starts_with("_")) {
      continue;
    }
    const std::string text = read_text(site / "content" / path);
    const auto end = text.find("\n---\n");
    REQUIRE(end != std::string::npos);
    const YAML::Node front = YAML::Load(text.substr(4, end - 4));
    titles[path.parent_path().string() + "/" + path.stem().string()] =
        front["title"].as<std::string>();
  }
  REQUIRE(titles.size() == items().size());
  return titles;
}

/// The first element `tag` under `root` (whose class is `class_name`, if
/// given).
const GumboNode* find_element(const GumboNode* root, GumboTag tag,
                              std::string_view class_name = {}) {
  const GumboNode* found = nullptr;
  for_each_element(root, [&](const GumboNode* e) {
    if (!found && html::tag_of(e) == tag &&
        (class_name.empty() || html::attribute(e, "class") == class_name)) {
      found = e;
    }
  });
  return found;
}

/// `reference` (relative, or site-root) resolved against the page at URL
/// path `page` ("/feed/id/" or "/feed/id.html"): a path from the site's
/// root, or "" for another host.
std::string resolve(const std::string& page, std::string_view reference) {
  reference = reference.substr(0, reference.find_first_of("?#"));
  if (reference.find(':') != std::string_view::npos ||
      reference.starts_with("//")) {
    return {};
  }
  const std::string joined =
      reference.starts_with("/")
          ? std::string(reference)
          : page.substr(0, page.rfind('/') + 1) + std::string(reference);
  return fs::path(joined).lexically_normal().generic_string();
}

// What a shortcode such as figure, or a template, would have added.
const std::set<GumboTag> kActive = {GUMBO_TAG_SCRIPT, GUMBO_TAG_IFRAME,
                                    GUMBO_TAG_FIGURE, GUMBO_TAG_OBJECT,
                                    GUMBO_TAG_EMBED};

/// Every HTML page of a built site: its links and stylesheet resolve to
/// files, relative to the page (never site-root: the site may live under a
/// sub-path), and nothing active is in it.
void check_every_page(const fs::path& public_dir) {
  std::size_t pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(public_dir)) {
    if (e.path().extension() != ".html") {
      continue;
    }
    ++pages;
    const std::string page =
        "/" + fs::relative(e.path(), public_dir).generic_string();
    INFO("page " << page);
    const html::ParsedPage parsed(read_text(e.path()));
    for_each_element(parsed.root(), [&](const GumboNode* el) {
      const GumboTag tag = html::tag_of(el);
      INFO("element " << gumbo_normalized_tagname(tag));
      CHECK(kActive.count(tag) == 0);
      const GumboVector& attributes = el->v.element.attributes;
      for (unsigned i = 0; i < attributes.length; ++i) {
        const std::string_view name =
            static_cast<const GumboAttribute*>(attributes.data[i])->name;
        CHECK_FALSE(name.starts_with("on"));
        CHECK(name != "autofocus");
      }
      const bool link =
          tag == GUMBO_TAG_A ||
          (tag == GUMBO_TAG_LINK && html::attribute(el, "rel") == "stylesheet");
      const std::string href(html::attribute(el, "href"));
      if (!link || href.empty() || href.find("://") != std::string::npos) {
        return;
      }
      INFO("href " << href);
      CHECK_FALSE(href.starts_with("/"));
      const std::string target = resolve(page, href);
      REQUIRE_FALSE(target.empty());
      CHECK(fs::is_regular_file(file_of(public_dir, target)));
    });
  }
  CHECK(pages >= 2 + items().size());
}

/// Each article's page as `hugo` built it into `public_dir` (at
/// <feed>/<id>/index.html, or <feed>/<id>.html with `ugly` URLs): its title,
/// its text as the feed wrote it, every image a file feedmark saved.
void check_articles(const fs::path& public_dir,
                    const std::map<std::string, std::string>& titles,
                    const FeedSite& feed, bool ugly) {
  std::set<std::string> served;
  for (const auto& [path, bytes] : feed.images) {
    served.insert(bytes);
  }
  std::set<std::string> titles_seen;
  for (const auto& [id, title] : titles) {
    const std::string page = "/" + id + (ugly ? ".html" : "/");
    INFO("article page " << page << ", title " << title);
    const fs::path file = file_of(public_dir, page);
    REQUIRE(fs::is_regular_file(file));
    const html::ParsedPage parsed(read_text(file));

    const auto item =
        std::find_if(items().begin(), items().end(),
                     [&](const Item& i) { return i.title == title; });
    REQUIRE(item != items().end());
    titles_seen.insert(title);
    const GumboNode* h1 = find_element(parsed.body(), GUMBO_TAG_H1);
    REQUIRE(h1 != nullptr);
    CHECK(text_of(h1) == item->title);
    const GumboNode* head_title = find_element(parsed.head(), GUMBO_TAG_TITLE);
    REQUIRE(head_title != nullptr);
    CHECK(text_of(head_title).starts_with(item->title));
    const GumboNode* content =
        find_element(parsed.body(), GUMBO_TAG_DIV, "content");
    REQUIRE(content != nullptr);
    const std::string body_text = text_of(content);
    CHECK(body_text.find(item->hostile) != std::string::npos);
    CHECK(body_text.find(item->caption) != std::string::npos);
    CHECK(body_text.find("北京的春天来得很晚") != std::string::npos);
    if (item->hostile == kFigure) {
      bool attribute_kept = false;
      for_each_element(content, [&](const GumboNode* e) {
        attribute_kept |= html::attribute(e, "title") == kFigure;
      });
      CHECK(attribute_kept);
    }

    // The lead image once (in the body, not again from front matter), and
    // the body's own: both saved, both found from this page's URL.
    std::vector<std::string> sources;
    for_each_element(parsed.root(), [&](const GumboNode* e) {
      if (html::tag_of(e) == GUMBO_TAG_IMG) {
        sources.emplace_back(html::attribute(e, "src"));
      }
    });
    CHECK(sources.size() == 2);
    for (const std::string& src : sources) {
      INFO("img src " << src);
      CHECK_FALSE(src.starts_with("/"));
      const std::string target = resolve(page, src);
      CHECK_FALSE(target.empty());
      if (target.empty()) {
        continue;
      }
      const fs::path image = public_dir / target.substr(1);
      CHECK(fs::is_regular_file(image));
      if (fs::is_regular_file(image)) {
        CHECK(served.count(read_text(image)) == 1);
      }
    }
  }
  CHECK(titles_seen.size() == items().size());
}

TEST_CASE(
    "hugo builds the shipped site from a fetched archive: every image "
    "resolves with default and ugly URLs, feed text never runs as a shortcode",
    "[formats][hugo][site]") {
  TempDir tmp;
  FeedSite feed;
  const fs::path site = tmp / "site";
  const auto titles = fetch_into_skeleton(feed, site);

  {
    INFO("Hugo's default URLs");
    build_with_hugo(site, "public");
    check_every_page(site / "public");
    check_articles(site / "public", titles, feed, false);
    // The home lists the feed with its article count.
    const html::ParsedPage home(read_text(site / "public" / "index.html"));
    const GumboNode* list = find_element(home.body(), GUMBO_TAG_UL, "feeds");
    REQUIRE(list != nullptr);
    CHECK(text_of(list).find("长城新闻 " + kRef) != std::string::npos);
    CHECK(text_of(list).find(fmt::format("{} articles", items().size())) !=
          std::string::npos);
  }
  {
    INFO("uglyURLs = true, under a sub-path");
    write_text(tmp / "ugly.toml", "uglyURLs = true\n");
    build_with_hugo(
        site, "public-ugly",
        fmt::format("--config '{},{}' --baseURL https://archive.example/news/",
                    (site / "hugo.toml").string(),
                    (tmp / "ugly.toml").string()));
    check_every_page(site / "public-ugly");
    check_articles(site / "public-ugly", titles, feed, true);
  }
}

/// The browser's side: window.alert, confirm and prompt of every page count
/// their calls in top.__xss.
const std::string kAlertTrap =
    "<script>window.alert=window.confirm=window.prompt=function(){"
    "top.__xss=(top.__xss||0)+1}</script>";

/// A page loading `pages` in frames; once all have loaded (and a second
/// later, for focus handlers) it writes what it found into <pre id="r">.
std::string harness(const std::vector<std::string>& pages) {
  std::string frames;
  for (const std::string& page : pages) {
    frames += "<iframe src=\"" + page + "\" width=\"900\" height=\"700\">" +
              "</iframe>\n";
  }
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + kAlertTrap +
         "</head><body>\n" + frames + R"(<script>
function check() {
  var ok = true, frames = [];
  document.querySelectorAll('iframe').forEach(function (f) {
    var d = f.contentDocument, images = d ? Array.from(d.images) : [];
    var bad = images.filter(function (i) {
      return !(i.complete && i.naturalWidth > 0);
    }).map(function (i) { return i.getAttribute('src'); });
    if (!d || images.length === 0 || bad.length) ok = false;
    frames.push({page: f.getAttribute('src'), title: d ? d.title : '',
                 images: images.length, bad: bad});
  });
  var r = document.createElement('pre');
  r.id = 'r';
  r.textContent = JSON.stringify({images_ok: ok, xss: top.__xss || 0,
                                  frames: frames});
  document.body.appendChild(r);
}
window.addEventListener('load', function () {
  document.querySelectorAll('iframe').forEach(function (f) {
    f.contentWindow.focus();
  });
  setTimeout(check, 1000);
});
</script></body></html>
)";
}

TEST_CASE(
    "Chromium shows the shipped Hugo site's articles: every image loads, "
    "no feed text calls alert",
    "[formats][hugo][site][browser]") {
  TempDir tmp;
  FeedSite feed;
  const fs::path site = tmp / "site";
  const auto titles = fetch_into_skeleton(feed, site);
  build_with_hugo(site, "public");

  std::vector<std::string> pages;
  for (const auto& [id, title] : titles) {
    pages.push_back("/" + id + "/");
  }
  TestServer server;
  serve_site(server, site / "public", harness(pages), kAlertTrap);
  const nlohmann::json r =
      chromium_result(server.url("/harness.html"), tmp / "chromium", 10000, 60);
  INFO(r.dump(2));
  CHECK(r["frames"].size() == pages.size());
  for (const nlohmann::json& frame : r["frames"]) {
    CHECK_FALSE(frame["title"].get<std::string>().empty());
    CHECK(frame["images"] == 2);
  }
  CHECK(r["images_ok"] == true);
  CHECK(r["xss"] == 0);
}

}  // namespace
}  // namespace feedmark::test
