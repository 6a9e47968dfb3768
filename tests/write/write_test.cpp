#include "feedmark/write/write.h"

#include <cmark-gfm.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "feedmark/extract/extract.h"
#include "feedmark/util/url.h"
#include "test_support.h"

namespace {

using feedmark::Article;
using feedmark::escape_markdown_text;
using feedmark::render_article;
using feedmark::test::lines_of;
using feedmark::test::read_text;
using feedmark::test::TempDir;
using feedmark::test::unescape_html;
using feedmark::test::write_text;

constexpr std::int64_t kCapturedMs = 1648663143000;
constexpr feedmark::UnixTime kPublished =
    1648662357;  // Wed, 30 Mar 2022 17:45:57 GMT

Article article(std::string title, std::string link, std::string body,
                std::optional<feedmark::UnixTime> published = std::nullopt,
                std::string image = "", std::string caption = "") {
  Article a;
  a.id = "0123456789abcdef";
  a.title = std::move(title);
  a.link = std::move(link);
  a.published = published;
  a.image = std::move(image);
  a.caption = std::move(caption);
  a.body_html = std::move(body);
  return a;
}

std::string cmark_html(const std::string& markdown, int options) {
  char* html =
      cmark_markdown_to_html(markdown.data(), markdown.size(), options);
  REQUIRE(html != nullptr);
  std::string out(html);
  std::free(html);
  return out;
}

/// The article's title line as CommonMark renders it: the setext heading
/// must hold exactly one link and nothing else.
struct TitleLink {
  bool one_link = false;  ///< the heading is exactly <a href="...">...</a>
  std::string raw_text;   ///< the link text as cmark wrote it
  std::string text;       ///< HTML-unescaped
  std::string href;       ///< HTML-unescaped
};

TitleLink rendered_title_link(const std::string& markdown) {
  const std::string html = cmark_html(markdown, CMARK_OPT_DEFAULT);
  INFO("cmark output: " << html);
  const auto open = html.find("<h2>");
  const auto close = html.find("</h2>");
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  const std::string inner = html.substr(open + 4, close - open - 4);
  constexpr std::string_view kStart = "<a href=\"";
  TitleLink link;
  if (!inner.starts_with(kStart) || !inner.ends_with("</a>")) {
    return link;
  }
  const auto href_end = inner.find('"', kStart.size());
  if (href_end == std::string::npos || inner.compare(href_end, 2, "\">") != 0) {
    return link;
  }
  link.raw_text = inner.substr(href_end + 2, inner.size() - href_end - 2 - 4);
  link.one_link = link.raw_text.find("</a>") == std::string::npos;
  link.text = unescape_html(link.raw_text);
  link.href =
      unescape_html(inner.substr(kStart.size(), href_end - kStart.size()));
  return link;
}

/// The fifth line of a rendered article (without its newline).
std::string last_line(const std::string& rendered) {
  const std::vector<std::string> lines = lines_of(rendered);
  REQUIRE(lines.size() == 5);
  return lines[4];
}

/// True when CommonMark passes the article's last line through as one raw
/// HTML block, byte for byte.
void check_last_line_is_one_html_block(const std::string& rendered) {
  const std::string line = last_line(rendered);
  const std::string html =
      cmark_html(rendered, CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE);
  INFO("rendered article:\n" << rendered << "cmark output:\n" << html);
  CHECK(html.ends_with("</h2>\n" + line + "\n"));
}

std::vector<std::string> folder_entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

// ----------------------------------------------------------------
// render_article

TEST_CASE("render_article writes exactly the five-line article format",
          "[write]") {
  SECTION("with date, image and caption") {
    const Article a =
        article("Talks resume", "https://example.com/talks", "<p>Body</p>",
                kPublished, "https://img.example.com/a.jpg", "Harbour at dawn");
    CHECK(render_article(a, kCapturedMs) ==
          "<!--1648663143000-->\n"
          "[Talks resume](https://example.com/talks)\n"
          "------\n"
          "\n"
          "<div><i>Wed, 30 Mar 2022 17:45:57 GMT</i></div>"
          "<img src=\"https://img.example.com/a.jpg\" width=\"100%\">"
          "<div><small style=\"color: #999;\">Harbour at dawn</small></div>"
          "<p>Body</p>\n");
  }
  SECTION("with a date only") {
    const Article a =
        article("Dated", "https://example.com/d", "<p>Body</p>", kPublished);
    CHECK(render_article(a, kCapturedMs) ==
          "<!--1648663143000-->\n[Dated](https://example.com/d)\n------\n\n"
          "<div><i>Wed, 30 Mar 2022 17:45:57 GMT</i></div><p>Body</p>\n");
  }
  SECTION("with date and image but no caption") {
    const Article a =
        article("Pictured", "https://example.com/p", "<p>Body</p>", kPublished,
                "https://img.example.com/p.png");
    CHECK(render_article(a, kCapturedMs) ==
          "<!--1648663143000-->\n[Pictured](https://example.com/p)\n------\n\n"
          "<div><i>Wed, 30 Mar 2022 17:45:57 GMT</i></div>"
          "<img src=\"https://img.example.com/p.png\" "
          "width=\"100%\"><p>Body</p>\n");
  }
  SECTION("without date, image or caption") {
    const Article a =
        article("Plain", "https://example.com/plain", "<p>Body</p>");
    CHECK(render_article(a, kCapturedMs) ==
          "<!--1648663143000-->\n[Plain](https://example.com/"
          "plain)\n------\n\n<p>Body</p>\n");
  }
  SECTION("with an empty body and nothing else: the fifth line is empty") {
    const Article a = article("Empty", "https://example.com/e", "");
    CHECK(render_article(a, 7) ==
          "<!--7-->\n[Empty](https://example.com/e)\n------\n\n\n");
  }
  SECTION("the caption is HTML-escaped") {
    const Article a =
        article("Cap", "https://example.com/c", "<p>B</p>", kPublished,
                "https://img.example.com/c.jpg", "Tom & Jerry <3 > 2");
    CHECK(last_line(render_article(a, kCapturedMs)) ==
          "<div><i>Wed, 30 Mar 2022 17:45:57 GMT</i></div>"
          "<img src=\"https://img.example.com/c.jpg\" width=\"100%\">"
          "<div><small style=\"color: #999;\">Tom &amp; Jerry &lt;3 &gt; "
          "2</small></div><p>B</p>");
  }
  SECTION("the date is RFC 1123 in GMT, zero-padded") {
    const Article a = article("New year", "https://example.com/ny", "<p>B</p>",
                              1641024005);  // 2022-01-01T08:00:05Z
    CHECK(last_line(render_article(a, kCapturedMs)) ==
          "<div><i>Sat, 01 Jan 2022 08:00:05 GMT</i></div><p>B</p>");
  }
  SECTION("the title is Markdown-escaped") {
    const Article a = article("Markets [live] *update*: AT&T",
                              "https://example.com/m", "<p>B</p>");
    CHECK(lines_of(render_article(a, kCapturedMs))[1] ==
          "[Markets \\[live\\] \\*update\\*: AT&T](https://example.com/m)");
  }
  SECTION(
      "an image URL is escaped as an attribute value (SPEC silent; "
      "implementation)") {
    const Article a =
        article("Proxied", "https://example.com/x", "<p>B</p>", kPublished,
                "https://images.weserv.nl?url=example.com/a.jpg&w=800");
    CHECK_THAT(
        last_line(render_article(a, kCapturedMs)),
        Catch::Matchers::Contains(
            "<img "
            "src=\"https://images.weserv.nl?url=example.com/a.jpg&amp;w=800\" "
            "width=\"100%\">"));
  }
}

TEST_CASE("article_content is everything after the capture-time line",
          "[write]") {
  const Article a =
      article("Same", "https://example.com/s", "<p>B</p>", kPublished);
  const std::string first = render_article(a, 1000);
  const std::string second = render_article(a, 2000);
  CHECK(first != second);
  CHECK(feedmark::article_content(first) == feedmark::article_content(second));
  CHECK(feedmark::article_content(first) ==
        "[Same](https://example.com/s)\n------\n\n"
        "<div><i>Wed, 30 Mar 2022 17:45:57 GMT</i></div><p>B</p>\n");
  const Article changed =
      article("Changed", "https://example.com/s", "<p>B</p>", kPublished);
  CHECK(feedmark::article_content(render_article(changed, 1000)) !=
        feedmark::article_content(first));
}

TEST_CASE(
    "A body without a header that does not start with a block tag is wrapped",
    "[write][commonmark]") {
  const char* bodies[] = {
      "Plain text with *stars* and _underscores_ and [brackets](x)",
      "<img src=\"https://img.example.com/a.png\" /> and a caption",
      "<span>inline *span*</span> text",
      "<pre>line one&#10;  *two*</pre>",
      "<a href=\"https://example.com/\">link</a> first",
      "<b>bold</b> start",
      "  leading spaces are no indented code",
  };
  SECTION("text, inline tags and <pre> are wrapped") {
    for (const char* body : bodies) {
      INFO("body: " << body);
      const std::string rendered = render_article(
          article("Wrapped", "https://example.com/w", body), kCapturedMs);
      const std::string line = last_line(rendered);
      CHECK_THAT(line, Catch::Matchers::Contains(body));
      // The wrapper itself is the implementation's choice (the SPEC asks only
      // for one HTML block).
      CHECK(line == std::string("<div>") + body + "</div>");
      check_last_line_is_one_html_block(rendered);
    }
  }
  SECTION("a body starting with a block tag is left as it is") {
    for (const char* body :
         {"<p>Para *x*</p><p>two</p>", "<figure><img src=\"a.png\" /></figure>",
          "<blockquote>q</blockquote>", "<ul><li>a</li></ul>",
          "<h2>Heading</h2><p>x</p>", "<table><tr><td>1</td></tr></table>"}) {
      INFO("body: " << body);
      const std::string rendered = render_article(
          article("Block", "https://example.com/b", body), kCapturedMs);
      CHECK(last_line(rendered) == body);
      check_last_line_is_one_html_block(rendered);
    }
  }
}

TEST_CASE("The whole body line renders as one HTML block, whatever the header",
          "[write][commonmark]") {
  const char* bodies[] = {
      "<p>Para with *stars*, _under_ and [a](b) and `code`</p>",
      "Bare text with *stars* and _under_",
      "<img src=\"https://img.example.com/in-body.png\" /> text",
      "<pre>a&#10;  *b*&#10;&#10;c</pre>",
      "<p>中文段落，*不是强调*</p><p>second</p>",
  };
  struct Header {
    const char* name;
    std::optional<feedmark::UnixTime> published;
    const char* image;
    const char* caption;
  };
  const Header headers[] = {
      {"no header", std::nullopt, "", ""},
      {"date", kPublished, "", ""},
      {"date and image", kPublished, "https://img.example.com/h.jpg", ""},
      {"date, image and caption", kPublished, "https://img.example.com/h.jpg",
       "A caption"},
      {"image without a date", std::nullopt, "https://img.example.com/h.jpg",
       ""},
      {"image and caption without a date", std::nullopt,
       "https://img.example.com/h.jpg", "A *caption*"},
  };
  for (const Header& h : headers) {
    for (const char* body : bodies) {
      INFO("header: " << h.name << "\nbody: " << body);
      const std::string rendered =
          render_article(article("Title", "https://example.com/t", body,
                                 h.published, h.image, h.caption),
                         kCapturedMs);
      CHECK_THAT(last_line(rendered),
                 Catch::Matchers::EndsWith(body) ||
                     Catch::Matchers::EndsWith(std::string(body) + "</div>"));
      check_last_line_is_one_html_block(rendered);
    }
  }
}

// ---------------------------------------------------------------- escaping

TEST_CASE(
    "escape_markdown_text escapes Markdown punctuation and entity references "
    "only",
    "[write]") {
  struct Case {
    const char* text;
    const char* escaped;
  };
  const Case cases[] = {
      {"plain words 中文", "plain words 中文"},
      {"back\\slash", "back\\\\slash"},
      {"[x]", "\\[x\\]"},
      {"*a*", "\\*a\\*"},
      {"_a_", "\\_a\\_"},
      {"`code`", "\\`code\\`"},
      {"<b>", "\\<b>"},
      {"~~s~~", "\\~\\~s\\~\\~"},
      {"AT&T", "AT&T"},
      {"Tom & Jerry", "Tom & Jerry"},
      {"&amp;", "\\&amp;"},
      {"&copy; 2022", "\\&copy; 2022"},
      {"&#169;", "\\&#169;"},
      {"&#xA9;", "\\&#xA9;"},
      {"&amp no semicolon", "&amp no semicolon"},
      {"&; &#; &#x;", "&; &#; &#x;"},
      {"a&b;", "a\\&b;"},
      {"# ! ( ) > | - + . {", "# ! ( ) > | - + . {"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(escape_markdown_text(c.text) == c.escaped);
  }
}

TEST_CASE(
    "CommonMark renders the title line as one link whose text is the title",
    "[write][commonmark]") {
  const char* titles[] = {
      "[Breaking] news",
      "a ] b [ c",
      "*not emphasis* and **not bold**",
      "_under_ and __u__ and snake_case_name",
      "`code` and ``double`` and a lone `",
      "<b>not bold</b> and <br> and <!-- not a comment -->",
      "Q&amp;A is literal text",
      "&copy; 2022 and &nbsp;",
      "&#169; and &#xA9; and &#x1F600;",
      "AT&T & Verizon",
      "trailing backslash \\",
      "![img](x)",
      "<http://x> and <mailto:a@b.c>",
      "~~strike~~",
      "a\\*b and a\\_b and \\[already escaped\\]",
      "中文标题：“引号”与【括号】*重点*和_下划线_",
      "[link](http://evil.example/) inside",
      "# hash, 1. list, > quote, - dash",
      "x]( y",
      "a\\",
      "\\",
      "emoji 😀 and  double  spaces kept",
  };
  for (const char* title : titles) {
    INFO("title: " << title);
    const std::string link = "https://example.com/post";
    const std::string rendered =
        render_article(article(title, link, "<p>b</p>"), kCapturedMs);
    INFO("title line: " << lines_of(rendered)[1]);
    const TitleLink rendered_link = rendered_title_link(rendered);
    CHECK(rendered_link.one_link);
    // No inline markup (emphasis, code, raw HTML, autolinks) made it through.
    CHECK(rendered_link.raw_text.find('<') == std::string::npos);
    CHECK(rendered_link.text == title);
    CHECK(rendered_link.href == link);
  }
}

TEST_CASE(
    "CommonMark renders the link of the title line as the normalized link",
    "[write][commonmark][url]") {
  const char* raw_links[] = {
      "https://example.com/a b/中文?q=1",
      "https://en.wikipedia.org/wiki/Foo_(bar)",
      "https://example.com/it's (really) fine",
      "https://example.com/?a=1&b=2",
      "https://example.com/~user/*star*_under_",
      "https://example.com/<script>\"x\"",
      "https://example.com/back\\slash`tick",
      "https://EXAMPLE.com/path#frag ment",
      "https://example.com/search?q=a b&lang=中文",
      "https://example.com/%E4%B8%AD",
      "https://example.com/share?u=https%3A%2F%2Fx.example%2F",
      // Characters a renderer rewrites unless the link was normalized for it:
      "https://example.com/?a=1&amp;b=2",
      "https://example.com/search?q=&copy;",
      "https://example.com/search?q=&#169;",
      "https://example.com/[brackets]/x",
      "https://example.com/{a}|b^c",
      "https://例え.jp/パス",
  };
  for (const char* raw : raw_links) {
    INFO("raw link: " << raw);
    const std::string link = feedmark::normalize_url(raw);
    INFO("normalized: " << link);
    REQUIRE_FALSE(link.empty());
    const std::string title = "Title [with] *stuff* & more";
    const std::string rendered =
        render_article(article(title, link, "<p>b</p>"), kCapturedMs);
    const TitleLink rendered_link = rendered_title_link(rendered);
    CHECK(rendered_link.one_link);
    CHECK(rendered_link.text == title);
    CHECK(rendered_link.href == link);
  }
}

// ---------------------------------------------------------------- files

TEST_CASE("write_file_atomically writes, replaces and leaves no temporary file",
          "[write][fs]") {
  TempDir dir;
  const std::filesystem::path target = dir / "0123456789abcdef.md";

  SECTION("writes the content byte for byte into a new file") {
    const std::string content =
        std::string("line 1\n中文\n") + '\0' + "after NUL\n";
    const auto result = feedmark::write_file_atomically(target, content);
    REQUIRE(result.has_value());
    CHECK(read_text(target) == content);
    CHECK(folder_entries(dir.path()) ==
          std::vector<std::string>{"0123456789abcdef.md"});
  }
  SECTION("replaces existing content completely") {
    write_text(target, std::string(10000, 'x'));
    const auto result = feedmark::write_file_atomically(target, "short\n");
    REQUIRE(result.has_value());
    CHECK(read_text(target) == "short\n");
    CHECK(folder_entries(dir.path()) ==
          std::vector<std::string>{"0123456789abcdef.md"});
  }
  SECTION("writes an empty file") {
    write_text(target, "old");
    REQUIRE(feedmark::write_file_atomically(target, "").has_value());
    CHECK(std::filesystem::exists(target));
    CHECK(std::filesystem::file_size(target) == 0);
  }
  SECTION("many writes in a row leave only the files written") {
    for (int i = 0; i < 20; ++i) {
      REQUIRE(feedmark::write_file_atomically(target,
                                              "version " + std::to_string(i))
                  .has_value());
      REQUIRE(
          feedmark::write_file_atomically(dir / "index.md", std::to_string(i))
              .has_value());
    }
    CHECK(read_text(target) == "version 19");
    CHECK(read_text(dir / "index.md") == "19");
    CHECK(folder_entries(dir.path()) ==
          std::vector<std::string>{"0123456789abcdef.md", "index.md"});
  }
}

TEST_CASE("write_file_atomically returns a write Error for a missing folder",
          "[write][fs]") {
  TempDir dir;
  const std::filesystem::path target = dir / "missing" / "article.md";

  const auto result = feedmark::write_file_atomically(target, "content");

  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().stage == "write");
  CHECK_THAT(result.error().source, Catch::Matchers::Contains("article.md"));
  CHECK_FALSE(result.error().message.empty());
  CHECK_FALSE(std::filesystem::exists(dir / "missing"));
  CHECK(folder_entries(dir.path()).empty());
}
