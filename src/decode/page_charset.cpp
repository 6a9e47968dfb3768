// A web page's charset: BOM, the HTTP charset, then what its <meta> says in
// its <head> (the WHATWG prescan, simplified to the two forms
// pages use: <meta charset="gbk"> and <meta http-equiv="Content-Type"
// content="text/html; charset=gb2312">).

#include <algorithm>

#include "decode_detail.h"
#include "feedmark/decode/decode.h"
#include "feedmark/util/text.h"

namespace feedmark {
namespace {

std::string_view value_after(std::string_view text, std::string_view key) {
  const std::size_t at = text.find(key);
  if (at == std::string_view::npos) {
    return {};
  }
  std::string_view rest = text.substr(at + key.size());
  while (!rest.empty() &&
         (rest.front() == ' ' || rest.front() == '"' || rest.front() == '\'')) {
    rest.remove_prefix(1);
  }
  const std::size_t end = rest.find_first_of("\"'; \t\r\n/>");
  return rest.substr(0, end);
}

constexpr std::size_t kLongHead = std::size_t{64} << 10;

}  // namespace

std::string meta_charset(std::string_view page) {
  // The WHATWG prescan reads 1024 bytes; pages that put a long <title>,
  // scripts or comments first declare their charset later in <head>, and
  // browsers still find it, so the rest of <head> is read too (to 64 KiB).
  std::string head = ascii_lowercase(page.substr(0, kLongHead));
  if (const std::size_t end = head.find("</head"); end != std::string::npos) {
    head.resize(
        std::max<std::size_t>(end, std::min<std::size_t>(1024, head.size())));
  }
  std::size_t at = 0;
  while ((at = head.find("<meta", at)) != std::string::npos) {
    const std::size_t end = std::min(head.find('>', at), head.size());
    const std::string_view tag = std::string_view(head).substr(at, end - at);
    if (const std::string_view v = value_after(tag, "charset="); !v.empty()) {
      return std::string(v);
    }
    at = end;
  }
  return {};
}

Result<Document> decode_page(Response&& response, const std::string& source) {
  const bool http_charset =
      ascii_lowercase(response.content_type).find("charset=") !=
      std::string::npos;
  std::string declared =
      http_charset ? std::string() : meta_charset(response.body);
  // A page's own label beats the XML declaration's rules, unless the bytes
  // contradict it (decode_response checks them either way).
  // Text valid as UTF-8 is UTF-8 whatever its <meta> says (CMSs keep a
  // gb2312 declaration after moving to UTF-8), as for feeds.
  if (!declared.empty() && (canonical_charset(declared).empty() ||
                            decode_detail::first_invalid_utf8(response.body) ==
                                std::string_view::npos)) {
    declared.clear();
  }
  return decode_response(std::move(response), source, declared);
}

}  // namespace feedmark
