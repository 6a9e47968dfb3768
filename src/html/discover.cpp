#include "feedmark/html/discover.h"

#include <algorithm>

#include "feedmark/html/fragment.h"
#include "feedmark/html/page.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"

namespace feedmark::html {
namespace {

constexpr int kMaxDepth = 256;

// RSS, Atom (RFC 4287), RDF and JSON Feed types, and the generic XML ones
// sites label their RSS with; not "application/json", which sites use for
// other APIs (oEmbed, WordPress's REST links).
bool is_feed_type(std::string_view type) {
  const std::string t = ascii_lowercase(trim(type.substr(0, type.find(';'))));
  return t == "application/rss+xml" || t == "application/atom+xml" ||
         t == "application/feed+json" || t == "application/rdf+xml" ||
         t == "application/x.atom+xml" || t == "text/xml" ||
         t == "application/xml";
}

// rel is a set of space-separated tokens: "alternate", "feed alternate".
bool has_rel(std::string_view rel, std::string_view token) {
  std::size_t i = 0;
  while (i < rel.size()) {
    while (i < rel.size() && is_ascii_space(rel[i])) {
      ++i;
    }
    std::size_t end = i;
    while (end < rel.size() && !is_ascii_space(rel[end])) {
      ++end;
    }
    if (iequals(rel.substr(i, end - i), token)) {
      return true;
    }
    i = end;
  }
  return false;
}

void collect(const GumboNode* node, int depth, std::string& base,
             std::vector<const GumboNode*>& links) {
  if (!is_element(node) || depth > kMaxDepth) {
    return;
  }
  const GumboTag tag = tag_of(node);
  if (tag == GUMBO_TAG_BASE && base.empty()) {
    base = std::string(attribute(node, "href"));
  } else if (tag == GUMBO_TAG_LINK &&
             has_rel(attribute(node, "rel"), "alternate") &&
             is_feed_type(attribute(node, "type"))) {
    links.push_back(node);
  }
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    collect(child(children, i), depth + 1, base, links);
  }
}

}  // namespace

std::vector<std::string> linked_feeds(std::string_view page,
                                      std::string_view page_url) {
  const ParsedPage parsed(page);
  std::string base_href;
  std::vector<const GumboNode*> links;
  collect(parsed.root(), 0, base_href, links);
  // <base href> counts wherever it is, as browsers take the first one.
  const std::string base = base_href.empty() ? std::string(page_url)
                                             : resolve_url(page_url, base_href);
  std::vector<std::string> feeds;
  for (const GumboNode* link : links) {
    std::string url = resolve_url(base, trim(attribute(link, "href")));
    if (!url.empty() &&
        std::find(feeds.begin(), feeds.end(), url) == feeds.end()) {
      feeds.push_back(std::move(url));
    }
  }
  return feeds;
}

}  // namespace feedmark::html
