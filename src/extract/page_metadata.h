#pragma once

// What a page says about its article beside its text: JSON-LD
// (NewsArticle, Article…), Open Graph and other <meta> data, <title>.

#include <gumbo.h>

#include <optional>
#include <string>

#include "feedmark/util/dates.h"

namespace feedmark::page {

struct PageMetadata {
  std::string title;
  std::string byline;
  std::optional<UnixTime> published;
  std::string language;
  std::string image;         ///< as written; resolved by the caller
  std::string article_body;  ///< JSON-LD articleBody, plain text
};

PageMetadata read_metadata(const GumboNode* root, const GumboNode* head,
                           const GumboNode* body);

}  // namespace feedmark::page
