// direct-tree FEED...: parses each feed and reads every item's summary and
// content both ways, with the direct reader (src/html/direct_tree.h) and
// with gumbo; prints how many fragments the reader took and how many trees
// differ (each with -v). Exit 1 if any differ. bench/direct_tree.py runs it
// over the conformance suites and the benchmark feed.

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "feedmark/decode/decode.h"
#include "feedmark/fetch/fetch.h"
#include "feedmark/html/fragment.h"
#include "feedmark/parse/parse.h"

namespace {

struct Count {
  std::size_t fragments = 0, direct = 0, differ = 0, bytes = 0,
              direct_bytes = 0;
};

void check(const std::string& html, const char* file, bool verbose,
           Count& count) {
  if (html.empty()) {
    return;
  }
  ++count.fragments;
  count.bytes += html.size();
  const feedmark::html::ParsedFragment fragment(html);
  if (!fragment.read_directly()) {
    if (verbose) {
      fmt::print("{}: to gumbo: {}\n", file, html.substr(0, 300));
    }
    return;
  }
  ++count.direct;
  count.direct_bytes += html.size();
  const feedmark::html::ParsedFragment gumbo(
      html, feedmark::html::FragmentParser::kGumbo);
  if (!feedmark::html::same_tree(fragment.children(), gumbo.children())) {
    ++count.differ;
    fmt::print("{}: trees differ: {}\n", file, html);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  Count count;
  std::size_t feeds = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0) {
      verbose = true;
      continue;
    }
    std::ifstream in(argv[i], std::ios::binary);
    feedmark::Response response;
    response.body.assign(std::istreambuf_iterator<char>(in), {});
    auto document = feedmark::decode_response(std::move(response), argv[i]);
    if (!document) {
      continue;
    }
    auto feed = feedmark::parse_feed(std::move(*document), argv[i]);
    if (!feed) {
      continue;
    }
    ++feeds;
    for (const feedmark::Item& item : feed->items) {
      check(item.summary_html, argv[i], verbose, count);
      check(item.content_html, argv[i], verbose, count);
    }
  }
  const auto share = [](std::size_t part, std::size_t whole) {
    return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / whole;
  };
  fmt::print(
      "{} feeds, {} fragments: {} read directly ({:.1f}%, {:.1f}% of the "
      "bytes), {} differ from gumbo\n",
      feeds, count.fragments, count.direct,
      share(count.direct, count.fragments),
      share(count.direct_bytes, count.bytes), count.differ);
  return count.differ == 0 ? 0 : 1;
}
