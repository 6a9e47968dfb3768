#pragma once

// `fetch --shard K/N`: N hosts (cron, or a Kubernetes Indexed Job) share one
// feed list and each archives the feeds of its shard, so that their feed
// folders never overlap.

#include <string>

#include "feedmark/util/error.h"

namespace feedmark {

struct Shard {
  unsigned index = 0;  ///< K, from 0
  unsigned count = 1;  ///< N

  /// "K/N" with 0 <= K < N; an error (exit 2) otherwise.
  static Result<Shard> parse(const std::string& text);
  /// Whether the feed folder `feed_id` (16 hex digits) falls in this shard:
  /// its first 8 hex digits modulo N, so each feed belongs to one shard and
  /// the shards are the same on every host.
  bool holds(const std::string& feed_id) const;
};

}  // namespace feedmark
