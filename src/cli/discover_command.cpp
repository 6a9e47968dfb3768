#include "feedmark/cli/discover_command.h"

#include <fmt/format.h>

#include "feedmark/cli/extract_command.h"
#include "feedmark/decode/decode.h"
#include "feedmark/html/discover.h"
#include "feedmark/parse/parse.h"

namespace feedmark {

int run_discover(const DiscoverCommand& command, const Streams& streams) {
  Result<Response> response =
      read_page(command.source, command.http, command.user_agent);
  if (!response) {
    streams.report_error(response.error());
    return kExitSourceFailed;
  }
  const std::string url =
      !command.base.empty() ? command.base : response->final_url;
  Response copy = *response;
  Result<Document> page = decode_page(std::move(*response), command.source);
  if (!page) {
    streams.report_error(page.error());
    return kExitSourceFailed;
  }
  std::vector<std::string> feeds = html::linked_feeds(page->utf8, url);
  if (feeds.empty()) {
    // A feed's own URL is the feed to subscribe to.
    Result<Document> document =
        decode_response(std::move(copy), command.source);
    if (document && !url.empty() &&
        parse_feed(std::move(*document), command.source)) {
      feeds.push_back(url);
    }
  }
  if (feeds.empty()) {
    streams.report_error(
        {"discover", command.source, "no feed: the page links none"});
    return kExitSourceFailed;
  }
  for (const std::string& feed : feeds) {
    fmt::print(streams.out, "{}\n", feed);
  }
  return flush_output(streams) ? kExitOk : kExitSourceFailed;
}

}  // namespace feedmark
