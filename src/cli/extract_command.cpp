#include "feedmark/cli/extract_command.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "feedmark/cli/cli.h"
#include "feedmark/decode/decode.h"
#include "feedmark/extract/page.h"

namespace feedmark {
namespace {

using json = nlohmann::ordered_json;

json nullable(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

Result<Response> read_page(const std::string& text, const HttpOptions& http,
                           const std::string& user_agent) {
  const Source source = classify_source(text);
  if (source.kind != Source::Kind::kUrl) {
    return read_local_source(source, http.max_size);
  }
  HttpRequest request;
  request.url = text;
  request.user_agent = user_agent;
  std::optional<Result<HttpResult>> got;
  fetch_all({request}, http, [&](std::size_t, Result<HttpResult> r) {
    got.emplace(std::move(r));
  });
  if (!got || !*got) {
    return tl::unexpected(got ? got->error()
                              : Error{"fetch", text, "no response"});
  }
  if ((*got)->kind != HttpResult::Kind::kFetched) {
    return fail("fetch", text,
                fmt::format("HTTP {}, no page", (*got)->response.status));
  }
  return std::move((*got)->response);
}

}  // namespace

Result<Document> read_decoded_page(const std::string& source,
                                   const std::string& base,
                                   const HttpOptions& http,
                                   const std::string& user_agent) {
  Result<Response> response = read_page(source, http, user_agent);
  if (!response) {
    return tl::unexpected(response.error());
  }
  const std::string url = !base.empty() ? base : response->final_url;
  Result<Document> page = decode_page(std::move(*response), source);
  if (page) {
    page->base_url = url;
  }
  return page;
}

int run_extract(const ExtractCommand& command, const Streams& streams) {
  const Result<Document> page = read_decoded_page(
      command.source, command.base, command.http, command.user_agent);
  if (!page) {
    streams.report_error(page.error());
    return kExitSourceFailed;
  }
  const std::string& url = page->base_url;
  const std::optional<PageArticle> article = extract_page(page->utf8, url);
  if (!article) {
    streams.report_error({"extract", command.source, "no article found"});
    return kExitSourceFailed;
  }
  const json line = {
      {"url", nullable(url)},
      {"title", nullable(article->title)},
      {"byline", nullable(article->byline)},
      {"published", article->published
                        ? json(format_iso8601(*article->published))
                        : json(nullptr)},
      {"language", nullable(article->language)},
      {"image", nullable(article->image)},
      {"content_html", article->content_html},
      {"text", article->text}};
  fmt::print(streams.out, "{}\n",
             line.dump(-1, ' ', false, json::error_handler_t::replace));
  return kExitOk;
}

}  // namespace feedmark
