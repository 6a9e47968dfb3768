#pragma once

// YAML front matter (SPEC "Formats"): written so that any YAML parser reads
// back exactly the item's fields, whatever a feed puts in them, and read
// back by feedmark itself to rebuild the indexes from the files.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feedmark/util/dates.h"

namespace feedmark {

/// `text` as a YAML double-quoted scalar: `"`, `\`, every control
/// character and the Unicode line breaks escaped, so no title (`yes`, `*x`,
/// `a: b`, `---`, a newline) can change the document's structure or type.
std::string yaml_quoted(std::string_view text);

/// "2022-03-30T17:45:57.123Z": a capture time, milliseconds kept.
std::string format_iso8601_ms(std::int64_t ms);

/// Builds a front matter block; a field whose value is unknown (empty) is
/// left out, never written empty.
class FrontMatter {
 public:
  FrontMatter& text(std::string_view key, std::string_view value);
  FrontMatter& time(std::string_view key, std::optional<UnixTime> value);
  FrontMatter& time_ms(std::string_view key, std::int64_t ms);
  FrontMatter& list(std::string_view key,
                    const std::vector<std::string>& values);
  /// A line written as it is ("_build:\n  list: never").
  FrontMatter& verbatim(std::string_view lines);
  /// "---\n" + the fields + "---\n".
  std::string str() const { return "---\n" + body_ + "---\n"; }

 private:
  std::string body_;
};

/// The top-level fields of a front matter block at the start of `text`, as
/// feedmark writes them: `key: "quoted"`, `key: plain` and lists of
/// `  - "item"`. Nothing if `text` does not start with one.
struct FrontMatterFields {
  std::map<std::string, std::string, std::less<>> scalars;
  std::map<std::string, std::vector<std::string>, std::less<>> lists;
  std::size_t end = 0;  ///< offset of what follows the closing "---\n"

  /// A scalar, or "" when absent.
  std::string_view get(std::string_view key) const;
};
std::optional<FrontMatterFields> read_front_matter(std::string_view text);

/// Reads "2022-03-30T17:45:57Z" or "2022-03-30T17:45:57.123Z" as
/// milliseconds since the epoch.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

}  // namespace feedmark
