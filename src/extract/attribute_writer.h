#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

#include "feedmark/extract/sanitize.h"
#include "feedmark/html/policy.h"
#include "feedmark/util/url.h"

namespace feedmark::html {

/// Writes the attributes the policy keeps, URLs resolved against the base,
/// checked, and images sent through the image proxy.
class AttributeWriter {
 public:
  AttributeWriter(std::string& out, const SanitizeOptions& options,
                  const UrlResolver& resolver)
      : out_(out), options_(options), resolver_(resolver) {}

  void write_html_attributes(const GumboNode* node);
  /// The parser gives SVG and MathML elements their namespace; written as
  /// HTML, they declare it, with XLink's where used.
  void write_foreign_attributes(const GumboNode* node, std::string_view name);
  void write_attribute(std::string_view name, std::string_view value);
  /// Every attribute as it is, named as the source wrote it
  /// ("xlink:href"): for the sanitizer's own output, parsed again.
  void write_verbatim_attributes(const GumboNode* node);
  /// An absolute, safe URL for `url`, or "" if it has none.
  std::string resolve(std::string_view url, AttrKind kind) const;
  /// What an image shown from `url` points at: its local path when it is
  /// saved, else its absolute URL through the proxy; "" if unsafe. With
  /// --save-images, the URL is listed in `images`.
  std::string shown_image(std::string_view url);
  /// Whether shown_image() found the last image it was given saved.
  bool last_image_saved() const { return last_image_saved_; }

  std::vector<std::string> images;        ///< see SanitizedHtml::images
  std::vector<std::string> local_images;  ///< see SanitizedHtml

 private:
  void write_kept_attribute(std::string_view name, std::string_view value,
                            AttrKind kind, bool foreign);
  void write_url_attribute(std::string_view name, std::string_view value,
                           AttrKind kind, bool foreign);
  std::string resolve_list(std::string_view urls) const;
  std::string resolve_srcset(std::string_view srcset) const;

  std::string& out_;
  const SanitizeOptions& options_;
  const UrlResolver& resolver_;
  bool last_image_saved_ = false;
};

}  // namespace feedmark::html
