#pragma once

#include <string>
#include <vector>

#include "feedmark/cli/network_flags.h"
#include "feedmark/cli/streams.h"

namespace feedmark {

/// `feedmark parse [--base URL] [--tz ZONE] SOURCE...`.
struct ParseCommand {
  std::vector<std::string> sources;
  std::string base;
  std::string zone;
  NetworkFlags network;
};

/// Prints each source's feed and items as JSON Lines (SPEC "feedmark parse
/// output"), in the order given; exit 1 if any source failed.
int run_parse(const ParseCommand& command, const Streams& streams);

}  // namespace feedmark
