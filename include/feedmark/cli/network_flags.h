#pragma once

// The network flags the commands that download share (`fetch`, `parse`,
// `extract`, `discover`).

#include <cstdint>
#include <string>

#include "feedmark/fetch/fetch.h"

namespace CLI {
class App;
}

namespace feedmark {

/// The network flags `fetch` and `parse` share.
struct NetworkFlags {
  unsigned jobs = 8;
  double timeout_s = 30;
  std::uint64_t max_size = kDefaultMaxSize;
  unsigned retries = 2;
  std::string user_agent = std::string("feedmark/") + FEEDMARK_VERSION;
  std::string cacert;   ///< --cacert FILE
  std::string cookies;  ///< --cookies FILE
};

/// The HttpOptions the flags ask for; `now_ms`: the run's clock.
HttpOptions http_options(const NetworkFlags& flags, std::int64_t now_ms);

/// Adds --timeout, --max-size, --retries, --user-agent, --cacert and
/// --cookies to `command`.
void add_network(CLI::App& command, NetworkFlags& flags);

}  // namespace feedmark
