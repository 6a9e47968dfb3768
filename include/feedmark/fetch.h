#pragma once

#include <string>

#include "feedmark/error.h"

namespace feedmark {

/// Where a feed comes from, as the user named it.
struct Source {
  enum class Kind { kUrl, kFile, kStdin };
  Kind kind = Kind::kFile;
  std::string location;  ///< the URL, the path, or "-"
};

/// Classifies a command-line SOURCE: http(s) URL, "-" for stdin, else a path.
Source classify_source(const std::string& text);

/// The bytes of a feed and what the transport said about them.
struct Response {
  std::string final_url;     ///< after redirects; empty for files and stdin
  std::string content_type;  ///< the HTTP Content-Type, empty if none
  std::string body;
  int status = 200;
};

/// Reads a file or stdin whole. URLs are the network fetcher's job.
Result<Response> read_local_source(const Source& source);

}  // namespace feedmark
