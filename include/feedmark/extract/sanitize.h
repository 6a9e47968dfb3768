#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feedmark/html/text.h"
#include "feedmark/util/text.h"

namespace feedmark {

/// Where the images of --save-images are: the path an article shows for
/// an absolute image URL ("media/….png", relative to the article), or ""
/// when it is not saved (yet). Called from several threads at once.
class ImageLocator {
 public:
  virtual ~ImageLocator() = default;
  virtual std::string local_path(const std::string& url) const = 0;
};

struct SanitizeOptions {
  std::string_view base_url;  ///< relative URLs resolve against it
  enum class LeadImage { kIgnore, kFind, kTake };
  /// kFind: report the first real <img> as the lead image; kTake: also take
  /// it (with its <figure>) out of the body.
  LeadImage lead_image = LeadImage::kIgnore;
  std::string_view image_proxy;  ///< applied to every <img> kept
  /// --save-images: each image shown (an <img>'s largest srcset candidate,
  /// else its source; a <video>'s poster) is listed, and one that is saved
  /// is shown from its local path, without srcset; the proxy applies to
  /// the others.
  const ImageLocator* saved_images = nullptr;
};

struct SanitizedHtml {
  std::string html;           ///< allowlisted, absolute URLs, one line
  std::string image_url;      ///< the lead image, if asked
  std::string image_caption;  ///< its figcaption, else title, else alt
  /// With saved_images: every image URL the HTML shows, absolute, in order,
  /// and the local paths it shows instead, for those saved.
  std::vector<std::string> images;
  std::vector<std::string> local_images;
};

/// Parses an HTML fragment with gumbo and writes it back sanitized, on one
/// line (see the SPEC's body rules): feedparser's allowlist of elements,
/// attributes, CSS, SVG and MathML, without scripts, styles, forms, event
/// handlers or any URL but a safe absolute http(s) one (mailto: for links);
/// an <iframe> becomes a link to its source.
SanitizedHtml sanitize_html(std::string_view html,
                            const SanitizeOptions& options);

}  // namespace feedmark
