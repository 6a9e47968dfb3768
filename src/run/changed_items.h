#pragma once

// A document whose items mostly did not change is decoded and parsed only
// where it did: its unchanged items are carried from the state by the
// digest of their raw bytes (docs/speed.md, "Cost that follows change").

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "feedmark/store/archive.h"
#include "feedmark/run/pipeline.h"
#include "feedmark/run/raw_items.h"
#include "feedmark/parse/parse.h"

namespace feedmark {

/// Where one item of a run comes from, in the document's order.
struct ItemOrigin {
  /// From the state: its raw bytes are those of an article in place.
  bool carried = false;
  std::size_t index = 0;  ///< into FeedState::current if carried, else items
  std::string raw;        ///< its raw item's digest; "" if not known
};

/// Every parsed item, in its order, with no raw digest.
std::vector<ItemOrigin> parsed_in_order(const Feed& feed);

/// Whether the document was read as it is: UTF-8 decoded as it was,
/// nothing repaired or rewritten, nothing to warn about. Only then do a
/// document's raw bytes tell what its items say.
bool read_as_it_is(const Feed& feed);

/// Each parsed item with the digest of the raw item it was read from:
/// the items must be the raw items one for one, each starting where its
/// raw item does (`raw_offsets`, in the raw bytes; the text lost `shift`
/// bytes at its start, a BOM). Nothing if they are not.
std::optional<std::vector<ItemOrigin>> match_raw_items(
    const Feed& feed, const std::vector<std::size_t>& raw_offsets,
    const std::vector<std::string>& digests, std::size_t shift);

/// What every item of a document read as it is depends on beside its own
/// bytes: what shaped the whole document (`shaping`: the options, the
/// response's charset and URL), its head and the start tags around the
/// items, the format, the namespace prefixes it binds, the feed's title and
/// link. The same context and the same raw item make the same article.
std::string context_fingerprint(const std::string& shaping, const RawItems& raw,
                                const Feed& feed);

/// A document parsed without its unchanged items.
struct ChangedItems {
  Feed feed;  ///< its own fields, and the new or changed items alone
  std::vector<ItemOrigin> origins;  ///< every item, in the document's order
  std::string context;              ///< context_fingerprint
};

/// When the state knows the document's context, and most of its raw items
/// are those of articles in place: decodes and parses a small document of
/// the prefix, the other items and the suffix. Nothing when that cannot be
/// done with certainty; then the whole document is read.
std::optional<ChangedItems> parse_changed_items(
    const Source& source, const Response& response, const RawItems& raw,
    const FeedState& state, const std::filesystem::path& dir,
    const ArchiveOptions& options, const std::string& shaping);

}  // namespace feedmark
