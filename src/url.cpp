#include "feedmark/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace feedmark {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

constexpr unsigned kParseFlags =
    CURLU_URLENCODE | CURLU_ALLOW_SPACE | CURLU_NON_SUPPORT_SCHEME;

struct CurlString {
  char* text = nullptr;
  ~CurlString() { curl_free(text); }
};

std::string get_part(CURLU* url, CURLUPart part) {
  CurlString s;
  if (curl_url_get(url, part, &s.text, 0) != CURLUE_OK || s.text == nullptr) {
    return {};
  }
  return s.text;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) { return std::tolower(a) == b; });
}

// Feeds put raw spaces, tabs and line breaks inside href values
// ("/a b.html", "\n  https://x/\n"); browsers strip the ends and drop the
// tabs and newlines inside, so do the same before curl sees them.
std::string clean_reference(std::string_view reference) {
  std::string out;
  out.reserve(reference.size());
  for (char c : reference) {
    if (c != '\t' && c != '\n' && c != '\r') {
      out += c;
    }
  }
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) {
    return {};
  }
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

// Characters curl leaves alone but that would end or break a Markdown link
// destination, or an HTML attribute: "https://x/wiki/Foo_(bar)".
std::string escape_markdown_unsafe(std::string url) {
  std::string out;
  out.reserve(url.size());
  for (unsigned char c : url) {
    if (c == '(' || c == ')' || c == '<' || c == '>' || c == '"' || c == '\\' ||
        c == '`' || c <= 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void lowercase_host(CURLU* url) {
  std::string host = get_part(url, CURLUPART_HOST);
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) {
    return c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c);
  });
  if (!host.empty()) {
    curl_url_set(url, CURLUPART_HOST, host.c_str(), 0);
  }
}

}  // namespace

bool is_http_url(std::string_view url) {
  return iequals_prefix(url, "http://") || iequals_prefix(url, "https://");
}

UrlResolver::UrlResolver(std::string_view base) {
  if (base.empty()) {
    return;
  }
  const std::string text = clean_reference(base);
  CURLU* url = curl_url();
  if (curl_url_set(url, CURLUPART_URL, text.c_str(), kParseFlags) ==
      CURLUE_OK) {
    base_ = url;
  } else {
    curl_url_cleanup(url);
  }
}

UrlResolver::~UrlResolver() {
  curl_url_cleanup(static_cast<CURLU*>(base_));
}

std::string UrlResolver::resolve(std::string_view reference,
                                 bool allow_any_scheme) const {
  const std::string ref = clean_reference(reference);
  if (ref.empty() && base_ == nullptr) {
    return {};
  }
  UrlHandle url(base_ ? curl_url_dup(static_cast<CURLU*>(base_)) : curl_url());
  if (!ref.empty() && curl_url_set(url.get(), CURLUPART_URL, ref.c_str(),
                                   kParseFlags) != CURLUE_OK) {
    return {};
  }
  const std::string scheme = get_part(url.get(), CURLUPART_SCHEME);
  const bool http = scheme == "http" || scheme == "https";
  if (scheme.empty() || (!http && !allow_any_scheme)) {
    return {};
  }
  if (http) {
    lowercase_host(url.get());
  }
  return escape_markdown_unsafe(get_part(url.get(), CURLUPART_URL));
}

std::string resolve_url(std::string_view base, std::string_view reference,
                        bool allow_any_scheme) {
  return UrlResolver(base).resolve(reference, allow_any_scheme);
}

std::string apply_image_proxy(std::string_view proxy_template,
                              std::string_view url) {
  if (proxy_template.empty()) {
    return std::string(url);
  }
  std::string noscheme(url);
  if (const auto pos = noscheme.find("://"); pos != std::string::npos) {
    noscheme.erase(0, pos + 3);
  }
  std::string encoded;
  if (char* e =
          curl_easy_escape(nullptr, url.data(), static_cast<int>(url.size()))) {
    encoded = e;
    curl_free(e);
  }
  std::string out;
  std::string_view rest = proxy_template;
  while (!rest.empty()) {
    const auto open = rest.find('{');
    out.append(rest.substr(0, open));
    if (open == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(open);
    if (rest.starts_with("{url}")) {
      out.append(url);
      rest.remove_prefix(5);
    } else if (rest.starts_with("{url_noscheme}")) {
      out.append(noscheme);
      rest.remove_prefix(14);
    } else if (rest.starts_with("{url_encoded}")) {
      out.append(encoded);
      rest.remove_prefix(13);
    } else {
      out += '{';
      rest.remove_prefix(1);
    }
  }
  return out;
}

}  // namespace feedmark
