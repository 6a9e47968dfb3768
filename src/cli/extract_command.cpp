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

Result<Response> download(const ExtractCommand& command) {
  HttpRequest request;
  request.url = command.source;
  request.user_agent = command.user_agent;
  std::optional<Result<HttpResult>> got;
  fetch_all({request}, command.http, [&](std::size_t, Result<HttpResult> r) {
    got.emplace(std::move(r));
  });
  if (!got || !*got) {
    return tl::unexpected(got ? got->error()
                              : Error{"fetch", command.source, "no response"});
  }
  if ((*got)->kind != HttpResult::Kind::kFetched) {
    return fail("fetch", command.source,
                fmt::format("HTTP {}, no page", (*got)->response.status));
  }
  return std::move((*got)->response);
}

}  // namespace

int run_extract(const ExtractCommand& command, const Streams& streams) {
  const Source source = classify_source(command.source);
  Result<Response> response =
      source.kind == Source::Kind::kUrl
          ? download(command)
          : read_local_source(source, command.http.max_size);
  if (!response) {
    streams.report_error(response.error());
    return kExitSourceFailed;
  }
  const std::string url =
      !command.base.empty() ? command.base : response->final_url;
  Result<Document> page = decode_page(std::move(*response), command.source);
  if (!page) {
    streams.report_error(page.error());
    return kExitSourceFailed;
  }
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
