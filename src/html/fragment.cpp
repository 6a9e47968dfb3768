#include "feedmark/html/fragment.h"

#include <cstring>

#include "feedmark/util/arena.h"
#include "html/direct_tree.h"
#include "html/guard.h"

namespace feedmark::html {
namespace {

// One arena per thread: items are spread over threads, and each parse
// releases everything gumbo allocated at once.
thread_local Arena tls_arena;

// Zeroed, as a fresh page would be: gumbo 0.10.1 never sets a fragment's
// quirks mode (valgrind: "conditional jump depends on uninitialised
// value"), so it came from whatever the thread's last parse left there,
// and now and then that was quirks mode: "<p>a<table>" kept the table
// inside the <p>. Zero is "no quirks".
void* arena_allocate(void* arena, size_t size) {
  void* p = static_cast<Arena*>(arena)->allocate(size);
  std::memset(p, 0, size);
  return p;
}
void arena_free(void*, void*) {}

// A CDATA section means nothing in HTML: the parser would take
// "<![CDATA[" for a comment that ends at the first ">" and hide the markup
// after it. Like feedparser, show the marker as text and parse what it
// wraps: "<![CDATA[<script>…</script>]]>" keeps no script either way.
std::string_view without_cdata_markers(std::string_view html,
                                       std::string& storage) {
  constexpr std::string_view kMarker = "<![CDATA[";
  std::size_t at = html.find(kMarker);
  if (at == std::string_view::npos) {
    return html;
  }
  storage.clear();
  std::size_t done = 0;
  for (; at != std::string_view::npos; at = html.find(kMarker, at + 1)) {
    storage.append(html.substr(done, at - done));
    storage += "&lt;";
    done = at + 1;
  }
  storage.append(html.substr(done));
  return storage;
}

GumboOutput* parse_in_context(std::string_view html, GumboTag context) {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = arena_allocate;
  options.deallocator = arena_free;
  options.userdata = &tls_arena;
  options.max_errors = 0;
  options.fragment_context = context;
  return gumbo_parse_with_options(&options, html.data(), html.size());
}

const GumboVector& root_children(const GumboOutput* output) {
  return output->root->v.element.children;
}
bool has_top_level_col(const GumboOutput* output) {
  const GumboVector& nodes = root_children(output);
  for (unsigned i = 0; i < nodes.length; ++i) {
    const auto* n = static_cast<const GumboNode*>(nodes.data[i]);
    if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_COL) {
      return true;
    }
  }
  return false;
}

bool is_blank(const GumboOutput* output) {
  const GumboVector& nodes = root_children(output);
  for (unsigned i = 0; i < nodes.length; ++i) {
    const auto* n = static_cast<const GumboNode*>(nodes.data[i]);
    if (n->type != GUMBO_NODE_WHITESPACE && n->type != GUMBO_NODE_COMMENT) {
      return false;
    }
  }
  return true;
}

}  // namespace

ParsedFragment::ParsedFragment(std::string_view html, FragmentParser parser) {
  html = bounded_for_parser(without_cdata_markers(html, source_), source_);
  if (parser == FragmentParser::kDirectFirst ||
      parser == FragmentParser::kDirectFirstInBody) {
    auto tree = std::make_unique<DirectTree>();
    if (tree->read(html)) {
      direct_ = std::move(tree);
      children_ = &direct_->children();
      return;
    }
  }
  if (parser == FragmentParser::kDirectFirstInBody ||
      parser == FragmentParser::kGumboInBody) {
    output_ = parse_in_context(html, GUMBO_TAG_BODY);
    children_ = &root_children(output_);
    return;
  }
  // Parsed as a <template>'s content rather than a <body>'s, so that a
  // fragment of a table ("<tr><td>…</td></tr>", a description cut out of
  // a page) keeps its rows and cells; anything else parses as in a body.
  output_ = parse_in_context(html, GUMBO_TAG_TEMPLATE);
  // Except after a stray <col>: the parser then ignores everything but
  // more columns ("x<col>y" would lose "y"), so read it as a body's.
  if (has_top_level_col(output_)) {
    GumboOutput* body = parse_in_context(html, GUMBO_TAG_BODY);
    if (!is_blank(body)) {
      output_ = body;
    }
  }
  children_ = &root_children(output_);
}

ParsedFragment::~ParsedFragment() {
  if (output_ != nullptr) {
    tls_arena.reset();
  }
}

namespace {

std::string_view text_of(const GumboNode* node) {
  return node->v.text.text ? node->v.text.text : "";
}

bool same_attributes(const GumboVector& a, const GumboVector& b) {
  if (a.length != b.length) {
    return false;
  }
  for (unsigned i = 0; i < a.length; ++i) {
    const auto* x = static_cast<const GumboAttribute*>(a.data[i]);
    const auto* y = static_cast<const GumboAttribute*>(b.data[i]);
    if (x->attr_namespace != y->attr_namespace ||
        std::strcmp(x->name, y->name) != 0 ||
        std::strcmp(x->value, y->value) != 0) {
      return false;
    }
  }
  return true;
}

bool same_node(const GumboNode* a, const GumboNode* b) {
  if (a->type != b->type) {
    return false;
  }
  if (!is_element(a)) {
    return text_of(a) == text_of(b);
  }
  const GumboElement& x = a->v.element;
  const GumboElement& y = b->v.element;
  return x.tag == y.tag && x.tag_namespace == y.tag_namespace &&
         made_by_end_tag(x) == made_by_end_tag(y) &&
         same_attributes(x.attributes, y.attributes) &&
         same_tree(x.children, y.children);
}

}  // namespace

bool same_tree(const GumboVector& a, const GumboVector& b) {
  if (a.length != b.length) {
    return false;
  }
  for (unsigned i = 0; i < a.length; ++i) {
    if (!same_node(child(a, i), child(b, i))) {
      return false;
    }
  }
  return true;
}

}  // namespace feedmark::html
