#include "feedmark/extract/sanitize.h"

#include "attribute_writer.h"
#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"
#include "feedmark/html/tags.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "images.h"
#include "open_elements.h"

namespace feedmark {
namespace {

using namespace feedmark::html;  // the policy and the tree's helpers

// East Asian Wide and Fullwidth ranges (UAX #11), where a line break between
// two characters is no word space: "中国\n外交部" is one word.
bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

// The last code point of UTF-8 text (gumbo's text is valid UTF-8).
char32_t last_character(std::string_view text) {
  std::size_t at = text.size() - 1;
  while (at > 0 && text.size() - at < 4 &&
         (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
    --at;
  }
  return decode_utf8_at(text, at);
}

/// Writes the sanitized tree on one line (SPEC "The article file", body).
class Writer {
 public:
  /// `verbatim`: the tree is the sanitizer's own output parsed again, and
  /// its attributes are written as they are (see holds_as_written).
  Writer(const SanitizeOptions& options, const UrlResolver& resolver,
         const GumboNode* skipped, bool verbatim = false)
      : attributes_(out_, options, resolver),
        skipped_(skipped),
        saving_images_(options.saved_images != nullptr),
        verbatim_(verbatim) {}

  void write_children(const GumboVector& nodes);
  std::string& html() { return out_; }
  /// Whether the tree written differs from the source's in its nesting
  /// (an element unwrapped or rebuilt) or holds SVG or MathML: only then
  /// can a browser read it otherwise (see hold_to_parsed_tree).
  bool restructured() const { return restructured_; }
  void take(SanitizedHtml& result) {
    result.html = std::move(out_);
    result.images = std::move(attributes_.images);
    result.local_images = std::move(attributes_.local_images);
  }

 private:
  void write_node(const GumboVector& siblings, unsigned index);
  unsigned write_in_table(const GumboVector& siblings, unsigned index,
                          const std::vector<GumboTag>& wrappers);
  void write_element(const GumboNode* node);
  void write_kept_element(const GumboNode* node);
  void write_iframe_link(const GumboNode* node);
  void write_text(std::string_view text);
  void write_pre_text(std::string_view text);
  void boundary() {
    pending_space_ = false;
    last_char_ = 0;
  }
  // "Whitespace-only text between block elements is dropped", decided by
  // what is written around it, not by the source's siblings (an unwrapped
  // <form> between them hides nothing), so that writing the output again
  // drops nothing more.
  void before_block() {
    held_space_.clear();
    boundary();
  }
  void before_inline() {
    if (!held_space_.empty()) {
      const std::string space = std::move(held_space_);
      held_space_.clear();
      write_text(space);
    }
  }

  std::string out_;
  AttributeWriter attributes_;
  const GumboNode* skipped_;
  const bool saving_images_;
  const bool verbatim_;
  bool restructured_ = false;
  OpenElements open_;
  std::size_t pre_start_ = std::string::npos;  ///< where a <pre>'s text starts
  std::string held_space_;   ///< whitespace text, until what follows
  bool after_block_ = true;  ///< nothing written yet, or a block's tag
  bool pending_space_ = false;
  char32_t last_char_ = 0;
  int pre_depth_ = 0;
  int depth_ = 0;
};

bool is_invisible(const GumboNode* node, const GumboNode* skipped) {
  return node == skipped || node->type == GUMBO_NODE_COMMENT ||
         (is_element(node) && treatment_of(node) == Treatment::kDrop);
}

// XHTML habits give "<br></br>", which an HTML parser reads as two line
// breaks (HTML §13.2.6.4.7, an end tag "br"); the end tag is no second one.
bool is_end_tag_after_br(const GumboVector& siblings, unsigned index) {
  const GumboNode* node = child(siblings, index);
  if (index == 0 || tag_of(node) != GUMBO_TAG_BR) {
    return false;
  }
  return made_by_end_tag(node->v.element) &&
         tag_of(child(siblings, index - 1)) == GUMBO_TAG_BR;
}

void Writer::write_children(const GumboVector& nodes) {
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboNode* node = child(nodes, i);
    if (is_element(node) && node != skipped_ && depth_ < kMaxDepth &&
        treatment_of(node) == Treatment::kKeep) {
      if (const auto wrappers = open_.wrappers_for(node); !wrappers.empty()) {
        i = write_in_table(nodes, i, wrappers) - 1;
        continue;
      }
    }
    write_node(nodes, i);
  }
}

// A fragment cut out of a table ("<tr><td>a</td></tr>", as a description
// may be) keeps its rows in a table of its own: a browser ignores a <tr>
// or a <td> outside one. The run of sibling parts shares the table;
// returns the index after the last one.
unsigned Writer::write_in_table(const GumboVector& siblings, unsigned index,
                                const std::vector<GumboTag>& wrappers) {
  before_block();
  after_block_ = true;
  restructured_ = true;
  for (GumboTag tag : wrappers) {
    out_ += '<';
    out_ += gumbo_normalized_tagname(tag);
    out_ += '>';
    open_.push_html(tag);
  }
  unsigned end = index;
  for (unsigned i = index; i < siblings.length; ++i) {
    const GumboNode* node = child(siblings, i);
    if (is_element(node) && node != skipped_ && open_.takes(node) &&
        treatment_of(node) == Treatment::kKeep) {
      write_node(siblings, i);
      end = i + 1;
    } else if (!is_invisible(node, skipped_) &&
               !(is_text(node) && only_whitespace(node->v.text.text))) {
      break;
    }
  }
  before_block();
  for (auto it = wrappers.rbegin(); it != wrappers.rend(); ++it) {
    open_.pop();
    out_ += "</";
    out_ += gumbo_normalized_tagname(*it);
    out_ += '>';
  }
  boundary();
  return end;
}

void Writer::write_node(const GumboVector& siblings, unsigned index) {
  const GumboNode* node = child(siblings, index);
  if (node == skipped_) {
    return;
  }
  if (is_text(node)) {
    if (!open_.takes_text()) {
      return;  // the parser would move it out of the table
    }
    const std::string_view text = node->v.text.text;
    if (pre_depth_ > 0) {
      write_pre_text(text);
    } else if (verbatim_) {
      append_html_escaped(out_, text);
    } else if (!only_whitespace(text)) {
      before_inline();
      write_text(text);
    } else if (!after_block_) {
      held_space_ += text;
      return;
    } else {
      return;
    }
    after_block_ = false;
    return;
  }
  if (is_element(node) && !is_end_tag_after_br(siblings, index)) {
    write_element(node);
  }
}

void Writer::write_element(const GumboNode* node) {
  const Treatment treatment = treatment_of(node);
  if (treatment == Treatment::kDrop || depth_ >= kMaxDepth) {
    return;
  }
  ++depth_;
  switch (treatment) {
    case Treatment::kLink:
      restructured_ = true;
      write_iframe_link(node);
      break;
    case Treatment::kUnwrap:
      restructured_ = true;
      write_children(node->v.element.children);
      break;
    default:
      if (open_.takes(node)) {
        write_kept_element(node);
      } else {
        restructured_ = true;
        write_children(node->v.element.children);
      }
      break;
  }
  --depth_;
}

void Writer::write_kept_element(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  const bool foreign = is_foreign(node);
  restructured_ = restructured_ || foreign;
  std::string image_src;
  if (tag == GUMBO_TAG_IMG && !verbatim_) {
    const std::string_view src = image_candidate(node);
    if (is_tracking_pixel(node, src)) {
      return;  // a beacon shows nothing
    }
    // An image without a safe source stays, for its alt text and size.
    image_src =
        attributes_.shown_image(saving_images_ ? image_to_save(node) : src);
  }
  const bool block = !foreign && is_block(tag);
  if (block) {
    before_block();
  } else {
    before_inline();
    if (pending_space_ && last_char_ != 0 && !is_wide(last_char_)) {
      out_ += ' ';
      boundary();
    }
  }
  // A paragraph that would hold a block is a <div>: a browser would end
  // the <p> at the block.
  const bool as_div =
      !foreign && tag == GUMBO_TAG_P && paragraph_holds_block(node);
  restructured_ = restructured_ || as_div;
  const std::string name = as_div ? std::string("div")
                           : foreign || tag == GUMBO_TAG_UNKNOWN
                               ? element_name(node)
                               : std::string(gumbo_normalized_tagname(tag));
  out_ += '<';
  out_ += name;
  if (verbatim_) {
    attributes_.write_verbatim_attributes(node);
  } else if (foreign) {
    attributes_.write_foreign_attributes(node, name);
  } else {
    attributes_.write_html_attributes(node);
  }
  if (!image_src.empty()) {
    attributes_.write_attribute("src", image_src);
  }
  after_block_ = block;
  const GumboVector& children = node->v.element.children;
  if (children.length == 0 && is_void(tag)) {
    out_ += " />";
    return;
  }
  out_ += '>';
  const std::size_t content_start = out_.size();
  const bool pre = !foreign && tag == GUMBO_TAG_PRE;
  pre_depth_ += pre;
  if (pre) {
    pre_start_ = out_.size();
  }
  if (as_div) {
    open_.push_html(GUMBO_TAG_DIV);
  } else {
    open_.push(node);
  }
  write_children(children);
  open_.pop();
  pre_depth_ -= pre;
  if (block) {
    before_block();
  } else {
    before_inline();
  }
  after_block_ = block;
  if (foreign && out_.size() == content_start) {
    out_.back() = ' ';  // an empty SVG or MathML element closes itself
    out_ += "/>";
    return;
  }
  out_ += "</";
  out_ += name;
  out_ += '>';
}

// An <iframe> (a video player, a map) becomes a link to what it shows, so
// nothing is lost and nothing runs.
void Writer::write_iframe_link(const GumboNode* node) {
  const std::string src =
      attributes_.resolve(attribute(node, "src"), AttrKind::kResource);
  if (src.empty()) {
    return;
  }
  before_inline();
  after_block_ = false;
  if (!open_.takes_html(GUMBO_TAG_A)) {
    if (open_.takes_text()) {
      append_html_escaped(out_, src);  // in a link already: its address
    }
    return;
  }
  out_ += "<a href=\"";
  append_html_escaped(out_, src, true);
  out_ += "\">";
  append_html_escaped(out_, src);
  out_ += "</a>";
}

// Runs of whitespace with a line break become one space, or nothing between
// two wide characters; other runs stay as they are.
// Whitespace runs collapse (SPEC "The article file", body); the text
// between them is escaped and appended whole.
void Writer::write_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    const bool space = is_ascii_space(text[i]);
    while (end < text.size() && is_ascii_space(text[end]) == space) {
      ++end;
    }
    const std::string_view run = text.substr(i, end - i);
    i = end;
    if (space) {
      if (run.find_first_of("\n\r") != std::string_view::npos) {
        pending_space_ = true;
      } else if (last_char_ != 0 || !pending_space_) {
        pending_space_ = false;
        out_.append(run);
        last_char_ = ' ';
      }
      continue;
    }
    // A line break between two wide characters is no space: "中国\n外交部".
    const char32_t first = decode_utf8_at(run, 0);
    if (pending_space_ && last_char_ != 0 && last_char_ != ' ' &&
        !(is_wide(last_char_) && is_wide(first))) {
      out_ += ' ';
    }
    pending_space_ = false;
    append_html_escaped(out_, run);
    last_char_ = last_character(run);
  }
}

// A parser drops a line break right after "<pre>" (HTML §13.2.6.4.7), even
// one written "&#10;": a <pre> whose text starts with one gets a second.
void Writer::write_pre_text(std::string_view text) {
  if (out_.size() == pre_start_ && !text.empty() &&
      (text.front() == '\n' || text.front() == '\r')) {
    out_ += "&#10;";
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out_ += "&#10;";
      i += i + 1 < text.size() && text[i + 1] == '\n';
    } else if (text[i] == '\n') {
      out_ += "&#10;";
    } else {
      append_html_escaped(out_, text.substr(i, 1));
    }
  }
}

// The tree a browser builds from `html` in a page, written again as it is.
std::string written_as_parsed(std::string_view html, FragmentParser parser) {
  const ParsedFragment parsed(html, parser);
  const SanitizeOptions options;
  const UrlResolver resolver(options.base_url);
  Writer writer(options, resolver, nullptr, true);
  writer.write_children(parsed.children());
  return std::move(writer.html());
}

// The promise of the sanitizer's output (docs/decisions.md "Sanitizing"):
// a browser parses it into the tree it spells, so writing that tree again
// gives the same bytes. The writer's rules keep it (open_elements.h); this
// checks it, and what fails is written as the browser would read it or, if
// even that does not hold, as plain text.
void hold_to_parsed_tree(std::string& html) {
  if (html.empty() ||
      written_as_parsed(html, FragmentParser::kDirectFirstInBody) == html) {
    return;
  }
  std::string parsed = written_as_parsed(html, FragmentParser::kGumboInBody);
  if (written_as_parsed(parsed, FragmentParser::kDirectFirstInBody) == parsed) {
    html = std::move(parsed);
    return;
  }
  const std::string text = html_to_text(html);
  html.clear();
  if (!text.empty()) {
    html = "<p>";
    append_html_escaped(html, text);
    html += "</p>";
  }
}

}  // namespace

SanitizedHtml sanitize_html(std::string_view html,
                            const SanitizeOptions& options) {
  SanitizedHtml result;
  if (only_whitespace(html)) {
    return result;
  }
  bool checked = true;
  {
    const ParsedFragment fragment(html);
    const UrlResolver resolver(options.base_url);
    LeadImageNode lead;
    if (options.lead_image != SanitizeOptions::LeadImage::kIgnore) {
      lead = locate_lead_image(fragment.children());
      if (lead.img != nullptr) {
        // A copy to keep is the largest one; a link stays as the feed wrote
        // it.
        result.image_url = resolver.resolve(
            options.saved_images != nullptr && !real_image_url(lead.img).empty()
                ? image_to_save(lead.img)
                : real_image_url(lead.img));
        result.image_caption = caption_of(lead);
      }
      if (result.image_url.empty()) {
        lead = {};
      }
    }
    const bool take = options.lead_image == SanitizeOptions::LeadImage::kTake;
    Writer writer(options, resolver, take ? lead.removed : nullptr);
    writer.write_children(fragment.children());
    // A tidy body (read without gumbo: its tree is what its tags spell)
    // written with the same nesting, less dropped subtrees, needs no
    // check: its tree is one the parser builds as spelt.
    checked = !fragment.read_directly() || writer.restructured();
    writer.take(result);
  }
  if (checked) {
    hold_to_parsed_tree(result.html);
  }
  return result;
}

}  // namespace feedmark
