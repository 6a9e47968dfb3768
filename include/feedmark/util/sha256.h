#pragma once

#include <string>
#include <string_view>

namespace feedmark {

/// The first 16 lowercase hex digits of SHA-256(text): feed and item ids.
std::string short_hash(std::string_view text);

}  // namespace feedmark
