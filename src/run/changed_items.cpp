#include "run/changed_items.h"

#include <unordered_map>

#include "feedmark/decode/decode.h"
#include "feedmark/util/parallel.h"
#include "feedmark/util/sha256.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;

// Which raw items are those of articles in place, by the state's digests:
// the index of their current item, or npos. One stat each, on every core.
std::vector<std::size_t> carried_items(const RawItems& raw,
                                       const FeedState& state,
                                       const fs::path& dir) {
  std::unordered_map<std::string_view, std::size_t> archived;
  archived.reserve(state.current.size());
  for (std::size_t i = 0; i < state.current.size(); ++i) {
    if (!state.current[i].raw.empty()) {
      archived.emplace(state.current[i].raw, i);
    }
  }
  std::vector<std::size_t> carried(raw.items.size(), std::string::npos);
  parallel_for_in_slices(carried.size(), 16, [&](std::size_t i) {
    const auto found = archived.find(raw.digests[i]);
    if (found != archived.end() &&
        article_in_place(dir, state.current[found->second])) {
      carried[i] = found->second;
    }
  });
  return carried;
}

// The document without the items it shares with the last one: its
// prefix, the others (a line apart, as white space between items is
// nothing to a feed) and its suffix. `offsets`: where each of them starts.
std::string small_document(const RawItems& raw,
                           const std::vector<std::size_t>& changed,
                           std::vector<std::size_t>& offsets) {
  std::size_t size = raw.prefix.size() + raw.suffix.size();
  for (std::size_t i : changed) {
    size += raw.items[i].size() + 1;
  }
  std::string text;
  text.reserve(size);
  text += raw.prefix;
  for (std::size_t i : changed) {
    offsets.push_back(text.size());
    text += raw.items[i];
    text += '\n';
  }
  text += raw.suffix;
  return text;
}

}  // namespace

std::vector<ItemOrigin> parsed_in_order(const Feed& feed) {
  std::vector<ItemOrigin> origins(feed.items.size());
  for (std::size_t i = 0; i < origins.size(); ++i) {
    origins[i].index = i;
  }
  return origins;
}

bool read_as_it_is(const Feed& feed) {
  return feed.well_formed && !feed.rewritten && feed.warnings.empty() &&
         feed.encoding == "utf-8";
}

std::optional<std::vector<ItemOrigin>> match_raw_items(
    const Feed& feed, const std::vector<std::size_t>& raw_offsets,
    const std::vector<std::string>& digests, std::size_t shift) {
  if (feed.items.size() != raw_offsets.size()) {
    return std::nullopt;
  }
  std::vector<ItemOrigin> origins(feed.items.size());
  for (std::size_t i = 0; i < origins.size(); ++i) {
    const std::size_t offset = feed.items[i].offset;
    if (offset == std::string::npos || offset + shift != raw_offsets[i]) {
      return std::nullopt;
    }
    origins[i] = {false, i, digests[i]};
  }
  return origins;
}

std::string context_fingerprint(const std::string& shaping, const RawItems& raw,
                                const Feed& feed) {
  return Fingerprint()
      .add(shaping)
      .add(raw.frame)
      .add(format_name(feed.format))
      .add(feed.namespaces)
      .add(feed.title)
      .add(feed.link)
      .hex();
}

std::optional<ChangedItems> parse_changed_items(
    const Source& source, const Response& response, const RawItems& raw,
    const FeedState& state, const fs::path& dir, const ArchiveOptions& options,
    const std::string& shaping) {
  const std::vector<std::size_t> carried = carried_items(raw, state, dir);
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < carried.size(); ++i) {
    if (carried[i] == std::string::npos) {
      changed.push_back(i);
    }
  }
  // Mostly new items: the small document would be most of the whole.
  if (changed.size() * 2 > carried.size()) {
    return std::nullopt;
  }
  std::vector<std::size_t> offsets;
  Response small;
  small.final_url = response.final_url;
  small.content_type = response.content_type;
  small.body = small_document(raw, changed, offsets);
  const std::size_t bytes = small.body.size();
  Result<Document> document =
      decode_response(std::move(small), source.location, options.encoding);
  if (!document) {
    return std::nullopt;
  }
  const std::size_t shift = bytes - document->utf8.size();
  Result<Feed> feed =
      parse_feed(std::move(*document), source.location, {options.zone});
  if (!feed || !read_as_it_is(*feed)) {
    return std::nullopt;
  }
  std::vector<std::string> digests;
  for (std::size_t i : changed) {
    digests.push_back(raw.digests[i]);
  }
  std::optional<std::vector<ItemOrigin>> parsed =
      match_raw_items(*feed, offsets, digests, shift);
  std::string context = context_fingerprint(shaping, raw, *feed);
  if (!parsed || context != state.raw_context) {
    return std::nullopt;
  }
  ChangedItems result{std::move(*feed), {}, std::move(context)};
  result.origins.reserve(carried.size());
  std::size_t next_parsed = 0;
  for (std::size_t i = 0; i < carried.size(); ++i) {
    if (carried[i] == std::string::npos) {
      result.origins.push_back(std::move((*parsed)[next_parsed++]));
    } else {
      result.origins.push_back({true, carried[i], raw.digests[i]});
    }
  }
  return result;
}

}  // namespace feedmark
