// libFuzzer target: one fetched document through decode -> parse -> extract
// -> render, as `feedmark fetch` and `feedmark parse` run it, and the same
// bytes as a web page through the full-text extractor, without touching
// the file system. Every result is checked against the SPEC's
// promises; a broken promise aborts with the reason on stderr.
//
// Input: the document's bytes, then one configuration byte (the last byte,
// XOR '\n', so a file ending in a newline runs with the defaults and the
// fixtures are fuzzed as they are):
//   bits 0-3  the HTTP Content-Type and a feed list's encoding= (kCharsets)
//   bits 4-5  the --tz zone (kZones)
//   bit 6     a source URL (base of relative links) or none, as for a file
//   bit 7     an --image-proxy template or none

#include <cmark-gfm.h>
#include <gumbo.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmark_escapes.h"
#include "feedmark/decode/decode.h"
#include "feedmark/extract/extract.h"
#include "feedmark/extract/page.h"
#include "feedmark/fetch/fetch.h"
#include "feedmark/html/fragment.h"
#include "feedmark/parse/parse.h"
#include "feedmark/util/error.h"
#include "feedmark/util/sha256.h"
#include "feedmark/write/format.h"
#include "feedmark/write/front_matter.h"
#include "feedmark/write/markdown.h"
#include "feedmark/write/write.h"
#include "markdown_roundtrip.h"

namespace {

using feedmark::Article;
using feedmark::Feed;
using feedmark::Item;

struct CharsetCase {
  const char* content_type;
  const char* forced;  ///< a feed list's encoding=
};

constexpr std::array<CharsetCase, 16> kCharsets = {{
    {"", ""},
    {"application/rss+xml", ""},
    {"text/xml; charset=utf-8", ""},
    {"text/html; charset=gb2312", ""},
    {"application/atom+xml; charset=\"ISO-8859-1\"", ""},
    {"text/xml;charset=utf-16", ""},
    {"text/xml; charset=UTF-16BE", ""},
    {"application/xml; charset=shift_jis", ""},
    {"text/plain; charset=big5", ""},
    {"text/xml; Charset=EUC-KR; format=flowed", ""},
    {"text/xml; charset=koi8-r", ""},
    {"application/octet-stream; charset=no-such-label", ""},
    {"text/xml; charset=iso-2022-jp", ""},
    {"text/xml; charset=", ""},
    {"", "gbk"},
    {"text/xml; charset=utf-8", "windows-1252"},
}};

// UTC, a zone without DST, a half-hour zone with DST, a zone whose DST shift
// is half an hour.
constexpr std::array<const char*, 4> kZones = {
    "", "Asia/Shanghai", "America/St_Johns", "Australia/Lord_Howe"};

constexpr const char* kSourceUrl = "https://example.com/feeds/rss.xml";
constexpr const char* kImageProxy =
    "https://images.example.net/?url={url_noscheme}&e={url_encoded}&raw={url}";
constexpr std::int64_t kCapturedMs = 1648663143000;

struct Config {
  CharsetCase charset;
  const char* zone;
  const char* source_url;
  const char* image_proxy;
};

Config config_of(std::uint8_t byte) {
  const unsigned bits = byte ^ static_cast<unsigned>('\n');
  return {kCharsets[bits & 0x0F], kZones[(bits >> 4) & 0x03],
          (bits & 0x40) ? kSourceUrl : "", (bits & 0x80) ? kImageProxy : ""};
}

// ---------------------------------------------------------------- failing

[[noreturn]] void broken(const char* promise, std::string_view detail) {
  std::fprintf(stderr,
               "\nfeedmark fuzz: broken promise: %s\n--- offending text:\n",
               promise);
  std::fwrite(detail.data(), 1, detail.size(), stderr);
  std::fprintf(stderr, "\n---\n");
  std::abort();
}

void expect(bool ok, const char* promise, std::string_view detail) {
  if (!ok) {
    broken(promise, detail);
  }
}

// The input being run, for reports of fidelity (not safety) findings.
std::string_view g_input;

// A Markdown body that does not round-trip exactly is a fidelity finding,
// not a safety one (nothing crashes, nothing unsafe is written): the input
// is saved to $FEEDMARK_FUZZ_REPORTS/markdown-<hash> for a person to look
// at and the run goes on; FEEDMARK_FUZZ_STRICT=1 aborts instead, as for
// broken promises. scripts/fuzz.sh counts the reports.
void expect_fidelity(bool ok, const char* promise, std::string_view detail) {
  if (ok) {
    return;
  }
  const char* strict = std::getenv("FEEDMARK_FUZZ_STRICT");
  if (strict != nullptr && std::string_view(strict) == "1") {
    broken(promise, detail);
  }
  const char* folder = std::getenv("FEEDMARK_FUZZ_REPORTS");
  if (folder == nullptr) {
    return;
  }
  const std::string path =
      std::string(folder) + "/markdown-" + feedmark::short_hash(g_input);
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(g_input.data(), 1, g_input.size(), f);
    std::fclose(f);
  }
}

// ---------------------------------------------------------------- text

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > s.size()) {
      return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

void expect_utf8(std::string_view s, const char* field) {
  expect(valid_utf8(s), field, s);
}

void expect_one_line(std::string_view s, const char* promise) {
  expect(s.find_first_of("\n\r") == std::string_view::npos, promise, s);
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// Schemes are case-insensitive: a link kept as "MailTo:" is still mailto.
bool starts_with_web_scheme(std::string_view url, bool allow_mailto) {
  const std::string head = lowercase(url.substr(0, 8));
  return head.starts_with("http://") || head.starts_with("https://") ||
         (allow_mailto && head.starts_with("mailto:"));
}

// SPEC "link: absolute, normalized ... so the Markdown link destination needs
// no escaping"; README lists what is percent-encoded.
void expect_markdown_safe_link(std::string_view link) {
  if (link.empty()) {
    return;
  }
  expect(starts_with_web_scheme(link, true),
         "a link is an absolute http(s) or mailto URL", link);
  for (const char c : link) {
    const auto u = static_cast<unsigned char>(c);
    expect(
        u > 0x20 && u < 0x7F &&
            std::string_view("()<>\"\\`{}|^").find(c) == std::string_view::npos,
        "a link needs no escaping as a Markdown destination", link);
  }
}

// ---------------------------------------------------------------- HTML

// What the sanitizer must never let through, whatever else it allows
// (README "Sanitizing": feedparser's allowlist, SVG and MathML included,
// with the SPEC's stricter rules).
constexpr std::array<std::string_view, 9> kForbiddenMarkup = {
    "<script", "<style", "<iframe", "<object", "<embed",
    "<form",   "<input", "<base",   "<!--"};

constexpr std::array<GumboTag, 22> kForbiddenTags = {
    GUMBO_TAG_SCRIPT,    GUMBO_TAG_STYLE,    GUMBO_TAG_IFRAME, GUMBO_TAG_FRAME,
    GUMBO_TAG_FRAMESET,  GUMBO_TAG_OBJECT,   GUMBO_TAG_EMBED,  GUMBO_TAG_APPLET,
    GUMBO_TAG_FORM,      GUMBO_TAG_INPUT,    GUMBO_TAG_BUTTON, GUMBO_TAG_SELECT,
    GUMBO_TAG_TEXTAREA,  GUMBO_TAG_OPTION,   GUMBO_TAG_BASE,   GUMBO_TAG_META,
    GUMBO_TAG_LINK,      GUMBO_TAG_TEMPLATE, GUMBO_TAG_TITLE,  GUMBO_TAG_XMP,
    GUMBO_TAG_PLAINTEXT, GUMBO_TAG_NOEMBED};

// SVG elements that run or load something wherever they are. (A
// foreignObject's content is HTML, and checked as such.)
constexpr std::array<std::string_view, 6> kForbiddenForeign = {
    "script", "style", "iframe", "image", "handler", "listener"};

constexpr std::array<std::string_view, 12> kUrlAttributes = {
    "href", "src",    "poster", "cite",     "background", "action",
    "data", "dynsrc", "lowsrc", "longdesc", "xlink:href", "icon"};

constexpr std::array<std::string_view, 3> kForbiddenAttributes = {
    "srcdoc", "formaction", "xlink:actuate"};

// What a style value may never hold (README: such a declaration, or the
// whole style, goes).
constexpr std::array<std::string_view, 8> kForbiddenCss = {
    "url(",    "expression", "javascript", "behavior",
    "binding", "\\",         "@import",    "/*"};

struct HtmlRules {
  std::string_view what;              ///< names the field in messages
  bool header_style_allowed = false;  ///< the article header's caption style
};

void expect_safe_url_attribute(std::string_view name, std::string_view value,
                               bool foreign, std::string_view html) {
  const bool link = name == "href" || name == "xlink:href";
  expect(value.empty() || (foreign && value.starts_with('#')) ||
             starts_with_web_scheme(value, link),
         "URL attributes are absolute http(s) (mailto: for links)", html);
}

void expect_safe_srcset(std::string_view srcset, std::string_view html) {
  // Written as "URL descriptor, URL descriptor"; a normalized URL holds no
  // space, so ", " separates candidates.
  std::size_t start = 0;
  while (start <= srcset.size()) {
    const std::size_t end = std::min(srcset.find(", ", start), srcset.size());
    const std::string_view candidate = srcset.substr(start, end - start);
    expect(starts_with_web_scheme(candidate, false),
           "srcset candidates are absolute http(s)", html);
    start = end + 2;
  }
}

void expect_safe_style(std::string_view value, std::string_view html) {
  const std::string css = lowercase(value);
  for (std::string_view bad : kForbiddenCss) {
    expect(css.find(bad) == std::string::npos,
           "a style holds no url(), expression, binding or escape", html);
  }
}

// <animate attributeName="href" to="javascript:..."> turns a link into a
// script; only presentation attributes may be animated.
void expect_safe_animation(const GumboElement& e, std::string_view html) {
  for (unsigned i = 0; i < e.attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
    if (lowercase(a->name) == "attributename") {
      const std::string target = lowercase(a->value);
      expect(target.find("href") == std::string::npos &&
                 !target.starts_with("on") && target != "style",
             "an animation changes no link, handler or style", html);
    }
  }
}

bool is_animation(std::string_view name) {
  return name == "animate" || name == "set" || name == "animatemotion" ||
         name == "animatecolor" || name == "animatetransform";
}

// An SVG or MathML element's name in lower case, as written.
std::string foreign_tag_name(const GumboElement& e) {
  if (e.tag != GUMBO_TAG_UNKNOWN) {
    return lowercase(gumbo_normalized_tagname(e.tag));
  }
  GumboStringPiece name = e.original_tag;
  if (name.data == nullptr || name.length == 0) {
    return {};
  }
  gumbo_tag_from_original_text(&name);
  return lowercase(std::string_view(name.data, name.length));
}

void expect_safe_attributes(const GumboElement& e, const HtmlRules& rules,
                            std::string_view html) {
  const bool foreign = e.tag_namespace != GUMBO_NAMESPACE_HTML;
  for (unsigned i = 0; i < e.attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
    std::string name = lowercase(a->name);
    if (a->attr_namespace == GUMBO_ATTR_NAMESPACE_XLINK) {
      name = "xlink:" + name;
    }
    const std::string_view value = a->value;
    expect(!name.starts_with("on"), "no event-handler attribute survives",
           html);
    for (std::string_view bad : kForbiddenAttributes) {
      expect(name != bad, "no srcdoc/formaction attribute survives", html);
    }
    if (name == "style" &&
        !(rules.header_style_allowed && e.tag == GUMBO_TAG_SMALL &&
          value == "color: #999;")) {
      expect_safe_style(value, html);
    }
    for (std::string_view url_name : kUrlAttributes) {
      if (name == url_name) {
        expect_safe_url_attribute(name, value, foreign, html);
      }
    }
    if (name == "srcset") {
      expect_safe_srcset(value, html);
    }
  }
  if (foreign && is_animation(foreign_tag_name(e))) {
    expect_safe_animation(e, html);
  }
}

void expect_safe_tree(const GumboNode* node, const HtmlRules& rules,
                      std::string_view html, int depth) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) {
    expect(node->type != GUMBO_NODE_COMMENT, "no comment survives", html);
    return;
  }
  const GumboElement& e = node->v.element;
  if (e.tag_namespace == GUMBO_NAMESPACE_HTML) {
    for (GumboTag bad : kForbiddenTags) {
      expect(e.tag != bad, "no script/style/form/embedding element survives",
             html);
    }
  } else {
    const std::string name = foreign_tag_name(e);
    for (std::string_view bad : kForbiddenForeign) {
      expect(name != bad,
             "no SVG or MathML element that runs or loads survives", html);
    }
  }
  expect_safe_attributes(e, rules, html);
  // The sanitizer cuts nesting at 256; a browser nests what it gets.
  expect(depth < 600, "sanitized HTML nests at most a few hundred deep", html);
  for (unsigned i = 0; i < e.children.length; ++i) {
    expect_safe_tree(static_cast<const GumboNode*>(e.children.data[i]), rules,
                     html, depth + 1);
  }
}

// The HTML a browser builds from sanitized output holds nothing active:
// checked on gumbo's tree, so markup that only turns dangerous once parsed
// again is caught too.
void expect_safe_html(std::string_view html, const HtmlRules& rules) {
  expect_one_line(html, "sanitized HTML is one line");
  expect_utf8(html, "sanitized HTML is valid UTF-8");
  const std::string lower = lowercase(html);
  for (std::string_view bad : kForbiddenMarkup) {
    expect(lower.find(bad) == std::string::npos,
           "no script, style, embedding, form or comment markup survives",
           html);
  }
  if (html.empty()) {
    return;
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  options.fragment_context = GUMBO_TAG_BODY;
  GumboOutput* output =
      gumbo_parse_with_options(&options, html.data(), html.size());
  const GumboVector& roots = output->root->v.element.children;
  for (unsigned i = 0; i < roots.length; ++i) {
    expect_safe_tree(static_cast<const GumboNode*>(roots.data[i]), rules, html,
                     0);
  }
  gumbo_destroy_output(&options, output);
}

// ---------------------------------------------------------------- Markdown

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(c | 0x20);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// cmark percent-encodes some characters of an href (IPv6 brackets, say);
// comparing decoded forms ignores that.
std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
        hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string cmark_html(std::string_view markdown) {
  char* html = cmark_markdown_to_html(markdown.data(), markdown.size(),
                                      CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE);
  std::string out(html);
  std::free(html);
  return out;
}

// SPEC: "Rendered by a CommonMark renderer, the link text must equal the
// title", and the last line is one HTML block, passed through byte for byte.
void expect_commonmark_rendering(const std::string& rendered,
                                 const Article& article,
                                 std::string_view first_line,
                                 std::string_view last_line) {
  const std::string html = cmark_html(rendered);
  std::string expected_head(first_line);
  expected_head += "\n<h2><a href=\"";
  expect(html.starts_with(expected_head),
         "CommonMark reads the title line as a heading holding one link",
         rendered + "=== cmark:\n" + html);
  const std::string tail = last_line.empty()
                               ? "</a></h2>\n"
                               : "</a></h2>\n" + std::string(last_line) + "\n";
  expect(html.ends_with(tail),
         "CommonMark passes the last line through as one HTML block",
         rendered + "=== cmark:\n" + html);
  const std::size_t href_start = expected_head.size();
  const std::size_t href_end = html.find("\">", href_start);
  expect(href_end != std::string::npos &&
             href_end + 2 <= html.size() - tail.size(),
         "the title link has no title attribute",
         rendered + "=== cmark:\n" + html);
  const std::string_view href =
      std::string_view(html).substr(href_start, href_end - href_start);
  const std::string_view text = std::string_view(html).substr(
      href_end + 2, html.size() - tail.size() - href_end - 2);
  expect(text.find("<a ") == std::string_view::npos &&
             text.find("<img") == std::string_view::npos,
         "the link text holds no further link or image",
         rendered + "=== cmark:\n" + html);
  expect(feedmark::test::unescape_cmark_html(text) == article.title,
         "the rendered link text equals the title",
         rendered + "=== cmark:\n" + html);
  expect(percent_decoded(feedmark::test::unescape_cmark_html(href)) ==
             percent_decoded(article.link),
         "the rendered href equals the link", rendered + "=== cmark:\n" + html);
}

// ---------------------------------------------------------------- articles

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool is_lower_hex_id(std::string_view id) {
  return id.size() == 16 &&
         id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void expect_article_fields(const Article& a, const Item& item) {
  expect(is_lower_hex_id(a.id), "an article id is 16 lowercase hex digits",
         a.id);
  expect(a.id == feedmark::short_hash(feedmark::item_key(item)),
         "an article id is the hash of its item key", a.id);
  expect(!a.title.empty(), "an article always has a title", a.title);
  expect_one_line(a.title, "a title is one line");
  expect_utf8(a.title, "a title is valid UTF-8");
  expect(a.title.front() != ' ' && a.title.back() != ' ', "a title is trimmed",
         a.title);
  expect_markdown_safe_link(a.link);
  expect_one_line(a.caption, "a caption is one line");
  expect_utf8(a.caption, "a caption is valid UTF-8");
  expect_one_line(a.image, "an image URL is one line");
  expect(
      a.image.empty() || a.image.find_first_of(" \t\f\v") == std::string::npos,
      "an image URL holds no whitespace", a.image);
}

void expect_article(const Article& a, const Item& item,
                    const std::string& rendered) {
  expect_article_fields(a, item);
  expect_safe_html(a.body_html, {"body"});
  expect(!rendered.empty() && rendered.back() == '\n',
         "an article ends with a newline", rendered);
  expect(rendered.find('\r') == std::string::npos,
         "an article holds no carriage return", rendered);
  expect_utf8(rendered, "an article is valid UTF-8");
  const std::vector<std::string_view> lines = lines_of(rendered);
  expect(lines.size() == 5, "an article is exactly five lines", rendered);
  expect(lines[0] == "<!--" + std::to_string(kCapturedMs) + "-->",
         "line 1 is the capture time", rendered);
  expect(lines[1].starts_with("["), "line 2 is the title link", rendered);
  expect(lines[2] == "------", "line 3 is the heading underline", rendered);
  expect(lines[3].empty(), "line 4 is empty", rendered);
  expect(lines[4].find(a.body_html) != std::string_view::npos,
         "line 5 holds the body", rendered);
  expect_safe_html(lines[4], {"last line", true});
  expect(feedmark::article_content(rendered) ==
             std::string_view(rendered).substr(lines[0].size() + 1),
         "article_content is everything after the capture line", rendered);
  expect_commonmark_rendering(rendered, a, lines[0], lines[4]);
}

// ---------------------------------------------------------------- feeds

void expect_feed_fields(const Feed& feed) {
  for (const std::string* s :
       {&feed.title, &feed.link, &feed.self_link, &feed.description,
        &feed.language, &feed.image, &feed.encoding}) {
    expect_utf8(*s, "feed fields are valid UTF-8");
  }
  expect_one_line(feed.title, "a feed title is one line");
  expect_markdown_safe_link(feed.link);
  for (const std::string& w : feed.warnings) {
    expect_one_line(w, "a warning is one line");
    expect_utf8(w, "a warning is valid UTF-8");
  }
}

void expect_item_fields(const Item& item) {
  for (const std::string* s :
       {&item.guid, &item.title, &item.link, &item.base, &item.author,
        &item.summary_html, &item.content_html}) {
    expect_utf8(*s, "item fields are valid UTF-8");
  }
  expect_one_line(item.title, "an item title is one line");
  expect_one_line(item.author, "an author is one line");
  for (const std::string& c : item.categories) {
    expect_utf8(c, "categories are valid UTF-8");
  }
  for (const feedmark::MediaImage& m : item.media) {
    expect(starts_with_web_scheme(m.url, false),
           "a media image URL is absolute http(s)", m.url);
    expect_one_line(m.caption, "a media caption is one line");
    expect_utf8(m.caption, "a media caption is valid UTF-8");
  }
}

void expect_one_line_error(const feedmark::Error& error) {
  const std::string line = feedmark::describe(error);
  expect_one_line(line, "an error is one line on stderr");
  expect_utf8(line, "an error is valid UTF-8");
}

// --format hugo and obsidian: the front matter reads back as the article's
// fields, a Hugo file reads back whole, and the Markdown body keeps the
// HTML body's text, links and images through cmark-gfm.
void expect_formats(const Article& article) {
  const feedmark::FeedContext feed{"Feed \"title\": x", "https://f.example/",
                                   "0123456789abcdef"};
  const std::string hugo =
      feedmark::ArticleRenderer(feedmark::ArticleFormat::kHugo)
          .render(article, feed, kCapturedMs);
  const auto fields = feedmark::read_front_matter(hugo);
  expect(fields.has_value(), "Hugo front matter is closed", hugo);
  expect(fields->get("title") == article.title,
         "Hugo front matter gives the title back", hugo);
  const auto back = feedmark::read_article_file(hugo);
  expect(back.has_value(), "a Hugo file reads back", hugo);
  Article again = back->article;
  again.id = article.id;
  expect(feedmark::ArticleRenderer(feedmark::ArticleFormat::kHugo)
                 .render(again, feed, back->captured_ms) == hugo,
         "a Hugo file read back is written the same", hugo);
  const feedmark::test::RoundTrip trip =
      feedmark::test::markdown_round_trip(article.body_html);
  expect_fidelity(trip.markdown == feedmark::html_to_markdown_through_gumbo(
                                       article.body_html),
                  "the sanitized body's own reader builds gumbo's tree",
                  article.body_html + "\n---\n" + trip.markdown);
  expect_fidelity(trip.ok(),
                  "the Markdown body keeps the text, links and images",
                  article.body_html + "\n---\n" + trip.markdown);
}

// The direct reader builds gumbo's tree or leaves the fragment to gumbo:
// its tree is what the sanitizer then trusts (src/html/direct_tree.h).
void expect_direct_tree_is_gumbos(std::string_view html) {
  const feedmark::html::ParsedFragment direct(html);
  if (!direct.read_directly()) {
    return;
  }
  const feedmark::html::ParsedFragment gumbo(
      html, feedmark::html::FragmentParser::kGumbo);
  expect(feedmark::html::same_tree(direct.children(), gumbo.children()),
         "the direct reader builds gumbo's tree", html);
}

void run_item(const Item& item, const Config& config) {
  expect_item_fields(item);
  expect_direct_tree_is_gumbos(item.summary_html);
  expect_direct_tree_is_gumbos(item.content_html);
  feedmark::ExtractOptions options;
  options.image_proxy = config.image_proxy;
  const Article article = feedmark::extract_article(item, options);
  const std::string rendered = feedmark::render_article(article, kCapturedMs);
  expect_article(article, item, rendered);
  expect_formats(article);
  // `feedmark parse` sanitizes both fields and keeps the lead image.
  const feedmark::ItemView view = feedmark::view_item(item);
  expect(view.id == article.id, "parse and fetch agree on the id", view.id);
  expect_safe_html(view.summary_html, {"summary_html"});
  expect_safe_html(view.content_html, {"content_html"});
  expect_one_line(view.caption, "a caption is one line");
}

}  // namespace

// The same bytes as a web page for the full-text extractor: whatever it
// finds is sanitized, valid UTF-8, and its text has no blank-line runs.
void run_page(std::string_view bytes, const Config& config) {
  feedmark::Response response;
  response.content_type = config.charset.content_type;
  response.body.assign(bytes);
  feedmark::Result<feedmark::Document> page =
      feedmark::decode_page(std::move(response), "fuzz-page.html");
  if (!page) {
    expect_one_line_error(page.error());
    return;
  }
  const std::optional<feedmark::PageArticle> article =
      feedmark::extract_page(page->utf8, config.source_url);
  if (!article) {
    return;
  }
  expect_safe_html(article->content_html, {"page content_html"});
  expect_utf8(article->text, "page text is valid UTF-8");
  expect_utf8(article->title, "page title is valid UTF-8");
  expect(article->text.find("\n\n\n") == std::string::npos,
         "page text has one blank line between blocks", article->text);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  g_input = std::string_view(reinterpret_cast<const char*>(data), size);
  const Config config = config_of(size > 0 ? data[size - 1] : '\n');
  const std::size_t body_size = size > 0 ? size - 1 : 0;

  feedmark::Response response;
  response.final_url = config.source_url;
  response.content_type = config.charset.content_type;
  response.body.assign(reinterpret_cast<const char*>(data), body_size);
  const std::string source = "fuzz-input.xml";

  run_page(response.body, config);
  expect_direct_tree_is_gumbos(response.body);
  feedmark::Result<feedmark::Document> document = feedmark::decode_response(
      std::move(response), source, config.charset.forced);
  if (!document) {
    expect_one_line_error(document.error());
    return 0;
  }
  expect_utf8(document->utf8, "decoding yields valid UTF-8");
  feedmark::Result<Feed> feed =
      feedmark::parse_feed(std::move(*document), source, {config.zone});
  if (!feed) {
    expect_one_line_error(feed.error());
    return 0;
  }
  expect_feed_fields(*feed);
  for (const Item& item : feed->items) {
    run_item(item, config);
  }
  return 0;
}
