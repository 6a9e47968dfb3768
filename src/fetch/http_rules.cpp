// What HTTP's answers mean to the fetcher: status texts, redirects that may
// be followed, and Retry-After.
#include "http_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "feedmark/fetch/fetch.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"

namespace feedmark {

std::string status_text(long status) {
  static const std::pair<long, const char*> kReasons[] = {
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {406, "Not Acceptable"},
      {408, "Request Timeout"},
      {410, "Gone"},
      {429, "Too Many Requests"},
      {451, "Unavailable For Legal Reasons"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"}};
  for (const auto& [code, reason] : kReasons) {
    if (code == status) {
      return fmt::format("HTTP {} {}", status, reason);
    }
  }
  return fmt::format("HTTP {}", status);
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

std::optional<UnixTime> retry_after_time(std::string_view value, UnixTime now) {
  value = trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  std::int64_t seconds = 0;
  const auto [end, error] =
      std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error == std::errc() && end == value.data() + value.size()) {
    return seconds < 0 ? std::nullopt
                       : std::optional<UnixTime>(
                             now + std::min<std::int64_t>(seconds, 1LL << 40));
  }
  return parse_date(value);
}

std::string redirect_refusal(const std::string& from, const std::string& to) {
  const std::string scheme = scheme_and_host(to).scheme;
  if (scheme != "http" && scheme != "https") {
    return "not an http(s) URL";
  }
  if (scheme == "http" && scheme_and_host(from).scheme == "https") {
    return "a downgrade from https to http";
  }
  return {};
}

}  // namespace feedmark
