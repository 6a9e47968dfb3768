#pragma once

#include <string>

#include "feedmark/cli/streams.h"
#include "feedmark/fetch/fetch.h"

namespace feedmark {

/// `feedmark discover [--base URL] SOURCE`.
struct DiscoverCommand {
  std::string source = "-";  ///< a URL, an HTML file, or - for stdin
  std::string base;          ///< the page's URL when it is a file or stdin
  HttpOptions http;
  std::string user_agent;
};

/// Prints the feeds a web page links, one URL a line, so that
/// `feedmark discover https://site | head -1 >> feeds.txt` works; a source
/// that is a feed itself prints its own URL. Exit 1 when there is none.
int run_discover(const DiscoverCommand& command, const Streams& streams);

}  // namespace feedmark
