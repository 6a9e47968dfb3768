#include "feedmark/html/page.h"

#include "feedmark/html/fragment.h"
#include "html/guard.h"

namespace feedmark::html {
namespace {

const GumboNode* child_element(const GumboNode* parent, GumboTag tag) {
  const GumboVector& nodes = parent->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    if (tag_of(child(nodes, i)) == tag) {
      return child(nodes, i);
    }
  }
  return parent;  // never reached: the parser makes <head> and <body>
}

}  // namespace

ParsedPage::ParsedPage(std::string_view html) {
  html = bounded_for_parser(html, source_);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;
  output_ = gumbo_parse_with_options(&options, html.data(), html.size());
}

ParsedPage::~ParsedPage() {
  gumbo_destroy_output(&kGumboDefaultOptions, output_);
}

const GumboNode* ParsedPage::head() const {
  return child_element(root(), GUMBO_TAG_HEAD);
}

const GumboNode* ParsedPage::body() const {
  return child_element(root(), GUMBO_TAG_BODY);
}

}  // namespace feedmark::html
