#include "feedmark/fetch.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "feedmark/url.h"

namespace feedmark {

Source classify_source(const std::string& text) {
  if (text == "-") {
    return {Source::Kind::kStdin, text};
  }
  if (is_http_url(text)) {
    return {Source::Kind::kUrl, text};
  }
  return {Source::Kind::kFile, text};
}

namespace {

Result<std::string> read_stream(std::FILE* stream, const std::string& name) {
  std::string body;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, stream)) > 0) {
    body.append(buffer, n);
  }
  if (std::ferror(stream)) {
    return fail("fetch", name, std::strerror(errno));
  }
  return body;
}

}  // namespace

Result<Response> read_local_source(const Source& source) {
  if (source.kind == Source::Kind::kUrl) {
    return fail("fetch", source.location, "not a local source");
  }
  Response response;
  if (source.kind == Source::Kind::kStdin) {
    auto body = read_stream(stdin, "stdin");
    if (!body) {
      return tl::unexpected(body.error());
    }
    response.body = std::move(*body);
    return response;
  }
  std::FILE* file = std::fopen(source.location.c_str(), "rb");
  if (file == nullptr) {
    return fail("fetch", source.location, std::strerror(errno));
  }
  auto body = read_stream(file, source.location);
  std::fclose(file);
  if (!body) {
    return tl::unexpected(body.error());
  }
  response.body = std::move(*body);
  return response;
}

}  // namespace feedmark
