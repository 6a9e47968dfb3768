#include "feedmark/write/front_matter.h"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using feedmark::FrontMatter;
using feedmark::yaml_quoted;

// Titles real feeds send that break naive front matter: YAML syntax,
// types YAML 1.1 would guess (yes, null, 1.0, dates), line breaks of
// every kind, controls, BOMs, CJK and emoji.
const std::vector<std::string> kHostile = {
    "He said \"hi\"",
    "Breaking: a colon",
    "# not a comment",
    "---",
    "...",
    "line one\nline two",
    "tab\there",
    "carriage\rreturn",
    "*not an alias",
    "&not an anchor",
    "!not a tag",
    "yes",
    "no",
    "null",
    "~",
    "1.0",
    "2022-03-30",
    "@handle",
    "`backtick`",
    "% percent",
    "| literal",
    "> folded",
    "- dash",
    "[flow, seq]",
    "{flow: map}",
    "back\\slash",
    "  leading and trailing spaces  ",
    "中文标题：俄军入侵乌克兰",
    "emoji 🚀🔥",
    std::string("nul\0byte", 8),
    "bell\a and escape\x1b",
    "del\x7f",
    "next line\xc2\x85 (U+0085)",
    "line separator\xe2\x80\xa8 paragraph\xe2\x80\xa9",
    "bom\xef\xbb\xbf inside",
    "nbsp\xc2\xa0 and C1 \xc2\x9b",
};

TEST_CASE("yaml_quoted strings read back by yaml-cpp as the same string",
          "[front_matter]") {
  for (const std::string& text : kHostile) {
    INFO(text);
    const YAML::Node node = YAML::Load("key: " + yaml_quoted(text) + "\n");
    REQUIRE(node["key"].IsScalar());
    CHECK(node["key"].as<std::string>() == text);
    // And read back by feedmark itself, to rebuild indexes from files.
    const auto fields =
        feedmark::read_front_matter(FrontMatter().text("title", text).str());
    REQUIRE(fields);
    CHECK(fields->get("title") == text);
  }
}

TEST_CASE("A whole front matter of hostile fields is one valid YAML map",
          "[front_matter]") {
  FrontMatter fm;
  fm.text("title", "---\ntitle: injected\n---")
      .time("date", 1648662357)
      .time_ms("captured", 1648663143123)
      .list("tags", {"yes", "a: b", "- c"})
      .text("author", "")  // unknown: left out, never empty
      .text("caption", "\"quoted\" # and commented");
  const std::string text = fm.str();
  REQUIRE(text.starts_with("---\n"));
  REQUIRE(text.ends_with("\n---\n"));
  const YAML::Node node = YAML::Load(text.substr(4, text.size() - 8));
  CHECK(node.size() == 5);
  CHECK(node["title"].as<std::string>() == "---\ntitle: injected\n---");
  CHECK(node["date"].as<std::string>() == "2022-03-30T17:45:57Z");
  CHECK(node["captured"].as<std::string>() == "2022-03-30T17:59:03.123Z");
  CHECK(node["tags"].IsSequence());
  CHECK(node["tags"][0].as<std::string>() == "yes");
  CHECK(node["tags"][1].as<std::string>() == "a: b");
  CHECK(node["tags"][2].as<std::string>() == "- c");
  CHECK_FALSE(node["author"]);
  CHECK(node["caption"].as<std::string>() == "\"quoted\" # and commented");

  const auto fields = feedmark::read_front_matter(text);
  REQUIRE(fields);
  CHECK(fields->lists.at("tags") ==
        std::vector<std::string>{"yes", "a: b", "- c"});
  CHECK(fields->end == text.size());
}

TEST_CASE("Capture times keep their milliseconds through ISO 8601",
          "[front_matter]") {
  CHECK(feedmark::format_iso8601_ms(1648663143123) ==
        "2022-03-30T17:59:03.123Z");
  CHECK(feedmark::format_iso8601_ms(1648663143000) ==
        "2022-03-30T17:59:03.000Z");
  CHECK(feedmark::parse_iso8601_ms("2022-03-30T17:59:03.123Z") ==
        1648663143123);
  CHECK(feedmark::parse_iso8601_ms("2022-03-30T17:59:03Z") == 1648663143000);
  CHECK_FALSE(feedmark::parse_iso8601_ms("not a date"));
}

TEST_CASE("read_front_matter wants a closed block at the very start",
          "[front_matter]") {
  CHECK_FALSE(feedmark::read_front_matter("<!--1-->\n[a](b)\n"));
  CHECK_FALSE(feedmark::read_front_matter("---\ntitle: \"a\"\n"));
  CHECK(feedmark::read_front_matter("---\n---\nbody")->end == 8);
}

}  // namespace
