#pragma once

// The pieces every format writes alike (src/write only), shared by the
// renderer and by the reader that takes files apart again.

#include <string>
#include <string_view>

#include "feedmark/extract/extract.h"

namespace feedmark::article_parts {

/// The published date, lead image and caption as HTML (seed's header).
std::string render_header(const Article& article);

/// Header and body on one line that Markdown reads as one HTML block
/// (wrapped in a <div> unless it starts with a block tag).
std::string html_line(const std::string& header, const std::string& body);

/// Obsidian's lead: `![caption](image)`, then the caption in italics.
std::string obsidian_lead(const Article& article);

}  // namespace feedmark::article_parts
