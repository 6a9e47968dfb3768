#include "feedmark/extract/item_filter.h"

#include <fmt/format.h>
#include <re2/re2.h>

namespace feedmark {
namespace {

bool matches(const re2::RE2& pattern, const Item& item) {
  if (re2::RE2::PartialMatch(item.title, pattern)) {
    return true;
  }
  for (const std::string& category : item.categories) {
    if (re2::RE2::PartialMatch(category, pattern)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::shared_ptr<const re2::RE2>> ItemFilter::compile(
    std::string_view name, const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto compiled = std::make_shared<const re2::RE2>(pattern, options);
  if (!compiled->ok()) {
    return fail("config", std::string(name),
                fmt::format("bad {} pattern \"{}\": {}", name, pattern,
                            compiled->error()));
  }
  return std::shared_ptr<const re2::RE2>(std::move(compiled));
}

bool ItemFilter::accepts(const Item& item) const {
  return (!include_ || matches(*include_, item)) &&
         (!exclude_ || !matches(*exclude_, item));
}

std::string ItemFilter::describe() const {
  return fmt::format("{}\n{}", include_ ? include_->pattern() : "",
                     exclude_ ? exclude_->pattern() : "");
}

}  // namespace feedmark
