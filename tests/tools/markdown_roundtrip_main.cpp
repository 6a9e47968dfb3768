// markdown-roundtrip FEED...: parses each feed, extracts its items as
// `fetch` would (no network), converts each body to Markdown and renders it
// back with cmark-gfm; prints one line per body that does not round-trip
// (with -v) and the share that does. bench/markdown_roundtrip.py runs it
// over the conformance suites.

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "feedmark/decode/decode.h"
#include "feedmark/extract/extract.h"
#include "feedmark/fetch/fetch.h"
#include "feedmark/parse/parse.h"
#include "markdown_roundtrip.h"

int main(int argc, char** argv) {
  bool verbose = false;
  std::size_t bodies = 0, kept = 0, feeds = 0, unreadable = 0;
  std::size_t text = 0, links = 0, images = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0) {
      verbose = true;
      continue;
    }
    std::ifstream in(argv[i], std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    feedmark::Response response;
    response.body = std::move(bytes);
    auto document = feedmark::decode_response(std::move(response), argv[i]);
    if (!document) {
      ++unreadable;
      continue;
    }
    auto feed = feedmark::parse_feed(std::move(*document), argv[i]);
    if (!feed) {
      ++unreadable;
      continue;
    }
    ++feeds;
    for (const feedmark::Item& item : feed->items) {
      const feedmark::Article article = feedmark::extract_article(item, {});
      if (article.body_html.empty()) {
        continue;
      }
      ++bodies;
      const feedmark::test::RoundTrip r =
          feedmark::test::markdown_round_trip(article.body_html);
      text += r.text_kept;
      links += r.links_kept;
      images += r.images_kept;
      kept += r.ok();
      if (!r.ok() && verbose) {
        fmt::print(
            "{}: item {}: text {} links {} images {}\n  html: {}\n  md: {}\n",
            argv[i], article.id, r.text_kept, r.links_kept, r.images_kept,
            article.body_html, r.markdown);
      }
    }
  }
  const auto share = [&](std::size_t n) {
    return bodies == 0 ? 100.0 : 100.0 * static_cast<double>(n) / bodies;
  };
  fmt::print(
      "{} feeds ({} unreadable), {} bodies: {} round-trip exactly ({:.2f}%); "
      "text {:.2f}%, links {:.2f}%, images {:.2f}%\n",
      feeds, unreadable, bodies, kept, share(kept), share(text), share(links),
      share(images));
  return kept == bodies ? 0 : 1;
}
