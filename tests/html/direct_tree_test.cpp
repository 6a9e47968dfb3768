// The direct reader (src/html/direct_tree.h) against gumbo: for any input,
// ParsedFragment's tree is the one gumbo builds, whether the reader took
// the fragment or declined it; and tidy feed HTML is taken.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "feedmark/html/fragment.h"

namespace {

using feedmark::html::FragmentParser;
using feedmark::html::ParsedFragment;
using feedmark::html::same_tree;

bool same_as_gumbo(const std::string& html) {
  const ParsedFragment direct(html);
  const ParsedFragment gumbo(html, FragmentParser::kGumbo);
  return same_tree(direct.children(), gumbo.children());
}

bool read_directly(const std::string& html) {
  return ParsedFragment(html).read_directly();
}

// Shapes real feeds send (WordPress, Chinese news sites, Medium, Blogger),
// which the reader must take: each is where the time of a first run goes.
const std::vector<std::string> kTidy = {
    "",
    "plain text",
    "<p>One</p>\n<p>Two &amp; three</p>",
    "<P CLASS=\"x\">Upper case</P>",
    "<p>Curly &#8220;quotes&#8221; and &#x2014; dashes&hellip;</p>",
    "<p>&nbsp;</p><p>a&nbsp;b &lt;tag&gt; &quot;q&quot; &apos;s&apos;</p>",
    "<img src=\"a.jpg\" alt=\"\" width=\"300\" height=\"200\" />",
    "<img src='a.jpg' alt='it&#39;s'>",
    "<img src=a.jpg width=300>",
    "<img src=\"a.jpg\"/><br><br/><br /><hr>",
    "<video controls autoplay muted><source src=\"v.mp4\" type=video/mp4>"
    "</video>",
    "<a href=\"/p?a=1&b=2&amp;c=3\" target=\"_blank\" rel=\"noopener\">x</a>",
    "<a href=\"https://e.com/?id=1&lang=en\">link</a>",
    "<p>\xe4\xb8\xad\xe6\x96\x87\xef\xbc\x8c<strong>\xe5\x8a\xa0\xe7\xb2\x97"
    "</strong></p>",
    "<figure><img src=\"i.jpg\"><figcaption>Caption</figcaption></figure>",
    "<ul><li>one</li><li><p>two</p></li></ul><ol start=\"3\"><li>x</li></ol>",
    "<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>",
    "<table>\n<thead><tr><th>h</th></tr></thead>\n</table>",
    "<pre>\ncode\n  indented</pre><pre>&#10;kept?</pre>",
    "<blockquote><p>quote</p><cite>who</cite></blockquote>",
    "<!-- wp:paragraph --><p>block</p><!-- /wp:paragraph -->",
    "<p>a < b and c <3 d</p>",
    "<script>var a = 1 < 2 && x;</script><p>after</p>",
    "<style>p > a { color: red }</style>",
    "<div\nclass=\"a\"\tid=\"b\"  >spaced</div>",
    "<span lang=\"zh-Hans\" data-x=\"1\">data</span>",
    "<p>text &amp; ampersand &copy; &#169; &#xA9;</p>",
    "<h2>Title</h2><h3>Sub</h3><p><em>em</em> <b>b</b> <code>c</code></p>",
    "<p>Fin.</p>\n",
};

// Where gumbo's tree is not what the tags spell, or the reader cannot be
// sure: each must go to gumbo (and the trees still match).
const std::vector<std::string> kDeclined = {
    "<p>one<p>two",                            // an implied end tag
    "<p>para<div>block</div></p>",             // <div> closes the <p>
    "<b><i>misnested</b></i>",                 // the adoption agency
    "<a href=x>1<a href=y>2</a></a>",          // an <a> inside an <a>
    "<ul><li>one<li>two</ul>",                 // <li> closes <li>
    "<table><tr><td>x</td></tr></table>",      // an implied <tbody>
    "<table>text</table>",                     // foster parenting
    "<tr><td>cell</td></tr>",                  // a table part at the top
    "<p>stray</span></p>",                     // a stray end tag
    "<br></br>",                               // "</br>" is a <br>
    "<div/>content",                           // "/>" does not close a <div>
    "<svg><path d=\"M0\"/></svg>",             // foreign content
    "<x-widget>custom</x-widget>",             // an element gumbo does not know
    "<p>&copy 2022</p>",                       // a legacy reference without ";"
    "<a href=\"?a=1&copy;=2\">",               // unclosed, and a reference
    "<p>&notin; &unknownname;</p>",            // names the reader does not know
    "<p>&#150; &#0; &#xD800; &#x110000;</p>",  // numbers HTML replaces
    "<!DOCTYPE html><p>x</p>",                 // a doctype
    "<?xml version=\"1.0\"?><p>x</p>",
    "<!--> abrupt --><p>x</p>",        // an abrupt comment
    "<!-- a -- b -->",                 // "--" inside a comment
    "<script><!-- x --></script>",     // script's escape states
    "<textarea>\nraw</textarea>",      // RCDATA
    "<a href=\"x\"title=\"y\">z</a>",  // no space between attributes
    "<a href=\"1\" href=\"2\">z</a>",  // a repeated attribute
    "<p>cr\r\nlf</p>",                 // the input stream's newlines
    "<p>unclosed",                     // an element left open
    "</p>",                            // an end tag alone
    "<h1><h2>nested headings</h2></h1>",
    "<form><input></form>",
    "<p><li>item</li></p>",  // <li> closes the <p>
    // Bytes gumbo reads as U+FFFD: cut, stray, past U+10FFFF.
    "<p>cut \xe4\xb8",
    "<a title=\"\xe4\">x</a>",
    "<p>\xf4\x90\x80\x80</p>",
    "<p>\xff</p>",
    "<!-- \xc0\xaf -->",
    // Gumbo's search for a list item to close walks past <main>.
    "<ul><li><main><li>x</li></main></li></ul>",
    "<dl><dt><main><dd>x</dd></main></dt></dl>",
    "<ul><li>a<main>b<span><li>x</li></span></main></li></ul>",
};

// Corners where the two must agree, whoever reads them.
const std::vector<std::string> kCorners = {
    "<",
    "<p>x</p><",
    "a &",
    "&#",
    "&#x;",
    "&#65",
    "<a b c=d e>x</a>",
    "<a b = \"c\" >x</a>",
    "<a b=>x</a>",
    "<a b=c/>x</a>",
    "<img src=x/>",
    "<img alt=\"a=b\" src=c?d=e&f>",
    "<IMG SRC=\"X\" ALT=\"Y\">",
    "<p>&#32;</p><p> &#9; </p>",
    "<pre>&#10;x</pre>",
    "<pre><!--c-->\nx</pre>",
    "<listing>\nx</listing>",
    "<script></script><style></style>",
    "<script>\n</script>",
    "<script>a</scriptx>b</script>",
    "<SCRIPT>x</Script>",
    "<style>a</style >b",
    "<table> <tbody> </tbody> </table>",
    "<table><caption>c</caption></table>",
    "<p><table><tbody><tr><td>x</td></tr></tbody></table></p>",
    "<button><button>x</button></button>",
    "<nobr><nobr>x</nobr></nobr>",
    "<dl><dt>a</dt><dd>b</dd></dl>",
    "<div><li>x</li></div>",
    "<object><p>x</p></object>",
    "<noframes><p>x</p></noframes>",
    "<noscript><p>x</p></noscript>",
    "<iframe src=\"v\"><p>x</p></iframe>",
    "<math><mi>x</mi></math>",
    "<p>\xc2\x85 C1 and \xef\xbf\xbe</p>",
    "<p>nul\x01</p>",
    "<menuitem>x",
    "<keygen>x",
    "<basefont>x",
    "<bgsound>x",
    "<param>x<track>y<area>z<embed>w<input>v<wbr>u",
    "<meta charset=utf-8>x<link rel=x>y<base href=z>w",
    "<AMP>&AMP; &Amp;",
    "<p>&apos;&#39;&#x27;</p>",
    "<p>stray \xff\xfe bytes</p>",
    "<p>a surrogate \xed\xa0\x80, an overlong \xc0\xaf</p>",
    "<a href='x\"y'>q</a>",
    "<a title=\"&lt;b&gt;\">t</a>",
    "<![CDATA[<b>x</b>]]>",
    "<col>after col",
    "<p>&nbsp</p>",
    "<p>&amp ampersand</p>",
    "<a href=\"?x=1&amp=2\">q</a>",
};

}  // namespace

TEST_CASE("direct reader: tidy feed HTML is read without gumbo, as gumbo",
          "[html][direct]") {
  for (const std::string& html : kTidy) {
    INFO(html);
    CHECK(read_directly(html));
    CHECK(same_as_gumbo(html));
  }
}

TEST_CASE("direct reader: what gumbo reads its own way goes to gumbo",
          "[html][direct]") {
  for (const std::string& html : kDeclined) {
    INFO(html);
    CHECK_FALSE(read_directly(html));
    CHECK(same_as_gumbo(html));
  }
}

TEST_CASE("direct reader: corners agree with gumbo either way",
          "[html][direct]") {
  for (const std::string& html : kCorners) {
    INFO(html);
    CHECK(same_as_gumbo(html));
  }
}

TEST_CASE("direct reader: same_tree tells trees apart", "[html][direct]") {
  // The comparison itself must see a change, or the tests above prove
  // nothing.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"<p>a</p>", "<p>b</p>"},
      {"<p>a</p>", "<div>a</div>"},
      {"<a href=x>a</a>", "<a href=y>a</a>"},
      {"<a href=x>a</a>", "<a name=x>a</a>"},
      {"<p>a</p>", "<p>a</p><p></p>"},
      {"<br>", "</br>"},
      {"<!--a-->", "<!--b-->"},
      {"<p> </p>", "<p>x</p>"},
  };
  for (const auto& [a, b] : pairs) {
    INFO(a << " / " << b);
    const ParsedFragment x(a, FragmentParser::kGumbo);
    const ParsedFragment y(b, FragmentParser::kGumbo);
    CHECK_FALSE(same_tree(x.children(), y.children()));
    CHECK(same_tree(x.children(), x.children()));
  }
}

namespace {

// Random fragments, mostly tidy and sometimes not, from the pieces real
// bodies are made of: every one must give gumbo's tree.
class FragmentMaker {
 public:
  explicit FragmentMaker(unsigned seed) : state_(seed) {}

  std::string make(int depth = 0) {
    std::string out;
    const unsigned parts = pick(5);
    for (unsigned i = 0; i < parts; ++i) {
      out += piece(depth);
    }
    return out;
  }

 private:
  unsigned pick(unsigned n) {
    state_ = state_ * 1103515245u + 12345u;
    return (state_ >> 16) % n;
  }

  template <std::size_t N>
  const char* any(const char* const (&list)[N]) {
    return list[pick(N)];
  }

  std::string attributes() {
    static const char* const kAttributes[] = {" href=\"/a?b=1&c=2\"",
                                              " src='i.jpg'",
                                              " alt=x",
                                              " hidden",
                                              " class=\"A B\"",
                                              " TITLE=\"&lt;t&gt;\"",
                                              " data-n=\"1\"",
                                              " href=\"&copy\"",
                                              " x=\"&#150;\"",
                                              " a=\"1\"b=\"2\"",
                                              " width=300/",
                                              "\n id=\"i\""};
    std::string out;
    for (unsigned n = pick(3); n > 0; --n) {
      out += any(kAttributes);
    }
    return out;
  }

  std::string piece(int depth) {
    static const char* const kContainers[] = {
        "p",  "div",    "span",       "a",      "b",          "em",    "strong",
        "li", "ul",     "h2",         "h3",     "pre",        "table", "tbody",
        "tr", "td",     "blockquote", "figure", "figcaption", "code",  "button",
        "dd", "script", "style",      "svg",    "form"};
    static const char* const kVoids[] = {"br",     "img", "hr",
                                         "source", "wbr", "col"};
    static const char* const kTexts[] = {
        "text",     " ",     "\n",         "&amp;",   "&nbsp;",
        "&hellip;", "a < b", "&copy",      "&#8217;", "&#x1F600;",
        "&#0;",     "中文",  "<!-- c -->", "<!-->",   "&",
        "</p>",     "</br>", "<3",         "\t",      "&lt;/script&gt;"};
    const unsigned kind = depth > 4 ? 2 : pick(6);
    if (kind <= 1) {
      const std::string tag = any(kContainers);
      std::string out = "<" + tag + attributes() + ">";
      out += make(depth + 1);
      if (pick(10) != 0) {  // now and then left open
        out += "</" + tag + ">";
      }
      return out;
    }
    if (kind == 2) {
      return any(kTexts);
    }
    if (kind == 3) {
      return std::string("<") + any(kVoids) + attributes() +
             (pick(2) ? ">" : " />");
    }
    return any(kTexts);
  }

  unsigned state_;
};

}  // namespace

// This test also found that gumbo's own tree could differ between two
// parses of one fragment (fragment.cpp: the quirks mode gumbo leaves
// unset); it fails if the arena's memory is not zeroed.
TEST_CASE("direct reader: 20,000 random fragments agree with gumbo",
          "[html][direct]") {
  FragmentMaker maker(20261203);
  int direct = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string html = maker.make();
    const ParsedFragment fragment(html);
    direct += fragment.read_directly() ? 1 : 0;
    const ParsedFragment gumbo(html, FragmentParser::kGumbo);
    if (!same_tree(fragment.children(), gumbo.children())) {
      FAIL_CHECK(html);
    }
  }
  // Both paths must be exercised, or agreement proves little.
  CHECK(direct > 4000);
  CHECK(direct < 16000);
}
