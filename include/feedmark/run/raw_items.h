#pragma once

// A feed document's raw bytes cut around its items, so that a run can tell
// which items changed before it decodes or parses anything (docs/speed.md,
// "Cost that follows change").

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedmark {

/// An XML feed document as raw bytes: what comes before its first item,
/// each item element as written (`<item>…</item>`, `<entry>…</entry>`),
/// what comes after its last. Only white space lies between two items.
struct RawItems {
  /// The bytes before the root element: the XML declaration (its
  /// encoding), a DOCTYPE, comments.
  std::string_view head;
  /// The start tags of the elements open where the first item begins
  /// (`<rss version="2.0" xmlns:…>`, `<channel>`): their namespaces and
  /// xml:base shape every item.
  std::vector<std::string_view> ancestors;
  std::string_view prefix;  ///< everything before the first item
  std::string_view suffix;  ///< everything after the last item
  /// Each item element as written. The views are into the document's
  /// bytes, and good only as long as they are.
  std::vector<std::string_view> items;
  std::vector<std::size_t> offsets;  ///< where each item starts
  // Good after the bytes are gone:
  std::vector<std::string> digests;  ///< of each item's bytes
  std::string frame;                 ///< of the head and the ancestors
};

/// Cuts `body` around its items, when that can be done with certainty,
/// and hashes each item (on every core). Nothing for JSON or a document
/// with no item, an item inside an item, anything but white space between
/// two items, a DOCTYPE with its own declarations, a comment, CDATA section
/// or tag left open, or an item that binds a namespace prefix (`xmlns:`:
/// the first binding of a prefix holds for the whole document, so it could
/// change how the other items read). A document cut wrongly would only
/// show as a mismatch later (each parsed item must start where a raw item
/// does), and then the whole document is read.
std::optional<RawItems> cut_items(std::string_view body);

}  // namespace feedmark
