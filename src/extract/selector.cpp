#include "feedmark/extract/selector.h"

#include <fmt/format.h>

#include "feedmark/html/fragment.h"
#include "feedmark/util/text.h"

namespace feedmark {
namespace {

using html::attribute;
using html::child;
using html::is_element;

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

/// Reads selectors character by character.
class SelectorReader {
 public:
  explicit SelectorReader(std::string_view text) : text_(text) {}
  bool done() const { return at_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[at_]; }
  char take() { return done() ? '\0' : text_[at_++]; }
  bool skip_spaces() {
    const std::size_t start = at_;
    while (!done() && is_ascii_space(text_[at_])) {
      ++at_;
    }
    return at_ > start;
  }
  std::string name() {
    const std::size_t start = at_;
    while (!done() && is_name_char(text_[at_])) {
      ++at_;
    }
    return std::string(text_.substr(start, at_ - start));
  }
  // A value in [attr=value]: a name, or a quoted string.
  std::string value() {
    const char quote = peek();
    if (quote != '"' && quote != '\'') {
      return name();
    }
    ++at_;
    const std::size_t end = text_.find(quote, at_);
    if (end == std::string_view::npos) {
      at_ = text_.size();
      return {};
    }
    std::string v(text_.substr(at_, end - at_));
    at_ = end + 1;
    return v;
  }
  std::size_t position() const { return at_; }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

bool has_class(const GumboNode* node, const std::string& wanted) {
  std::string_view classes = attribute(node, "class");
  while (!classes.empty()) {
    const std::size_t start = classes.find_first_not_of(" \t\n\r\f");
    if (start == std::string_view::npos) {
      break;
    }
    classes.remove_prefix(start);
    const std::size_t end =
        std::min(classes.find_first_of(" \t\n\r\f"), classes.size());
    if (classes.substr(0, end) == wanted) {
      return true;
    }
    classes.remove_prefix(end);
  }
  return false;
}

std::string_view tag_name(const GumboNode* node) {
  if (node->v.element.tag != GUMBO_TAG_UNKNOWN) {
    return gumbo_normalized_tagname(node->v.element.tag);
  }
  GumboStringPiece piece = node->v.element.original_tag;
  gumbo_tag_from_original_text(&piece);
  return {piece.data, piece.length};
}

}  // namespace

Result<Selector> Selector::parse(std::string_view text) {
  Selector selector;
  SelectorReader r(text);
  const auto error = [&](std::string_view what) {
    return fail("config", "full-text-selector",
                fmt::format("{} at character {} of \"{}\"", what,
                            r.position() + 1, text));
  };
  Complex complex;
  char combinator = '\0';
  r.skip_spaces();
  while (true) {
    Compound c;
    c.combinator = complex.empty() ? '\0' : combinator;
    bool any = false;
    if (r.peek() == '*') {
      r.take();
      c.tag = "*";
      any = true;
    } else if (is_name_char(r.peek())) {
      c.tag = ascii_lowercase(r.name());
      any = true;
    }
    while (r.peek() == '.' || r.peek() == '#' || r.peek() == '[') {
      const char kind = r.take();
      if (kind == '[') {
        r.skip_spaces();
        Attribute a;
        a.name = ascii_lowercase(r.name());
        r.skip_spaces();
        if (a.name.empty()) {
          return error("an attribute name is missing");
        }
        if (r.peek() == '=') {
          r.take();
          r.skip_spaces();
          a.value = r.value();
          a.any_value = false;
          r.skip_spaces();
        }
        if (r.take() != ']') {
          return error("expected \"]\"");
        }
        c.attributes.push_back(std::move(a));
      } else {
        std::string n = r.name();
        if (n.empty()) {
          return error(kind == '.' ? "a class name is missing"
                                   : "an id is missing");
        }
        if (kind == '.') {
          c.classes.push_back(std::move(n));
        } else {
          c.id = std::move(n);
        }
      }
      any = true;
    }
    if (!any) {
      return error(r.done() ? "the selector ends too soon"
                            : fmt::format("unexpected \"{}\"", r.peek()));
    }
    complex.push_back(std::move(c));
    const bool spaced = r.skip_spaces();
    if (r.done()) {
      break;
    }
    if (r.peek() == ',') {
      r.take();
      r.skip_spaces();
      selector.list_.push_back(std::move(complex));
      complex.clear();
      continue;
    }
    if (r.peek() == '>') {
      r.take();
      r.skip_spaces();
      combinator = '>';
    } else if (spaced) {
      combinator = ' ';
    } else {
      return error(fmt::format("unexpected \"{}\"", r.peek()));
    }
  }
  selector.list_.push_back(std::move(complex));
  return selector;
}

bool Selector::matches_compound(const GumboNode* node, const Compound& c) {
  if (!is_element(node)) {
    return false;
  }
  if (!c.tag.empty() && c.tag != "*" && tag_name(node) != c.tag) {
    return false;
  }
  if (!c.id.empty() && attribute(node, "id") != c.id) {
    return false;
  }
  for (const std::string& cls : c.classes) {
    if (!has_class(node, cls)) {
      return false;
    }
  }
  for (const Attribute& a : c.attributes) {
    const GumboAttribute* found =
        gumbo_get_attribute(&node->v.element.attributes, a.name.c_str());
    if (found == nullptr || (!a.any_value && a.value != found->value)) {
      return false;
    }
  }
  return true;
}

bool Selector::match_here(const GumboNode* node, const Context& context,
                          std::vector<std::vector<bool>>& here) const {
  bool whole = false;
  here.resize(list_.size());
  for (std::size_t c = 0; c < list_.size(); ++c) {
    const Complex& complex = list_[c];
    here[c].assign(complex.size(), false);
    for (std::size_t k = 0; k < complex.size(); ++k) {
      if (!matches_compound(node, complex[k])) {
        continue;
      }
      here[c][k] =
          k == 0 || (complex[k].combinator == '>' ? context.parent[c][k - 1]
                                                  : context.ancestor[c][k - 1]);
    }
    whole = whole || here[c].back();
  }
  return whole;
}

void Selector::collect(const GumboNode* node, const Context& context,
                       std::vector<const GumboNode*>& found, int depth) const {
  if (!is_element(node) || depth > 400) {
    return;
  }
  Context inner;
  if (match_here(node, context, inner.parent)) {
    found.push_back(node);
    return;  // what it holds comes with it
  }
  inner.ancestor = context.ancestor;
  for (std::size_t c = 0; c < list_.size(); ++c) {
    for (std::size_t k = 0; k < list_[c].size(); ++k) {
      inner.ancestor[c][k] = inner.ancestor[c][k] || inner.parent[c][k];
    }
  }
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    collect(child(nodes, i), inner, found, depth + 1);
  }
}

std::vector<const GumboNode*> Selector::select(const GumboNode* root) const {
  std::vector<const GumboNode*> found;
  Context top;
  for (const Complex& complex : list_) {
    top.ancestor.emplace_back(complex.size(), false);
    top.parent.emplace_back(complex.size(), false);
  }
  collect(root, top, found, 0);
  return found;
}

}  // namespace feedmark
