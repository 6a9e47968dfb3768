#pragma once

// Images in a fragment: lazy-loading attributes, srcset, tracking pixels,
// and the lead image with its caption (SPEC "Extraction rules").

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

namespace feedmark::html {

struct SrcsetCandidate {
  std::string_view url;
  std::string_view descriptor;  ///< "480w", "2x", or empty
};
std::vector<SrcsetCandidate> split_srcset(std::string_view srcset);

/// A 1x1 beacon or a known tracker's image.
bool is_tracking_pixel(const GumboNode* img, std::string_view src);
/// The URL an <img> shows: a lazy-loading attribute, its src, else its
/// largest srcset candidate; "" when it has none but a data: placeholder.
std::string_view image_candidate(const GumboNode* img);
/// The copy of an <img> worth saving: its largest srcset candidate (a
/// lazy data-srcset too), else image_candidate.
std::string_view image_to_save(const GumboNode* img);
/// image_candidate, unless it is a tracking pixel.
std::string_view real_image_url(const GumboNode* img);

/// The lead image and the subtree its removal takes away.
struct LeadImageNode {
  const GumboNode* img = nullptr;
  const GumboNode* removed = nullptr;  ///< the img, its <figure>, or a wrapper
  const GumboNode* figure = nullptr;
};
LeadImageNode locate_lead_image(const GumboVector& roots);
/// Its figcaption, else its title, else its alt.
std::string caption_of(const LeadImageNode& lead);

}  // namespace feedmark::html
