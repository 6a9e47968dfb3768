#pragma once

#include <string>
#include <string_view>

#include "feedmark/fetch.h"

namespace feedmark {

/// A feed document as UTF-8 text.
struct Document {
  std::string utf8;      ///< the whole document, valid UTF-8, BOM removed
  std::string encoding;  ///< the charset it was decoded from ("utf-8", "gbk")
  std::string base_url;  ///< the URL it came from, for resolving relative URLs
};

/// Decodes a response to UTF-8: BOM, then `forced_charset` (a feed list's
/// encoding=, for feeds that misdeclare), then the HTTP charset, then the XML
/// declaration, with WHATWG label rules. Invalid bytes become U+FFFD.
/// The body is moved, not copied, when it is already UTF-8.
Result<Document> decode_response(Response&& response, const std::string& source,
                                 std::string_view forced_charset = {});

/// Maps a charset label to the iconv name we decode it with (WHATWG rules:
/// "gb2312" -> "GB18030", "latin1" -> "WINDOWS-1252"). Empty if unknown.
std::string canonical_charset(std::string_view label);

/// Replaces every invalid UTF-8 sequence in `text` with U+FFFD, in place.
/// Returns false if nothing had to change.
bool repair_utf8(std::string& text);

}  // namespace feedmark
