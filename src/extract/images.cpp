#include "images.h"

#include <cstdlib>

#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"

namespace feedmark::html {

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

// The URL an <img> shows: a lazy-loading attribute, its src, else its
// largest srcset candidate; "" when it has none but a data: placeholder.
std::string_view image_candidate(const GumboNode* img) {
  std::string_view src = image_source(img);
  if (src.empty() || src.starts_with("data:")) {
    src = largest_srcset_candidate(attribute(img, "srcset"));
    if (src.empty()) {
      src = largest_srcset_candidate(attribute(img, "data-srcset"));
    }
  }
  return src.starts_with("data:") ? std::string_view() : src;
}

std::string_view image_to_save(const GumboNode* img) {
  for (const char* name : {"srcset", "data-srcset"}) {
    const std::string_view best =
        largest_srcset_candidate(attribute(img, name));
    if (!best.empty() && !best.starts_with("data:")) {
      return best;
    }
  }
  return image_candidate(img);
}

std::string_view real_image_url(const GumboNode* img) {
  const std::string_view src = image_candidate(img);
  return src.empty() || is_tracking_pixel(img, src) ? std::string_view() : src;
}

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

}  // namespace feedmark::html
