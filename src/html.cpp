#include "feedmark/html.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "feedmark/arena.h"
#include "feedmark/text.h"
#include "feedmark/url.h"

namespace feedmark {
namespace {

// ---------------------------------------------------------------- parsing

// One arena per thread: items are spread over threads, and each parse
// releases everything gumbo allocated at once.
thread_local Arena tls_arena;

void* arena_allocate(void* arena, size_t size) {
  return static_cast<Arena*>(arena)->allocate(size);
}
void arena_free(void*, void*) {}

/// A parsed fragment; the arena is reset when it goes away.
class ParsedFragment {
 public:
  explicit ParsedFragment(std::string_view html) {
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = arena_allocate;
    options.deallocator = arena_free;
    options.userdata = &tls_arena;
    options.max_errors = 0;
    options.fragment_context = GUMBO_TAG_BODY;
    output_ = gumbo_parse_with_options(&options, html.data(), html.size());
  }
  ~ParsedFragment() { tls_arena.reset(); }
  ParsedFragment(const ParsedFragment&) = delete;
  ParsedFragment& operator=(const ParsedFragment&) = delete;

  /// The nodes of the fragment: the children of <html> in fragment mode.
  const GumboVector& children() const {
    return output_->root->v.element.children;
  }

 private:
  GumboOutput* output_ = nullptr;
};

const GumboNode* child(const GumboVector& v, unsigned i) {
  return static_cast<const GumboNode*>(v.data[i]);
}

bool is_element(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

bool is_text(const GumboNode* node) {
  return node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
         node->type == GUMBO_NODE_CDATA;
}

GumboTag tag_of(const GumboNode* node) {
  return is_element(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

std::string_view attribute(const GumboNode* node, const char* name) {
  if (!is_element(node)) {
    return {};
  }
  const GumboAttribute* a =
      gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

// ---------------------------------------------------------------- policy

enum class Treatment { kKeep, kUnwrap, kDrop, kLink };

// Deeper elements are dropped: 100,000 nested <div>s must not exhaust the
// stack of a thread.
constexpr int kMaxDepth = 256;

struct TagPolicy {
  Treatment treatment = Treatment::kUnwrap;  // <form>, <font>, unknown tags
  bool block = false;
};

using PolicyTable = std::array<TagPolicy, GUMBO_TAG_LAST + 1>;

PolicyTable make_policy_table() {
  PolicyTable table{};
  for (GumboTag tag :
       {GUMBO_TAG_A,      GUMBO_TAG_ABBR,   GUMBO_TAG_ACRONYM, GUMBO_TAG_AUDIO,
        GUMBO_TAG_B,      GUMBO_TAG_BDI,    GUMBO_TAG_BDO,     GUMBO_TAG_BIG,
        GUMBO_TAG_CITE,   GUMBO_TAG_CODE,   GUMBO_TAG_DEL,     GUMBO_TAG_DFN,
        GUMBO_TAG_EM,     GUMBO_TAG_I,      GUMBO_TAG_IMG,     GUMBO_TAG_INS,
        GUMBO_TAG_KBD,    GUMBO_TAG_MARK,   GUMBO_TAG_Q,       GUMBO_TAG_RP,
        GUMBO_TAG_RT,     GUMBO_TAG_RUBY,   GUMBO_TAG_S,       GUMBO_TAG_SAMP,
        GUMBO_TAG_SMALL,  GUMBO_TAG_SOURCE, GUMBO_TAG_SPAN,    GUMBO_TAG_STRIKE,
        GUMBO_TAG_STRONG, GUMBO_TAG_SUB,    GUMBO_TAG_SUP,     GUMBO_TAG_TIME,
        GUMBO_TAG_TRACK,  GUMBO_TAG_TT,     GUMBO_TAG_U,       GUMBO_TAG_VAR,
        GUMBO_TAG_VIDEO,  GUMBO_TAG_WBR}) {
    table[tag] = {Treatment::kKeep, false};
  }
  for (GumboTag tag :
       {GUMBO_TAG_ADDRESS,    GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE,
        GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BR,      GUMBO_TAG_CAPTION,
        GUMBO_TAG_CENTER,     GUMBO_TAG_COL,     GUMBO_TAG_COLGROUP,
        GUMBO_TAG_DD,         GUMBO_TAG_DETAILS, GUMBO_TAG_DIV,
        GUMBO_TAG_DL,         GUMBO_TAG_DT,      GUMBO_TAG_FIGCAPTION,
        GUMBO_TAG_FIGURE,     GUMBO_TAG_FOOTER,  GUMBO_TAG_H1,
        GUMBO_TAG_H2,         GUMBO_TAG_H3,      GUMBO_TAG_H4,
        GUMBO_TAG_H5,         GUMBO_TAG_H6,      GUMBO_TAG_HEADER,
        GUMBO_TAG_HR,         GUMBO_TAG_LI,      GUMBO_TAG_MAIN,
        GUMBO_TAG_NAV,        GUMBO_TAG_OL,      GUMBO_TAG_P,
        GUMBO_TAG_PRE,        GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY,
        GUMBO_TAG_TABLE,      GUMBO_TAG_TBODY,   GUMBO_TAG_TD,
        GUMBO_TAG_TFOOT,      GUMBO_TAG_TH,      GUMBO_TAG_THEAD,
        GUMBO_TAG_TR,         GUMBO_TAG_UL}) {
    table[tag] = {Treatment::kKeep, true};
  }
  // Dropped with their content: what runs, styles, asks for input or embeds.
  for (GumboTag tag :
       {GUMBO_TAG_SCRIPT,   GUMBO_TAG_STYLE,    GUMBO_TAG_TEMPLATE,
        GUMBO_TAG_TITLE,    GUMBO_TAG_HEAD,     GUMBO_TAG_META,
        GUMBO_TAG_LINK,     GUMBO_TAG_BASE,     GUMBO_TAG_OBJECT,
        GUMBO_TAG_EMBED,    GUMBO_TAG_APPLET,   GUMBO_TAG_FRAME,
        GUMBO_TAG_FRAMESET, GUMBO_TAG_NOEMBED,  GUMBO_TAG_NOFRAMES,
        GUMBO_TAG_SELECT,   GUMBO_TAG_TEXTAREA, GUMBO_TAG_BUTTON,
        GUMBO_TAG_INPUT,    GUMBO_TAG_OPTION,   GUMBO_TAG_PARAM,
        GUMBO_TAG_KEYGEN,   GUMBO_TAG_XMP,      GUMBO_TAG_PLAINTEXT,
        GUMBO_TAG_NOSCRIPT, GUMBO_TAG_MENUITEM, GUMBO_TAG_ISINDEX,
        GUMBO_TAG_MAP,      GUMBO_TAG_AREA}) {
    table[tag].treatment = Treatment::kDrop;
  }
  table[GUMBO_TAG_IFRAME].treatment = Treatment::kLink;
  return table;
}

const TagPolicy& policy_of(GumboTag tag) {
  static const PolicyTable table = make_policy_table();
  return table[tag <= GUMBO_TAG_LAST ? tag : GUMBO_TAG_UNKNOWN];
}

Treatment treatment_of(const GumboNode* node) {
  if (node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) {
    return Treatment::kDrop;  // <svg>, <math>: script carriers, no text worth
                              // it
  }
  return policy_of(node->v.element.tag).treatment;
}

bool is_block(GumboTag tag) {
  return policy_of(tag).block;
}

enum class AttrKind { kDrop, kText, kUrl, kSrcset };

AttrKind attribute_kind(GumboTag tag, std::string_view name) {
  static constexpr std::array<std::string_view, 17> kText = {
      "alt",     "title",    "lang",     "dir",   "colspan", "rowspan",
      "headers", "scope",    "abbr",     "width", "height",  "datetime",
      "start",   "reversed", "controls", "align", "valign"};
  if (std::find(kText.begin(), kText.end(), name) != kText.end()) {
    return AttrKind::kText;
  }
  if (name == "type" && (tag == GUMBO_TAG_OL || tag == GUMBO_TAG_SOURCE)) {
    return AttrKind::kText;
  }
  if (name == "href" && tag == GUMBO_TAG_A) {
    return AttrKind::kUrl;
  }
  if (name == "src" || name == "poster" || name == "cite") {
    return AttrKind::kUrl;
  }
  if (name == "srcset" && (tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_SOURCE)) {
    return AttrKind::kSrcset;
  }
  return AttrKind::kDrop;
}

// ---------------------------------------------------------------- images

bool tiny_dimension(std::string_view value) {
  return value == "0" || value == "1" || value == "0px" || value == "1px";
}

// Lazy-loading themes put a placeholder in src and the picture in data-src:
// <img src="data:image/gif;base64,R0lGOD..." data-src="/photo.jpg">.
std::string_view image_source(const GumboNode* img) {
  for (const char* lazy : {"data-src", "data-original", "data-lazy-src",
                           "data-actualsrc", "data-url"}) {
    if (std::string_view v = attribute(img, lazy); !v.empty()) {
      return v;
    }
  }
  return attribute(img, "src");
}

struct SrcsetCandidate {
  std::string_view url;
  std::string_view descriptor;  ///< "480w", "2x", or empty
};

// HTML §4.8.4.3: candidates are "URL [descriptor]" separated by commas; a
// URL may itself hold commas ("a.jpg?w=1,2 2x"), so only a comma after
// whitespace or at a URL's end separates.
std::vector<SrcsetCandidate> split_srcset(std::string_view srcset) {
  constexpr std::string_view kSpace = " \t\n\r\f";
  std::vector<SrcsetCandidate> candidates;
  std::size_t i = 0;
  while (i < srcset.size()) {
    i = std::min(srcset.find_first_not_of(" \t\n\r\f,", i), srcset.size());
    const std::size_t url_end =
        std::min(srcset.find_first_of(kSpace, i), srcset.size());
    std::string_view url = srcset.substr(i, url_end - i);
    std::string_view descriptor;
    i = url_end;
    if (url.ends_with(',')) {
      url.remove_suffix(url.size() - url.find_last_not_of(',') - 1);
    } else {
      const std::size_t end = std::min(srcset.find(',', i), srcset.size());
      descriptor = srcset.substr(i, end - i);
      const auto d0 = descriptor.find_first_not_of(kSpace);
      descriptor = d0 == std::string_view::npos
                       ? std::string_view()
                       : descriptor.substr(
                             d0, descriptor.find_last_not_of(kSpace) - d0 + 1);
      i = end;
    }
    if (!url.empty()) {
      candidates.push_back({url, descriptor});
    }
  }
  return candidates;
}

// "a.jpg 480w, b.jpg 1080w" -> the candidate with the largest descriptor.
std::string_view largest_srcset_candidate(std::string_view srcset) {
  std::string_view best;
  double best_size = -1;
  for (const SrcsetCandidate& c : split_srcset(srcset)) {
    const double size =
        c.descriptor.empty() ? 1 : std::atof(std::string(c.descriptor).c_str());
    if (size > best_size) {
      best = c.url;
      best_size = size;
    }
  }
  return best;
}

// Feed readers' and analytics' 1x1 beacons: feedburner's "~r/…/~4/…",
// WordPress stats "pixel.wp.com/b.gif", "…/pixel.gif?…".
bool is_tracking_pixel(const GumboNode* img, std::string_view src) {
  if (tiny_dimension(attribute(img, "width")) ||
      tiny_dimension(attribute(img, "height"))) {
    return true;
  }
  for (std::string_view marker :
       {"feedburner.com/~r/", "feeds.feedburner.com/~ff/", "pixel.wp.com",
        "stats.wordpress.com", "/pixel.gif", "/pixel.png", "/1x1.",
        "/spacer.gif", "/blank.gif", "/beacon"}) {
    if (src.find(marker) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

std::string_view real_image_url(const GumboNode* img) {
  std::string_view src = image_source(img);
  if (src.empty() || src.starts_with("data:")) {
    src = largest_srcset_candidate(attribute(img, "srcset"));
    if (src.empty()) {
      src = largest_srcset_candidate(attribute(img, "data-srcset"));
    }
  }
  if (src.empty() || src.starts_with("data:") || is_tracking_pixel(img, src)) {
    return {};
  }
  return src;
}

/// The lead image and the subtree its removal takes away.
struct LeadImageNode {
  const GumboNode* img = nullptr;
  const GumboNode* removed = nullptr;  ///< the img, its <figure>, or a wrapper
  const GumboNode* figure = nullptr;
};

const GumboNode* find_first_real_image(const GumboVector& nodes,
                                       int depth = 0) {
  if (depth > kMaxDepth) {
    return nullptr;
  }
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboNode* n = child(nodes, i);
    if (!is_element(n) || treatment_of(n) == Treatment::kDrop) {
      continue;
    }
    if (n->v.element.tag == GUMBO_TAG_IMG && !real_image_url(n).empty()) {
      return n;
    }
    if (const GumboNode* found =
            find_first_real_image(n->v.element.children, depth + 1)) {
      return found;
    }
  }
  return nullptr;
}

bool only_whitespace(std::string_view text) {
  return text.find_first_not_of(" \t\n\r\f") == std::string_view::npos;
}

// True when `parent` holds nothing but `kept` (and whitespace), so taking
// `kept` out would leave an empty wrapper: <p><a href><img></a></p>.
bool holds_only(const GumboNode* parent, const GumboNode* kept) {
  const GumboVector& kids = parent->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* k = child(kids, i);
    if (k != kept && !(is_text(k) && only_whitespace(k->v.text.text)) &&
        k->type != GUMBO_NODE_COMMENT) {
      return false;
    }
  }
  return true;
}

LeadImageNode locate_lead_image(const GumboVector& roots) {
  LeadImageNode lead;
  lead.img = find_first_real_image(roots);
  if (lead.img == nullptr) {
    return lead;
  }
  lead.removed = lead.img;
  for (const GumboNode* p = lead.img->parent; p && is_element(p);
       p = p->parent) {
    const GumboTag tag = p->v.element.tag;
    if (tag == GUMBO_TAG_FIGURE) {
      lead.figure = lead.removed = p;
      break;
    }
    const bool wrapper = tag == GUMBO_TAG_A || tag == GUMBO_TAG_P ||
                         tag == GUMBO_TAG_DIV || tag == GUMBO_TAG_SPAN ||
                         tag == GUMBO_TAG_CENTER;
    if (!wrapper || !holds_only(p, lead.removed)) {
      break;
    }
    lead.removed = p;
  }
  return lead;
}

void append_piece(std::string& out, const GumboStringPiece& piece) {
  out.append(piece.data, piece.length);
}

// Text that merely looks like a tag stays text: a title "std::vector<bool>"
// (escaped as &lt;bool&gt; in the feed) is no element of HTML.
void append_text_of(std::string& out, const GumboNode* node, int depth = 0) {
  if (is_text(node)) {
    out += node->v.text.text;
    return;
  }
  if (!is_element(node) || treatment_of(node) == Treatment::kDrop ||
      depth > kMaxDepth) {
    return;
  }
  const bool unknown = node->v.element.tag == GUMBO_TAG_UNKNOWN;
  const bool block = is_block(node->v.element.tag);
  if (unknown) {
    append_piece(out, node->v.element.original_tag);
  } else if (block) {
    out += ' ';
  }
  const GumboVector& kids = node->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    append_text_of(out, child(kids, i), depth + 1);
  }
  if (unknown) {
    append_piece(out, node->v.element.original_end_tag);
  } else if (block) {
    out += ' ';
  }
}

std::string caption_of(const LeadImageNode& lead) {
  if (lead.figure != nullptr) {
    const GumboVector& kids = lead.figure->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      if (tag_of(child(kids, i)) == GUMBO_TAG_FIGCAPTION) {
        std::string text;
        append_text_of(text, child(kids, i));
        if (std::string c = collapse_whitespace(text); !c.empty()) {
          return c;
        }
      }
    }
  }
  for (const char* name : {"title", "alt"}) {
    if (std::string c = collapse_whitespace(attribute(lead.img, name));
        !c.empty()) {
      return c;
    }
  }
  return {};
}

// ---------------------------------------------------------------- text

std::size_t utf8_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

char32_t decode_at(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) & 0x3F : 0;
  };
  const unsigned char c = static_cast<unsigned char>(s[i]);
  switch (utf8_length(c)) {
    case 1:
      return c;
    case 2:
      return ((c & 0x1F) << 6) | b(1);
    case 3:
      return ((c & 0x0F) << 12) | (b(1) << 6) | b(2);
    default:
      return ((c & 0x07) << 18) | (b(1) << 12) | (b(2) << 6) | b(3);
  }
}

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

// ---------------------------------------------------------------- writer

/// Writes the sanitized tree on one line (SPEC "The article file", body).
class Writer {
 public:
  Writer(const SanitizeOptions& options, const UrlResolver& resolver,
         const GumboNode* skipped)
      : options_(options), resolver_(resolver), skipped_(skipped) {}

  void write_children(const GumboVector& nodes, bool block_context);
  std::string take() { return std::move(out_); }

 private:
  void write_node(const GumboVector& siblings, unsigned index,
                  bool block_context);
  void write_element(const GumboNode* node);
  void write_kept_element(const GumboNode* node, Treatment treatment,
                          GumboTag tag);
  void write_iframe_link(const GumboNode* node);
  void write_attributes(const GumboNode* node);
  void write_attribute(std::string_view name, std::string_view value);
  void write_text(std::string_view text);
  void write_pre_text(std::string_view text);
  void boundary() {
    pending_space_ = false;
    last_char_ = 0;
  }
  bool is_kept_block(const GumboNode* node) const;
  bool touches_block(const GumboVector& siblings, unsigned index,
                     bool block_context) const;
  std::string resolve(std::string_view url, bool image) const;
  std::string resolve_srcset(std::string_view srcset) const;

  const SanitizeOptions& options_;
  const UrlResolver& resolver_;
  const GumboNode* skipped_;
  std::string out_;
  bool pending_space_ = false;
  char32_t last_char_ = 0;
  int pre_depth_ = 0;
  int depth_ = 0;
};

bool Writer::is_kept_block(const GumboNode* node) const {
  return is_element(node) && is_block(node->v.element.tag) &&
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
  if (is_element(node)) {
    write_element(node);
  }
}

void Writer::write_element(const GumboNode* node) {
  const Treatment treatment = treatment_of(node);
  const GumboTag tag = node->v.element.tag;
  if (treatment == Treatment::kDrop || depth_ >= kMaxDepth) {
    return;
  }
  ++depth_;
  write_kept_element(node, treatment, tag);
  --depth_;
}

void Writer::write_kept_element(const GumboNode* node, Treatment treatment,
                                GumboTag tag) {
  if (treatment == Treatment::kLink) {
    write_iframe_link(node);
    return;
  }
  if (treatment == Treatment::kUnwrap) {
    write_children(node->v.element.children, false);
    return;
  }
  std::string image_src;
  if (tag == GUMBO_TAG_IMG) {
    image_src = resolve(real_image_url(node), true);
    if (image_src.empty()) {
      return;  // a pixel, or an image without a usable source, shows nothing
    }
  }
  const bool block = is_block(tag);
  if (block) {
    boundary();
  } else if (pending_space_ && last_char_ != 0 && !is_wide(last_char_)) {
    out_ += ' ';
    boundary();
  }
  const char* name = gumbo_normalized_tagname(tag);
  out_ += '<';
  out_ += name;
  write_attributes(node);
  if (!image_src.empty()) {
    write_attribute("src", image_src);
  }
  if (node->v.element.children.length == 0 &&
      (tag == GUMBO_TAG_BR || tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG ||
       tag == GUMBO_TAG_WBR || tag == GUMBO_TAG_COL ||
       tag == GUMBO_TAG_SOURCE || tag == GUMBO_TAG_TRACK)) {
    out_ += " />";
    return;
  }
  out_ += '>';
  pre_depth_ += tag == GUMBO_TAG_PRE;
  write_children(node->v.element.children, block);
  pre_depth_ -= tag == GUMBO_TAG_PRE;
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
  const std::string src = resolve(attribute(node, "src"), false);
  if (src.empty()) {
    return;
  }
  out_ += "<a href=\"";
  append_html_escaped(out_, src, true);
  out_ += "\">";
  append_html_escaped(out_, src);
  out_ += "</a>";
}

void Writer::write_attributes(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  const GumboVector& attrs = node->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    const std::string_view name = a->name;
    switch (attribute_kind(tag, name)) {
      case AttrKind::kDrop:
        break;
      case AttrKind::kText:
        write_attribute(name, a->value);
        break;
      case AttrKind::kUrl: {
        if (tag == GUMBO_TAG_IMG && name == "src") {
          break;  // written below from the real source
        }
        const std::string url = resolve(a->value, name == "poster");
        if (!url.empty()) {
          write_attribute(name, url);
        }
        break;
      }
      case AttrKind::kSrcset:
        if (std::string set = resolve_srcset(a->value); !set.empty()) {
          write_attribute(name, set);
        }
        break;
    }
  }
}

void Writer::write_attribute(std::string_view name, std::string_view value) {
  out_ += ' ';
  out_.append(name);
  out_ += "=\"";
  append_html_escaped(out_, value, true);
  out_ += '"';
}

std::string Writer::resolve(std::string_view url, bool image) const {
  if (url.empty()) {
    return {};
  }
  std::string absolute = resolver_.resolve(url, /*allow_mailto=*/!image);
  if (absolute.empty() || !image) {
    return absolute;
  }
  return apply_image_proxy(options_.image_proxy, absolute);
}

std::string Writer::resolve_srcset(std::string_view srcset) const {
  std::string out;
  for (const SrcsetCandidate& c : split_srcset(srcset)) {
    const std::string url = resolve(c.url, true);
    if (url.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += ", ";
    }
    out += url;
    if (!c.descriptor.empty()) {
      out += ' ';
      out += collapse_whitespace(c.descriptor);
    }
  }
  return out;
}

// Runs of whitespace with a line break become one space, or nothing between
// two wide characters; other runs stay as they are.
void Writer::write_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_ascii_space(text[i])) {
      const std::size_t end =
          std::min(text.find_first_not_of(" \t\n\r\f", i), text.size());
      const std::string_view run = text.substr(i, end - i);
      if (run.find_first_of("\n\r") != std::string_view::npos) {
        pending_space_ = true;
      } else if (last_char_ != 0 || !pending_space_) {
        pending_space_ = false;
        out_.append(run);
        last_char_ = ' ';
      }
      i = end;
      continue;
    }
    const char32_t c = decode_at(text, i);
    if (pending_space_ && last_char_ != 0 && last_char_ != ' ' &&
        !(is_wide(last_char_) && is_wide(c))) {
      out_ += ' ';
    }
    pending_space_ = false;
    const std::size_t len = std::min(
        utf8_length(static_cast<unsigned char>(text[i])), text.size() - i);
    append_html_escaped(out_, text.substr(i, len));
    last_char_ = c;
    i += len;
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

void append_html_escaped(std::string& out, std::string_view text,
                         bool attribute) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* replacement = nullptr;
    switch (c) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = attribute ? "&quot;" : nullptr;
        break;
      case '\n':
        replacement = attribute ? "&#10;" : nullptr;
        break;
      case '\r':
        replacement = attribute ? "&#13;" : nullptr;
        break;
      default:
        break;
    }
    if (replacement != nullptr) {
      out.append(text.substr(start, i - start));
      out += replacement;
      start = i + 1;
    }
  }
  out.append(text.substr(start));
}

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
      result.image_url = resolver.resolve(real_image_url(lead.img));
      result.image_caption = caption_of(lead);
    }
    if (result.image_url.empty()) {
      lead = {};
    }
  }
  const bool take = options.lead_image == SanitizeOptions::LeadImage::kTake;
  Writer writer(options, resolver, take ? lead.removed : nullptr);
  writer.write_children(fragment.children(), true);
  result.html = writer.take();
  return result;
}

std::string html_to_text(std::string_view html) {
  if (html.find_first_of("<&") == std::string_view::npos) {
    return collapse_whitespace(html);
  }
  const ParsedFragment fragment(html);
  std::string text;
  const GumboVector& nodes = fragment.children();
  for (unsigned i = 0; i < nodes.length; ++i) {
    append_text_of(text, child(nodes, i));
  }
  return collapse_whitespace(text);
}

}  // namespace feedmark
