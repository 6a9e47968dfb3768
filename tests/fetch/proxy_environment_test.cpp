// Which proxy the private-network guard lets an image request reach.
#include "feedmark/fetch/proxy_environment.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>

namespace feedmark::test {
namespace {

/// Sets environment variables for one scope, then restores them.
class Environment {
 public:
  explicit Environment(std::map<std::string, std::string> values) {
    for (const char* name :
         {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
          "no_proxy", "NO_PROXY"}) {
      if (const char* old = std::getenv(name)) {
        saved_[name] = old;
      }
      ::unsetenv(name);
    }
    for (const auto& [name, value] : values) {
      ::setenv(name.c_str(), value.c_str(), 1);
    }
  }
  ~Environment() {
    for (const char* name :
         {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
          "no_proxy", "NO_PROXY"}) {
      ::unsetenv(name);
    }
    for (const auto& [name, value] : saved_) {
      ::setenv(name.c_str(), value.c_str(), 1);
    }
  }

 private:
  std::map<std::string, std::string> saved_;
};

std::set<std::string> endpoints(const http_detail::ProxyEnvironment& env,
                                const std::string& url) {
  const std::set<std::string>* found = env.endpoints_for(url);
  return found ? *found : std::set<std::string>{};
}

}  // namespace

TEST_CASE("The guard knows the proxy libcurl uses for each URL", "[images]") {
  using http_detail::ProxyEnvironment;
  using Set = std::set<std::string>;
  SECTION("none") {
    const Environment env(std::map<std::string, std::string>{});
    CHECK(endpoints(ProxyEnvironment::from_environment(), "http://a.example/")
              .empty());
  }
  SECTION("by scheme, all_proxy for the rest, libcurl's default ports") {
    const Environment env({{"http_proxy", "127.0.0.1:7890"},
                           {"ALL_PROXY", "socks5h://127.0.0.2"}});
    const auto proxies = ProxyEnvironment::from_environment();
    CHECK(endpoints(proxies, "http://a.example/x.png") ==
          Set{"127.0.0.1:7890"});
    CHECK(endpoints(proxies, "https://a.example/x.png") ==
          Set{"127.0.0.2:1080"});
  }
  SECTION("an https proxy without a port listens on 443") {
    const Environment env(
        std::map<std::string, std::string>{{"https_proxy", "https://[::1]"}});
    CHECK(endpoints(ProxyEnvironment::from_environment(),
                    "https://a.example/") == Set{"[::1]:443"});
  }
  SECTION("no_proxy names hosts that go direct") {
    const Environment env(
        {{"http_proxy", "http://127.0.0.1:3128"},
         {"no_proxy", "localhost, .internal.example,10.0.0.0/8"}});
    const auto proxies = ProxyEnvironment::from_environment();
    CHECK(endpoints(proxies, "http://a.example/").size() == 1);
    CHECK(endpoints(proxies, "http://localhost:3128/").empty());
    CHECK(endpoints(proxies, "http://x.internal.example/").empty());
    CHECK(endpoints(proxies, "http://internal.example/").empty());
    CHECK(endpoints(proxies, "http://notinternal.example/").size() == 1);
  }
  SECTION("no_proxy=* turns the proxy off") {
    const Environment env(
        {{"http_proxy", "http://127.0.0.1:3128"}, {"NO_PROXY", "*"}});
    CHECK(endpoints(ProxyEnvironment::from_environment(), "http://a.example/")
              .empty());
  }
}

}  // namespace feedmark::test
