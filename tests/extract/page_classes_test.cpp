// The full-text extractor on the shapes of page that the Readability rules
// alone get wrong (issue #24): one small page written for each rule.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "feedmark/extract/page.h"

namespace feedmark::test {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Four paragraphs of a story, each long enough to score.
std::string story(const std::string& topic) {
  std::string html;
  for (int i = 1; i <= 4; ++i) {
    html += fmt::format(
        "<p>Paragraph {} about {}: the committee met on Monday, heard the "
        "reports of its members, argued over the figures for an hour and "
        "agreed, after a vote, to publish its findings before the summer.</p>",
        i, topic);
  }
  return html;
}

std::string text_of(const std::string& html) {
  const auto article = extract_page(html, "https://pages.example/story");
  return article ? article->text : std::string("(no article)");
}

}  // namespace

TEST_CASE("A page wrapped in one form keeps its article", "[fulltext]") {
  // ASP.NET wraps every page in <form runat=server>, with hidden state.
  const std::string page = fmt::format(
      R"(<html><body><form method="post" action="story.aspx" id="Form1">
<div><input type="hidden" name="__VIEWSTATE" value="dDwtMTA4"></div>
<div class="nav"><a href="/">Home</a> <a href="/news">News</a></div>
<div id="main">{}</div>
<div><input type="text" name="q"><input type="submit" value="Search"></div>
</form></body></html>)",
      story("the harbour"));
  const std::string text = text_of(page);
  CHECK(contains(text, "Paragraph 1 about the harbour"));
  CHECK(contains(text, "Paragraph 4 about the harbour"));
}

TEST_CASE("A newsletter form beside the article stays out", "[fulltext]") {
  const std::string page = fmt::format(
      R"(<html><body><article>{}</article>
<form class="signup" action="/subscribe"><p>Get our newsletter every month
with news, offers and a selection of the best stories of the week, sent to
your inbox for free; you can unsubscribe at any time with one click, and we
never share your address with anyone, as our privacy policy explains in
detail on its own page.</p><input type="email" name="e"></form>
</body></html>)",
      story("the bridge"));
  const std::string text = text_of(page);
  CHECK(contains(text, "Paragraph 4 about the bridge"));
  CHECK_FALSE(contains(text, "newsletter"));
}

}  // namespace feedmark::test

namespace feedmark::test {

TEST_CASE("A streamed body that a script moves into place is read",
          "[fulltext]") {
  // React sends the placeholder first and the body later, hidden, with a
  // script that swaps them.
  const std::string page = fmt::format(
      R"(<html><body><main><h1>The story</h1><p>A short lead that a reader
sees first, before the rest arrives.</p><template id="B:0"></template>
</main><div hidden id="S:0">{}</div>
<script>$RC("B:0","S:0")</script>
<div hidden id="cookie-text"><p>This is a hidden cookie notice with a long
paragraph of text that nobody ever sees, nor any script shows.</p></div>
</body></html>)",
      story("the streamed page"));
  const std::string text = text_of(page);
  CHECK(contains(text, "Paragraph 3 about the streamed page"));
  CHECK_FALSE(contains(text, "cookie notice"));
}

TEST_CASE("Preformatted text keeps its line breaks in the text", "[fulltext]") {
  const std::string page = fmt::format(
      "<html><body><article>{}<pre>int main() {{\n  return 0;\n}}</pre>"
      "</article></body></html>",
      story("a program"));
  const std::string text = text_of(page);
  CHECK(contains(text, "int main() {\n  return 0;\n}"));
}

}  // namespace feedmark::test

namespace feedmark::test {

TEST_CASE("A header or a noscript left open holds the article", "[fulltext]") {
  SECTION("a <header> never closed") {
    const std::string page = fmt::format(
        R"(<html><body><header id="branding"><a href="/">Travel notes</a>
<nav><a href="/a">Towns</a> <a href="/b">Museums</a></nav>
<div id="content"><article>{}</article></div></body></html>)",
        story("the old harbour town"));
    CHECK(contains(text_of(page), "Paragraph 4 about the old harbour town"));
  }
  SECTION("a <noscript> that a broken tag keeps open") {
    const std::string page = fmt::format(
        R"(<html><body><noscript><div id="nojs"></noscript>
<div id="top"><a href="/">Park</a></div><div id="main">{}</div>
</body></html>)",
        story("the bears"));
    CHECK(contains(text_of(page), "Paragraph 2 about the bears"));
  }
}

TEST_CASE("An article kept only in a script template is read", "[fulltext]") {
  const std::string page = fmt::format(
      R"(<html><body><div id="app">Loading…</div>
<script type="text/template" id="article-tpl"><article><h2>Inside</h2>{}
</article></script></body></html>)",
      story("the template"));
  CHECK(contains(text_of(page), "Paragraph 3 about the template"));
}

TEST_CASE("Panels inside the article stay out: author box, sign-up, tags",
          "[fulltext]") {
  const std::string page = fmt::format(
      R"(<html><body><article><div class="entry-content">{}</div>
<div class="author-box"><p>About the author: she writes about city halls,
budgets and parks, and has covered the council, its votes and its quarrels
for twelve years.</p></div>
<div class="newsletter-signup"><p>Sign up for our weekly letter, with the
best of our local reporting, every Friday.</p></div>
<div class="post-tags"><a href="/t/parks">parks</a></div>
</article></body></html>)",
      story("the budget"));
  const std::string text = text_of(page);
  CHECK(contains(text, "Paragraph 4 about the budget"));
  CHECK_FALSE(contains(text, "About the author"));
  CHECK_FALSE(contains(text, "Sign up"));
}

TEST_CASE("The page's <article> brings the lead the scorer missed",
          "[fulltext]") {
  const std::string page = fmt::format(
      R"(<html><body><div class="menu"><a href="/">Home</a></div>
<article><h1>Budget approved</h1>
<div class="intro"><b>The council approved next year's budget late on
Thursday night, after a debate of six hours.</b></div>
<div class="text">{}</div></article>
<div class="more"><a href="/x">Other news of the week</a></div>
</body></html>)",
      story("the budget vote"));
  const std::string text = text_of(page);
  CHECK(contains(text, "The council approved next year's budget"));
  CHECK(contains(text, "Paragraph 4 about the budget vote"));
  CHECK_FALSE(contains(text, "Other news"));
}

}  // namespace feedmark::test

namespace feedmark::test {

TEST_CASE("An article's header gives its lead, not its date or credits",
          "[fulltext]") {
  const std::string page = fmt::format(
      R"(<html><body><header class="masthead"><p>The Valley Courier: news,
weather and sport from the valley and the towns around it, every day of
the week since 1889, with our reporters in every town hall.</p></header>
<article><header><span class="kicker">Transport</span>
<h1>The new line opens</h1><time>12.03.2024, 08:30</time>
<figure><img src="tram.jpg"><figcaption>Photo: Ann Smith</figcaption></figure>
<p class="lead">The tram line between the station and the hospital opened on
Monday after four years of works, two delays and a budget that grew by a
third; the first trams were full from six in the morning.</p></header>
<div class="body">{}</div></article></body></html>)",
      story("the tram"));
  const std::string text = text_of(page);
  CHECK(contains(text, "The tram line between the station"));
  CHECK(contains(text, "Paragraph 4 about the tram"));
  CHECK_FALSE(contains(text, "12.03.2024"));
  CHECK_FALSE(contains(text, "Photo: Ann Smith"));
  CHECK_FALSE(contains(text, "Transport"));
  CHECK_FALSE(contains(text, "Valley Courier"));
}

}  // namespace feedmark::test
