#pragma once

// The bounds put on an HTML fragment before gumbo parses it (private to the
// extract stage's HTML code).

#include <cstddef>
#include <string>
#include <string_view>

namespace feedmark {

/// Deeper start tags cut the fragment off there.
inline constexpr std::size_t kMaxParseDepth = 1024;
/// A tag keeps its first this many attributes.
inline constexpr std::size_t kMaxAttributes = 256;
/// Start tags and attributes after this many in all cut the fragment off
/// (a long article has a few tens of thousands).
inline constexpr std::size_t kMaxParseNodes = std::size_t{1} << 19;
/// Formatting elements left open may be re-opened in later blocks until the
/// bytes of those copies pass this.
inline constexpr std::size_t kFormattingBudget = std::size_t{1} << 20;
/// At most this many formatting elements stay open at once; the start tag
/// of one more is dropped (nested <b> past 64 shows nothing more).
inline constexpr std::size_t kMaxOpenFormatting = 64;

/// What gumbo is given of `html`: all of it, as it is, for any real
/// article. A hostile one is bounded so that parsing costs time and memory
/// linear in its size: nesting past kMaxParseDepth and nodes past
/// kMaxParseNodes cut it off there, attributes past kMaxAttributes are
/// dropped, at most kMaxOpenFormatting formatting elements stay open, and
/// those left open are closed once re-opening them in every block would
/// cost more than kFormattingBudget. Returns a
/// view of `html`, or of `storage` when something changed.
std::string_view bounded_for_parser(std::string_view html,
                                    std::string& storage);

}  // namespace feedmark
