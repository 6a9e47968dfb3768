#include "feedmark/write/markdown.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "feedmark/decode/decode.h"
#include "feedmark/extract/extract.h"
#include "feedmark/fetch/fetch.h"
#include "feedmark/parse/parse.h"
#include "markdown_roundtrip.h"
#include "test_support.h"

namespace {

using feedmark::html_to_markdown;
using feedmark::test::markdown_round_trip;

std::string md(const std::string& html) {
  return html_to_markdown(html);
}

TEST_CASE("Blocks become CommonMark blocks", "[markdown]") {
  CHECK(md("<h2>Title</h2><p>One <em>two</em> <strong>three</strong></p>") ==
        "## Title\n\nOne *two* **three**\n");
  CHECK(md("<blockquote><p>a</p><p>b</p></blockquote>") == "> a\n>\n> b\n");
  CHECK(md("<hr><p>x</p>") == "***\n\nx\n");
  CHECK(md("") == "");
  CHECK(md("<p> </p>") == "");
}

TEST_CASE("Lists keep their numbers, nesting and tightness", "[markdown]") {
  CHECK(md("<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>") ==
        "- a\n- b\n  - c\n");
  CHECK(md("<ol start=\"3\"><li>x</li><li>y</li></ol>") == "3. x\n4. y\n");
  // An item of two paragraphs makes the list loose.
  CHECK(md("<ul><li><p>a</p><p>b</p></li><li>c</li></ul>") ==
        "- a\n\n  b\n\n- c\n");
  // Two lists in a row would merge under one marker.
  CHECK(md("<ul><li>a</li></ul><ul><li>b</li></ul>") == "- a\n\n* b\n");
  CHECK(md("<ol><li>a</li></ol><ol><li>b</li></ol>") == "1. a\n\n1) b\n");
}

TEST_CASE("Links and images keep their titles and alt text", "[markdown]") {
  CHECK(md("<p><a href=\"https://x.example/a\" title=\"T &quot;q&quot;\">"
           "link</a></p>") == "[link](https://x.example/a \"T \\\"q\\\"\")\n");
  CHECK(md("<p><img src=\"https://x.example/i.png\" alt=\"a [b]\"></p>") ==
        "![a \\[b\\]](https://x.example/i.png)\n");
  // Parentheses and spaces in a destination: <…>.
  CHECK(md("<p><a href=\"https://x.example/a_(b)\">w</a></p>") ==
        "[w](<https://x.example/a_(b)>)\n");
  CHECK(md("<p><a href=\"https://x.example/\"><img src=\"i.png\"></a></p>") ==
        "[![](i.png)](https://x.example/)\n");
}

TEST_CASE("Code spans and blocks get fences longer than their content",
          "[markdown]") {
  CHECK(md("<p><code>a`b</code></p>") == "``a`b``\n");
  CHECK(md("<p><code>`x</code></p>") == "`` `x ``\n");
  CHECK(md("<p><code>see <a href=\"https://x.example/\">x</a></code></p>") ==
        "<code>see [x](https://x.example/)</code>\n");
  CHECK(md("<pre>int a;\n```\nb</pre>") == "````\nint a;\n```\nb\n````\n");
  CHECK(md("<pre>plain</pre>") == "```\nplain\n```\n");
  CHECK(md("<pre>a<br />b</pre>") == "```\na\nb\n```\n");
  // A link in a <pre> would be text in a fence: the block stays HTML.
  CHECK(md("<pre>see <a href=\"https://x.example/\">x</a>\nend</pre>") ==
        "<pre>see <a href=\"https://x.example/\">x</a>&#10;end</pre>\n");
}

TEST_CASE("Text never turns into markup", "[markdown]") {
  CHECK(md("<p>*a* _b_ [c](d) `e` &lt;f&gt; ~g~ \\</p>") ==
        "\\*a\\* \\_b\\_ \\[c\\](d) \\`e\\` \\<f> \\~g\\~ \\\\\n");
  // Only at a line's start do these open blocks.
  CHECK(md("<p># a</p><p>- b</p><p>+ c</p><p>1. d</p><p>2) e</p><p>> f</p>") ==
        "\\# a\n\n\\- b\n\n\\+ c\n\n1\\. d\n\n2\\) e\n\n\\> f\n");
  CHECK(md("<p>a<br># b<br>===</p>") == "a\\\n\\# b\\\n\\===\n");
  CHECK(md("<p>&amp;copy; AT&amp;T</p>") == "\\&copy; AT&T\n");
  CHECK(md("<h1>C# #1 #</h1>") == "# C\\# \\#1 \\#\n");
}

TEST_CASE("Emphasis next to punctuation stays HTML", "[markdown]") {
  CHECK(md("<p>a<em>\"q\"</em>b</p>") == "a<em>\"q\"</em>b\n");
  CHECK(md("<p>中文<strong>「引用」</strong>中文<em>强调</em>中文</p>") ==
        "中文<strong>「引用」</strong>中文*强调*中文\n");
  // Spaces inside the element move outside the delimiters.
  CHECK(md("<p>x<em> a </em>y</p>") == "x *a* y\n");
  // Delimiters inside delimiters: the outer level stays HTML.
  CHECK(md("<p><i>a <b>b</b> c</i></p>") == "<em>a **b** c</em>\n");
  // Adjacent delimiters are kept apart.
  CHECK(md("<p><b>a</b><i>b</i></p>") == "**a**<!---->*b*\n");
}

TEST_CASE("Simple tables become GFM tables, others stay HTML", "[markdown]") {
  CHECK(md("<table><tr><th>a|b</th><th>c</th></tr>"
           "<tr><td><code>x|y</code></td><td>d<br>e</td></tr></table>") ==
        "| a\\|b | c |\n| --- | --- |\n| `x\\|y` | d<br>e |\n");
  CHECK(md("<table><tr><td colspan=\"2\">merged</td></tr></table>") ==
        "<table><tbody><tr><td colspan=\"2\">merged</td></tr></tbody>"
        "</table>\n");
  CHECK(md("<table><tr><td><ul><li>a</li></ul></td></tr></table>") ==
        "<table><tbody><tr><td><ul><li>a</li></ul></td></tr></tbody>"
        "</table>\n");
}

TEST_CASE("What Markdown cannot say stays inline HTML", "[markdown]") {
  CHECK(md("<p>E=mc<sup>2</sup> H<sub>2</sub>O</p>") ==
        "E=mc<sup>2</sup> H<sub>2</sub>O\n");
  CHECK(md("<p><video src=\"v.mp4\" poster=\"p.jpg\"></video></p>") ==
        "<video src=\"v.mp4\" poster=\"p.jpg\"></video>\n");
}

TEST_CASE("Bodies outside the sanitizer's form still go through gumbo",
          "[markdown]") {
  // Unclosed, misnested, a comment, an unknown entity, SVG: gumbo's rules.
  for (const char* html :
       {"<p>a<b>b</p>c</b>", "<p>x<!-- c -->y</p>", "<p>&copy; &nbsp;</p>",
        "<ul><li>a<li>b</ul>", "<p>a<svg><text>t</text></svg></p>",
        "<table><td>cell</table>", "<pre>\nfirst newline</pre>",
        "<table><tr><td>a</td></tr></table>", "<table>text<tr></tr></table>",
        "<table><tbody><tr><td>a</td></tr></tbody></table>",
        "<p>del\x7f c1\xc2\x85 cr\r\nlf nonchar\xef\xb7\x90 "
        "\xef\xbf\xbe \xf0\x9f\xbf\xbf</p>",
        "<p><a href=\"https://x.example/\x01\">a</a></p>",
        "<a><p>x</p><a href=\"https://x.example/\">y</a></a>",
        "<p>a<div>b</div></p>", "<ul><li>a<li>b</li></li></ul>",
        "<ul><li>a<ul><li>b</li></ul></li></ul>", "<h1>a<h2>b</h2></h1>",
        "<tr><td>a</td></tr><p>b</p>", "<ruby>a<rt>b</rt></ruby>"}) {
    INFO(html);
    CHECK(md(html) == feedmark::html_to_markdown_through_gumbo(html));
  }
  CHECK(md("<p>&copy; x</p>") == "© x\n");
  // Past the guard's bounds (64 formatting elements open), gumbo's tree.
  std::string deep;
  for (int i = 0; i < 70; ++i) {
    deep += "<b class=\"c" + std::to_string(i) + "\">";
  }
  deep += "x";
  for (int i = 0; i < 70; ++i) {
    deep += "</b>";
  }
  const std::string body = "<p>" + deep + "</p><p>" + deep + "</p>";
  CHECK(md(body) == feedmark::html_to_markdown_through_gumbo(body));
  // As deep as a sanitized body goes, a link is still a link.
  std::string nested;
  for (int i = 0; i < 250; ++i) {
    nested += "<div>";
  }
  nested += "<ul><li><a href=\"https://x.example/\">x</a></li></ul>";
  for (int i = 0; i < 250; ++i) {
    nested += "</div>";
  }
  CHECK(md(nested) == "- [x](https://x.example/)\n");
}

TEST_CASE("Hostile bodies round-trip through cmark-gfm", "[markdown]") {
  const char* bodies[] = {
      "<p>*a* _b_ [c](d) `e` &lt;f&gt; ~g~ \\ | h &amp;amp; &amp;#35;</p>",
      "<p># a</p><p>- b</p><p>1. c</p><p>===</p><p>---</p><p>&gt; q</p>",
      "<ul><li>1. a</li><li><p>b</p><ol start=\"7\"><li>c</li></ol></li></ul>",
      "<blockquote><pre>x\n\n  y</pre><ul><li>z</li></ul></blockquote>",
      "<p>a<em> b "
      "</em>c<strong>「d」</strong><code>``</code><code>`</code></p>",
      "<table><caption>cap</caption><thead><tr><th>h</th></tr></thead><tbody>"
      "<tr><td>a|b</td><td>extra</td></tr></tbody></table>",
      "<p><a href=\"https://x.example/a_(b)\" title='t\"'>l<img "
      "src=\"https://x.example/i_(1).png\" alt=\"]\"></a></p>",
      "<div><p>one</p>two<br><br>three<div>four</div></div>",
      "<dl><dt>term</dt><dd>def</dd></dl><figure><img src=\"f.png\">"
      "<figcaption>cap</figcaption></figure>",
      "<p>中文，<em>「引用」</em>。<b>粗</b>体</p>",
      // Text inside HTML kept inline is Markdown to CommonMark.
      "<p>a <svg><title>[x](y) *a* _b_ `c` ~d~ \\ !e</title></svg> b</p>",
      "<p><a href=\"https://x.example/a\">a[b <svg><a><title><a "
      "href=\"https://x.example/b\">in</a></title></a></svg></a></p>",
  };
  for (const char* body : bodies) {
    const auto r = markdown_round_trip(body);
    INFO(body << "\n--- markdown:\n"
              << r.markdown << "--- rendered:\n"
              << r.rendered);
    CHECK(r.text_kept);
    CHECK(r.links_kept);
    CHECK(r.images_kept);
  }
}

TEST_CASE("Every fixture's bodies round-trip through cmark-gfm", "[markdown]") {
  std::size_t bodies = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(feedmark::test::fixture("feeds"))) {
    feedmark::Response response;
    response.body = feedmark::test::read_text(entry.path());
    auto document =
        feedmark::decode_response(std::move(response), entry.path().string());
    if (!document) {
      continue;
    }
    auto feed = feedmark::parse_feed(std::move(*document), "fixture");
    if (!feed) {
      continue;
    }
    for (const feedmark::Item& item : feed->items) {
      const feedmark::Article article = feedmark::extract_article(item, {});
      const auto r = markdown_round_trip(article.body_html);
      INFO(entry.path().filename()
           << ": " << article.body_html << "\n--- markdown:\n"
           << r.markdown);
      CHECK(r.ok());
      // The fast reader of sanitized bodies builds gumbo's tree.
      CHECK(r.markdown ==
            feedmark::html_to_markdown_through_gumbo(article.body_html));
      ++bodies;
    }
  }
  CHECK(bodies > 40);
}

}  // namespace

namespace {

// Obsidian reads "#word" as a tag, "![[x]]" as an embed, "> [!note]" as a
// callout and a fence's info string as a plugin's code: feed text must
// make none of them, and still read the same (docs/decisions.md).
TEST_CASE("Feed text makes no Obsidian tag, embed, callout or code block",
          "[markdown][obsidian]") {
  CHECK(md("<p>a #tag and #中文 x#y ## #</p>") ==
        "a \\#tag and \\#中文 x#y ## #\n");
  CHECK(md("<p>#start</p>") == "\\#start\n");
  CHECK(md("<p>![[secret.md]] [[note]]</p>") ==
        "!\\[\\[secret.md\\]\\] \\[\\[note\\]\\]\n");
  CHECK(md("<blockquote><p>[!note] x</p></blockquote>") == "> \\[!note\\] x\n");
  const std::string fenced =
      md("<pre><code class=\"language-dataviewjs\">alert(1)</code></pre>");
  CHECK(fenced.find("dataviewjs") == std::string::npos);
  // Dataview runs a code span starting "=" or "$=": a zero-width space
  // comes first, and the text reads the same.
  CHECK(md("<p><code>$= alert(1)</code> <code> = this.file</code></p>") ==
        "`\u200B$= alert(1)` `\u200B = this.file`\n");
  CHECK(md("<pre>$= alert(1)</pre>") == "```\n\u200B$= alert(1)\n```\n");
  CHECK(md("<p><code>a = b</code></p>") == "`a = b`\n");
  CHECK(markdown_round_trip("<p>a #tag and #中文</p>").ok());
}

}  // namespace
