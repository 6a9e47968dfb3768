#include "feedmark/write/format.h"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <string>

#include "feedmark/write/front_matter.h"
#include "feedmark/write/write.h"

namespace {

using feedmark::Article;
using feedmark::ArticleFormat;
using feedmark::ArticleRenderer;
using feedmark::FeedContext;

constexpr std::int64_t kCapturedMs = 1648663143123;
constexpr feedmark::UnixTime kPublished = 1648662357;

Article hostile_article() {
  Article a;
  a.id = "0123456789abcdef";
  a.title = "---\nyes: \"no\" # *bold* & 中文 🚀";
  a.link = "https://news.example/a?x=1&y=2";
  a.published = kPublished;
  a.author = "null";
  a.tags = {"yes", "a: b", "新闻"};
  a.image = "https://news.example/i.jpg";
  a.caption = "A \"caption\": *here*";
  a.body_html =
      "<p>Body <em>text</em> with <a href=\"https://x.example/\">a "
      "link</a>.</p>";
  return a;
}

const FeedContext kFeed{"Feed: \"the\" one", "https://news.example/",
                        "2f579d79b3d75f19"};

YAML::Node front_matter_of(const std::string& file) {
  REQUIRE(file.starts_with("---\n"));
  const auto end = file.find("\n---\n");
  REQUIRE(end != std::string::npos);
  return YAML::Load(file.substr(4, end - 4));
}

TEST_CASE("Hugo front matter holds the item's fields, read by yaml-cpp",
          "[format]") {
  const Article a = hostile_article();
  const std::string file =
      ArticleRenderer(ArticleFormat::kHugo).render(a, kFeed, kCapturedMs);
  const YAML::Node fm = front_matter_of(file);
  CHECK(fm["title"].as<std::string>() == a.title);
  CHECK(fm["date"].as<std::string>() == "2022-03-30T17:45:57Z");
  CHECK(fm["lastmod"].as<std::string>() == "2022-03-30T17:59:03.123Z");
  CHECK(fm["source"].as<std::string>() == a.link);
  CHECK(fm["feed"].as<std::string>() == kFeed.title);
  CHECK(fm["author"].as<std::string>() == "null");
  CHECK(fm["tags"].as<std::vector<std::string>>() == a.tags);
  CHECK(fm["image"].as<std::string>() == a.image);
  CHECK(fm["caption"].as<std::string>() == a.caption);
  CHECK(fm["captured"].as<std::string>() == "2022-03-30T17:59:03.123Z");
  // The body is seed's last line: header and body, one HTML block.
  CHECK(
      file.ends_with("<p>Body <em>text</em> with <a "
                     "href=\"https://x.example/\">a link</a>.</p>\n"));
  CHECK(file.find("<div><i>Wed, 30 Mar 2022 17:45:57 GMT</i></div>") !=
        std::string::npos);
}

TEST_CASE("Unknown fields are left out, never empty", "[format]") {
  Article a;
  a.title = "t";
  a.link = "https://x.example/";
  for (ArticleFormat f : {ArticleFormat::kHugo, ArticleFormat::kObsidian}) {
    const std::string file = ArticleRenderer(f).render(a, {}, kCapturedMs);
    const YAML::Node fm = front_matter_of(file);
    for (const char* key :
         {"author", "tags", "image", "caption", "feed", "published"}) {
      CHECK_FALSE(fm[key]);
    }
  }
  // Hugo's date is the capture time when the item has none.
  const YAML::Node hugo = front_matter_of(
      ArticleRenderer(ArticleFormat::kHugo).render(a, {}, kCapturedMs));
  CHECK(hugo["date"].as<std::string>() == "2022-03-30T17:59:03.123Z");
}

TEST_CASE("Obsidian: front matter, the lead image and caption, Markdown",
          "[format]") {
  const Article a = hostile_article();
  const std::string file =
      ArticleRenderer(ArticleFormat::kObsidian).render(a, kFeed, kCapturedMs);
  const YAML::Node fm = front_matter_of(file);
  CHECK(fm["title"].as<std::string>() == a.title);
  CHECK(fm["source"].as<std::string>() == a.link);
  CHECK(fm["published"].as<std::string>() == "2022-03-30T17:45:57Z");
  CHECK(fm["created"].as<std::string>() == "2022-03-30T17:59:03.123Z");
  CHECK(fm["author"].as<std::string>() == "null");
  CHECK(fm["tags"].as<std::vector<std::string>>() == a.tags);
  CHECK(fm["feed"].as<std::string>() == kFeed.title);
  CHECK(fm["image"].as<std::string>() == a.image);
  const std::string body = file.substr(file.find("\n---\n") + 5);
  CHECK(body ==
        "\n![A \"caption\": \\*here\\*](https://news.example/i.jpg)\n\n"
        "<em>A \"caption\": \\*here\\*</em>\n\n"
        "Body *text* with [a link](https://x.example/).\n");
}

TEST_CASE("A template gets the SPEC's fields", "[format]") {
  const auto renderer = ArticleRenderer::from_template(
      "t.mustache",
      "---\ntitle: {{{title_yaml}}}\n{{#author}}author: {{{author_yaml}}}\n"
      "{{/author}}tags: {{{tags_yaml}}}\n---\n{{id}} {{feed_id}} {{date}} "
      "{{captured}}\n{{#tags}}[{{.}}]{{/tags}}\n{{{body_markdown}}}"
      "{{{header_html}}}|{{{body_html}}}",
      ArticleFormat::kSeed);
  REQUIRE(renderer);
  const Article a = hostile_article();
  const std::string file = renderer->render(a, kFeed, kCapturedMs);
  const YAML::Node fm = front_matter_of(file);
  CHECK(fm["title"].as<std::string>() == a.title);
  CHECK(fm["author"].as<std::string>() == "null");
  CHECK(fm["tags"].as<std::vector<std::string>>() == a.tags);
  CHECK(file.find("0123456789abcdef 2f579d79b3d75f19 2022-03-30T17:45:57Z "
                  "2022-03-30T17:59:03.123Z\n[yes][a: b][新闻]\n"
                  "Body *text* with [a link](https://x.example/).\n") !=
        std::string::npos);
  const std::string tail = "|" + a.body_html;
  REQUIRE(file.ends_with(tail));
  // header_html: the date, the lead image and its caption, as seed's.
  const std::string header = file.substr(0, file.size() - tail.size());
  CHECK(header.find("<div><i>") != std::string::npos);
  CHECK(header.find("<img src=\"https://news.example/i.jpg\"") !=
        std::string::npos);
  CHECK(header.ends_with(": *here*</small></div>"));
  CHECK(renderer->shape().starts_with("template "));
}

TEST_CASE("A broken template is an error naming the file", "[format]") {
  const auto renderer = ArticleRenderer::from_template(
      "bad.mustache", "{{#open}} never closed", ArticleFormat::kSeed);
  REQUIRE_FALSE(renderer);
  CHECK(renderer.error().source == "bad.mustache");
  CHECK(renderer.error().message.find("Mustache") != std::string::npos);
}

TEST_CASE("Article files of every format are read back whole", "[format]") {
  Article a = hostile_article();
  a.title = "--- yes: \"no\" # *bold* & 中文 🚀";  // titles are one line
  for (ArticleFormat f :
       {ArticleFormat::kSeed, ArticleFormat::kHugo, ArticleFormat::kObsidian}) {
    INFO(feedmark::format_name(f));
    const ArticleRenderer renderer(f);
    const std::string file = renderer.render(a, kFeed, kCapturedMs);
    const auto head = feedmark::read_article_head_of(file);
    REQUIRE(head);
    CHECK(head->title_md == feedmark::escape_markdown_text(a.title));
    CHECK(head->published == a.published);
    CHECK(head->captured_ms == kCapturedMs);
    auto back = feedmark::read_article_file(file);
    REQUIRE(back);
    CHECK(back->captured_ms == kCapturedMs);
    CHECK(back->article.title == a.title);
    CHECK(back->article.link == a.link);
    CHECK(back->article.image == a.image);
    CHECK(back->article.caption == a.caption);
    CHECK(back->article.body_html == a.body_html);
    // Written again, it is the same file.
    back->article.id = a.id;
    CHECK(renderer.render(back->article, kFeed, back->captured_ms) == file);
  }
}

TEST_CASE("A seed file whose body was wrapped in a <div> reads back",
          "[format]") {
  Article a;
  a.title = "t";
  a.link = "https://x.example/";
  a.image = "https://x.example/i.png";
  a.body_html = "plain text";
  const std::string file = feedmark::render_article(a, 5);
  const auto back = feedmark::read_article_file(file);
  REQUIRE(back);
  CHECK(back->article.body_html == "plain text");
  CHECK(back->article.image == a.image);
  CHECK(feedmark::render_article(back->article, 5) == file);
}

}  // namespace
