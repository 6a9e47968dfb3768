#pragma once

#include <string>

#include "feedmark/cli/streams.h"
#include "feedmark/decode/decode.h"
#include "feedmark/fetch/fetch.h"

namespace feedmark {

/// `feedmark extract [--base URL] [SOURCE]`.
struct ExtractCommand {
  std::string source = "-";  ///< a URL, a file, or - for stdin
  std::string base;          ///< the page's URL when it is a file or stdin
  HttpOptions http;
  std::string user_agent;
};

/// A web page, downloaded (a URL) or read (a file, - for stdin), and
/// decoded as a page; its base_url is `base`, else the URL it came from.
Result<Document> read_decoded_page(const std::string& source,
                                   const std::string& base,
                                   const HttpOptions& http,
                                   const std::string& user_agent);

/// Prints the article of one page as one JSON line (SPEC "Full text");
/// exit 1 with one line on stderr when the page cannot be read or holds
/// no article.
int run_extract(const ExtractCommand& command, const Streams& streams);

}  // namespace feedmark
