#pragma once

#include <string>
#include <string_view>

#include "feedmark/html/text.h"
#include "feedmark/util/text.h"

namespace feedmark {

struct SanitizeOptions {
  std::string_view base_url;  ///< relative URLs resolve against it
  enum class LeadImage { kIgnore, kFind, kTake };
  /// kFind: report the first real <img> as the lead image; kTake: also take
  /// it (with its <figure>) out of the body.
  LeadImage lead_image = LeadImage::kIgnore;
  std::string_view image_proxy;  ///< applied to every <img> kept
};

struct SanitizedHtml {
  std::string html;           ///< allowlisted, absolute URLs, one line
  std::string image_url;      ///< the lead image, if asked
  std::string image_caption;  ///< its figcaption, else title, else alt
};

/// Parses an HTML fragment with gumbo and writes it back sanitized, on one
/// line (see the SPEC's body rules): feedparser's allowlist of elements,
/// attributes, CSS, SVG and MathML, without scripts, styles, forms, event
/// handlers or any URL but a safe absolute http(s) one (mailto: for links);
/// an <iframe> becomes a link to its source.
SanitizedHtml sanitize_html(std::string_view html,
                            const SanitizeOptions& options);

}  // namespace feedmark
