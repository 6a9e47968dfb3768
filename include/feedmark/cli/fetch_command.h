#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "feedmark/run/pipeline.h"
#include "feedmark/cli/progress.h"
#include "feedmark/cli/streams.h"
#include "feedmark/fetch/fetch.h"

namespace feedmark {

/// One source to archive, with its settings after a feed list's overrides.
struct FeedJob {
  Source source;
  ArchiveOptions options;
  std::string user_agent;
};

/// Everything `feedmark fetch` was asked to do, checked and resolved.
struct FetchPlan {
  std::vector<FeedJob> jobs;  ///< no two with the same source
  std::filesystem::path archive;
  bool dry_run = false;
  HttpOptions http;
  bool json = false;  ///< a JSON object per written article, not its path
  bool null = false;  ///< end printed paths with NUL
  bool wait = false;  ///< wait for the archive lock
  ProgressMode progress = ProgressMode::kAuto;
  ArticleFormat format = ArticleFormat::kSeed;  ///< of the indexes
};

/// Archives every job under the archive lock: URLs downloaded in the
/// background while the documents already here are archived. Returns the
/// exit status (SPEC "Streams and exit status").
int run_fetch(const FetchPlan& plan, Streams& streams);

}  // namespace feedmark
