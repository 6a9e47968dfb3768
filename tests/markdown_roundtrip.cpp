#include "markdown_roundtrip.h"

#include <cstdlib>

#include "feedmark/html/fragment.h"
#include "feedmark/html/text.h"
#include "feedmark/write/markdown.h"

namespace feedmark::test {
namespace {

void collect_urls(const GumboNode* node, bool images,
                  std::vector<std::string>& out) {
  if (!html::is_element(node)) {
    return;
  }
  const GumboTag tag = html::tag_of(node);
  // Links and images are HTML's: SVG's <a xlink:href> is a drawing's.
  if (node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) {
    return;
  }
  // An image without a source shows nothing, and is not written.
  if (images && tag == GUMBO_TAG_IMG && !html::attribute(node, "src").empty()) {
    out.emplace_back(html::attribute(node, "src"));
  } else if (!images && tag == GUMBO_TAG_A &&
             !html::attribute(node, "href").empty()) {
    out.emplace_back(html::attribute(node, "href"));
  }
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    collect_urls(html::child(children, i), images, out);
  }
}

}  // namespace

std::string render_gfm(const std::string& markdown) {
  return gfm_to_html(markdown);
}

std::vector<std::string> urls_of(std::string_view html, bool images) {
  std::vector<std::string> out;
  html::ParsedFragment fragment(html);
  const GumboVector& nodes = fragment.children();
  for (unsigned i = 0; i < nodes.length; ++i) {
    collect_urls(html::child(nodes, i), images, out);
  }
  return out;
}

std::string text_without_spaces(std::string_view html) {
  std::string out;
  for (char c : html_to_text(html)) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
      out += c;
    }
  }
  return out;
}

RoundTrip markdown_round_trip(std::string_view body_html) {
  RoundTrip r;
  r.markdown = html_to_markdown(body_html);
  r.rendered = render_gfm(r.markdown);
  r.text_kept =
      text_without_spaces(body_html) == text_without_spaces(r.rendered);
  r.links_kept = urls_of(body_html, false) == urls_of(r.rendered, false);
  r.images_kept = urls_of(body_html, true) == urls_of(r.rendered, true);
  return r;
}

}  // namespace feedmark::test
