#pragma once

// A folder switched to another format (SPEC "Formats"): its articles that
// the run did not write, those that left the feed, are written again in
// the new format, each keeping its capture time (src/archive only).

#include <cstddef>
#include <filesystem>
#include <string>
#include <unordered_set>

#include "feedmark/util/error.h"
#include "feedmark/write/format.h"

namespace feedmark {

/// Rewrites every article file of `dir` whose id `written` does not hold;
/// returns how many changed. A file no format reads back (a template's) is
/// left as it is.
Result<std::size_t> rewrite_in_format(
    const std::filesystem::path& dir, const ArticleRenderer& renderer,
    const FeedContext& feed, const std::unordered_set<std::string>& written);

}  // namespace feedmark
