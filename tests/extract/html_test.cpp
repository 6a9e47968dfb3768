// sanitize_html, html_to_text and the escaping helpers: the SPEC's body rules
// ("The article file") and its sanitizing and image rules ("Extraction
// rules"), on tiny inline fragments.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "feedmark/extract/css.h"
#include "feedmark/extract/sanitize.h"
#include "test_support.h"

namespace {

using Catch::CaseSensitive;
using Catch::Contains;
using feedmark::append_html_escaped;
using feedmark::collapse_whitespace;
using feedmark::html_to_text;
using feedmark::sanitize_html;
using feedmark::SanitizedHtml;
using feedmark::SanitizeOptions;
using LeadImage = feedmark::SanitizeOptions::LeadImage;

constexpr std::string_view kBase = "https://www.example.com/news/story.html";

// The sanitized HTML of `html` with no lead image asked for.
std::string sanitized(std::string_view html, std::string_view base = kBase) {
  SanitizeOptions options;
  options.base_url = base;
  return sanitize_html(html, options).html;
}

SanitizedHtml with_lead_image(std::string_view html, LeadImage mode,
                              std::string_view proxy = {}) {
  SanitizeOptions options;
  options.base_url = kBase;
  options.lead_image = mode;
  options.image_proxy = proxy;
  return sanitize_html(html, options);
}

// For a removed script URL: nothing of the script survives, the text does.
void check_script_removed(const std::string& html, std::string_view text) {
  CAPTURE(html);
  CHECK_THAT(html, !Contains("script:", CaseSensitive::No));
  CHECK_THAT(html, !Contains("alert", CaseSensitive::No));
  CHECK_THAT(html, !Contains("msgbox", CaseSensitive::No));
  CHECK_THAT(html, !Contains("data:", CaseSensitive::No));
  CHECK(html_to_text(html) == text);
}

}  // namespace

// ------------------------------------------------------------- allowlist

TEST_CASE("Allowlisted elements are kept", "[html]") {
  SECTION("paragraphs, emphasis and links") {
    CHECK(sanitized("<p><em>a</em> <strong>b</strong> "
                    "<a href=\"https://x.example/\">c</a></p>") ==
          "<p><em>a</em> <strong>b</strong> "
          "<a href=\"https://x.example/\">c</a></p>");
  }
  SECTION("images with their size and text attributes") {
    CHECK(sanitized("<img src=\"https://x.example/a.jpg\" alt=\"A\" "
                    "width=\"600\" height=\"400\">") ==
          "<img alt=\"A\" width=\"600\" height=\"400\" "
          "src=\"https://x.example/a.jpg\" />");
  }
  SECTION("lists") {
    CHECK(sanitized("<ul><li>a</li></ul><ol><li>b</li></ol>") ==
          "<ul><li>a</li></ul><ol><li>b</li></ol>");
  }
  SECTION("tables, with the tbody the HTML parser adds") {
    CHECK(sanitized("<table><tr><th>h</th></tr><tr><td>c</td></tr></table>") ==
          "<table><tbody><tr><th>h</th></tr><tr><td>c</td></tr></tbody>"
          "</table>");
  }
  SECTION("quotes and code") {
    CHECK(sanitized("<blockquote>q</blockquote><pre><code>k</code></pre>") ==
          "<blockquote>q</blockquote><pre><code>k</code></pre>");
  }
  SECTION("figures") {
    CHECK(sanitized("<figure><img src=\"https://x.example/a.jpg\">"
                    "<figcaption>f</figcaption></figure>") ==
          "<figure><img src=\"https://x.example/a.jpg\" />"
          "<figcaption>f</figcaption></figure>");
  }
}

TEST_CASE("Scripts, styles and form controls are removed", "[html]") {
  SECTION("script") {
    CHECK(sanitized("<p>a</p><script>alert(1)</script><p>b</p>") ==
          "<p>a</p><p>b</p>");
  }
  SECTION("style") {
    CHECK(sanitized("<style>p { color: red }</style><p>a</p>") == "<p>a</p>");
  }
  SECTION("form controls, keeping the form's text") {
    CHECK(sanitized("<form action=\"/search\"><input name=\"q\">"
                    "<button>Go</button><select><option>One</option></select>"
                    "<textarea>t</textarea>label</form>") == "label");
  }
  SECTION("embedded objects and document-level elements") {
    CHECK(
        sanitized("<p>a</p><object data=\"/o.swf\"></object>"
                  "<embed src=\"/e.swf\"><base href=\"https://evil.example/\">"
                  "<meta http-equiv=\"refresh\" content=\"0\">"
                  "<link rel=\"stylesheet\" href=\"/s.css\">") == "<p>a</p>");
  }
}

TEST_CASE("Event handler attributes are removed, whatever their case",
          "[html]") {
  SECTION("onclick") {
    CHECK(sanitized("<p onclick=\"steal()\">x</p>") == "<p>x</p>");
  }
  SECTION("onerror on an image") {
    CHECK(sanitized("<img src=\"/a.jpg\" onerror=\"steal()\">") ==
          "<img src=\"https://www.example.com/a.jpg\" />");
  }
  SECTION("upper and mixed case") {
    CHECK(sanitized("<P ONLOAD=\"steal()\" OnMouseOver=\"steal()\">x</P>") ==
          "<p>x</p>");
  }
}

TEST_CASE("Script and data URLs are removed from links and sources", "[html]") {
  SECTION("javascript: href") {
    check_script_removed(sanitized("<a href=\"javascript:alert(1)\">x</a>"),
                         "x");
  }
  SECTION("mixed case") {
    check_script_removed(sanitized("<a href=\"JaVaScRiPt:alert(1)\">x</a>"),
                         "x");
  }
  SECTION("entity-encoded scheme") {
    check_script_removed(
        sanitized("<a href=\"&#106;avascript:alert(1)\">x</a>"), "x");
    check_script_removed(
        sanitized("<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>"), "x");
  }
  SECTION("leading whitespace and line breaks inside the URL") {
    check_script_removed(
        sanitized("<a href=\"  \n javascript:alert(1)\">x</a>"), "x");
    check_script_removed(sanitized("<a href=\"java\nscript:alert(1)\">x</a>"),
                         "x");
    check_script_removed(
        sanitized("<a href=\"jav&#x09;ascript:alert(1)\">x</a>"), "x");
  }
  SECTION("vbscript:") {
    check_script_removed(sanitized("<a href=\"VBScript:msgbox(1)\">x</a>"),
                         "x");
  }
  SECTION("data: href") {
    check_script_removed(
        sanitized("<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>"), "x");
  }
  SECTION("data: and javascript: image sources") {
    check_script_removed(
        sanitized("<p>a<img src=\"data:image/png;base64,AAAA\">b</p>"), "ab");
    check_script_removed(
        sanitized("<p>a<img src=\"javascript:alert(1)\">b</p>"), "ab");
  }
  SECTION("a srcset candidate, keeping the safe ones") {
    const std::string html = sanitized(
        "<img src=\"/a.jpg\" srcset=\"javascript:alert(1) 1x, /b.jpg 2x\">");
    check_script_removed(html, "");
    CHECK_THAT(html, Contains("srcset=\"https://www.example.com/b.jpg 2x\""));
  }
  SECTION("poster and cite") {
    check_script_removed(
        sanitized("<video poster=\"javascript:alert(1)\"></video>"
                  "<blockquote cite=\"javascript:alert(1)\">q</blockquote>"),
        "q");
  }
  SECTION("an iframe with a script source leaves nothing") {
    CHECK(sanitized("<p>a</p><iframe src=\"javascript:alert(1)\"></iframe>") ==
          "<p>a</p>");
  }
}

TEST_CASE("A mailto: link is kept", "[html]") {
  CHECK(sanitized("<a href=\"mailto:news@example.com\">Write to us</a>") ==
        "<a href=\"mailto:news@example.com\">Write to us</a>");
}

TEST_CASE("A style attribute keeps only allowlisted declarations",
          "[html][css]") {
  SECTION("allowlisted properties, whatever their case") {
    CHECK(sanitized("<p style=\"color: red\">a <span Style=\"display:none\">"
                    "b</span></p>") ==
          "<p style=\"color: red;\">a <span style=\"display: none;\">b</span>"
          "</p>");
  }
  SECTION("others dropped, the rest kept") {
    CHECK(sanitized("<span style=\"position: absolute; TEXT-INDENT: 0.5in; "
                    "mso-list: l0 level1 lfo1\">x</span>") ==
          "<span style=\"TEXT-INDENT: 0.5in;\">x</span>");
  }
  SECTION("font names, colours and sizes") {
    CHECK(sanitized("<span style=\"font-family : 'Lucida Console', arial,"
                    "sans-serif;color:rgb(0, 128, 0); font-size: 0.9em\">x"
                    "</span>") ==
          "<span style=\"font-family: 'Lucida Console', arial,sans-serif; "
          "color: rgb(0, 128, 0); font-size: 0.9em;\">x</span>");
  }
  SECTION("background, border, margin and padding with plain values only") {
    CHECK(sanitized("<span style=\"border: 1px solid #CCC; margin: 0 15px 0 0 "
                    "!important; padding: 99999em; background: yellow "
                    "repeat-x; border-bottom: dashed\">x</span>") ==
          "<span style=\"border: 1px solid #CCC; margin: 0 15px 0 0 "
          "!important; border-bottom: dashed;\">x</span>");
  }
  SECTION("a declaration holding a url() goes, the others stay") {
    CHECK(sanitized("<span style=\"background-color: #000; background-image: "
                    "url(/i/cafe.jpg); background-repeat: no-repeat;\">x"
                    "</span>") ==
          "<span style=\"background-color: #000;\">x</span>");
  }
  SECTION("SVG's fill and stroke, in SVG only") {
    CHECK(feedmark::sanitize_style("fill: red; stroke-width: 2", true) ==
          "fill: red; stroke-width: 2;");
    CHECK(feedmark::sanitize_style("fill: red; stroke-width: 2").empty());
    CHECK(sanitized("<svg style=\"fill: #f00\"><circle style=\"fill: "
                    "url(#g)\"/></svg>") ==
          "<svg xmlns=\"http://www.w3.org/2000/svg\" style=\"fill: #f00;\">"
          "<circle /></svg>");
  }
  SECTION("nothing left, no attribute") {
    CHECK(sanitized("<span style=\"mso-spacerun: yes\">x</span>") ==
          "<span>x</span>");
  }
}

TEST_CASE("An iframe becomes a link to its source", "[html]") {
  SECTION("absolute") {
    CHECK(sanitized("<iframe src=\"https://www.youtube.com/embed/abc\" "
                    "width=\"560\"></iframe>") ==
          "<a href=\"https://www.youtube.com/embed/abc\">"
          "https://www.youtube.com/embed/abc</a>");
  }
  SECTION("protocol-relative") {
    CHECK(sanitized("<iframe src=\"//player.example.net/v/1\"></iframe>") ==
          "<a href=\"https://player.example.net/v/1\">"
          "https://player.example.net/v/1</a>");
  }
  SECTION("relative, with an escaped query") {
    CHECK(sanitized("<iframe src=\"/embed/x?a=1&amp;b=2\"></iframe>") ==
          "<a href=\"https://www.example.com/embed/x?a=1&amp;b=2\">"
          "https://www.example.com/embed/x?a=1&amp;b=2</a>");
  }
}

TEST_CASE("SVG and MathML are kept, sanitized, in their namespaces",
          "[html][foreign]") {
  SECTION("SVG, with its camel case and without its script") {
    CHECK(sanitized("<p>a</p><svg viewbox=\"0 0 9 9\" onload=\"x()\">"
                    "<script>alert(1)</script><lineargradient id=\"g\">"
                    "<stop offset=\"0\" stop-color=\"red\"/></lineargradient>"
                    "<text x=\"1\" fill=\"url(#g)\">t</text></svg><p>b</p>") ==
          "<p>a</p><svg xmlns=\"http://www.w3.org/2000/svg\" "
          "viewBox=\"0 0 9 9\"><linearGradient id=\"g\"><stop offset=\"0\" "
          "stop-color=\"red\" /></linearGradient><text x=\"1\" "
          "fill=\"url(#g)\">t</text></svg><p>b</p>");
  }
  SECTION("XLink, declared where used, and a link inside the SVG kept as is") {
    CHECK(sanitized("<svg><a xlink:href=\"/more\"><use xlink:href=\"#c\"/>"
                    "</a></svg>") ==
          "<svg xmlns=\"http://www.w3.org/2000/svg\"><a "
          "xlink:href=\"https://www.example.com/more\" "
          "xmlns:xlink=\"http://www.w3.org/1999/xlink\"><use xlink:href=\"#c\" "
          "xmlns:xlink=\"http://www.w3.org/1999/xlink\" /></a></svg>");
  }
  SECTION("MathML, with the HTML inside its text") {
    CHECK(sanitized("<math><mrow><mi>x</mi><mo>+</mo><mtext><b>one</b>"
                    "</mtext></mrow></math>") ==
          "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow><mi>x</mi>"
          "<mo>+</mo><mtext><b>one</b></mtext></mrow></math>");
  }
  SECTION("unknown SVG elements unwrapped, hidden ones dropped") {
    CHECK(sanitized("<svg><textPath>along</textPath><clipPath><rect/>"
                    "</clipPath></svg>") ==
          "<svg xmlns=\"http://www.w3.org/2000/svg\">along</svg>");
  }
}

TEST_CASE("Unknown tags are unwrapped, keeping their text", "[html]") {
  CHECK(sanitized("<p><blink>blink</blink> and "
                  "<custom-tag data-x=\"1\">custom</custom-tag></p>") ==
        "<p>blink and custom</p>");
}

TEST_CASE("feedparser's allowlist of elements and attributes is kept",
          "[html]") {
  SECTION("presentational elements and attributes") {
    CHECK(sanitized("<font color=\"red\" face=\"Arial\">f</font>"
                    "<span class=\"c\" id=\"i\" data-x=\"1\">s</span>") ==
          "<font color=\"red\" face=\"Arial\">f</font>"
          "<span class=\"c\" id=\"i\">s</span>");
  }
  SECTION("elements the HTML parser does not know") {
    CHECK(sanitized("<event-source></event-source><m>marked</m><dialog>d"
                    "</dialog>") ==
          "<event-source></event-source><m>marked</m><dialog>d</dialog>");
  }
  SECTION("image maps, with safe links only") {
    CHECK(sanitized("<img src=\"/m.png\" usemap=\"#m\"><map name=\"m\">"
                    "<area href=\"/a\" alt=\"A\"><area href=\"javascript:x()\">"
                    "</map>") ==
          "<img usemap=\"#m\" src=\"https://www.example.com/m.png\" />"
          "<map name=\"m\"><area href=\"https://www.example.com/a\" "
          "alt=\"A\" /><area /></map>");
  }
  SECTION("an empty URL attribute stays empty") {
    CHECK(sanitized("<span href=\"\" src=\" \">s</span>") ==
          "<span href=\"\" src=\"\">s</span>");
  }
  SECTION("an object's fallback content, without the object") {
    CHECK(sanitized("<p>a<object data=\"/x.swf\"><param name=\"m\" "
                    "value=\"x\"> <b>fallback</b></object></p>") ==
          "<p>a <b>fallback</b></p>");
  }
  SECTION("noscript's content, sanitized, without the noscript") {
    // A browser that runs scripts reads a <noscript>'s content as text.
    CHECK(sanitized("<noscript><img src=\"/a.jpg\" onload=\"x()\">"
                    "</noscript>") ==
          "<img src=\"https://www.example.com/a.jpg\" />");
  }
}

// In a table of its own: a browser ignores a <tr> or <td> outside one.
TEST_CASE("A fragment of a table keeps its rows and cells", "[html]") {
  SECTION("a row") {
    CHECK(sanitized("<tr><td>a</td><td>b</td></tr>") ==
          "<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>");
  }
  SECTION("rows share one table") {
    CHECK(sanitized("<tr><td>a</td></tr>\n<tr><td>b</td></tr>") ==
          "<table><tbody><tr><td>a</td></tr><tr><td>b</td></tr></tbody>"
          "</table>");
  }
  SECTION("a cell") {
    CHECK(sanitized("<td>cell</td>") ==
          "<table><tbody><tr><td>cell</td></tr></tbody></table>");
  }
  SECTION("but a stray column loses nothing after it") {
    CHECK(sanitized("x<col>y") == "xy");
    CHECK(sanitized("<col><p>z</p>") == "<p>z</p>");
    CHECK(sanitized("<col></col>") ==
          "<table><colgroup><col /></colgroup></table>");
  }
}

TEST_CASE("An XHTML pair <br></br> is one line break", "[html]") {
  CHECK(sanitized("<p>a<br></br>b</p>") == "<p>a<br />b</p>");
  CHECK(sanitized("<p>a</br>b</p>") == "<p>a<br />b</p>");
}

TEST_CASE("A CDATA marker in HTML is text, and what it wraps is parsed",
          "[html]") {
  CHECK(sanitized("<![CDATA[<b>x</b><script>y()</script>]]>") ==
        "&lt;![CDATA[<b>x</b>]]&gt;");
}

TEST_CASE("Comments are dropped", "[html]") {
  CHECK(sanitized("<p>a<!-- secret -->b</p>") == "<p>ab</p>");
  CHECK(sanitized("<!--[if IE]><p>old</p><![endif]--><p>new</p>") ==
        "<p>new</p>");
}

TEST_CASE("Relative URLs resolve against the base URL", "[html]") {
  SECTION("href") {
    CHECK(sanitized("<a href=\"other.html\">a</a>") ==
          "<a href=\"https://www.example.com/news/other.html\">a</a>");
    CHECK(sanitized("<a href=\"../up.html\">a</a>") ==
          "<a href=\"https://www.example.com/up.html\">a</a>");
    CHECK(sanitized("<a href=\"//cdn.example.net/x\">a</a>") ==
          "<a href=\"https://cdn.example.net/x\">a</a>");
  }
  SECTION("src") {
    CHECK(sanitized("<img src=\"/img/a.jpg\">") ==
          "<img src=\"https://www.example.com/img/a.jpg\" />");
  }
  SECTION("srcset, keeping the descriptors") {
    CHECK(
        sanitized("<img src=\"a.jpg\" srcset=\"a.jpg 480w, /b.jpg 1080w\">") ==
        "<img srcset=\"https://www.example.com/news/a.jpg 480w, "
        "https://www.example.com/b.jpg 1080w\" "
        "src=\"https://www.example.com/news/a.jpg\" />");
  }
  SECTION("srcset candidates separated by a bare comma") {
    CHECK(
        sanitized("<img src=\"/a.jpg\" srcset=\"/s.jpg 480w,/l.jpg 1080w\">") ==
        "<img srcset=\"https://www.example.com/s.jpg 480w, "
        "https://www.example.com/l.jpg 1080w\" "
        "src=\"https://www.example.com/a.jpg\" />");
  }
  SECTION("against another base") {
    CHECK(sanitized("<a href=\"x.html\">a</a>", "http://other.example/dir/") ==
          "<a href=\"http://other.example/dir/x.html\">a</a>");
  }
}

TEST_CASE("Void elements are written with a closing slash", "[html]") {
  CHECK(sanitized("<p>a<br>b<wbr>c</p><hr>") ==
        "<p>a<br />b<wbr />c</p><hr />");
}

// ------------------------------------------------------------- one line

TEST_CASE("The sanitized HTML never contains a line break", "[html]") {
  const std::string html = sanitized(
      "<h1>Title\n</h1>\r\n<p>One\ntwo</p>\n\n<pre>a\nb\r\nc</pre>\n"
      "<img src=\"/a.jpg\" alt=\"line\none\">\n<ul>\n<li>x</li>\n</ul>\n"
      "<a href=\"\n/b.html\n\" title=\"t\r\nu\">b</a>\n");
  CAPTURE(html);
  CHECK(html.find('\n') == std::string::npos);
  CHECK(html.find('\r') == std::string::npos);
  CHECK_THAT(html, Contains("<p>One two</p>"));
  CHECK_THAT(html, Contains("href=\"https://www.example.com/b.html\""));
}

TEST_CASE("Whitespace-only text between block elements is dropped", "[html]") {
  SECTION("between paragraphs") {
    CHECK(sanitized("<p>a</p>\n\n<p>b</p>") == "<p>a</p><p>b</p>");
  }
  SECTION("inside a list") {
    CHECK(sanitized("<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n") ==
          "<ul><li>a</li><li>b</li></ul>");
  }
  SECTION("around a nested block") {
    CHECK(sanitized("<div>\n<p>x</p>\n</div>\n") == "<div><p>x</p></div>");
  }
  SECTION("around a removed element") {
    CHECK(sanitized("<p>x</p>\n<script>s()</script>\n<!-- c -->\n<p>y</p>") ==
          "<p>x</p><p>y</p>");
  }
  SECTION("but not between inline elements") {
    CHECK(sanitized("<p><em>a</em>\n<em>b</em></p>") ==
          "<p><em>a</em> <em>b</em></p>");
  }
}

TEST_CASE("A line break inside text becomes one space", "[html]") {
  SECTION("in a sentence") {
    CHECK(sanitized("<p>Stocks rose\non Tuesday.</p>") ==
          "<p>Stocks rose on Tuesday.</p>");
  }
  SECTION("with indentation around it") {
    CHECK(sanitized("<p>Stocks rose  \n    on Tuesday.</p>") ==
          "<p>Stocks rose on Tuesday.</p>");
  }
  SECTION("CRLF") {
    CHECK(sanitized("<p>Stocks rose\r\non Tuesday.</p>") ==
          "<p>Stocks rose on Tuesday.</p>");
  }
  SECTION("next to an inline element") {
    CHECK(sanitized("<p>a\n<em>b</em>\nc</p>") == "<p>a <em>b</em> c</p>");
  }
  SECTION("between a wide and a narrow character") {
    CHECK(sanitized("<p>中国\nabc</p>") == "<p>中国 abc</p>");
    CHECK(sanitized("<p>abc\n中国</p>") == "<p>abc 中国</p>");
  }
}

TEST_CASE("A line break between two wide characters disappears", "[html]") {
  SECTION("Chinese") {
    CHECK(sanitized("<p>中国\n外交部</p>") == "<p>中国外交部</p>");
  }
  SECTION("after fullwidth punctuation") {
    CHECK(sanitized("<p>中国，\n外交部</p>") == "<p>中国，外交部</p>");
  }
  SECTION("Japanese kana and Korean hangul") {
    CHECK(sanitized("<p>ひらがな\nカタカナ</p>") == "<p>ひらがなカタカナ</p>");
    CHECK(sanitized("<p>한국\n어</p>") == "<p>한국어</p>");
  }
  SECTION("across an inline element") {
    CHECK(sanitized("<p>日本語\n<b>強調</b></p>") ==
          "<p>日本語<b>強調</b></p>");
  }
}

TEST_CASE("Line breaks inside pre become character references", "[html]") {
  SECTION("plain") {
    CHECK(sanitized("<pre>line 1\nline 2\n  indented</pre>") ==
          "<pre>line 1&#10;line 2&#10;  indented</pre>");
  }
  SECTION("CRLF is one line break") {
    CHECK(sanitized("<pre>a\r\nb</pre>") == "<pre>a&#10;b</pre>");
  }
  SECTION("inside code, escaping kept") {
    CHECK(sanitized("<pre><code>if (a &lt; b)\n  x();</code></pre>") ==
          "<pre><code>if (a &lt; b)&#10;  x();</code></pre>");
  }
}

TEST_CASE("Text is HTML-escaped", "[html]") {
  CHECK(sanitized("<p>AT&amp;T &lt;b&gt; 1 &gt; 0</p>") ==
        "<p>AT&amp;T &lt;b&gt; 1 &gt; 0</p>");
  CHECK(sanitized("<p>a & b</p>") == "<p>a &amp; b</p>");
}

TEST_CASE("Attribute values are escaped", "[html]") {
  SECTION("quotes and a line break") {
    CHECK(sanitized("<img src=\"/a.jpg\" alt=\"say &quot;hi&quot;\nnow\">") ==
          "<img alt=\"say &quot;hi&quot;&#10;now\" "
          "src=\"https://www.example.com/a.jpg\" />");
  }
  SECTION("angle brackets and ampersands") {
    CHECK(sanitized("<p title=\"a<b>&amp;c\">x</p>") ==
          "<p title=\"a&lt;b&gt;&amp;c\">x</p>");
  }
  SECTION("an ampersand in a URL") {
    CHECK(sanitized("<a href=\"https://x.example/?q=1&amp;r=2\">y</a>") ==
          "<a href=\"https://x.example/?q=1&amp;r=2\">y</a>");
  }
}

TEST_CASE("An empty or blank fragment gives nothing", "[html]") {
  const SanitizedHtml result = with_lead_image(" \n\t ", LeadImage::kTake);
  CHECK(result.html.empty());
  CHECK(result.image_url.empty());
}

// ------------------------------------------------------------- lead image

TEST_CASE("The lead image is taken out of the body with its figure",
          "[html][image]") {
  const SanitizedHtml result = with_lead_image(
      "<p>Intro</p><figure><img src=\"/img/a.jpg\" alt=\"Alt\" "
      "title=\"Title\"><figcaption>Cap <b>tion</b>\n here</figcaption>"
      "</figure><p>Body</p>",
      LeadImage::kTake);
  CHECK(result.image_url == "https://www.example.com/img/a.jpg");
  CHECK(result.image_caption == "Cap tion here");
  CHECK(result.html == "<p>Intro</p><p>Body</p>");
}

TEST_CASE("The caption is the figcaption, else the title, else the alt",
          "[html][image]") {
  SECTION("figcaption") {
    CHECK(with_lead_image("<figure><img src=\"/a.jpg\" title=\"T\" alt=\"A\">"
                          "<figcaption>F</figcaption></figure>",
                          LeadImage::kTake)
              .image_caption == "F");
  }
  SECTION("title when the figcaption is blank") {
    CHECK(with_lead_image("<figure><img src=\"/a.jpg\" title=\"T\" alt=\"A\">"
                          "<figcaption> </figcaption></figure>",
                          LeadImage::kTake)
              .image_caption == "T");
  }
  SECTION("title when there is no figure") {
    CHECK(with_lead_image("<img src=\"/a.jpg\" title=\"T\" alt=\"A\">",
                          LeadImage::kTake)
              .image_caption == "T");
  }
  SECTION("alt") {
    CHECK(with_lead_image("<img src=\"/a.jpg\" alt=\"  A \n only \">",
                          LeadImage::kTake)
              .image_caption == "A only");
  }
  SECTION("none") {
    const SanitizedHtml result =
        with_lead_image("<img src=\"/a.jpg\">", LeadImage::kTake);
    CHECK(result.image_url == "https://www.example.com/a.jpg");
    CHECK(result.image_caption.empty());
  }
}

TEST_CASE("A 1x1 pixel is never the lead image and never shown",
          "[html][image]") {
  SECTION("the next image is taken instead") {
    const SanitizedHtml result = with_lead_image(
        "<img src=\"/px.gif\" width=\"1\" height=\"1\">"
        "<img src=\"/img/real.jpg\" alt=\"R\"><p>t</p>",
        LeadImage::kTake);
    CHECK(result.image_url == "https://www.example.com/img/real.jpg");
    CHECK(result.image_caption == "R");
    CHECK(result.html == "<p>t</p>");
  }
  SECTION("a lone pixel gives no lead image") {
    const SanitizedHtml result = with_lead_image(
        "<p>t</p><img src=\"/px.gif\" width=\"1\" height=\"1\">",
        LeadImage::kTake);
    CHECK(result.image_url.empty());
    CHECK(result.html == "<p>t</p>");
  }
  SECTION("nor is it kept when no lead image is asked for") {
    CHECK(sanitized("<p>t<img src=\"/px.gif\" width=\"1\" height=\"1\"></p>") ==
          "<p>t</p>");
  }
}

TEST_CASE("A lazy data-src wins over a data: placeholder", "[html][image]") {
  constexpr std::string_view kLazy =
      "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" "
      "data-src=\"/img/lazy.jpg\">";
  SECTION("as the lead image") {
    CHECK(with_lead_image(kLazy, LeadImage::kTake).image_url ==
          "https://www.example.com/img/lazy.jpg");
  }
  SECTION("as a kept image") {
    CHECK(sanitized(kLazy) ==
          "<img src=\"https://www.example.com/img/lazy.jpg\" />");
  }
}

TEST_CASE("An image with only a srcset yields its largest candidate",
          "[html][image]") {
  SECTION("width descriptors, not in order") {
    CHECK(with_lead_image("<img srcset=\"/img/s.jpg 480w, /img/l.jpg 1080w, "
                          "/img/m.jpg 720w\">",
                          LeadImage::kTake)
              .image_url == "https://www.example.com/img/l.jpg");
  }
  SECTION("candidates separated by a bare comma") {
    CHECK(with_lead_image("<img srcset=\"/img/s.jpg 480w,/img/l.jpg 1080w\">",
                          LeadImage::kTake)
              .image_url == "https://www.example.com/img/l.jpg");
  }
  SECTION("density descriptors") {
    CHECK(with_lead_image("<img srcset=\"/img/2x.jpg 2x, /img/1x.jpg 1x\">",
                          LeadImage::kTake)
              .image_url == "https://www.example.com/img/2x.jpg");
  }
}

TEST_CASE("A wrapper holding only the lead image goes with it",
          "[html][image]") {
  SECTION("a link inside a paragraph") {
    const SanitizedHtml result = with_lead_image(
        "<p><a href=\"/story\"><img src=\"/img/a.jpg\"></a></p>\n<p>Text</p>",
        LeadImage::kTake);
    CHECK(result.image_url == "https://www.example.com/img/a.jpg");
    CHECK(result.html == "<p>Text</p>");
  }
  SECTION("a paragraph that also holds text stays") {
    const SanitizedHtml result = with_lead_image(
        "<p>Before <img src=\"/img/a.jpg\"> after</p>", LeadImage::kTake);
    CHECK(result.image_url == "https://www.example.com/img/a.jpg");
    CHECK_THAT(result.html, !Contains("<img"));
    CHECK_THAT(result.html, Contains("<p>Before"));
    CHECK(html_to_text(result.html) == "Before after");
  }
}

TEST_CASE("Only the first real image is taken, later ones stay",
          "[html][image]") {
  const SanitizedHtml result = with_lead_image(
      "<figure><img src=\"/img/a.jpg\"><figcaption>C</figcaption></figure>"
      "<img src=\"/img/b.jpg\">",
      LeadImage::kTake);
  CHECK(result.image_url == "https://www.example.com/img/a.jpg");
  CHECK(result.image_caption == "C");
  CHECK(result.html == "<img src=\"https://www.example.com/img/b.jpg\" />");
}

TEST_CASE("Finding the lead image leaves it in the body", "[html][image]") {
  const SanitizedHtml result = with_lead_image(
      "<figure><img src=\"/img/a.jpg\"><figcaption>C</figcaption></figure>"
      "<p>x</p>",
      LeadImage::kFind);
  CHECK(result.image_url == "https://www.example.com/img/a.jpg");
  CHECK(result.image_caption == "C");
  CHECK(result.html ==
        "<figure><img src=\"https://www.example.com/img/a.jpg\" />"
        "<figcaption>C</figcaption></figure><p>x</p>");
}

TEST_CASE("No lead image is reported unless asked for or present",
          "[html][image]") {
  SECTION("not asked for") {
    const SanitizedHtml result =
        with_lead_image("<img src=\"/img/a.jpg\">", LeadImage::kIgnore);
    CHECK(result.image_url.empty());
    CHECK(result.html == "<img src=\"https://www.example.com/img/a.jpg\" />");
  }
  SECTION("no image in the body") {
    const SanitizedHtml result =
        with_lead_image("<p>no image</p>", LeadImage::kTake);
    CHECK(result.image_url.empty());
    CHECK(result.image_caption.empty());
    CHECK(result.html == "<p>no image</p>");
  }
}

TEST_CASE("The image proxy rewrites every kept image", "[html][image]") {
  constexpr std::string_view kProxy =
      "https://images.weserv.nl?url={url_noscheme}";
  SECTION("src and srcset, but not links") {
    const SanitizedHtml result = with_lead_image(
        "<img src=\"/img/a.jpg\" srcset=\"/img/a.jpg 1x, /img/b.jpg 2x\">"
        "<a href=\"/img/c.jpg\">c</a>",
        LeadImage::kIgnore, kProxy);
    CHECK(result.html ==
          "<img srcset=\"https://images.weserv.nl?url=www.example.com/img/"
          "a.jpg 1x, https://images.weserv.nl?url=www.example.com/img/b.jpg "
          "2x\" src=\"https://images.weserv.nl?url=www.example.com/img/a.jpg\" "
          "/><a href=\"https://www.example.com/img/c.jpg\">c</a>");
  }
  SECTION("the images left after the lead image is taken") {
    const SanitizedHtml result =
        with_lead_image("<img src=\"/img/a.jpg\"><img src=\"/img/b.jpg\">",
                        LeadImage::kTake, kProxy);
    CHECK(result.html ==
          "<img src=\"https://images.weserv.nl?url=www.example.com/img/b.jpg\" "
          "/>");
  }
}

// ------------------------------------------------------------- plain text

TEST_CASE("Plain text of HTML drops tags and decodes entities", "[html]") {
  SECTION("entities") {
    CHECK(html_to_text("Caf&eacute; &amp; bar &lt;tag&gt; &#39;q&#39; "
                       "&#x4E2D;") == "Café & bar <tag> 'q' 中");
  }
  SECTION("tags, with block boundaries as spaces") {
    CHECK(html_to_text("<p>One <b>bold</b>ly</p>\n<p>Two</p>a<br>b") ==
          "One boldly Two a b");
  }
  SECTION("scripts and styles give no text") {
    CHECK(html_to_text("x<script>alert(1)</script><style>p{}</style>y") ==
          "xy");
  }
  SECTION("whitespace collapsed and trimmed") {
    CHECK(html_to_text("  plain \n\t text  ") == "plain text");
  }
  SECTION("a bare ampersand stays") {
    CHECK(html_to_text("AT&T") == "AT&T");
  }
}

TEST_CASE("collapse_whitespace makes one space of each run and trims",
          "[html]") {
  CHECK(collapse_whitespace(" \t a \r\n\n b  c\f") == "a b c");
  CHECK(collapse_whitespace("   ").empty());
}

TEST_CASE("append_html_escaped escapes quotes only in attributes", "[html]") {
  SECTION("text") {
    std::string out = "x:";
    append_html_escaped(out, "a & <b> \"c\"");
    CHECK(out == "x:a &amp; &lt;b&gt; \"c\"");
  }
  SECTION("attribute") {
    std::string out = "x=";
    append_html_escaped(out, "a & <b> \"c\"", true);
    CHECK(out == "x=a &amp; &lt;b&gt; &quot;c&quot;");
  }
}

TEST_CASE("Deeply nested markup is cut off instead of exhausting the stack",
          "[html][robustness]") {
  std::string deep;
  for (int i = 0; i < 3000; ++i) {
    deep += "<div>";
  }
  deep += "deep text<img src=\"/deep.jpg\">";
  const std::string html = sanitized("<p>top</p>" + deep);
  CHECK(html.starts_with("<p>top</p><div><div>"));
  CHECK(html.find("deep text") == std::string::npos);
  CHECK(html.size() < 3000 * 11);
  CHECK(html_to_text("<b>top</b>" + deep) == "top");
  CHECK(with_lead_image(deep, LeadImage::kTake).image_url.empty());
}

TEST_CASE("Nesting too deep for the parser is cut before it parses",
          "[html][robustness]") {
  // gumbo is quadratic in nesting depth: 200,000 nested <b> took 8 s.
  const auto nested = [](std::string_view open, std::string_view close, int n) {
    std::string html = "<p>top</p>";
    for (int i = 0; i < n; ++i) {
      html += open;
      html += close;
    }
    return html + "tail";
  };
  SECTION("formatting elements") {
    const std::string html = sanitized(nested("<b>", "", 300'000));
    CHECK(html.starts_with("<p>top</p><b><b>"));
    CHECK(html.find("tail") == std::string::npos);
    const double growth = feedmark::test::growth_when_multiplied(
        [&](std::size_t n) {
          sanitized(nested("<b>", "", static_cast<int>(n)));
        },
        12'500);
    CHECK(growth < feedmark::test::kLinearGrowthLimit);  // gumbo alone: 64
  }
  SECTION("a slash does not close an HTML element") {
    // The parser ignores "/" in "<b/>": these nest like "<b>".
    const double growth = feedmark::test::growth_when_multiplied(
        [&](std::size_t n) {
          sanitized(nested("<b/>", "", static_cast<int>(n)));
        },
        12'500);
    CHECK(growth < feedmark::test::kLinearGrowthLimit);  // gumbo alone: 64
  }
  SECTION("start tags with no '>' after them are scanned once") {
    const double growth = feedmark::test::growth_when_multiplied(
        [&](std::size_t n) {
          sanitized(nested("<b", "", static_cast<int>(n)));
        },
        25'000);
    CHECK(growth < feedmark::test::kLinearGrowthLimit);  // a scan each: 64
  }
  SECTION("end tags that close nothing do not hide the depth") {
    const std::string html = sanitized(nested("<span>", "</i></p>", 5000));
    CHECK(html.find("tail") == std::string::npos);
  }
}

TEST_CASE("Real markup, however long, is never cut by the nesting guard",
          "[html][robustness]") {
  std::string html = "<ul>";
  for (int i = 0; i < 3000; ++i) {
    html += "<li>item<p>para<br>line<img src=\"/i.png\" alt=\"\">";
  }
  html += "</ul><script>for (i = 0; i<n; i++) {}";
  for (int i = 0; i < 3000; ++i) {
    html += "if (a<b && c<d) {}";
  }
  html += "</script><!--";
  for (int i = 0; i < 3000; ++i) {
    html += "<div>";
  }
  html += "--><svg>";
  for (int i = 0; i < 3000; ++i) {
    html += "<circle r=\"1\"/>";
  }
  html += "</svg><table>";
  for (int i = 0; i < 3000; ++i) {
    html += "<tr><td>cell";
  }
  html += "</table><p>THE END</p>";
  CHECK(sanitized(html).find("<p>THE END</p>") != std::string::npos);
}

TEST_CASE(
    "The image proxy applies to every image URL and never to a dropped one",
    "[html][image]") {
  const std::string proxy = "https://px.example/?u={url_encoded}";
  SanitizeOptions options;
  options.base_url = kBase;
  options.image_proxy = proxy;
  SECTION("an image whose source is a script loses it, not proxied") {
    const std::string html =
        sanitize_html("<p>a<img src=\"javascript:alert(1)\" alt=\"A\">b</p>",
                      options)
            .html;
    CHECK(html == "<p>a<img alt=\"A\" />b</p>");
  }
  SECTION("a relative image without any base loses its source") {
    SanitizeOptions no_base = options;
    no_base.base_url = {};
    CHECK(sanitize_html("<p>a<img src=\"/rel.jpg\">b</p>", no_base).html ==
          "<p>a<img />b</p>");
  }
  SECTION("a video poster and a picture source's srcset are proxied") {
    const std::string html =
        sanitize_html(
            "<video poster=\"/p.jpg\"></video><picture><source "
            "srcset=\"/s.webp 1x\"><img src=\"/i.jpg\"></picture>",
            options)
            .html;
    CHECK_THAT(html, Contains("poster=\"https://px.example/"
                              "?u=https%3A%2F%2Fwww.example.com%2Fp.jpg\""));
    CHECK_THAT(html,
               Contains("srcset=\"https://px.example/"
                        "?u=https%3A%2F%2Fwww.example.com%2Fs.webp 1x\""));
    CHECK_THAT(html, Contains("src=\"https://px.example/"
                              "?u=https%3A%2F%2Fwww.example.com%2Fi.jpg\""));
  }
}

TEST_CASE("Plain text keeps what only looks like a tag", "[html][text]") {
  CHECK(html_to_text("Why std::vector<bool> is special") ==
        "Why std::vector<bool> is special");
  CHECK(html_to_text("<b>Bold</b> and <i>italic</i>") == "Bold and italic");
  CHECK(html_to_text("a<script>alert(1)</script>b") == "ab");
}

TEST_CASE("Control characters from character references become U+FFFD",
          "[html][robustness]") {
  // XML forbids them, so the repair pass replaces "&#1;" in the feed; but
  // HTML escaped inside it ("&amp;#1;") is decoded only here.
  const std::string r(feedmark::kReplacementCharacter);
  CHECK(sanitized("<p>a&#1;b&#x1F;c\x02"
                  "d</p>") == "<p>a" + r + "b" + r + "c" + r + "d</p>");
  CHECK(html_to_text("<b>a&#1;b</b>&#12;c") == "a" + r + "b c");
}
