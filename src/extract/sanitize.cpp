#include "feedmark/extract/sanitize.h"

#include "attribute_writer.h"
#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"
#include "feedmark/html/tags.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "images.h"

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
  Writer(const SanitizeOptions& options, const UrlResolver& resolver,
         const GumboNode* skipped)
      : attributes_(out_, options, resolver),
        skipped_(skipped),
        saving_images_(options.saved_images != nullptr) {}

  void write_children(const GumboVector& nodes, bool block_context);
  void take(SanitizedHtml& result) {
    result.html = std::move(out_);
    result.images = std::move(attributes_.images);
    result.local_images = std::move(attributes_.local_images);
  }

 private:
  void write_node(const GumboVector& siblings, unsigned index,
                  bool block_context);
  void write_element(const GumboNode* node);
  void write_kept_element(const GumboNode* node);
  void write_iframe_link(const GumboNode* node);
  void write_text(std::string_view text);
  void write_pre_text(std::string_view text);
  void boundary() {
    pending_space_ = false;
    last_char_ = 0;
  }
  bool is_kept_block(const GumboNode* node) const;
  bool touches_block(const GumboVector& siblings, unsigned index,
                     bool block_context) const;

  std::string out_;
  AttributeWriter attributes_;
  const GumboNode* skipped_;
  const bool saving_images_;
  bool pending_space_ = false;
  char32_t last_char_ = 0;
  int pre_depth_ = 0;
  int depth_ = 0;
};

bool Writer::is_kept_block(const GumboNode* node) const {
  return is_element(node) && !is_foreign(node) &&
         is_block(node->v.element.tag) &&
         treatment_of(node) == Treatment::kKeep;
}

bool is_invisible(const GumboNode* node, const GumboNode* skipped) {
  return node == skipped || node->type == GUMBO_NODE_COMMENT ||
         (is_element(node) && treatment_of(node) == Treatment::kDrop);
}

// "Whitespace-only text between block elements is dropped": look past
// removed nodes to the nearest visible sibling on each side.
bool Writer::touches_block(const GumboVector& siblings, unsigned index,
                           bool block_context) const {
  const auto side = [&](int step) {
    for (int i = static_cast<int>(index) + step;
         i >= 0 && i < static_cast<int>(siblings.length); i += step) {
      const GumboNode* n = child(siblings, static_cast<unsigned>(i));
      if (!is_invisible(n, skipped_)) {
        return is_kept_block(n);
      }
    }
    return block_context;
  };
  return side(-1) || side(+1);
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

void Writer::write_children(const GumboVector& nodes, bool block_context) {
  for (unsigned i = 0; i < nodes.length; ++i) {
    write_node(nodes, i, block_context);
  }
}

void Writer::write_node(const GumboVector& siblings, unsigned index,
                        bool block_context) {
  const GumboNode* node = child(siblings, index);
  if (node == skipped_) {
    return;
  }
  if (is_text(node)) {
    const std::string_view text = node->v.text.text;
    if (pre_depth_ > 0) {
      write_pre_text(text);
    } else if (!only_whitespace(text) ||
               !touches_block(siblings, index, block_context)) {
      write_text(text);
    }
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
      write_iframe_link(node);
      break;
    case Treatment::kUnwrap:
      write_children(node->v.element.children, false);
      break;
    default:
      write_kept_element(node);
      break;
  }
  --depth_;
}

void Writer::write_kept_element(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  const bool foreign = is_foreign(node);
  std::string image_src;
  if (tag == GUMBO_TAG_IMG) {
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
    boundary();
  } else if (pending_space_ && last_char_ != 0 && !is_wide(last_char_)) {
    out_ += ' ';
    boundary();
  }
  const std::string name = foreign || tag == GUMBO_TAG_UNKNOWN
                               ? element_name(node)
                               : std::string(gumbo_normalized_tagname(tag));
  out_ += '<';
  out_ += name;
  if (foreign) {
    attributes_.write_foreign_attributes(node, name);
  } else {
    attributes_.write_html_attributes(node);
  }
  if (!image_src.empty()) {
    attributes_.write_attribute("src", image_src);
  }
  const GumboVector& children = node->v.element.children;
  if (children.length == 0 && is_void(tag)) {
    out_ += " />";
    return;
  }
  out_ += '>';
  const std::size_t content_start = out_.size();
  pre_depth_ += tag == GUMBO_TAG_PRE;
  write_children(children, block);
  pre_depth_ -= tag == GUMBO_TAG_PRE;
  if (foreign && out_.size() == content_start) {
    out_.back() = ' ';  // an empty SVG or MathML element closes itself
    out_ += "/>";
    return;
  }
  if (block) {
    boundary();
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

void Writer::write_pre_text(std::string_view text) {
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

}  // namespace

SanitizedHtml sanitize_html(std::string_view html,
                            const SanitizeOptions& options) {
  SanitizedHtml result;
  if (only_whitespace(html)) {
    return result;
  }
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
  writer.write_children(fragment.children(), true);
  writer.take(result);
  return result;
}

}  // namespace feedmark
