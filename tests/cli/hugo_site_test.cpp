// The Hugo site feedmark ships (examples/hugo-site/, SPEC "Formats"), built
// by Debian's real `hugo` from an archive that `fetch --format hugo
// --save-images` wrote from a feed served on 127.0.0.1: pictures, CJK text,
// and feed text that Hugo would run as shortcodes or templates if it were
// passed on as it came. Checked on the built pages, parsed by gumbo: every
// image and link resolves in public/ (Hugo's default URLs, and uglyURLs under
// a sub-path), the text reads as the feed wrote it, nothing active appears;
// then in Chromium: every image loads and nothing calls alert().
#include <fmt/format.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "feedmark/html/fragment.h"
#include "feedmark/html/page.h"
#include "feedmark/html/text.h"  // append_html_escaped
#include "http_server.h"
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

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((v >> shift) & 0xff);
  }
}

void put_chunk(std::string& png, const std::string& type,
               const std::string& data) {
  put_u32(png, static_cast<std::uint32_t>(data.size()));
  const std::string typed = type + data;
  png += typed;
  put_u32(png, static_cast<std::uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(typed.data()),
                         static_cast<uInt>(typed.size()))));
}

/// A valid PNG a browser decodes: `width` × `height` pixels of one colour.
std::string real_png(std::uint32_t width, std::uint32_t height,
                     std::uint32_t rgb) {
  std::string raw;
  for (std::uint32_t y = 0; y < height; ++y) {
    raw += '\0';  // filter: none
    for (std::uint32_t x = 0; x < width; ++x) {
      raw += static_cast<char>(rgb >> 16);
      raw += static_cast<char>((rgb >> 8) & 0xff);
      raw += static_cast<char>(rgb & 0xff);
    }
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string deflated(size, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(deflated.data()), &size,
                    reinterpret_cast<const Bytef*>(raw.data()),
                    static_cast<uLong>(raw.size()), 9) == Z_OK);
  deflated.resize(size);
  std::string header;
  put_u32(header, width);
  put_u32(header, height);
  header += std::string("\x08\x02\0\0\0", 5);  // 8-bit RGB
  std::string png("\x89PNG\r\n\x1A\n", 8);
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", deflated);
  put_chunk(png, "IEND", "");
  return png;
}

std::string xml_escaped(const std::string& text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
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

bool installed(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) ==
         0;
}

/// Runs a shell command with its output in `log`; its exit status.
int run_logged(const std::string& command, const fs::path& log) {
  const int status =
      std::system(fmt::format("{} > '{}' 2>&1", command, log.string()).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

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

/// Builds `site` with the real hugo into `site/<out>`; `extra` is more
/// flags. Fails on a non-zero exit or any line naming an ERROR.
void build_with_hugo(const fs::path& site, const std::string& out,
                     const std::string& extra = {}) {
  if (!installed("hugo")) {
    FAIL("hugo is not installed (scripts/install-deps.sh installs it)");
  }
  const fs::path log = site.parent_path() / (out + ".log");
  const int status = run_logged(
      fmt::format("hugo -s '{}' -d '{}' --cacheDir '{}' {}", site.string(),
                  (site / out).string(),
                  (site.parent_path() / "hugo-cache").string(), extra),
      log);
  const std::string output = read_text(log);
  INFO("hugo said:\n" << output);
  REQUIRE(status == 0);
  for (const std::string& line : lines_of(output)) {
    CHECK(line.find("ERROR") == std::string::npos);
  }
}

// Walks every element under `node`.
void for_each_element(const GumboNode* node,
                      const std::function<void(const GumboNode*)>& visit) {
  if (!html::is_element(node)) {
    return;
  }
  visit(node);
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    for_each_element(html::child(children, i), visit);
  }
}

/// Every text node under `node`, as gumbo decoded it.
void append_all_text(std::string& out, const GumboNode* node) {
  if (html::is_text(node)) {
    out += node->v.text.text;
  } else if (html::is_element(node)) {
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      append_all_text(out, html::child(children, i));
    }
  }
}

/// The text of `node` (no policy: <title> too), without spaces at its ends.
std::string text_of(const GumboNode* node) {
  std::string text;
  append_all_text(text, node);
  const std::size_t start = text.find_first_not_of(" \t\n");
  return start == std::string::npos
             ? std::string()
             : text.substr(start, text.find_last_not_of(" \t\n") + 1 - start);
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

/// The file a site path names in `public_dir`; a folder's is its index.html.
fs::path file_of(const fs::path& public_dir, const std::string& site_path) {
  fs::path file = public_dir / site_path.substr(1);
  if (site_path.ends_with('/') || fs::is_directory(file)) {
    file /= "index.html";
  }
  return file;
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

/// Serves `public_dir` as a web server would, kAlertTrap first in every
/// HTML page, and harness.html.
void serve_site(TestServer& server, const fs::path& public_dir,
                const std::string& harness_page) {
  server.routes().Get(
      R"(/.*)", [public_dir, harness_page](const httplib::Request& req,
                                           httplib::Response& res) {
        if (req.path == "/harness.html") {
          res.set_content(harness_page, "text/html; charset=utf-8");
          return;
        }
        const fs::path file = file_of(public_dir, req.path);
        if (req.path.find("..") != std::string::npos ||
            !fs::is_regular_file(file)) {
          res.status = 404;
          res.set_content("not found", "text/plain");
          return;
        }
        std::string body = read_text(file);
        const std::string ext = file.extension().string();
        if (ext == ".html") {
          const std::string doctype = "<!DOCTYPE html>";
          const std::size_t at = body.starts_with(doctype) ? doctype.size() : 0;
          body.insert(at, kAlertTrap);
          res.set_content(body, "text/html; charset=utf-8");
        } else {
          res.set_content(body, ext == ".css"   ? "text/css"
                                : ext == ".png" ? "image/png"
                                                : "application/octet-stream");
        }
      });
  server.start();
}

TEST_CASE(
    "Chromium shows the shipped Hugo site's articles: every image loads, "
    "no feed text calls alert",
    "[formats][hugo][site][browser]") {
  const std::string chromium = installed("chromium") ? "chromium"
                               : installed("chromium-browser")
                                   ? "chromium-browser"
                                   : "";
  if (chromium.empty()) {
    FAIL("chromium is not installed (scripts/install-deps.sh installs it)");
  }
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
  serve_site(server, site / "public", harness(pages));
  const fs::path log = tmp / "chromium.log";
  const fs::path dom = tmp / "dom.html";
  const int status = std::system(
      fmt::format("timeout 60 {} --headless=new --no-sandbox --disable-gpu "
                  "--no-first-run --no-default-browser-check "
                  "--disable-extensions --user-data-dir='{}' --dump-dom "
                  "--virtual-time-budget=10000 '{}' > '{}' 2> '{}'",
                  chromium, (tmp / "profile").string(),
                  server.url("/harness.html"), dom.string(), log.string())
          .c_str());
  INFO("chromium's stderr:\n" << read_text(log));
  REQUIRE(status == 0);

  const html::ParsedPage parsed(read_text(dom));
  const GumboNode* result = nullptr;
  for_each_element(parsed.root(), [&](const GumboNode* e) {
    if (html::attribute(e, "id") == "r") {
      result = e;
    }
  });
  INFO("dumped DOM:\n" << read_text(dom));
  REQUIRE(result != nullptr);
  const nlohmann::json r = nlohmann::json::parse(text_of(result));
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
