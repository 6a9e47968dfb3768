#include "feedmark/cli/parse_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "feedmark/cli/cli.h"
#include "feedmark/decode/decode.h"
#include "feedmark/extract/extract.h"
#include "feedmark/parse/parse.h"
#include "feedmark/util/parallel.h"

namespace feedmark {
namespace {

using json = nlohmann::ordered_json;  // keys in the SPEC's order

json nullable(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json nullable_date(const std::optional<UnixTime>& t) {
  return t ? json(format_iso8601(*t)) : json(nullptr);
}

json feed_json(const std::string& source, const Feed& feed) {
  return {{"type", "feed"},
          {"source", source},
          {"format", format_name(feed.format)},
          {"title", nullable(feed.title)},
          {"link", nullable(feed.link)},
          {"description", nullable(feed.description)},
          {"language", nullable(feed.language)},
          {"updated", nullable_date(feed.updated)},
          {"image", nullable(feed.image)},
          {"encoding", feed.encoding},
          {"well_formed", feed.well_formed}};
}

json item_json(const Item& item) {
  const ItemView view = view_item(item);
  json enclosures = json::array();
  for (const Enclosure& e : item.enclosures) {
    enclosures.push_back(
        {{"url", e.url},
         {"type", nullable(e.type)},
         {"length", e.length ? json(*e.length) : json(nullptr)}});
  }
  return {{"type", "item"},
          {"id", view.id},
          {"guid", nullable(item.guid)},
          {"title", nullable(item.title)},
          {"link", nullable(item.link)},
          {"published", nullable_date(item.published)},
          {"updated", nullable_date(item.updated)},
          {"author", nullable(item.author)},
          {"categories", item.categories},
          {"image", nullable(view.image)},
          {"caption", nullable(view.caption)},
          {"enclosures", std::move(enclosures)},
          {"summary_html", nullable(view.summary_html)},
          {"content_html", nullable(view.content_html)}};
}

// `parse` prints feeds in the order given, so it downloads every URL first.
std::map<std::string, Result<Response>> download_urls(
    const ParseCommand& command) {
  std::vector<HttpRequest> requests;
  for (const std::string& text : command.sources) {
    if (classify_source(text).kind == Source::Kind::kUrl) {
      HttpRequest& request = requests.emplace_back();
      request.url = text;
      request.user_agent = command.network.user_agent;
    }
  }
  std::map<std::string, Result<Response>> responses;
  fetch_all(requests, http_options(command.network, 0),
            [&](std::size_t i, Result<HttpResult> result) {
              if (!result) {
                responses.emplace(requests[i].url,
                                  tl::unexpected(result.error()));
              } else if (result->kind != HttpResult::Kind::kFetched) {
                responses.emplace(requests[i].url,
                                  fail("fetch", requests[i].url,
                                       fmt::format("HTTP {}, nothing to parse",
                                                   result->response.status)));
              } else {
                responses.emplace(requests[i].url, std::move(result->response));
              }
            });
  return responses;
}

Result<Response> read_response(
    const std::string& text, const ParseCommand& command,
    std::map<std::string, Result<Response>>& downloads) {
  const Source source = classify_source(text);
  if (source.kind == Source::Kind::kUrl) {
    Result<Response>& downloaded = downloads.at(text);
    const bool again =
        std::count(command.sources.begin(), command.sources.end(), text) > 1;
    return again ? downloaded : std::move(downloaded);
  }
  Result<Response> response =
      read_local_source(source, command.network.max_size);
  if (response) {
    response->final_url = command.base;
  }
  return response;
}

Result<Feed> read_feed(Result<Response> response, const std::string& text,
                       const ParseCommand& command) {
  if (!response) {
    return tl::unexpected(response.error());
  }
  Result<Document> document = decode_response(std::move(*response), text);
  if (!document) {
    return tl::unexpected(document.error());
  }
  return parse_feed(std::move(*document), text, {command.zone});
}

}  // namespace

int run_parse(const ParseCommand& command, const Streams& streams) {
  bool failed = false;
  std::map<std::string, Result<Response>> downloads = download_urls(command);
  for (const std::string& text : command.sources) {
    const Result<Feed> feed =
        read_feed(read_response(text, command, downloads), text, command);
    if (!feed) {
      streams.report_error(feed.error());
      failed = true;
      continue;
    }
    const auto dump = [](const json& j) {
      return j.dump(-1, ' ', false, json::error_handler_t::replace);
    };
    fmt::print(streams.out, "{}\n", dump(feed_json(text, *feed)));
    std::vector<std::string> lines(feed->items.size());
    parallel_for(lines.size(), 0, [&](std::size_t i) {
      lines[i] = dump(item_json(feed->items[i]));
    });
    for (const std::string& line : lines) {
      fmt::print(streams.out, "{}\n", line);
    }
    // Warnings only under -v: cron mails any output, and a feed that needs
    // repairs usually needs them on every run.
    if (streams.verbose) {
      for (const std::string& warning : feed->warnings) {
        streams.report(fmt::format("{}: warning: {}", text, warning));
      }
    }
  }
  if (!flush_output(streams)) {
    return kExitSourceFailed;
  }
  return failed ? kExitSourceFailed : kExitOk;
}

}  // namespace feedmark
