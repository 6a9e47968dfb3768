// Public cross-site scripting vectors (fixtures/xss/vectors.txt: OWASP,
// html5sec.org, PortSwigger, DOMPurify, bleach, sanitize-html, SonarSource's
// mXSS sheet, and Hugo, Markdown and Obsidian syntax) in every field a feed
// gives: title, body, the lead image's caption, attribute values, links,
// author, categories and the feed's own title. Served from 127.0.0.1,
// archived by `feedmark fetch` as seed, obsidian and hugo (into the shipped
// site, built by the real `hugo`), then read as a reader would see them:
// seed's files and Obsidian's Markdown rendered by cmark-gfm with raw HTML
// kept (as GitHub renders before its own sanitizer), Hugo's public/ pages.
// Checked on gumbo's tree of every page (nothing that runs or loads a
// document), on every body (the tree a browser builds is the one written),
// and in headless Chromium, which loads every page with alert, confirm and
// prompt trapped and reports what its own tree holds.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "markdown_roundtrip.h"  // render_gfm
#include "site_support.h"
#include "test_support.h"
#include "written_tree.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

constexpr std::size_t kVectorsPerItem = 1;  // each alone: none hides another
constexpr std::size_t kItemsPerFeed = 40;   // under Hugo's 100 a page

/// A line of vectors.txt: "\n", "\t", "\r" and "\\" unescaped.
std::string unescaped(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char next = i + 1 < line.size() ? line[i + 1] : '\0';
    if (line[i] == '\\' &&
        std::string_view("ntr\\").find(next) != std::string_view::npos) {
      out += next == 'n'   ? '\n'
             : next == 't' ? '\t'
             : next == 'r' ? '\r'
                           : '\\';
      ++i;
    } else {
      out += line[i];
    }
  }
  return out;
}

const std::vector<std::string>& vectors() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out;
    for (const std::string& line :
         lines_of(read_text(fixture("xss/vectors.txt")))) {
      if (!line.empty() && !line.starts_with(";;")) {
        out.push_back(unescaped(line));
      }
    }
    return out;
  }();
  return all;
}

/// A vector as a quoted attribute value: its entities are the HTML
/// parser's to decode, only `"` cannot end the value.
std::string quoted(const std::string& vector) {
  std::string out;
  for (char c : vector) {
    out += c == '"' ? std::string("&quot;") : std::string(1, c);
  }
  return out;
}

/// The items of the feeds: each holds kVectorsPerItem vectors.
struct Item {
  std::size_t index = 0;
  std::vector<std::size_t> vectors;
};

std::vector<Item> items() {
  std::vector<Item> out;
  for (std::size_t v = 0; v < vectors().size(); v += kVectorsPerItem) {
    Item item{out.size(), {}};
    for (std::size_t k = v; k < std::min(v + kVectorsPerItem, vectors().size());
         ++k) {
      item.vectors.push_back(k);
    }
    out.push_back(item);
  }
  return out;
}

/// Every vector in every place of an item; the lead image's caption comes
/// in turn from media:description, a <figcaption> and an <img title>.
std::string item_xml(const Item& item, const std::string& image_url) {
  std::string title, categories, body, raw, media;
  const std::string& first = vectors()[item.vectors.front()];
  const std::string lead = fmt::format("{}/lead-{}.png", image_url, item.index);
  const std::string inline_image =
      fmt::format("{}/in-{}.png", image_url, item.index);
  for (const std::size_t k : item.vectors) {
    const std::string& v = vectors()[k];
    const std::string q = quoted(v);
    title += (title.empty() ? "" : " ") + v;
    categories += "<category>" + xml_escaped(v) + "</category>";
    body += "<p title=\"" + q + "\" class=\"" + q + "\">x</p><p><a href=\"" +
            q + "\">x</a></p>";
    switch (item.index % 3) {
      case 0:
        media = "<media:content url=\"" + lead +
                "\" medium=\"image\"><media:description>" + xml_escaped(v) +
                "</media:description></media:content>";
        raw += "<figure><img src=\"" + inline_image + "\" alt=\"" + q +
               "\" title=\"" + q + "\"><figcaption>" + v +
               "</figcaption></figure>";
        break;
      case 1:
        body += "<figure><img src=\"" + lead + "\" alt=\"" + q + "\" title=\"" +
                q + "\"><figcaption>" + v + "</figcaption></figure>";
        break;
      default:
        body += "<p><img src=\"" + lead + "\" alt=\"" + q + "\" title=\"" + q +
                "\"></p><p><img src=\"" + inline_image + "\" alt=\"" + q +
                "\"></p>";
    }
    // What a vector may swallow comes last.
    raw += "<div>" + v + "</div><div title=\"" + v + "\">y</div>";
  }
  const std::string html =
      fmt::format("<p>Item {}</p>{}{}", item.index, body, raw);
  return fmt::format(
      "<item><title>{}</title><link>{}</link><guid>xss-{}</guid>"
      "<pubDate>Wed, 30 Mar 2022 {:02}:{:02}:00 GMT</pubDate>"
      "<dc:creator>{}</dc:creator>{}{}<description>{}</description></item>",
      xml_escaped(title), xml_escaped(first), item.index, item.index / 60 % 24,
      item.index % 60, xml_escaped(first), categories, media,
      xml_escaped(html));
}

/// The feeds of items(), kItemsPerFeed items each, each titled with a
/// vector, and their images (real PNGs), served from 127.0.0.1.
struct XssFeeds {
  TestServer server;
  std::vector<std::string> feeds;
  std::string png = real_png(8, 8, 0x3060C0);

  XssFeeds() {
    server.routes().Get(
        R"(/feed-(\d+)\.xml)",
        [this](const httplib::Request& req, httplib::Response& res) {
          res.set_content(feeds.at(std::stoul(req.matches[1].str())),
                          "application/rss+xml");
        });
    server.routes().Get(R"(/img/.*\.png)",
                        [this](const auto&, httplib::Response& res) {
                          res.set_content(png, "image/png");
                        });
    server.start();
    const std::vector<Item> all = items();
    for (std::size_t start = 0; start < all.size(); start += kItemsPerFeed) {
      const std::size_t n = feeds.size();
      std::string feed = fmt::format(
          "<?xml version=\"1.0\"?><rss version=\"2.0\" "
          "xmlns:media=\"http://search.yahoo.com/mrss/\" "
          "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
          "<title>Feed {} {}</title><link>{}</link>",
          n, xml_escaped(vectors()[n * 7 % vectors().size()]), server.url("/"));
      for (std::size_t i = start;
           i < std::min(start + kItemsPerFeed, all.size()); ++i) {
        feed += item_xml(all[i], server.url("/img"));
      }
      feeds.push_back(feed + "</channel></rss>");
    }
  }

  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < feeds.size(); ++i) {
      out.push_back(server.url(fmt::format("/feed-{}.xml", i)));
    }
    return out;
  }
};

/// The vectors behind each article file's id ("<16 hex>"), from
/// `feedmark parse`.
struct VectorsOf {
  std::map<std::string, std::vector<std::size_t>> article;
  std::vector<std::size_t> of(const std::string& id) const {
    const auto it = article.find(id);
    return it == article.end() ? std::vector<std::size_t>{} : it->second;
  }
};

VectorsOf vectors_by_id(const XssFeeds& feeds) {
  std::vector<std::string> args = {"parse"};
  for (const std::string& url : feeds.urls()) {
    args.push_back(url);
  }
  const RunResult parsed = run_feedmark(args);
  INFO(parsed.err);
  REQUIRE(parsed.status == 0);
  const std::vector<Item> all = items();
  VectorsOf out;
  for (const std::string& line : lines_of(parsed.out)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j["type"] == "item") {
      const std::string guid = j["guid"].get<std::string>();
      out.article[j["id"].get<std::string>()] =
          all.at(std::stoul(guid.substr(4))).vectors;
    }
  }
  REQUIRE(out.article.size() == all.size());
  return out;
}

void fetch(const XssFeeds& feeds, const std::string& format,
           const fs::path& archive, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"fetch", "--format",       format,      "-q",
                                   "-a",    archive.string(), "--retries", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  for (const std::string& url : feeds.urls()) {
    args.push_back(url);
  }
  const RunResult run = run_feedmark(args, {}, kEpoch);
  INFO(format << ": " << run.err);
  REQUIRE(run.status == 0);
  REQUIRE(lines_of(run.out).size() == items().size());
}

// --- The HTML of each article, as each format wrote it -------------------

/// The body of seed's last line (and Hugo's line after the front matter):
/// the header (date, lead image, caption: SPEC "The article file") taken
/// off. Every item here has a date, so the line is never wrapped.
std::string body_of(std::string_view line) {
  REQUIRE(line.starts_with("<div><i>"));
  line.remove_prefix(line.find("</i></div>") + 10);
  if (line.starts_with("<img src=\"")) {
    const std::string_view end = "\" width=\"100%\">";
    line.remove_prefix(line.find(end) + end.size());
  }
  if (line.starts_with("<div><small style=\"color: #999;\">")) {
    line.remove_prefix(line.find("</small></div>") + 14);
  }
  return std::string(line);
}

/// cmark-gfm's HTML with each HTML void element's start tag written
/// "<br />", as tree_difference reads it: found by gumbo, which gives each
/// tag's place in the source (no regex over HTML). Markdown keeps what it
/// cannot say as HTML, and the writer need not close a <source> there.
std::string with_void_tags_closed(const std::string& html) {
  static const std::set<GumboTag> kVoid = {
      GUMBO_TAG_AREA, GUMBO_TAG_BR,    GUMBO_TAG_COL,    GUMBO_TAG_EMBED,
      GUMBO_TAG_HR,   GUMBO_TAG_IMG,   GUMBO_TAG_INPUT,  GUMBO_TAG_LINK,
      GUMBO_TAG_META, GUMBO_TAG_PARAM, GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK,
      GUMBO_TAG_WBR};
  std::vector<std::size_t> ends;  // offsets of the ">" to close
  GumboOutput* out =
      gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  for_each_element(out->root, [&](const GumboNode* e) {
    const GumboStringPiece& tag = e->v.element.original_tag;
    if (e->v.element.tag_namespace == GUMBO_NAMESPACE_HTML &&
        kVoid.count(e->v.element.tag) != 0 && tag.length > 2 &&
        tag.data[1] != '/' && tag.data[tag.length - 2] != '/') {
      ends.push_back(static_cast<std::size_t>(tag.data - html.data()) +
                     tag.length - 1);
    }
  });
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  std::sort(ends.rbegin(), ends.rend());
  std::string closed = html;
  for (const std::size_t at : ends) {
    closed.insert(at, " /");
  }
  return closed;
}

/// A page of rendered Markdown, as a viewer shows it.
std::string page_of(const std::string& title, const std::string& rendered) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" +
         xml_escaped(title) + "</title></head><body>\n" + rendered +
         "\n</body></html>\n";
}

/// A page the browser loads: its path on the test server, and the vectors
/// it shows.
struct Page {
  std::string path;
  std::vector<std::size_t> vectors;
};

std::string describe(const std::vector<std::size_t>& shown) {
  std::string out;
  for (const std::size_t k : shown) {
    out += fmt::format("\n  vector {}: {}", k, vectors()[k]);
  }
  return out;
}

/// Checks the tree of one page (`file`, named `label`).
void check_page(const std::string& label, const std::string& file,
                const std::vector<std::size_t>& shown) {
  REQUIRE_FALSE(file.empty());
  INFO("page " << label << describe(shown));
  for (const std::string& what : active_content(file)) {
    FAIL_CHECK("active: " << what);
  }
}

/// The vectors of the feed whose folder is `feed_id`.
std::vector<std::size_t> feed_vectors(const VectorsOf& by_id,
                                      const fs::path& archive,
                                      const std::string& feed_id) {
  std::vector<std::size_t> out;
  for (const auto& e : fs::directory_iterator(archive / feed_id)) {
    const auto shown = by_id.of(e.path().stem().string());
    out.insert(out.end(), shown.begin(), shown.end());
  }
  return out;
}

/// Seed or Obsidian: every Markdown file of `archive` rendered and
/// checked, each article's body against its tree; then shown in pages of
/// kFilesPerPage files under www/<format>/ (a browser takes 40 ms a page
/// here; each file's HTML is a tree of its own, so they do not mix).
void markdown_pages(const std::string& format, const fs::path& archive,
                    const VectorsOf& by_id, const fs::path& www,
                    std::vector<Page>& pages) {
  constexpr std::size_t kFilesPerPage = 10;
  std::size_t articles = 0;
  std::string batch;
  Page page;
  const auto flush = [&] {
    page.path = fmt::format("/{}/{}.html", format, pages.size());
    fs::create_directories(www / format);
    write_text(file_of(www, page.path), page_of(format, batch));
    pages.push_back(page);
    batch.clear();
    page = {};
  };
  const std::vector<std::string> files = markdown_files(archive);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const fs::path path(files[i]);
    const std::string text = read_text(archive / path);
    std::vector<std::size_t> shown = by_id.of(path.stem().string());
    std::string rendered;
    if (!shown.empty()) {
      ++articles;
      std::string body_html;
      if (format == "seed") {
        rendered = render_gfm(text);
        body_html = body_of(lines_of(text).at(4));
      } else {
        const auto end = text.find("\n---\n");
        REQUIRE(end != std::string::npos);
        rendered = render_gfm(text.substr(end + 5));
        body_html = with_void_tags_closed(rendered);
      }
      INFO(format << " article " << files[i] << describe(shown)
                  << "\nbody: " << body_html);
      CHECK(tree_difference(body_html) == "");
      CHECK(body_html.find("<p>Item ") != std::string::npos);
    } else {
      rendered = render_gfm(text);
      shown = path.has_parent_path()
                  ? feed_vectors(by_id, archive, path.begin()->string())
                  : std::vector<std::size_t>{};
    }
    check_page(format + " " + files[i], page_of(files[i], rendered), shown);
    batch += "<section data-file=\"" + xml_escaped(files[i]) + "\">\n" +
             rendered + "</section>\n";
    page.vectors.insert(page.vectors.end(), shown.begin(), shown.end());
    if ((i + 1) % kFilesPerPage == 0 || i + 1 == files.size()) {
      flush();
    }
  }
  CHECK(articles == items().size());
}

/// Hugo: the content files' bodies checked against their trees, then
/// every page of public/ (copied to www/hugo/).
void hugo_pages(const fs::path& site, const VectorsOf& by_id,
                const fs::path& www, std::vector<Page>& pages) {
  std::size_t articles = 0;
  for (const std::string& rel : markdown_files(site / "content")) {
    const fs::path path(rel);
    if (by_id.of(path.stem().string()).empty()) {
      continue;
    }
    ++articles;
    const std::string text = read_text(site / "content" / path);
    const auto end = text.find("\n---\n");
    REQUIRE(end != std::string::npos);
    const std::string body_html = body_of(lines_of(text.substr(end + 5)).at(0));
    INFO("hugo article " << rel << describe(by_id.of(path.stem().string()))
                         << "\nbody: " << body_html);
    CHECK(tree_difference(body_html) == "");
    CHECK(body_html.find("<p>Item ") != std::string::npos);
  }
  CHECK(articles == items().size());

  fs::create_directories(www);
  fs::copy(site / "public", www / "hugo", fs::copy_options::recursive);
  std::size_t article_pages = 0;
  for (const auto& e : fs::recursive_directory_iterator(www / "hugo")) {
    if (e.path().extension() != ".html") {
      continue;
    }
    const fs::path rel = fs::relative(e.path().parent_path(), www / "hugo");
    const std::string folder = rel == "." ? "" : rel.generic_string() + "/";
    std::vector<std::size_t> shown;
    if (rel.has_parent_path()) {  // <feed>/<id>/
      shown = by_id.of(rel.filename().string());
      article_pages += shown.empty() ? 0 : 1;
    } else if (!folder.empty()) {  // <feed>/
      shown = feed_vectors(by_id, site / "content", folder.substr(0, 16));
    }
    if (folder.ends_with("/page/1/")) {
      // Hugo's alias of a feed's first page: a redirect of its own making.
      CHECK(active_content(read_text(e.path())) ==
            std::vector<std::string>{"<link rel=\"canonical\">",
                                     "<meta http-equiv>"});
      continue;
    }
    const std::string name = e.path().filename().string();
    const std::string path =
        "/hugo/" + folder + (name == "index.html" ? "" : name);
    check_page(path, read_text(e.path()), shown);
    pages.push_back({path, shown});
  }
  CHECK(article_pages == items().size());
}

// --- The browser ----------------------------------------------------------

/// First in every page served: alert, confirm, prompt (and print, open)
/// record the page that called them in top.__xss.
const std::string kTrap =
    "<script id=\"__trap\">(function(){var w=window,p=location.pathname;"
    "function t(){try{(top.__xss=top.__xss||[]).push(p)}catch(e){}"
    "return null}w.__trapped=1;w.alert=w.confirm=w.prompt=w.print=w.open=t;"
    "})()</script>";

/// The harness page: fixtures/xss/harness.js over `pages`.
std::string harness(const std::vector<std::string>& pages) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + kTrap +
         "</head><body><div id=\"box\"></div><script>\nvar pages = " +
         nlohmann::json(pages).dump() + ";\n" +
         read_text(fixture("xss/harness.js")) + "</script></body></html>\n";
}

/// A page the test writes with handlers that do run: the trap must see it.
const std::string kControl =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>control"
    "</title></head><body><img src=\"/nothing.png\" onerror=\"alert(1)\">"
    "<svg onload=\"confirm(1)\"></svg><input autofocus "
    "onfocus=\"prompt(1)\"></body></html>\n";

TEST_CASE("The XSS page check finds what could run in a page",
          "[xss][formats]") {
  CHECK(active_content(page_of("t",
                               "<p title=\"&lt;script&gt;\">"
                               "javascript:alert(1)</p><a href=\"https:"
                               "//x.example/\">x</a><img src=\"data.png"
                               "\" alt=\"data:x\">"))
            .empty());
  for (const char* html :
       {"<img src=x onerror=alert(1)>", "<svg><script>alert(1)</script>",
        "<a href=\" jav&#x09;ascript:alert(1)\">x</a>",
        "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
        "<img srcset=\"a.png 1x, data:text/html,x 2x\">",
        "<form><button formaction=\"https://x.example/\">x</button></form>",
        "<iframe srcdoc=\"x\"></iframe>", "<meta http-equiv=refresh>",
        "<base href=\"https://x.example/\">", "<object></object>", "<embed>",
        "<p style=\"background:url(x)\">x</p>",
        "<svg><animate attributeName=\"href\" values=\"0;javascript:x\"/>",
        "<template><img src=x onerror=alert(1)></template>",
        "<xss onfocus=alert(1)>"}) {
    INFO(html);
    CHECK_FALSE(active_content(page_of("t", html)).empty());
  }
}

TEST_CASE(
    "Public XSS vectors in every field, archived as seed, obsidian and hugo: "
    "nothing that runs in any page, every body parses as written, Hugo "
    "builds, Chromium calls no handler",
    "[xss][formats][hugo][browser]") {
  REQUIRE(vectors().size() >= 150);
  CHECK(std::set<std::string>(vectors().begin(), vectors().end()).size() ==
        vectors().size());
  TempDir tmp;
  XssFeeds feeds;
  const VectorsOf by_id = vectors_by_id(feeds);
  const fs::path www = tmp / "www";
  std::vector<Page> pages;

  fetch(feeds, "seed", tmp / "seed");
  markdown_pages("seed", tmp / "seed", by_id, www, pages);
  fetch(feeds, "obsidian", tmp / "obsidian");
  markdown_pages("obsidian", tmp / "obsidian", by_id, www, pages);

  const fs::path site = tmp / "site";
  fs::copy(fixture("../examples/hugo-site"), site, fs::copy_options::recursive);
  fetch(feeds, "hugo", site / "content",
        {"--save-images", "--allow-private-networks"});
  build_with_hugo(site, "public");
  hugo_pages(site, by_id, www, pages);
  CHECK(pages.size() >= items().size() + 2 * items().size() / 10);

  write_text(www / "control.html", kControl);
  REQUIRE(read_text(www / "control.html") == kControl);
  std::vector<std::string> paths = {"/control.html"};
  std::map<std::string, std::vector<std::size_t>> shown;
  for (const Page& page : pages) {
    paths.push_back(page.path);
    shown[page.path] = page.vectors;
  }
  TestServer server;
  serve_site(server, www, harness(paths), kTrap);
  const nlohmann::json r = chromium_result(
      server.url("/harness.html"), tmp / "chromium", 600000, 100,
      "--window-size=1600,1800 --autoplay-policy=no-user-gesture-required "
      "--host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'");
  CHECK(r["checked"] == paths.size());

  // The control page's handlers ran and were seen, in the trap and the tree.
  std::map<std::string, int> calls;
  for (const nlohmann::json& page : r["xss"]) {
    ++calls[page.get<std::string>()];
  }
  CHECK(calls["/control.html"] >= 2);
  bool control_seen = false;
  for (const nlohmann::json& problem : r["problems"]) {
    const std::string page = problem["page"].get<std::string>();
    if (page == "/control.html") {
      control_seen = problem.contains("live");
      continue;
    }
    INFO("page " << page << describe(shown[page]));
    FAIL_CHECK("in Chromium: " << problem.dump());
  }
  CHECK(control_seen);
  for (const auto& [page, n] : calls) {
    if (page != "/control.html") {
      INFO("page " << page << describe(shown[page]));
      FAIL_CHECK(n << " alert, confirm or prompt calls");
    }
  }
}

}  // namespace
}  // namespace feedmark::test
