#include "feedmark/util/url.h"

#include <curl/curl.h>
#include <locale.h>

#include <algorithm>
#include <memory>

#include "feedmark/util/text.h"

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

std::string get_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  CurlString s;
  if (curl_url_get(url, part, &s.text, flags) != CURLUE_OK ||
      s.text == nullptr) {
    return {};
  }
  return s.text;
}

// Feeds put raw spaces, tabs and line breaks inside href values
// ("/a b.html", "\n  https://x/\n"); browsers strip the ends and drop the
// tabs and newlines inside, so do the same before curl sees them.
std::string clean_reference(std::string_view reference) {
  reference = trim(reference);
  std::string out;
  out.reserve(reference.size());
  for (char c : reference) {
    if (c == ' ') {
      out += "%20";  // curl writes "+" in a query: a plus to many servers
    } else if (c != '\t' && c != '\n' && c != '\r') {
      out += c;
    }
  }
  return out;
}

// "&amp;" or "&#169;" in a URL (a feed escaped it twice) would be decoded
// by a Markdown renderer; "&b=2" would not.
bool starts_entity(std::string_view rest) {
  std::size_t n = 1;
  while (n < rest.size() && n < 33 &&
         (std::isalnum(static_cast<unsigned char>(rest[n])) ||
          (n == 1 && rest[n] == '#'))) {
    ++n;
  }
  return n > 1 && n < rest.size() && rest[n] == ';';
}

// Characters curl leaves alone but that a Markdown link destination or an
// HTML attribute would change or end at: "https://x/wiki/Foo_(bar)",
// "https://x/[a]/{b}|c".
bool needs_percent_encoding(std::string_view url, std::size_t i,
                            std::size_t authority_end) {
  const unsigned char c = static_cast<unsigned char>(url[i]);
  switch (c) {
    case '[':
    case ']':
      return i >= authority_end;  // an IPv6 host keeps its brackets
    case '(':
    case ')':
    case '<':
    case '>':
    case '"':
    case '\\':
    case '`':
    case '{':
    case '}':
    case '|':
    case '^':
      return true;
    case '&':
      return starts_entity(url.substr(i));
    default:
      return c <= 0x20 || c >= 0x7f;
  }
}

std::string escape_markdown_unsafe(std::string_view url) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::size_t scheme_end = url.find("://");
  const std::size_t authority_end =
      scheme_end == std::string_view::npos
          ? 0
          : std::min(url.find_first_of("/?#", scheme_end + 3), url.size());
  std::string out;
  out.reserve(url.size());
  for (std::size_t i = 0; i < url.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(url[i]);
    if (needs_percent_encoding(url, i, authority_end)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// curl 7.88 resolves "#note" against ".../story.html" to ".../#note"; a
// fragment-only reference keeps the base's path and query (RFC 3986 §5.2.2).
bool set_reference(CURLU* url, const std::string& ref) {
  if (ref.empty()) {
    return true;
  }
  if (ref.front() == '#') {
    return curl_url_set(url, CURLUPART_FRAGMENT, ref.c_str() + 1,
                        CURLU_URLENCODE) == CURLUE_OK;
  }
  return curl_url_set(url, CURLUPART_URL, ref.c_str(), kParseFlags) ==
         CURLUE_OK;
}

// An international host name becomes punycode ("bücher.de" ->
// "xn--bcher-kva.de"); libcurl converts only under a UTF-8 locale, and a
// program starts in "C", so this thread switches for the call.
std::string get_part_punycode(CURLU* url) {
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  const locale_t previous = utf8 ? uselocale(utf8) : nullptr;
  std::string text = get_part(url, CURLUPART_URL, CURLU_PUNYCODE);
  if (previous) {
    uselocale(previous);
  }
  return text;
}

void lowercase_host(CURLU* url) {
  std::string host = get_part(url, CURLUPART_HOST);
  host = ascii_lowercase(host);
  if (!host.empty()) {
    curl_url_set(url, CURLUPART_HOST, host.c_str(), 0);
  }
}

// "http://example.org", "//cdn.example.net?x": an authority and no path.
bool has_empty_path(std::string_view reference) {
  std::size_t start = 0;
  if (const auto colon = reference.find(':');
      colon != std::string_view::npos &&
      reference.find_first_of("/?#") > colon) {
    start = colon + 1;
  }
  if (reference.substr(start, 2) != "//") {
    return false;
  }
  const auto end = reference.find_first_of("/?#", start + 2);
  return end == std::string_view::npos || reference[end] != '/';
}

// curl writes an empty path as "/" ("http://example.org/"); feeds and
// other readers keep "http://example.org" as written, and both name the
// same resource (RFC 3986 6.2.3), so the link stays as the feed wrote it.
void drop_added_slash(std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return;
  }
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  if (path != std::string::npos && url[path] == '/' &&
      (path + 1 == url.size() || url[path + 1] == '?' ||
       url[path + 1] == '#')) {
    url.erase(path, 1);
  }
}

enum class Form { kAsWritten, kCanonical };

std::string resolve_in(CURLU* base, std::string_view reference,
                       bool allow_mailto, Form form) {
  const std::string ref = clean_reference(reference);
  if (ref.empty()) {
    return {};  // an empty href names no resource here, not the base itself
  }
  if (allow_mailto && istarts_with(ref, "mailto:")) {
    // curl's URL API wants "scheme://"; the scheme is written in lower case
    // like every other (RFC 3986 §3.1), "MailTo:" as "mailto:".
    return "mailto:" + escape_markdown_unsafe(std::string_view(ref).substr(7));
  }
  // An absolute http(s) reference replaces the base whole: not copied.
  UrlHandle url(base && !is_http_url(ref) ? curl_url_dup(base) : curl_url());
  if (!set_reference(url.get(), ref)) {
    return {};
  }
  const std::string scheme = get_part(url.get(), CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    return {};  // javascript:, vbscript:, data:, file:, ftp: and the like
  }
  if (form == Form::kCanonical) {
    lowercase_host(url.get());
  }
  std::string text = get_part_punycode(url.get());
  if (text.empty()) {
    text = get_part(url.get(), CURLUPART_URL);
  }
  if (form == Form::kAsWritten && has_empty_path(ref)) {
    drop_added_slash(text);
  }
  return escape_markdown_unsafe(text);
}

}  // namespace

SchemeHost scheme_and_host(std::string_view url) {
  UrlHandle handle(curl_url());
  const std::string text(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(),
                   CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return {};
  }
  return {ascii_lowercase(get_part(handle.get(), CURLUPART_SCHEME)),
          ascii_lowercase(get_part(handle.get(), CURLUPART_HOST))};
}

bool is_http_url(std::string_view url) {
  return istarts_with(url, "http://") || istarts_with(url, "https://");
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
                                 bool allow_mailto) const {
  return resolve_in(static_cast<CURLU*>(base_), reference, allow_mailto,
                    Form::kAsWritten);
}

std::string resolve_url(std::string_view base, std::string_view reference,
                        bool allow_mailto) {
  // Most links in feeds are absolute: then the base is not even parsed.
  if (is_http_url(trim(reference))) {
    return resolve_in(nullptr, reference, allow_mailto, Form::kAsWritten);
  }
  return UrlResolver(base).resolve(reference, allow_mailto);
}

std::string canonical_url(std::string_view url) {
  return resolve_in(nullptr, url, false, Form::kCanonical);
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
