#pragma once

// The proxies libcurl takes from the environment, as far as the
// private-network guard needs them: a proxy the user set up on loopback
// ("http_proxy=http://127.0.0.1:7890", common behind the Great Firewall)
// is where an image request connects, and must be let through, but only
// for a transfer that goes through it.

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace feedmark::http_detail {

class ProxyEnvironment {
 public:
  /// Reads http_proxy, https_proxy/HTTPS_PROXY, all_proxy/ALL_PROXY and
  /// no_proxy/NO_PROXY as libcurl does, and resolves each proxy's host.
  static ProxyEnvironment from_environment();

  /// The addresses ("127.0.0.1:7890", "[::1]:8080") of the proxy libcurl
  /// uses for `url`; nothing when it connects directly. A no_proxy entry
  /// that may name the host counts as direct, which only ever refuses more.
  const std::set<std::string>* endpoints_for(std::string_view url) const;

 private:
  std::set<std::string> http_;
  std::set<std::string> https_;
  std::vector<std::string> no_proxy_;  ///< lowercase, without leading dots
};

}  // namespace feedmark::http_detail
