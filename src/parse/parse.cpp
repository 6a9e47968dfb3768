#include "feedmark/parse/parse.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <pugixml.hpp>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "feedmark/decode/xml_repair.h"
#include "feedmark/html/discover.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "parse_detail.h"

namespace feedmark::parse_detail {
namespace {

// ---------------------------------------------------------------- detection
std::string_view namespace_of(xml_node node) {
  const std::string_view name = node.name();
  const auto colon = name.find(':');
  const std::string attr = colon == std::string_view::npos
                               ? std::string("xmlns")
                               : "xmlns:" + std::string(name.substr(0, colon));
  return node.attribute(attr.c_str()).value();
}

std::optional<Format> detect_format(xml_node root) {
  const std::string_view local = local_name(root.name());
  const std::string_view ns = namespace_of(root);
  if (local == "rss") {
    const std::string_view version = root.attribute("version").value();
    return version.starts_with("0.9") ? Format::kRss09x : Format::kRss20;
  }
  if (local == "RDF") {
    return std::string_view(root.attribute("xmlns").value()) == kRss090
               ? Format::kRss09x
               : Format::kRss10;
  }
  if (local == "feed") {
    return ns == kAtom03 ||
                   std::string_view(root.attribute("version").value()) == "0.3"
               ? Format::kAtom03
               : Format::kAtom10;
  }
  return std::nullopt;
}

// RSS 0.90 and 1.0 are told apart by the default namespace of rdf:RDF.
std::string_view own_namespace(Format format, xml_node root) {
  switch (format) {
    case Format::kAtom10:
      return kAtom10;
    case Format::kAtom03:
      return kAtom03;
    case Format::kRss10:
      return kRss10;
    case Format::kRss20:
      // UserLand's namespaced RSS 2.0: <r:rss
      // xmlns:r="http://backend.userland.com/rss2">
      return namespace_of(root);
    case Format::kRss09x:
      return std::string_view(root.attribute("xmlns").value()) == kRss090
                 ? kRss090
                 : "";
    default:
      return "";
  }
}

std::string describe_non_feed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return "empty document";
  }
  const std::string_view head = text.substr(first);
  if (istarts_with(head, "<!doctype html") || istarts_with(head, "<html")) {
    return "not a feed: an HTML page";
  }
  return {};
}

// "; it links to https://x.example/feed.xml": the feeds a page names, for
// the error that says it is no feed (SPEC: discovery).
std::string feeds_it_links(std::string_view page, std::string_view url) {
  const std::vector<std::string> feeds = html::linked_feeds(page, url);
  if (feeds.empty()) {
    return {};
  }
  std::string out = "; it links to ";
  for (std::size_t i = 0; i < feeds.size() && i < 5; ++i) {
    out += (i > 0 ? ", " : "") + feeds[i];
  }
  return out;
}

bool ihas_html_tag(std::string_view head) {
  for (std::size_t at = head.find('<'); at != std::string_view::npos;
       at = head.find('<', at + 1)) {
    if (istarts_with(head.substr(at), "<html")) {
      return true;
    }
  }
  return false;
}

std::string describe_root(xml_node root) {
  if (!root) {
    return "not a feed: no XML element";
  }
  if (iequals(local_name(root.name()), "html")) {
    return "not a feed: an HTML page";
  }
  return fmt::format("not a feed: root element <{}>", root.name());
}

std::string unreadable_rest(const pugi::xml_parse_result& parsed,
                            bool repaired) {
  return fmt::format("byte {}{}: {}; ignored the rest of the document",
                     parsed.offset, repaired ? " of the repaired text" : "",
                     parsed.description());
}

}  // namespace

}  // namespace feedmark::parse_detail

namespace feedmark {

using namespace parse_detail;  // the readers of parse_detail.h

void add_image_enclosures(Item& item) {
  for (const Enclosure& e : item.enclosures) {
    if (e.type.starts_with("image/") ||
        (e.type.empty() && looks_like_image_url(e.url))) {
      item.media.push_back({MediaImage::Kind::kEnclosure, e.url, {}, 0});
    }
  }
}

const char* format_name(Format format) {
  switch (format) {
    case Format::kRss20:
      return "rss2.0";
    case Format::kRss10:
      return "rss1.0";
    case Format::kRss09x:
      return "rss0.9x";
    case Format::kAtom10:
      return "atom1.0";
    case Format::kAtom03:
      return "atom0.3";
    case Format::kJsonFeed:
      return "jsonfeed";
  }
  return "rss2.0";
}

Result<Feed> parse_feed(Document&& document, const std::string& source,
                        const ParseOptions& options) {
  if (looks_like_json(document.utf8)) {
    Result<Feed> feed =
        parse_json_feed(document.utf8, source, document.base_url, options);
    if (feed) {
      feed->encoding = std::move(document.encoding);
      feed->warnings = std::move(document.warnings);
      feed->well_formed = feed->warnings.empty();
    }
    return feed;
  }
  if (std::string why = describe_non_feed(document.utf8); !why.empty()) {
    if (why.ends_with("an HTML page")) {
      why += feeds_it_links(document.utf8, document.base_url);
    }
    return fail("parse", source, why);
  }
  // XHTML that starts with an XML declaration is read as XML before it shows
  // its <html> root, and read in place: its links are found first.
  const std::string links_if_page =
      ihas_html_tag(std::string_view(document.utf8).substr(0, 1024))
          ? feeds_it_links(document.utf8, document.base_url)
          : std::string();
  // A well-formed document is parsed in place as it is; an ill-formed one
  // is repaired first, and what pugixml still rejects ends the document.
  XmlRepair repair = repair_xml(document.utf8);
  std::string& text = repair.changed ? repair.text : document.utf8;
  pugi::xml_document xml;
  const pugi::xml_parse_result parsed = xml.load_buffer_inplace(
      text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata,
      pugi::encoding_utf8);
  const xml_node root = xml.document_element();
  const std::optional<Format> format = detect_format(root);
  if (!format) {
    std::string why = describe_root(root);
    if (why.ends_with("an HTML page")) {
      why += links_if_page;
    }
    return fail("parse", source, why);
  }
  Feed feed;
  feed.format = *format;
  feed.encoding = std::move(document.encoding);
  feed.warnings = std::move(document.warnings);
  feed.warnings.insert(feed.warnings.end(),
                       std::make_move_iterator(repair.warnings.begin()),
                       std::make_move_iterator(repair.warnings.end()));
  if (!parsed) {
    feed.warnings.push_back(unreadable_rest(parsed, repair.changed));
  }
  feed.well_formed = feed.warnings.empty();
  feed.rewritten = repair.changed;
  const Names names(root, own_namespace(*format, root));
  feed.namespaces = names.bindings();
  const Context cx{names, options, document.base_url};
  if (*format == Format::kAtom10 || *format == Format::kAtom03) {
    parse_atom(cx, root, feed);
  } else {
    parse_rss(cx, root, feed);
  }
  const bool repaired = repair.changed || !parsed;
  if (repaired && feed.title.empty() && feed.link.empty() &&
      feed.items.empty()) {
    return fail("parse", source,
                fmt::format("not well-formed XML, nothing recovered ({})",
                            feed.warnings.front()));
  }
  return feed;
}

}  // namespace feedmark
