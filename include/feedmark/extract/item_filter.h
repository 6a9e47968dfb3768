#pragma once

// A feed list's include= and exclude= (SPEC "Formats"): RE2 patterns,
// matched against an item's title and categories, that choose which items
// are archived. RE2 runs in time linear in the text whatever the pattern,
// so a user's pattern cannot stall a run.

#include <memory>
#include <string>
#include <string_view>

#include "feedmark/parse/parse.h"
#include "feedmark/util/error.h"

namespace re2 {
class RE2;
}

namespace feedmark {

class ItemFilter {
 public:
  /// Accepts every item.
  ItemFilter() = default;
  /// Compiles one pattern; the error is RE2's, for `name` (include or
  /// exclude).
  static Result<std::shared_ptr<const re2::RE2>> compile(
      std::string_view name, const std::string& pattern);
  ItemFilter(std::shared_ptr<const re2::RE2> include,
             std::shared_ptr<const re2::RE2> exclude)
      : include_(std::move(include)), exclude_(std::move(exclude)) {}

  /// Included (no include=, or it matches the title or a category) and not
  /// excluded (exclude= matches neither).
  bool accepts(const Item& item) const;
  /// The patterns, for the document's fingerprint.
  std::string describe() const;

 private:
  std::shared_ptr<const re2::RE2> include_;
  std::shared_ptr<const re2::RE2> exclude_;
};

}  // namespace feedmark
