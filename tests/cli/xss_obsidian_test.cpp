// What runs in Obsidian but not in a browser: the Dataview plugin (one of
// the most used), once its JavaScript queries are enabled, runs a fenced
// ```dataviewjs block and any <code> of a note in reading view whose text
// starts with "$=" (inline queries), raw HTML <code> included. Feed text
// archived with --format obsidian must give neither.
#include <gumbo.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "feedmark/html/fragment.h"
#include "markdown_roundtrip.h"  // render_gfm
#include "site_support.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

std::string trimmed(const std::string& s) {
  const std::size_t start = s.find_first_not_of(" \t\n\r\f");
  return start == std::string::npos
             ? std::string()
             : s.substr(start, s.find_last_not_of(" \t\n\r\f") + 1 - start);
}

/// What Dataview would run in the HTML of a rendered note: an inline
/// "$=" query, or a code block of a language a plugin runs.
std::vector<std::string> dataview_queries(const std::string& html) {
  std::vector<std::string> found;
  GumboOutput* out =
      gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  for_each_element(out->root, [&](const GumboNode* e) {
    if (html::tag_of(e) != GUMBO_TAG_CODE) {
      return;
    }
    const std::string text = trimmed(text_of(e));
    if (text.starts_with("$=")) {
      found.push_back("inline query `" + text + "`");
    }
    const std::string_view language = html::attribute(e, "class");
    for (const char* runs : {"language-dataviewjs", "language-dataview",
                             "language-js-engine", "language-run-js"}) {
      if (language == runs) {
        found.push_back("code block " + std::string(language) + ": " + text);
      }
    }
  });
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  return found;
}

TEST_CASE("Obsidian notes hold no Dataview query that feed text wrote",
          "[xss][formats][obsidian]") {
  CHECK_FALSE(dataview_queries("<p><code> $= alert(1)</code></p>").empty());
  CHECK_FALSE(dataview_queries("<pre><code class=\"language-dataviewjs\">"
                               "alert(1)</code></pre>")
                  .empty());
  CHECK(dataview_queries("<p><code>x $= 1</code> $= 1</p>").empty());

  const std::vector<std::string> bodies = {
      "<p>a <code>$= alert(1)</code> b</p>",
      "<p><code>  $=alert(1)</code></p>",
      "<p><code>$= dv.el(\"b\", \"x\"); alert(1)</code></p>",
      "<p><sup><code>$= alert(1)</code></sup></p>",
      "<table><tr><td><code>$= alert(1)</code></td><td rowspan=\"2\">x</td>"
      "</tr></table>",
      "<pre><code>$= alert(1)</code></pre>",
      "<pre><code class=\"language-dataviewjs\">alert(1)</code></pre>",
      "<pre><code class=\"language-dataview\">TABLE alert(1)</code></pre>",
      "<pre class=\"language-js-engine\"><code>alert(1)</code></pre>",
      "<p>```dataviewjs<br>alert(1)<br>```</p>",
      "<p>`$= alert(1)`</p>"};
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Dataview"
      "</title><link>https://dv.example/</link>";
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    feed += "<item><title>Note " + std::to_string(i) +
            "</title><link>https://dv.example/" + std::to_string(i) +
            "</link><pubDate>Wed, 30 Mar 2022 17:45:57 GMT</pubDate>"
            "<description>" +
            xml_escaped(bodies[i]) + "</description></item>";
  }
  feed += "</channel></rss>";
  TempDir tmp;
  write_text(tmp / "feed.xml", feed);
  const RunResult run =
      run_feedmark({"fetch", "-q", "--format", "obsidian", "-a",
                    (tmp / "vault").string(), (tmp / "feed.xml").string()});
  INFO(run.err);
  REQUIRE(run.status == 0);
  const std::vector<std::string> written = lines_of(run.out);
  REQUIRE(written.size() == bodies.size());
  for (const std::string& path : written) {
    const std::string text = read_text(path);
    const auto end = text.find("\n---\n");
    REQUIRE(end != std::string::npos);
    const std::string markdown = text.substr(end + 5);
    INFO("note " << path << ":\n" << markdown);
    for (const std::string& query : dataview_queries(render_gfm(markdown))) {
      FAIL_CHECK("Dataview would run " << query);
    }
  }
}

}  // namespace
}  // namespace feedmark::test
