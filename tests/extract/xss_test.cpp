// The sanitizer against cross-site scripting: one test per known vector
// (OWASP's XSS filter evasion list, html5sec.org, mXSS papers), each checking
// that what could run is gone and that the harmless content stays. The
// sanitized HTML is checked by re-reading it tag by tag, as a browser would.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "feedmark/extract/css.h"
#include "feedmark/extract/sanitize.h"
#include "test_support.h"

namespace {

using Catch::Contains;
using feedmark::html_to_text;
using feedmark::sanitize_html;
using feedmark::SanitizeOptions;

constexpr std::string_view kBase = "https://www.example.com/news/story.html";

std::string sanitized(std::string_view html) {
  SanitizeOptions options;
  options.base_url = kBase;
  return sanitize_html(html, options).html;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

struct Attribute {
  std::string name;
  std::string value;  ///< character references decoded
};

struct Tag {
  std::string name;
  std::vector<Attribute> attributes;
};

std::string decode_references(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t end = s.find(';', i);
    if (end == std::string_view::npos) {
      out += s.substr(i);
      break;
    }
    const std::string_view ref = s.substr(i, end - i + 1);
    if (ref == "&amp;") {
      out += '&';
    } else if (ref == "&quot;") {
      out += '"';
    } else if (ref == "&lt;") {
      out += '<';
    } else if (ref == "&gt;") {
      out += '>';
    } else if (ref == "&#10;") {
      out += '\n';
    } else if (ref == "&#13;") {
      out += '\r';
    } else {
      out += ref;  // the sanitizer writes no other reference
    }
    i = end;
  }
  return out;
}

// The start tags of the sanitizer's output. It writes every attribute as
// name="value" and escapes every "<" of text and values, so each "<" opens
// a tag.
std::vector<Tag> start_tags(std::string_view html) {
  std::vector<Tag> tags;
  for (std::size_t i = html.find('<'); i != std::string_view::npos;
       i = html.find('<', i + 1)) {
    if (i + 1 < html.size() && html[i + 1] == '/') {
      continue;
    }
    Tag tag;
    std::size_t j = i + 1;
    while (j < html.size() && html[j] != ' ' && html[j] != '>' &&
           html[j] != '/') {
      tag.name += html[j++];
    }
    while (j + 1 < html.size() && html[j] == ' ' && html[j + 1] != '/' &&
           html[j + 1] != '>') {
      const std::size_t eq = html.find("=\"", j);
      const std::size_t close = html.find('"', eq + 2);
      if (eq == std::string_view::npos || close == std::string_view::npos) {
        break;
      }
      tag.attributes.push_back(
          {std::string(html.substr(j + 1, eq - j - 1)),
           decode_references(html.substr(eq + 2, close - eq - 2))});
      j = close + 1;
    }
    tags.push_back(std::move(tag));
  }
  return tags;
}

bool is_url_attribute(std::string_view name) {
  for (std::string_view url :
       {"href",       "xlink:href", "src",        "srcset",   "action",
        "formaction", "poster",     "background", "cite",     "longdesc",
        "lowsrc",     "dynsrc",     "data",       "datasrc",  "icon",
        "vrml",       "ping",       "altimg",     "codebase", "classid"}) {
    if (name == url) {
      return true;
    }
  }
  return false;
}

// Every URL of a URL attribute: srcset candidates and ping lists split.
std::vector<std::string> urls_of(const Attribute& a) {
  std::vector<std::string> urls;
  std::string current;
  const bool srcset = a.name == "srcset";
  for (std::size_t i = 0; i <= a.value.size(); ++i) {
    const char c = i < a.value.size() ? a.value[i] : ' ';
    if (c == ' ' || (srcset && c == ',')) {
      if (!current.empty()) {
        urls.push_back(current);
      }
      current.clear();
      if (srcset) {  // skip the descriptor
        while (i + 1 < a.value.size() && a.value[i + 1] != ',') {
          ++i;
        }
        ++i;
      }
    } else {
      current += c;
    }
  }
  return urls;
}

bool is_safe_url(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://") ||
         url.starts_with("mailto:") || url.starts_with('#');
}

// Without spaces and control characters, in lower case: how a browser may
// read "java script:" or "ex/**/pression".
std::string squeezed(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (static_cast<unsigned char>(c) > 0x20) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

/// What in sanitized HTML could run script, load a document, or restyle the
/// page: one line per finding, none for safe HTML.
std::vector<std::string> active_content(std::string_view html) {
  std::vector<std::string> found;
  for (const Tag& tag : start_tags(html)) {
    const std::string name = lower(tag.name);
    for (std::string_view bad :
         {"script", "style",   "iframe",  "frame",    "frameset", "object",
          "embed",  "applet",  "base",    "meta",     "link",     "form",
          "input",  "button",  "select",  "textarea", "template", "param",
          "keygen", "isindex", "handler", "listener", "image",    "feimage"}) {
      if (name == bad) {
        found.push_back("element <" + name + ">");
      }
    }
    for (const Attribute& a : tag.attributes) {
      const std::string attr = lower(a.name);
      if (attr.starts_with("on") || attr == "srcdoc" || attr == "http-equiv" ||
          attr == "xml:base") {
        found.push_back("attribute " + attr + " on <" + name + ">");
      }
      if (is_url_attribute(attr)) {
        for (const std::string& url : urls_of(a)) {
          if (!is_safe_url(url)) {
            found.push_back(attr + "=\"" + url + "\"");
          }
        }
      }
      const std::string value = squeezed(a.value);
      if (attr == "style") {
        for (std::string_view bad :
             {"url(", "expression", "behavior", "binding", "javascript", "\\",
              "@import", "/*", "import"}) {
          if (value.find(bad) != std::string::npos) {
            found.push_back("style \"" + a.value + "\"");
          }
        }
      }
      if ((attr == "attributename" &&
           value.find("href") != std::string::npos) ||
          ((attr == "to" || attr == "values" || attr == "from" ||
            attr == "by") &&
           (value.find("script:") != std::string::npos ||
            value.find("data:") != std::string::npos))) {
        found.push_back("animation " + attr + "=\"" + a.value + "\"");
      }
    }
  }
  return found;
}

// The sanitized HTML holds nothing active and exactly `text` as text.
void check_safe(const std::string& html, std::string_view text) {
  CAPTURE(html);
  CHECK(active_content(html).empty());
  CHECK(html_to_text(html) == text);
}

}  // namespace

TEST_CASE("The checker of these tests finds what it looks for", "[xss]") {
  CHECK_FALSE(active_content("<a href=\"javascript:x()\">a</a>").empty());
  CHECK_FALSE(active_content("<p onclick=\"x()\">a</p>").empty());
  CHECK_FALSE(active_content("<img srcset=\"/a.jpg 1x\" />").empty());
  CHECK_FALSE(active_content("<p style=\"width: ex/**/pression(x)\">").empty());
  CHECK_FALSE(active_content("<svg><script>x</script></svg>").empty());
  CHECK_FALSE(
      active_content("<set attributeName=\"href\" to=\"x\" />").empty());
  CHECK(active_content("<a href=\"https://x.example/?a=1&amp;b=2\" "
                       "title=\"javascript:\">a</a>")
            .empty());
}

// ------------------------------------------------------------- URLs

TEST_CASE("A javascript: URL in mixed case is removed", "[xss][url]") {
  const std::string html = sanitized("<a href=\"JaVaScRiPt:alert(1)\">x</a>");
  check_safe(html, "x");
  CHECK(html == "<a>x</a>");
}

TEST_CASE("An entity-encoded javascript: URL is removed", "[xss][url]") {
  SECTION("decimal references") {
    check_safe(sanitized("<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;"
                         "&#105;&#112;&#116;&#58;alert(1)\">x</a>"),
               "x");
  }
  SECTION("hexadecimal references") {
    check_safe(sanitized("<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>"),
               "x");
  }
  SECTION("references without semicolons, zero-padded") {
    check_safe(sanitized("<a href=\"&#0000106&#0000097vascript:alert(1)\">"
                         "x</a><a href=\"&#x6Aavascript:alert(1)\">y</a>"),
               "xy");
  }
  SECTION("&Tab; and &NewLine; inside the scheme") {
    check_safe(
        sanitized("<a href=\"jav&Tab;ascript:alert(1)\">x</a>"
                  "<a href=\"java&NewLine;script&colon;alert(1)\">y</a>"),
        "xy");
  }
}

TEST_CASE("Spaces and control characters before the scheme hide nothing",
          "[xss][url]") {
  check_safe(sanitized("<a href=\" &#14;  javascript:alert(1)\">x</a>"
                       "<a href=\"&#x01;&#x1F;javascript:alert(1)\">y</a>"
                       "<img src=\"&#9;&#10;javascript:alert(1)\" alt=\"z\">"),
             "xy");
}

TEST_CASE("A vbscript: URL is removed", "[xss][url]") {
  check_safe(sanitized("<a href=\"vbscript:msgbox(1)\">x</a>"
                       "<a href=\"VBSCRIPT:msgbox(1)\">y</a>"),
             "xy");
}

TEST_CASE("data:text/html is removed from href and src", "[xss][url]") {
  const std::string html = sanitized(
      "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">"
      "x</a><img src=\"data:text/html,<script>alert(1)</script>\" alt=\"pic\">"
      "<video src=\"data:text/html,x\" poster=\"data:image/svg+xml,x\">"
      "</video>");
  check_safe(html, "x");
  CHECK_THAT(html, !Contains("data:"));
  CHECK_THAT(html, Contains("<img alt=\"pic\" />"));
}

TEST_CASE("A NUL inside javascript: makes no link of it", "[xss][url]") {
  using namespace std::literals;
  const std::string html = sanitized(
      "<a href=\"java&#0;script:alert(1)\">x</a>"
      "<a href=\"java\0script:alert(1)\">y</a>"sv);
  check_safe(html, "xy");
  CHECK(html == "<a>x</a><a>y</a>");
}

TEST_CASE("A srcset or ping list keeps only its safe URLs", "[xss][url]") {
  const std::string html = sanitized(
      "<img src=\"/a.jpg\" srcset=\"javascript:alert(1) 1x, /b.jpg 2x\">"
      "<a href=\"/p\" ping=\"javascript:alert(1) /count\">p</a>");
  check_safe(html, "p");
  CHECK_THAT(html, Contains("srcset=\"https://www.example.com/b.jpg 2x\""));
  CHECK_THAT(html, Contains("ping=\"https://www.example.com/count\""));
}

// ------------------------------------------------------------- SVG, MathML

TEST_CASE("A script inside SVG is removed", "[xss][svg]") {
  const std::string html = sanitized(
      "<svg><script>alert(1)</script><script "
      "xlink:href=\"//evil.example/x.js\">"
      "</script><circle r=\"4\"/></svg>kept");
  check_safe(html, "kept");
  CHECK_THAT(html, Contains("<circle r=\"4\" />"));
}

TEST_CASE("An SVG onload handler is removed", "[xss][svg]") {
  const std::string html = sanitized(
      "<svg onload=\"alert(1)\" ONLOAD=\"alert(2)\"><rect "
      "width=\"1\" onclick=\"alert(3)\"/></svg>");
  check_safe(html, "");
  CHECK_THAT(html, Contains("<rect width=\"1\" />"));
}

TEST_CASE("An SVG link to javascript: loses its target", "[xss][svg]") {
  const std::string html = sanitized(
      "<svg><a xlink:href=\"javascript:alert(1)\"><text>one</text></a>"
      "<a href=\" javascript:alert(2)\"><text>two</text></a></svg>");
  check_safe(html, "onetwo");
  CHECK_THAT(html, Contains("<a><text>one</text></a>"));
}

TEST_CASE("SVG animations that would set a link are removed", "[xss][svg]") {
  SECTION("animate attributeName=href") {
    check_safe(
        sanitized("<svg><a><animate attributeName=\"href\" "
                  "to=\"javascript:alert(1)\"/><text>x</text></a></svg>"),
        "x");
  }
  SECTION("set attributeName=xlink:href") {
    check_safe(
        sanitized("<svg><a><set attributeName=\"xlink:href\" "
                  "to=\"javascript:alert(1)\"/><text>x</text></a></svg>"),
        "x");
  }
  SECTION("values naming a script, whatever the attribute") {
    const std::string html = sanitized(
        "<svg><a><animate attributeName=\"HREF\" "
        "values=\"javascript:alert(1)\"/><animate attributeName=\"fill\""
        " values=\"javascript:alert(1)\"/><text>x</text></a></svg>");
    check_safe(html, "x");
    CHECK_THAT(html, Contains("<animate attributeName=\"fill\" />"));
  }
  SECTION("a harmless animation stays") {
    CHECK_THAT(sanitized("<svg><animate attributeName=\"opacity\" "
                         "values=\"0;1\" dur=\"2s\"/></svg>"),
               Contains("<animate attributeName=\"opacity\" values=\"0;1\" "
                        "dur=\"2s\" />"));
  }
}

TEST_CASE("MathML links to javascript: lose their target", "[xss][mathml]") {
  SECTION("maction statusline with xlink:href") {
    const std::string html = sanitized(
        "<math><maction actiontype=\"statusline\" "
        "xlink:href=\"javascript:alert(1)\"><mi>x</mi>"
        "<mtext>click</mtext></maction></math>");
    check_safe(html, "xclick");
    CHECK_THAT(html, Contains("<maction actiontype=\"statusline\">"));
  }
  SECTION("href on math itself") {
    const std::string html = sanitized(
        "<math href=\"javascript:alert(1)\"><mi>x</mi></math>"
        "<math><mi href=\"vbscript:x\" xlink:href=\"data:text/html,x\">y</mi>"
        "</math>");
    check_safe(html, "xy");
  }
}

TEST_CASE("HTML inside SVG and MathML is sanitized as HTML", "[xss][svg]") {
  const std::string html = sanitized(
      "<svg><foreignObject><iframe srcdoc=\"x\"></iframe><p onclick=\"x()\">"
      "in svg</p><img src=x onerror=alert(1)></foreignObject><desc><script>"
      "alert(1)</script>desc</desc></svg> <math><annotation-xml "
      "encoding=\"text/html\"><b onmouseover=\"x()\">in math</b>"
      "</annotation-xml></math>");
  check_safe(html, "in svg desc in math");
}

TEST_CASE("SVG attributes may only reference the SVG itself", "[xss][svg]") {
  const std::string html = sanitized(
      "<svg><use xlink:href=\"#icon\"/><use href=\"data:image/svg+xml;base64,"
      "PHN2Zz4=\"/><circle fill=\"url(#g)\" stroke=\"url(https://evil.example/"
      "x.svg#a)\" filter=\"url(#f)\"/><rect fill=\"url( 'javascript:x' )\"/>"
      "</svg>");
  check_safe(html, "");
  CHECK_THAT(html, Contains("<use xlink:href=\"#icon\""));
  CHECK_THAT(html, Contains("<circle fill=\"url(#g)\" />"));
  CHECK_THAT(html, Contains("<rect />"));
  SECTION("a reference to a remote file is dropped; a link stays a link") {
    const std::string remote = sanitized(
        "<svg><use href=\"https://evil.example/sprite.svg#i\"/>"
        "<use xlink:href=\"//evil.example/s.svg#i\"/>"
        "<linearGradient id=\"g\" href=\"https://evil.example/g.svg#g\"/>"
        "<a href=\"https://www.example.com/more\"><text>more</text></a>"
        "</svg>");
    CHECK_THAT(remote, !Contains("evil.example"));
    CHECK_THAT(remote, Contains("<use />"));
    CHECK_THAT(remote, Contains("<a href=\"https://www.example.com/more\">"));
  }
}

// ------------------------------------------------------------- elements

TEST_CASE("An iframe's srcdoc never survives", "[xss][element]") {
  CHECK(sanitized("<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>t") ==
        "t");
  const std::string html = sanitized(
      "<iframe src=\"https://player.example/v/1\" "
      "srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>");
  check_safe(html, "https://player.example/v/1");
  CHECK(
      html ==
      "<a href=\"https://player.example/v/1\">https://player.example/v/1</a>");
}

TEST_CASE("formaction goes with the form controls", "[xss][element]") {
  const std::string html = sanitized(
      "<form action=\"https://x.example/\"><button formaction=\"javascript:"
      "alert(1)\">go</button><input type=\"image\" src=\"/i.png\" "
      "formaction=\"javascript:alert(1)\"></form>after"
      "<span formaction=\"javascript:alert(1)\">span</span>");
  check_safe(html, "afterspan");
}

TEST_CASE("object, embed and applet are removed, an object's fallback stays",
          "[xss][element]") {
  const std::string html = sanitized(
      "<object data=\"javascript:alert(1)\" type=\"text/html\"><param "
      "name=\"src\" value=\"javascript:alert(1)\">fallback <b>text</b>"
      "</object><embed src=\"javascript:alert(1)\"><embed "
      "src=\"https://evil.example/x.swf\"><applet code=\"X.class\">applet "
      "text</applet>");
  check_safe(html, "fallback text");
  CHECK(html == "fallback <b>text</b>");
}

TEST_CASE("A base element cannot move where links go", "[xss][element]") {
  const std::string html = sanitized(
      "<base href=\"javascript:alert(1)//\"><base href=\"https://evil.example/"
      "\"><a href=\"/x\">x</a>");
  check_safe(html, "x");
  CHECK(html == "<a href=\"https://www.example.com/x\">x</a>");
}

TEST_CASE("A meta refresh is removed", "[xss][element]") {
  check_safe(sanitized("<meta http-equiv=\"refresh\" "
                       "content=\"0;url=javascript:alert(1)\">text"),
             "text");
}

TEST_CASE("A link rel=import or stylesheet is removed", "[xss][element]") {
  check_safe(sanitized("<link rel=\"import\" href=\"https://evil.example/x\">"
                       "<link rel=\"stylesheet\" href=\"/s.css\">text"),
             "text");
}

TEST_CASE("style elements and @import are removed", "[xss][css]") {
  check_safe(sanitized("<style>@import 'https://evil.example/x.css';</style>"
                       "<p>a</p><style>p{background:url(javascript:x)}</style>"
                       "<svg><style>@import url(x.css)</style></svg>"
                       "<span style=\"@import 'x.css'; color: red\">b</span>"),
             "a b");
}

TEST_CASE("An image's onerror handler is removed and the image stays",
          "[xss][element]") {
  const std::string html = sanitized("<img src=x onerror=alert(1)>");
  check_safe(html, "");
  CHECK(html == "<img src=\"https://www.example.com/news/x\" />");
}

TEST_CASE("Event handlers go from every element, in every case",
          "[xss][element]") {
  const std::string html = sanitized(
      "<div onmouseover=\"x()\">a</div><p OnFocus=\"x()\" autofocus "
      "tabindex=\"0\">b</p><details open ontoggle=\"x()\"><summary>c</summary>"
      "</details><video><source onerror=\"x()\"></video><body "
      "onload=\"x()\">d</body>");
  check_safe(html, "a b c d");
}

TEST_CASE("noscript content is sanitized and cannot break out",
          "[xss][element]") {
  // Parsed with scripting off, "</noscript>" is inside the attribute; a
  // browser with scripting on reads noscript as raw text and would end it
  // there, if the sanitizer wrote that "<" back.
  const std::string html = sanitized(
      "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"
      "fallback</p></noscript>");
  check_safe(html, "fallback");
  CHECK_THAT(html, !Contains("</noscript><img"));
  CHECK_THAT(html, Contains("&lt;/noscript&gt;&lt;img"));
}

TEST_CASE("template content is dropped", "[xss][element]") {
  check_safe(sanitized("<template><img src=x onerror=alert(1)>hidden"
                       "<script>alert(2)</script></template>after"),
             "after");
}

// ------------------------------------------------------------- style

TEST_CASE("style attributes lose expression(), url(), -moz-binding, behavior",
          "[xss][css]") {
  const std::string html = sanitized(
      "<p style=\"width: expression(alert(1))\">a</p>"
      "<p style=\"background: url(javascript:alert(1))\">b</p>"
      "<p style=\"background-image: url('javascript:alert(1)')\">c</p>"
      "<p style=\"-moz-binding: url(https://evil.example/x.xml#xss)\">d</p>"
      "<p style=\"behavior: url(x.htc)\">e</p>"
      "<p style=\"color: red; list-style: url(javascript:x)\">f</p>");
  check_safe(html, "a b c d e f");
  CHECK_THAT(html, Contains("<p style=\"color: red;\">f</p>"));
  SECTION("the words alone, with no call (found by fuzzing)") {
    CHECK(feedmark::sanitize_style("color: red; width: expressionˆšbp") ==
          "color: red;");
    CHECK(feedmark::sanitize_style("font-family: JavaScript; color: red") ==
          "color: red;");
    CHECK(feedmark::sanitize_style("cursor: behavior") == "");
  }
}

TEST_CASE("CSS escapes and comments cannot spell a dangerous word",
          "[xss][css]") {
  SECTION("\\65xpression and \\75rl(") {
    check_safe(sanitized("<p style=\"width: \\65xpression(alert(1))\">a</p>"
                         "<p style=\"background: \\75rl(javascript:x)\">b</p>"
                         "<p style=\"color: red; x: \\0075\\0072\\006C(y)\">c"
                         "</p>"),
               "a b c");
  }
  SECTION("a comment splitting expression") {
    check_safe(
        sanitized("<p style=\"color: red; width: ex/**/pression(alert(1))\">"
                  "a</p>"),
        "a");
  }
  SECTION("the whole attribute goes, not just the declaration") {
    CHECK(feedmark::sanitize_style("color: red; width: \\65xpression(x)") ==
          "");
    CHECK(feedmark::sanitize_style("color: red /* x */") == "");
  }
}

// ------------------------------------------------------------- hiding

TEST_CASE("Comments and CDATA sections hide no markup", "[xss][hiding]") {
  SECTION("a commented-out tag stays out") {
    CHECK(sanitized("a<!--<img src=x onerror=alert(1)>-->b") == "ab");
  }
  SECTION("an abruptly closed comment ends where browsers end it") {
    const std::string html =
        sanitized("a<!--><img src=x onerror=alert(1)>-->b");
    check_safe(html, "a-->b");
  }
  SECTION("a conditional comment") {
    check_safe(sanitized("<!--[if IE]><script>alert(1)</script><![endif]-->a"),
               "a");
  }
  SECTION("a CDATA section is text around parsed, sanitized markup") {
    const std::string html = sanitized(
        "<![CDATA[<img src=x onerror=alert(1)><script>alert(2)</script>]]>");
    check_safe(html, "<![CDATA[]]>");
    CHECK(html ==
          "&lt;![CDATA[<img src=\"https://www.example.com/news/x\" />]]&gt;");
  }
}

TEST_CASE("Comment and CDATA openers inside attributes stay inside them",
          "[xss][hiding]") {
  const std::string html = sanitized(
      "<a title=\"<![CDATA[\" href=\"https://ok.example/\">x</a>"
      "<img alt=\"<!--\" src=\"/a.jpg\"><b title=\"-->\"><script>alert(1)"
      "</script>y</b><img alt=\"]]><script>alert(2)</script>\">");
  check_safe(html, "xy");
  CHECK_THAT(html, Contains("title=\"&lt;![CDATA[\""));
  CHECK_THAT(html, Contains("alt=\"&lt;!--\""));
  CHECK_THAT(html, Contains("alt=\"]]&gt;&lt;script&gt;alert(2)&lt;/script"
                            "&gt;\""));
}

TEST_CASE("Sanitizing the sanitized HTML again changes nothing",
          "[xss][mxss]") {
  // A browser parsing the output must build the tree that was sanitized;
  // a second pass through the same HTML parser shows whether it would.
  for (std::string_view html :
       {"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<svg><foreignobject><p><svg><style><img src=x onerror=alert(1)>"
        "</style></svg></p></foreignobject></svg>",
        "<math><annotation-xml encoding=\"text/html\"><style><img src=x "
        "onerror=alert(1)></style></annotation-xml></math>",
        "<noscript><style></noscript><img src=x onerror=alert(1)></style>"
        "</noscript>",
        "<math><mglyph><svg><mtext><style><path id=\"</style><img "
        "onerror=alert(1) src>\">",
        "<svg><title><style><img src=x onerror=alert(1)></style></title></svg>",
        "<table><svg><desc><td>cell</td></desc></svg></table>",
        "<object><p>fallback<table><tr><td>x</td></tr></table></object>",
        "<tr><td>a<table><tr><td>b</td></tr></table></td></tr>"}) {
    const std::string once = sanitized(html);
    CAPTURE(html, once);
    CHECK(active_content(once).empty());
    CHECK(sanitized(once) == once);
  }
}

TEST_CASE("Plain text of HTML never holds a script's source", "[xss][text]") {
  CHECK(html_to_text("Title<script>alert(1)</script><svg><script>alert(2)"
                     "</script></svg><style>p{}</style><template>t</template>"
                     "<noscript>n</noscript>") == "Titlen");
}

// ------------------------------------------------------------- end to end

TEST_CASE("An archived article holds none of a hostile feed's script",
          "[xss][cli]") {
  using namespace feedmark::test;
  const TempDir dir;
  for (const char* feed :
       {"rss20_xss_vectors.xml", "atom10_xhtml_svg_mathml_xss.xml"}) {
    CAPTURE(feed);
    const RunResult run =
        run_feedmark({"fetch", fixture(std::string("feeds/") + feed).string(),
                      "-a", (dir / "archive").string(), "--feed-url",
                      std::string("https://hostile.example/") + feed});
    REQUIRE(run.status == 0);
    const std::vector<std::string> paths = lines_of(run.out);
    REQUIRE_FALSE(paths.empty());
    for (const std::string& path : paths) {
      const std::string article = read_text(path);
      const std::vector<std::string> lines = lines_of(article);
      REQUIRE(lines.size() == 5);
      CAPTURE(lines[4]);
      CHECK(active_content(lines[4]).empty());
      CHECK_THAT(lower(article), !Contains("alert(") && !Contains("msgbox"));
      CHECK_THAT(article, Contains("SAFE"));
    }
  }
}
