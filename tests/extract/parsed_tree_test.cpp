// The sanitizer's output is a fixed point that HTML parsing keeps: a
// browser builds exactly the tree it spells, and sanitizing it again
// changes nothing (docs/decisions.md "Sanitizing").

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "feedmark/extract/sanitize.h"
#include "written_tree.h"

using feedmark::sanitize_html;
using feedmark::SanitizeOptions;
using feedmark::test::tree_difference;

namespace {

std::string sanitized(const std::string& html) {
  SanitizeOptions options;
  options.base_url = "https://www.example.com/";
  return sanitize_html(html, options).html;
}

void check_fixed_point(const std::string& input) {
  INFO("input: " << input);
  const std::string once = sanitized(input);
  INFO("output: " << once);
  CHECK(tree_difference(once) == "");
  CHECK(sanitized(once) == once);
}

}  // namespace

TEST_CASE("Foreign content ends where a browser ends it",
          "[sanitize][parsed-tree]") {
  // The two: "<title />" after the <p> would open an HTML <title>
  // that swallows the page; "<a />" an open link over everything after.
  CHECK(sanitized("<svg></p><title></title></svg>x") ==
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title /></svg>x");
  CHECK(sanitized("<svg></p><a href=\"https://x.example/\"></a></svg>after") ==
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><a "
        "href=\"https://x.example/\" /></svg>after");
  for (const char* html :
       {"<svg></p><title></title></svg>",
        "<svg><p>x</p><circle r=\"1\"/></svg>",
        "<svg></br><rect width=\"1\"/></svg>",
        "<math><mi>x</mi><p>y</p></math>", "<math><mi><b>bold</b></mi></math>",
        "<math><td>cell</td></math>",
        "<svg><foreignObject><p>html</p></foreignObject></svg>",
        "<svg><desc><svg><circle r=\"2\"/></svg></desc></svg>",
        "<svg><font color=\"red\">x</font></svg>",
        "<math><annotation-xml encoding=\"text/html\"><p>x</p>"
        "</annotation-xml></math>",
        "<svg><title><div>t</div></title></svg>"}) {
    check_fixed_point(html);
  }
}

TEST_CASE("What a browser would close or move is unwrapped or rebuilt",
          "[sanitize][parsed-tree]") {
  // A paragraph that holds a block once <object> is unwrapped: a <div>.
  CHECK(sanitized("<p>a<object><div>b</div></object>c</p>") ==
        "<div>a<div>b</div>c</div>");
  // A link in a link: the inner one's text stays, not its <a>.
  CHECK(sanitized("<a href=\"https://a.example/\">x<object><a "
                  "href=\"https://b.example/\">y</a></object></a>") ==
        "<a href=\"https://a.example/\">xy</a>");
  // A row outside a table gets one; a caption inside a cell does not stay.
  CHECK(sanitized("<tr><td>a</td><td>b</td></tr>") ==
        "<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>");
  // <noscript> holds text to a browser that runs scripts: unwrapped.
  CHECK(sanitized("<noscript><img src=\"https://i.example/a.jpg\">"
                  "</noscript>") == "<img src=\"https://i.example/a.jpg\" />");
  // A parser drops the line break right after <pre>: it is written twice.
  CHECK(sanitized("<pre>\n\nx</pre>") == "<pre>&#10;&#10;x</pre>");
  for (const char* html :
       {"<p>a<object><div>b</div></object>c</p>",
        "<li>a<object><li>b</li></object></li>",
        "<dl><dd>a<object><dt>b</dt></object></dd></dl>",
        "<h1>a<object><h2>b</h2></object></h1>",
        "<p><object><table><tr><td>x</td></tr></table></object></p>",
        "<table><caption>c<object><caption>d</caption></object></caption>"
        "<tr><td>x</td></tr></table>",
        "<td>lonely</td>", "<caption>c</caption>", "<col>", "<tr>row</tr>",
        "<table><tr><td>a<object><td>b</td></object></td></tr></table>",
        "<table><tbody><object>text<tr><td>x</td></tr></object></tbody>"
        "</table>",
        "<ruby>a<p>b<object><rt>c</rt></object></p></ruby>",
        "<a href=\"https://a.example/\"><iframe src=\"https://v.example/\">"
        "</iframe></a>",
        "<pre>\nx</pre>", "<pre><code>\nx</code></pre>",
        "<nobr>a<object><nobr>b</nobr></object></nobr>",
        "<noscript><p>no <b>script</b></p></noscript>"}) {
    check_fixed_point(html);
  }
}

namespace {

// Random fragments of the tags whose nesting a parser has rules for.
class FragmentMaker {
 public:
  explicit FragmentMaker(std::uint32_t seed) : state_(seed) {}
  std::string make(int depth = 0) {
    std::string out;
    for (unsigned n = 1 + pick(3); n > 0; --n) {
      out += piece(depth);
    }
    return out;
  }

 private:
  unsigned pick(unsigned n) {
    state_ = state_ * 1664525u + 1013904223u;
    return (state_ >> 8) % n;
  }
  template <std::size_t N>
  const char* any(const char* const (&list)[N]) {
    return list[pick(N)];
  }
  std::string piece(int depth) {
    static const char* const kTags[] = {"p",
                                        "div",
                                        "a href=\"https://a.example/\"",
                                        "b",
                                        "li",
                                        "ul",
                                        "dd",
                                        "dt",
                                        "h1",
                                        "h2",
                                        "pre",
                                        "table",
                                        "tbody",
                                        "tr",
                                        "td",
                                        "th",
                                        "caption",
                                        "object",
                                        "svg",
                                        "math",
                                        "mi",
                                        "title",
                                        "desc",
                                        "foreignObject",
                                        "noscript",
                                        "nobr",
                                        "ruby",
                                        "rt",
                                        "font color=\"red\"",
                                        "form",
                                        "button",
                                        "select",
                                        "center",
                                        "em",
                                        "span",
                                        "blockquote",
                                        "circle",
                                        "mtext",
                                        "annotation-xml encoding=\"text/html\"",
                                        "marquee",
                                        "template",
                                        "listing"};
    static const char* const kTexts[] = {
        "text",  " ",         "\n",
        "中文",  "a &amp; b", "</p>",
        "</br>", "<br>",      "<img src=\"https://i.example/x.png\">",
        "<hr>",  "\n\nx",     "<iframe src=\"https://v.example/\"></iframe>"};
    if (depth > 5 || pick(3) == 0) {
      return any(kTexts);
    }
    const std::string tag = any(kTags);
    const std::string name = tag.substr(0, tag.find(' '));
    std::string out = "<" + tag + ">" + make(depth + 1);
    if (pick(8) != 0) {
      out += "</" + name + ">";
    }
    return out;
  }

  std::uint32_t state_;
};

}  // namespace

TEST_CASE("5,000 random fragments: the browser's tree is the one written",
          "[sanitize][parsed-tree]") {
  FragmentMaker maker(20261207);
  int failures = 0;
  for (int i = 0; i < 5000 && failures < 5; ++i) {
    const std::string html = maker.make();
    const std::string once = sanitized(html);
    const std::string difference = tree_difference(once);
    const std::string twice = sanitized(once);
    if (!difference.empty() || twice != once) {
      ++failures;
      FAIL_CHECK("input: " << html << "\noutput: " << once
                           << "\nagain:  " << twice << "\n"
                           << difference);
    }
  }
  CHECK(failures == 0);
}
