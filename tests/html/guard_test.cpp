// The bounds put on HTML before gumbo parses it: hostile markup costs time
// and memory linear in its size, and real markup passes untouched.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "feedmark/extract/sanitize.h"
#include "test_support.h"

namespace {

using feedmark::html_to_text;
using feedmark::sanitize_html;
using feedmark::SanitizeOptions;

std::string sanitized(std::string_view html) {
  SanitizeOptions options;
  options.base_url = "https://www.example.com/";
  return sanitize_html(html, options).html;
}

/// "<p" with `n` distinct quoted attributes, `title` as the `at`th.
std::string tag_with_attributes(std::size_t n, std::size_t at = 0) {
  std::string tag = "<p";
  for (std::size_t i = 1; i <= n; ++i) {
    tag +=
        i == at ? " title=\"kept\"" : " data-a" + std::to_string(i) + "=\"x\"";
  }
  return tag + ">text</p>";
}

/// "<p>" + `open` distinct formatting elements left open + "<p>x" × `blocks`.
std::string formatting_left_open(std::size_t open, std::size_t blocks) {
  std::string html = "<p>";
  for (std::size_t i = 0; i < open; ++i) {
    html += "<b class=\"c" + std::to_string(i) + "\">";
  }
  for (std::size_t i = 0; i < blocks; ++i) {
    html += "<p>x";
  }
  return html;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos;
       at = text.find(part, at + part.size())) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("A tag keeps its first 256 attributes and the rest are dropped",
          "[html][robustness]") {
  CHECK(sanitized(tag_with_attributes(80'000, 256)) ==
        "<p title=\"kept\">text</p>");
  CHECK(sanitized(tag_with_attributes(80'000, 257)) == "<p>text</p>");
  SECTION("quoted values may hold '>' and the tag still ends at its own") {
    std::string html = "<p";
    for (int i = 0; i < 300; ++i) {
      html += " data-" + std::to_string(i) + "='a>b'";
    }
    CHECK(sanitized(html + " title=\"gone\">after</p>") == "<p>after</p>");
  }
  SECTION("a self-closing foreign element stays closed") {
    std::string html = "<svg><circle";
    for (int i = 0; i < 300; ++i) {
      html += " data-" + std::to_string(i) + "=\"1\"";
    }
    html += " /><text>after</text></svg>";
    CHECK(sanitized(html).find("<circle /><text>after</text>") !=
          std::string::npos);
  }
  // gumbo compares each attribute with every earlier one: 80,000 took 17 s.
  // The inputs are made before the clock runs: building 1.6 MB of
  // attributes took longer than sanitizing them, and its page faults made
  // the ratio a matter of the machine's load.
  std::map<std::size_t, std::string> inputs;
  for (std::size_t n : {std::size_t{10'000}, std::size_t{80'000}}) {
    inputs[n] = tag_with_attributes(n);
  }
  const double growth = feedmark::test::growth_when_multiplied(
      [&](std::size_t n) { sanitized(inputs.at(n)); }, 10'000);
  CHECK(growth < feedmark::test::kLinearGrowthLimit);  // gumbo alone: 64
}

TEST_CASE("Formatting elements left open are not copied into every block",
          "[html][robustness]") {
  // HTML5 re-opens each formatting element left open in every new block:
  // this 32 KB fragment became 4 million elements and a 20 MB article.
  const std::string html = formatting_left_open(1000, 4000);
  const std::string out = sanitized(html);
  CHECK(out.size() < 4 * html.size());
  CHECK(count_of(html_to_text(html), "x") == 4000);  // no text is lost
  CHECK(count_of(out, ">x<") == 4000);
  const double growth = feedmark::test::growth_when_multiplied(
      [](std::size_t n) { sanitized(formatting_left_open(1000, n)); }, 4000);
  CHECK(growth < feedmark::test::kLinearGrowthLimit);
  SECTION("a few left open still carry over as HTML5 says") {
    CHECK(sanitized("<p><b><i>bold<p>still bold") ==
          "<p><b><i>bold</i></b></p><p><b><i>still bold</i></b></p>");
  }
  SECTION("an old page's <font> at every paragraph keeps its colour") {
    std::string page;
    for (int i = 0; i < 3000; ++i) {
      page += "<p><font color=red>a";
    }
    const std::string out_page = sanitized(page);
    CHECK(count_of(out_page, "<font color=\"red\">a") == 3000);
  }
}

TEST_CASE("A fragment of more than 2^19 tags and attributes is cut off",
          "[html][robustness]") {
  std::string html;
  for (int i = 0; i < 600'000; ++i) {
    html += "<p>x";
  }
  html += "<p>tail";
  const std::string out = sanitized(html);
  CHECK(out.find("tail") == std::string::npos);
  CHECK(count_of(out, "<p>x</p>") == 524'288);
}

TEST_CASE(
    "The guard's estimate of the open elements never runs shallower than "
    "the parser",
    "[html][robustness]") {
  const auto repeated = [](std::string_view prefix, std::string_view unit,
                           std::size_t n) {
    std::string html(prefix);
    for (std::size_t i = 0; i < n; ++i) {
      html += unit;
    }
    return html + "tail";
  };
  // Each pair below nests one level deeper in the parser; an estimate that
  // thought otherwise would let gumbo's quadratic depth cost through.
  SECTION("<td> outside a table is ignored, so it closes nothing") {
    CHECK(sanitized(repeated("<div>", "<td><b>", 5000)).find("tail") ==
          std::string::npos);
    const double growth = feedmark::test::growth_when_multiplied(
        [&](std::size_t n) { sanitized(repeated("<div>", "<td><b>", n)); },
        12'500);
    CHECK(growth < feedmark::test::kLinearGrowthLimit);
  }
  SECTION("an <li> does not close one outside a <section>") {
    CHECK(sanitized(repeated("<ul>", "<li><section>", 5000)).find("tail") ==
          std::string::npos);
    const double growth = feedmark::test::growth_when_multiplied(
        [&](std::size_t n) { sanitized(repeated("<ul>", "<li><section>", n)); },
        12'500);
    CHECK(growth < feedmark::test::kLinearGrowthLimit);
  }
  SECTION("what the parser closes is closed: nothing of a long page is cut") {
    const std::string page =
        repeated("<table>", "<tr><td><font color=red>cell", 5000) +
        repeated("<ul>", "<li><div><b class=x>item", 5000) +
        repeated("", "<p><i>para", 5000);
    const std::string text = html_to_text(page);
    CHECK(count_of(text, "cell") == 5000);
    CHECK(count_of(text, "item") == 5000);
    CHECK(count_of(text, "para") == 5000);
    CHECK(count_of(text, "tail") == 3);
  }
}
