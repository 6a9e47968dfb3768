#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feedmark/fetch/fetch.h"

namespace feedmark {

/// A feed document as UTF-8 text.
struct Document {
  std::string utf8;  ///< the whole document, valid UTF-8, BOM removed
  /// The charset it was decoded from: the label that was followed, lowercased
  /// ("iso-8859-1", "gb2312"), or what feedmark chose instead ("utf-16be",
  /// "windows-1252").
  std::string encoding;
  std::string base_url;  ///< the URL it came from, for resolving relative URLs
  /// What decoding had to repair or override, one short line each; any
  /// makes the feed not well-formed.
  std::vector<std::string> warnings = {};
};

/// Decodes a response to UTF-8: BOM, then the byte pattern of UTF-16/32,
/// then `forced_charset` (a feed list's encoding=, for feeds that
/// misdeclare), then the HTTP charset, then the XML declaration, with WHATWG
/// label rules. A label the bytes contradict is overridden (see the README);
/// invalid bytes become U+FFFD. Binary data and empty documents are errors.
/// The body is moved, not copied, when it is already UTF-8.
Result<Document> decode_response(Response&& response, const std::string& source,
                                 std::string_view forced_charset = {});

/// The charset a web page's <meta> declares in its <head> (at least its
/// first 1024 bytes, at most 64 KiB)
/// (<meta charset>, or http-equiv Content-Type), lowercased; "" if none.
std::string meta_charset(std::string_view page);

/// Decodes a web page to UTF-8 (SPEC "Full text", page charsets): BOM,
/// then the HTTP charset, then its <meta> charset, with WHATWG labels;
/// else as decode_response guesses.
Result<Document> decode_page(Response&& response, const std::string& source);

/// Maps a charset label to the iconv name we decode it with (WHATWG rules:
/// "gb2312" -> "GB18030", "latin1" -> "WINDOWS-1252"). Empty if unknown.
std::string canonical_charset(std::string_view label);

/// The character windows-1252 has at `byte` (0x80..0x9F) as UTF-8, or empty
/// where it has none (0x81, 0x8D, 0x8F, 0x90, 0x9D). Text that holds the
/// C1 control U+0080..U+009F means this character.
std::string_view windows1252_character(unsigned char byte);

/// Replaces every invalid UTF-8 sequence in `text` with U+FFFD, in place.
/// Returns how many were replaced: 0 (false) if nothing had to change.
std::size_t repair_utf8(std::string& text);

}  // namespace feedmark
