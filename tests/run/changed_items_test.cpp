// Items whose raw bytes did not change are carried from the state without
// being decoded or parsed. That must never hide a change: every document
// here is archived twice, once by runs that may carry items and once by
// runs that may not, and the two archives must be the same file for file.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <regex>

#include "feedmark/run/raw_items.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

// ------------------------------------------------------------ cut_items

std::vector<std::string> items_of(const RawItems& raw) {
  return {raw.items.begin(), raw.items.end()};
}

TEST_CASE("cut_items cuts a document into its prefix, items and suffix",
          "[archive][changed]") {
  const std::string head = "<?xml version=\"1.0\"?>\n<!-- made by x -->\n";
  const std::string root = "<rss version=\"2.0\" xmlns:dc=\"urn:dc\">";
  const std::string channel = "<channel xml:base=\"https://e.com/\">";
  const std::string first =
      "<item><title>a > b</title><description><![CDATA[<item>not one"
      "</item>]]></description><!-- </item> --></item>";
  const std::string second = "<item title='x>y'/>";
  const std::string third = "<item>\n<?pi <item>?><link>/c</link></item >";
  const std::string body = head + root + channel +
                           "<title>T</title><image><url>u</url></image>\n  " +
                           first + "\n  " + second + third +
                           "\n</channel><x>tail</x></rss>\n";
  std::optional<RawItems> raw = cut_items(body);
  REQUIRE(raw);
  CHECK(raw->head == head);
  CHECK(
      std::vector<std::string>(raw->ancestors.begin(), raw->ancestors.end()) ==
      std::vector<std::string>{root, channel});
  CHECK(items_of(*raw) == std::vector<std::string>{first, second, third});
  CHECK(raw->offsets == std::vector<std::size_t>{body.find(first),
                                                 body.find(second),
                                                 body.find(third)});
  CHECK(raw->prefix == body.substr(0, body.find(first)));
  CHECK(raw->suffix == "\n</channel><x>tail</x></rss>\n");
  REQUIRE(raw->digests.size() == 3);
  CHECK(raw->digests[0] != raw->digests[1]);
  CHECK(raw->digests[0].size() == 32);
  CHECK(!raw->frame.empty());
}

TEST_CASE("cut_items cuts Atom entries, and the same bytes hash the same",
          "[archive][changed]") {
  const std::string entry = "<entry><id>1</id><title>t</title></entry>";
  const std::string body =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title>" + entry +
      "\r\n" + entry + "</feed>";
  std::optional<RawItems> raw = cut_items(body);
  REQUIRE(raw);
  CHECK(items_of(*raw) == std::vector<std::string>{entry, entry});
  CHECK(raw->head.empty());
  CHECK(raw->digests[0] == raw->digests[1]);
}

TEST_CASE("cut_items declines what it cannot cut with certainty",
          "[archive][changed]") {
  const std::string open = "<rss><channel><title>T</title>";
  const std::string item = "<item><title>a</title></item>";
  const std::string close = "</channel></rss>";
  const std::vector<std::string> declined = {
      "", "{\"version\": \"https://jsonfeed.org/version/1.1\"}",
      open + close,                                 // no item
      item,                                         // an item as root
      open + "<item><item></item></item>" + close,  // nested
      open + item + "<hr/>" + item + close,         // between items
      open + item + "text" + item + close,          // text between
      open + item + "<!-- c -->" + item + close,    // comment between
      open + item + "</item>" + close,              // a stray end
      "<!DOCTYPE rss [<!ENTITY e \"x\">]>" + open + item + close,
      open + "<item><![CDATA[ never closed" + close,
      open + "<item><!-- never closed" + close,
      open + "<item title=\"never closed>" + close,
      open + "<item>" + close,           // left open
      open + "</title>" + item + close,  // mismatched
      "<rss><channel>< item></item>" + close,
      open + "<item xmlns:m=\"urn:m\"><m:x/></item>" + close,  // binds
      // A '>' in a quoted system id, then an internal subset whose entity
      // holds a tag: not a root element.
      "<!DOCTYPE rss SYSTEM \"a>b\" [<!ENTITY e 'x>y<foo> v'>]>" + open + item +
          close,
      open + item + close + "<rss/>",    // a second root
      open + item + "</channel>",        // the root left open
      open + item + close + "</rss>",    // an end tag with nothing open
      open + item + "</rss></channel>",  // end tags crossed
  };
  for (const std::string& body : declined) {
    INFO(body);
    CHECK_FALSE(cut_items(body));
  }
  // A DOCTYPE without declarations of its own is only a name.
  CHECK(
      cut_items("<!DOCTYPE rss PUBLIC \"-//N//DTD RSS 0.91//EN\" "
                "\"http://x/rss-0.91.dtd\">" +
                open + item + close));
}

TEST_CASE("cut_items keeps every byte in place on 20000 mangled documents",
          "[archive][changed]") {
  const std::string base =
      "<?xml version=\"1.0\"?><rss><channel><title>T</title>\n"
      "<item><title>a</title><description><![CDATA[<p>x</p>]]>"
      "</description></item>\n<item a='>'><!-- c --><link>/b</link></item>"
      "<entry/></channel></rss>";
  const std::string pieces[] = {"<",    ">",     "/",     "!",        "-",
                                "[",    "]",     "?",     "'",        "\"",
                                "item", "entry", "<item", "</item>",  " ",
                                "<!--", "-->",   "]]>",   "<![CDATA["};
  std::uint32_t seed = 12345;
  const auto next = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  std::size_t cut = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string body = base;
    for (int edits = 1 + next() % 3; edits > 0; --edits) {
      const std::size_t at = next() % (body.size() + 1);
      if (next() % 3 == 0 && at < body.size()) {
        body.erase(at, 1 + next() % 4);
      } else {
        body.insert(at, pieces[next() % std::size(pieces)]);
      }
    }
    const std::optional<RawItems> raw = cut_items(body);
    if (!raw) {
      continue;
    }
    ++cut;
    INFO(body);
    std::string whole(raw->prefix);
    for (std::size_t i = 0; i < raw->items.size(); ++i) {
      REQUIRE(raw->offsets[i] ==
              whole.size() + body.substr(whole.size()).find(raw->items[i]));
      whole.append(body, whole.size(), raw->offsets[i] - whole.size());
      whole += raw->items[i];
      CHECK((raw->items[i].starts_with("<item") ||
             raw->items[i].starts_with("<entry")));
      CHECK(raw->items[i].ends_with(">"));
    }
    whole += raw->suffix;
    CHECK(whole == body);
  }
  CHECK(cut > 1000);  // the documents were cut, not only declined
}

// ------------------------------------------------------ whole runs

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

/// One archive, fetched into by runs that may carry unchanged items
/// (`carrying`), or by runs that may not: their state's item context is
/// removed before each run, as a state from before this feature had none.
struct Archive {
  TempDir tmp;
  fs::path dir = tmp / "archive";
  bool carrying = true;

  RunResult fetch(const std::string& text, long long epoch,
                  const std::vector<std::string>& extra = {}) {
    if (!carrying) {
      forget_context();
    }
    const fs::path feed = tmp / "feed.xml";
    write_text(feed, text);
    return fetch_as_example_feed(
        feed, dir, extra, {{"SOURCE_DATE_EPOCH", std::to_string(epoch)}});
  }

  void forget_context() {
    if (!fs::exists(dir)) {
      return;
    }
    for (const auto& e : fs::directory_iterator(dir)) {
      const fs::path state = e.path() / ".state.json";
      if (fs::exists(state)) {
        write_text(state,
                   std::regex_replace(read_text(state),
                                      std::regex(" \"context\": \"[0-9a-f]+\","
                                                 "\n"),
                                      ""));
      }
    }
  }

  /// Every file with its content; the state's caches left out.
  std::map<std::string, std::string> files() const {
    std::map<std::string, std::string> all;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      const std::string rel = fs::relative(e.path(), dir).string();
      if (e.is_regular_file() && !rel.ends_with(".state.json") &&
          !rel.ends_with(".lock")) {
        all[rel] = read_text(e.path());
      }
    }
    return all;
  }
};

std::string item(int i, const std::string& title_suffix = {},
                 const std::string& extra = {}) {
  return fmt::format(
      "<item><title>Item {}{}</title><link>/{}</link><guid>g{}</guid>"
      "<pubDate>{}</pubDate><description>&lt;p&gt;Body {}&lt;/p&gt;"
      "</description>{}</item>",
      i, title_suffix, i, i, 1648598400LL - 86400LL * i, i, extra);
}

std::string document(const std::vector<std::string>& items,
                     const std::string& title = "Changing",
                     const std::string& base = "https://example.com/",
                     const std::string& channel_extra = {}) {
  std::string text = fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\">"
      "<channel xml:base=\"{}\"><title>{}</title>"
      "<link>https://example.com/</link>{}\n",
      base, title, channel_extra);
  for (const std::string& i : items) {
    text += "  " + i + "\n";
  }
  return text + "</channel></rss>\n";
}

std::vector<std::string> items_0_to(int n) {
  std::vector<std::string> items;
  for (int i = 0; i < n; ++i) {
    items.push_back(item(i));
  }
  return items;
}

std::size_t unparsed_in(const std::string& err) {
  static const std::regex kUnparsed(", ([0-9]+) unchanged items unparsed");
  std::smatch m;
  return std::regex_search(err, m, kUnparsed) ? std::stoul(m[1]) : 0;
}

struct Step {
  std::string what;
  std::string text;
  std::vector<std::string> extra = {};
  /// Items carried unparsed by the run that may carry them; -1: any.
  long unparsed = -1;
};

/// Puts `text` in place of the item whose guid is g`i`.
void replace_item(std::vector<std::string>& items, int i,
                  const std::string& text) {
  const std::string guid = fmt::format("<guid>g{}</guid>", i);
  for (std::string& it : items) {
    if (it.find(guid) != std::string::npos) {
      it = text;
      return;
    }
  }
  FAIL("no item g" << i);
}

std::vector<Step> history() {
  std::vector<Step> steps;
  std::vector<std::string> items = items_0_to(12);
  const auto add = [&](std::string what, std::string text, long unparsed,
                       std::vector<std::string> extra = {}) {
    steps.push_back(
        {std::move(what), std::move(text), std::move(extra), unparsed});
  };
  add("first run", document(items), 0);
  add("a new lastBuildDate",
      document(items, "Changing", "https://example.com/",
               "<lastBuildDate>Wed, 30 Mar 2022 10:00:00 GMT</lastBuildDate>"),
      12);
  replace_item(items, 3, item(3, " (corrected)"));
  add("one title edited", document(items), 11);
  replace_item(items, 5, item(5, "", "<category>new</category>"));
  add("a category added", document(items), 11);
  items.insert(items.begin(), item(20));
  add("a new item", document(items), 12);
  std::swap(items[1], items[7]);
  add("two items swapped", document(items), 13);
  items.insert(items.begin() + 2, item(4, " (again, first)"));
  // The new item wins its id, as the first of two always does; the old
  // one is carried unparsed, then dropped as the second.
  add("a new item with an archived guid, before it", document(items), 13);
  items.erase(items.begin() + 2);
  add("that item gone again", document(items), 12);
  items.erase(items.begin() + 4);
  add("an item gone", document(items), 12);
  items.push_back(items[0]);
  add("an item twice", document(items), 13);
  add("the feed's title", document(items, "Changed title"), 0);
  add("xml:base on the channel",
      document(items, "Changed title", "https://other.example.com/"), 0);
  add("an option that shapes articles", document(items, "Changed title"), 0,
      {"--image-proxy", "https://proxy.example.com/?u={url}"});
  add("that option again", document(items, "Changed title") + " ", 13,
      {"--image-proxy", "https://proxy.example.com/?u={url}"});
  replace_item(items, 6, item(6, " &amp; a &bogus; entity"));
  add("an item that needs repair", document(items, "Changed title"), 0);
  add("the same, needing repair still",
      document(items, "Changed title") + "<!-- after -->", 0);
  replace_item(items, 6, item(6, " repaired"));
  add("read as it is again", document(items, "Changed title"), 0);
  add("and carried again", document(items, "Changed title") + "<!-- still -->",
      13);
  std::string latin = document(items, "Changed title");
  latin.replace(latin.find("utf-8"), 5, "iso-8859-1");
  add("a new charset declared", latin, 0);
  add("a BOM", "\xEF\xBB\xBF" + document(items, "Changed title"), 0);
  add("a BOM still", "\xEF\xBB\xBF" + document(items, "Changed title") + " ",
      13);
  replace_item(items, 8, item(8, " \xE5\x8F\x98\xE6\x9B\xB4"));  // 变更
  add("one item in Chinese", "\xEF\xBB\xBF" + document(items, "Changed title"),
      12);
  return steps;
}

/// Runs `steps` into an archive that may carry items and into one that
/// may not: the two must print the same articles and hold the same files.
void expect_same_archives(std::vector<Step> steps, const std::string& format) {
  INFO("--format " << format);
  Archive carrying;
  Archive reading;
  reading.carrying = false;
  long long epoch = 1648663143;
  for (Step& step : steps) {
    INFO(step.what);
    epoch += 3600;
    step.extra.insert(step.extra.end(), {"--format", format});
    const RunResult a = carrying.fetch(step.text, epoch, step.extra);
    const RunResult b = reading.fetch(step.text, epoch, step.extra);
    REQUIRE(a.status == 0);
    REQUIRE(b.status == 0);
    INFO(a.err);
    const auto relative = [](const std::string& out, const fs::path& dir) {
      std::vector<std::string> paths;
      for (const std::string& line : lines_of(out)) {
        paths.push_back(fs::relative(line, dir).string());
      }
      return paths;
    };
    CHECK(relative(a.out, carrying.dir) == relative(b.out, reading.dir));
    CHECK(carrying.files() == reading.files());
    if (step.unparsed >= 0) {
      CHECK(unparsed_in(a.err) == static_cast<std::size_t>(step.unparsed));
    }
    CHECK(unparsed_in(b.err) == 0);
  }
}

TEST_CASE(
    "Carrying unchanged items leaves the archive exactly as reading every "
    "item does",
    "[archive][changed]") {
  // Obsidian's articles show the feed's title; seed's do not.
  expect_same_archives(history(),
                       GENERATE(as<std::string>{}, "seed", "obsidian"));
}

TEST_CASE("A namespace prefix bound anywhere is part of the items' context",
          "[archive][changed]") {
  // The first binding of a prefix holds for the whole document: while
  // <x:meta> binds x first, the items' <x:content> is no Media RSS image;
  // once it is gone, it is, though no item's bytes changed.
  const auto feed = [](const std::string& before_channel) {
    std::string text = "<rss version=\"2.0\">" + before_channel +
                       "<channel xmlns:x=\"http://search.yahoo.com/mrss/\">"
                       "<title>N</title><link>https://example.com/</link>\n";
    for (int i = 0; i < 4; ++i) {
      text += fmt::format(
          "<item><title>Item {}</title><guid>g{}</guid><description>Body"
          "</description><x:content url=\"https://example.com/{}.jpg\" "
          "medium=\"image\"/></item>\n",
          i, i, i);
    }
    return text + "</channel></rss>";
  };
  const std::string bound_first = "<x:meta xmlns:x=\"urn:other\"/>";
  const std::string item_binding =
      "<item xmlns:y=\"urn:y\"><title>Item 9</title><guid>g9</guid></item>";
  std::string with_item_binding = feed("");
  with_item_binding.insert(with_item_binding.find("<item>"), item_binding);
  expect_same_archives(
      {{"bound first before the channel", feed(bound_first), {}, 0},
       {"again, a space after", feed(bound_first) + " ", {}, 4},
       {"no longer bound first", feed(""), {}, 0},
       {"again, a space after", feed("") + " ", {}, 4},
       {"an item binds a prefix", with_item_binding, {}, 0},
       {"again, a space after", with_item_binding + " ", {}, 0}},
      "seed");
}

TEST_CASE("What a DOCTYPE declares is never carried past a change",
          "[archive][changed]") {
  const auto feed = [](const std::string& doctype, const std::string& last) {
    return "<?xml version=\"1.0\"?>\n" + doctype +
           "<rss version=\"2.0\"><channel><title>T</title>"
           "<link>https://example.com/</link>\n"
           "<item><guid>a</guid><title>A</title></item>\n"
           "<item><guid>b</guid><title>B</title></item>\n"
           "<item><guid>c</guid><title>C</title><description>gamma " +
           last + "</description></item>\n</channel></rss>\n";
  };
  const auto subset = [](const std::string& value) {
    return "<!DOCTYPE rss SYSTEM \"a>b\" [<!ENTITY e 'x>y<foo> " + value +
           "'>]>\n";
  };
  // RSS 0.91's DTD declares HTML's entities: they are expanded without a
  // warning, so the document is not read as it is.
  const std::string external =
      "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
      "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n";
  expect_same_archives(
      {{"an entity declared", feed(subset("old value"), "&e;"), {}, 0},
       {"its value changed", feed(subset("new value"), "&e;"), {}, 0},
       {"an external DTD's entity", feed(external, "&eacute;"), {}, 0},
       {"again, a space after", feed(external, "&eacute;") + " ", {}, 0},
       {"an external DTD alone", feed(external, "plain"), {}, 0},
       {"again, a space after", feed(external, "plain") + " ", {}, 3}},
      "seed");
}

TEST_CASE(
    "A carried item whose article was deleted or damaged is read and "
    "written again",
    "[archive][changed]") {
  Archive archive;
  std::vector<std::string> items = items_0_to(6);
  REQUIRE(archive.fetch(document(items), 1648663143).status == 0);
  const auto complete = archive.files();
  CHECK(unparsed_in(archive.fetch(document(items) + " ", 1648666743).err) == 6);
  std::vector<std::string> articles;
  for (const auto& [rel, text] : complete) {
    if (rel.ends_with(".md") && rel.find("index") == std::string::npos) {
      articles.push_back(rel);
    }
  }
  REQUIRE(articles.size() == 6);
  const std::string deleted = articles[0];
  const std::string damaged = articles[1];
  fs::remove(archive.dir / deleted);
  write_text(archive.dir / damaged, "");
  const RunResult restored = archive.fetch(document(items) + "\n", 1648670343);
  REQUIRE(restored.status == 0);
  CHECK(unparsed_in(restored.err) == 4);
  CHECK(lines_of(restored.out).size() == 2);
  CHECK(archive.files() == complete);
}

}  // namespace
}  // namespace feedmark::test
