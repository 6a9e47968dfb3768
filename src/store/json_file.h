#pragma once

// The archive's JSON caches (.state.json, .months/*.json): read whole, and
// nothing when missing or damaged, since a cache is rebuilt from the files.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "store/archive_files.h"

namespace feedmark {

inline std::optional<nlohmann::json> read_json_object(
    const std::filesystem::path& path) {
  const std::optional<std::string> text = read_whole_file(path);
  if (!text) {
    return std::nullopt;
  }
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return std::nullopt;
  }
  return j;
}

}  // namespace feedmark
