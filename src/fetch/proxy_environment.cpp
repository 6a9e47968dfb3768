#include "feedmark/fetch/proxy_environment.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netdb.h>

#include <cstdlib>

#include "feedmark/fetch/address_guard.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"

namespace feedmark::http_detail {
namespace {

// The first of the variables that is set and not empty.
const char* first_set(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (const char* value = std::getenv(name); value != nullptr && *value) {
      return value;
    }
  }
  return nullptr;
}

// libcurl's default proxy port is 1080 ("http://127.0.0.1" means
// 127.0.0.1:1080), 443 for an https:// proxy.
std::set<std::string> endpoints_of(const char* proxy) {
  std::set<std::string> endpoints;
  if (proxy == nullptr) {
    return endpoints;
  }
  CURLU* u = curl_url();
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  if (curl_url_set(u, CURLUPART_URL, proxy,
                   CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) ==
          CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    std::string port_text = "1080";
    if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
      port_text = port;
    } else if (scheme != nullptr && std::string_view(scheme) == "https") {
      port_text = "443";
    }
    std::string name = host;
    if (name.size() > 2 && name.front() == '[') {
      name = name.substr(1, name.size() - 2);
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(name.c_str(), port_text.c_str(), &hints, &found) == 0) {
      for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
        const std::string text = address_text(a->ai_addr);
        endpoints.insert(a->ai_family == AF_INET6
                             ? fmt::format("[{}]:{}", text, port_text)
                             : fmt::format("{}:{}", text, port_text));
      }
      freeaddrinfo(found);
    }
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  return endpoints;
}

bool is_ip_literal(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

}  // namespace

ProxyEnvironment ProxyEnvironment::from_environment() {
  ProxyEnvironment env;
  // libcurl reads http_proxy in lowercase only (HTTP_PROXY can be set by a
  // CGI client), the others in either case.
  const char* all = first_set({"all_proxy", "ALL_PROXY"});
  const char* http = first_set({"http_proxy"});
  const char* https = first_set({"https_proxy", "HTTPS_PROXY"});
  env.http_ = endpoints_of(http != nullptr ? http : all);
  env.https_ = endpoints_of(https != nullptr ? https : all);
  if (const char* no_proxy = first_set({"no_proxy", "NO_PROXY"})) {
    std::string_view list = no_proxy;
    while (!list.empty()) {
      const std::size_t end = std::min(list.find_first_of(", "), list.size());
      std::string_view entry = list.substr(0, end);
      while (entry.starts_with('.')) {
        entry.remove_prefix(1);
      }
      if (!entry.empty()) {
        env.no_proxy_.push_back(ascii_lowercase(entry));
      }
      list.remove_prefix(std::min(end + 1, list.size()));
    }
  }
  return env;
}

const std::set<std::string>* ProxyEnvironment::endpoints_for(
    std::string_view url) const {
  const SchemeHost target = scheme_and_host(url);
  const std::set<std::string>& endpoints =
      target.scheme == "https" ? https_ : http_;
  if (endpoints.empty()) {
    return nullptr;
  }
  std::string host = ascii_lowercase(target.host);
  if (host.size() > 2 && host.front() == '[') {
    host = host.substr(1, host.size() - 2);
  }
  for (const std::string& entry : no_proxy_) {
    // "*", the host, a domain it is in, or an address range (CIDR) that
    // might hold it: libcurl goes direct, or might.
    if (entry == "*" || entry == host ||
        (host.size() > entry.size() && host.ends_with(entry) &&
         host[host.size() - entry.size() - 1] == '.') ||
        (entry.find('/') != std::string::npos && is_ip_literal(host))) {
      return nullptr;
    }
  }
  return &endpoints;
}

}  // namespace feedmark::http_detail
