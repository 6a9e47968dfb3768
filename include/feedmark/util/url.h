#pragma once

#include <string>
#include <string_view>

namespace feedmark {

/// Resolves `reference` against `base` and normalizes the result with
/// libcurl's URL API: unsafe characters percent-encoded, the scheme in lower
/// case; the host keeps its case and an empty path stays empty
/// ("http://Example.org" as written). Returns "" unless the result is an
/// absolute http(s) URL, or, with `allow_mailto`, a mailto: URL (for links).
std::string resolve_url(std::string_view base, std::string_view reference,
                        bool allow_mailto = false);

/// Normalizes an absolute http(s) URL; "" if it is not one.
inline std::string normalize_url(std::string_view url) {
  return resolve_url({}, url);
}

/// The form two spellings of one http(s) URL share, for keys and ids: as
/// normalize_url, and the host lower-cased, an empty path written "/"
/// (RFC 3986 6.2.2.1, 6.2.3). "" if it is not an absolute http(s) URL.
std::string canonical_url(std::string_view url);

/// What an id is derived from for a link: its canonical form, else (not an
/// absolute http(s) URL) the link as written.
inline std::string url_key(std::string_view url) {
  std::string canonical = canonical_url(url);
  return canonical.empty() ? std::string(url) : canonical;
}

/// Resolves many references against one base, parsing the base once.
class UrlResolver {
 public:
  explicit UrlResolver(std::string_view base);
  ~UrlResolver();
  UrlResolver(const UrlResolver&) = delete;
  UrlResolver& operator=(const UrlResolver&) = delete;
  /// As resolve_url(base, reference, allow_mailto).
  std::string resolve(std::string_view reference,
                      bool allow_mailto = false) const;

 private:
  void* base_ = nullptr;  ///< CURLU*, kept out of this header
};

/// The scheme ("https") and host ("example.com") of an absolute URL, both in
/// lower case; empty strings if libcurl cannot parse it.
struct SchemeHost {
  std::string scheme;
  std::string host;
};
SchemeHost scheme_and_host(std::string_view url);

/// True for a URL whose scheme is http or https (case-insensitive).
bool is_http_url(std::string_view url);

/// Applies an --image-proxy template: {url}, {url_noscheme},
/// {url_encoded}. An empty template returns the URL unchanged.
std::string apply_image_proxy(std::string_view proxy_template,
                              std::string_view url);

}  // namespace feedmark
