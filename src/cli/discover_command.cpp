#include "feedmark/cli/discover_command.h"

#include <fmt/format.h>

#include "feedmark/cli/extract_command.h"
#include "feedmark/decode/decode.h"
#include "feedmark/html/discover.h"
#include "feedmark/parse/parse.h"

namespace feedmark {

int run_discover(const DiscoverCommand& command, const Streams& streams) {
  Result<Document> page = read_decoded_page(command.source, command.base,
                                            command.http, command.user_agent);
  if (!page) {
    streams.report_error(page.error());
    return kExitSourceFailed;
  }
  const std::string url = page->base_url;
  std::vector<std::string> feeds = html::linked_feeds(page->utf8, url);
  // A feed's own URL is the feed to subscribe to.
  if (feeds.empty() && !url.empty() &&
      parse_feed(std::move(*page), command.source)) {
    feeds.push_back(url);
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
