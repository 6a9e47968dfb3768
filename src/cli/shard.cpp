#include "feedmark/cli/shard.h"

#include <charconv>

namespace feedmark {

Result<Shard> Shard::parse(const std::string& text) {
  const auto slash = text.find('/');
  Shard shard;
  const auto number = [](std::string_view s, unsigned& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
  };
  const std::string_view view(text);
  if (slash == std::string::npos ||
      !number(view.substr(0, slash), shard.index) ||
      !number(view.substr(slash + 1), shard.count) || shard.count == 0 ||
      shard.index >= shard.count) {
    return fail("config", "--shard",
                "\"" + text + "\" is not K/N with 0 <= K < N (e.g. 0/4)");
  }
  return shard;
}

bool Shard::holds(const std::string& feed_id) const {
  unsigned long prefix = 0;
  std::from_chars(feed_id.data(),
                  feed_id.data() + std::min<std::size_t>(8, feed_id.size()),
                  prefix, 16);
  return prefix % count == index;
}

}  // namespace feedmark
