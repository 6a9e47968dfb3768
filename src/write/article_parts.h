#pragma once

// The pieces every format writes alike (src/write only), shared by the
// renderer and by the reader that takes files apart again.

#include <optional>
#include <string>
#include <string_view>

#include "feedmark/extract/extract.h"
#include "feedmark/write/format.h"
#include "feedmark/write/front_matter.h"

namespace feedmark::article_parts {

/// The published date, lead image and caption as HTML (seed's header).
std::string render_header(const Article& article);

/// Header and body on one line that Markdown reads as one HTML block
/// (wrapped in a <div> unless it starts with a block tag).
std::string html_line(const std::string& header, const std::string& body);

/// Takes `open`…`close` off the front of `line`, returning what was
/// inside (a header field: "<div><i>", date, "</i></div>").
std::optional<std::string_view> take(std::string_view& line,
                                     std::string_view open,
                                     std::string_view close);

/// The head (title, capture and publication times) of a file's front
/// matter: `captured` (else `created`), `published`, else a `date` other
/// than the capture time.
std::optional<ArticleHead> head_of_front_matter(const FrontMatterFields& f);

/// Obsidian's lead: `![caption](image)`, then the caption in italics.
std::string obsidian_lead(const Article& article);

}  // namespace feedmark::article_parts
