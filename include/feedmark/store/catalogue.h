#pragma once

// A feed's indexes: index.md, and once the feed has more than 100 articles,
// one page per month (index/2022-03.md) with the month's articles kept in
// .months/2022-03.json. A run reads and rewrites only the months its new
// articles fall in and the newest months, never the folder's history.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feedmark/store/archive.h"
#include "feedmark/write/format.h"

namespace feedmark {

/// An article written, for the indexes; `before`: the version it replaced,
/// when known (a new published date can move it to another month).
struct IndexChange {
  std::string id;
  std::optional<ArticleEntry> before;
  ArticleEntry after;
};

/// "[{title}]({link})" for a feed index header.
std::string feed_index_header(const std::string& title,
                              const std::string& link);

/// Applies `changes` to the indexes of the feed folder `dir`, whose months
/// `months` counts, and writes its index.md under `header`. Rebuilds the
/// indexes from the article files if a month's catalogue is missing.
Result<void> update_feed_index(const std::filesystem::path& dir,
                               const std::string& header,
                               const std::vector<IndexChange>& changes,
                               MonthCounts& months,
                               ArticleFormat format = ArticleFormat::kSeed);

/// Every index of the feed folder `dir` from its article files alone;
/// stale month pages and catalogues are removed. Returns the months.
Result<MonthCounts> rebuild_feed_index(
    const std::filesystem::path& dir, const std::string& header,
    ArticleFormat format = ArticleFormat::kSeed);

/// Writes `<archive>/index.md` from the feed folders' index.md files; a
/// folder that cannot be read is an error, and the index is left as it was.
Result<void> write_root_index(const std::filesystem::path& archive,
                              ArticleFormat format = ArticleFormat::kSeed);

/// `feedmark index --format F`: the article files of every feed folder
/// last written in another shape are written again in `renderer`'s, as a
/// fetch that switches formats would; returns how many files changed.
Result<std::size_t> convert_articles(const std::filesystem::path& archive,
                                     const ArticleRenderer& renderer);

/// `feedmark index`: every feed's indexes from its article files alone, then
/// the root index, in `format`'s style, else each in the style it has (Hugo's
/// where `_index.md` is). Returns the number of feeds.
Result<int> rebuild_indexes(const std::filesystem::path& archive,
                            std::optional<ArticleFormat> format = {});

}  // namespace feedmark
