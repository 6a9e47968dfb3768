#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace feedmark::test {

/// A fresh directory for one test; removed afterwards unless the test failed
/// (then its path is printed, to look at).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
  int failures_at_start_;
};

/// The path of a file under fixtures/.
std::filesystem::path fixture(const std::string& name);

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);

struct RunResult {
  int status = -1;  ///< exit status, or 128 + signal
  std::string out;
  std::string err;
  long peak_kib = 0;  ///< the process's peak resident memory
};

/// How much more memory a sanitizer build takes: ASan's shadow and red
/// zones roughly triple a process's peak.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr long kMemoryFactor = 4;
#else
inline constexpr long kMemoryFactor = 1;
#endif

/// Runs the built feedmark binary with `args`, `input` on stdin, and the
/// extra environment variables `env` (SOURCE_DATE_EPOCH is unset unless
/// given).
RunResult run_feedmark(const std::vector<std::string>& args,
                       const std::string& input = {},
                       const std::map<std::string, std::string>& env = {});

/// `feedmark fetch FEED -a ARCHIVE --feed-url https://example.com/feed.xml
/// -v` and `extra`: a file archived as a URL's feed would be, its folder
/// known before it is parsed.
RunResult fetch_as_example_feed(const std::filesystem::path& feed,
                                const std::filesystem::path& archive,
                                const std::vector<std::string>& extra,
                                const std::map<std::string, std::string>& env);

/// Starts feedmark in the background with stderr discarded and stdout
/// discarded, or written to the file `stdout_path`; returns its pid.
int spawn_feedmark(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {},
                   const std::filesystem::path& stdout_path = {});

/// An RSS 2.0 feed of `items` generated items (guid "item-N", a paragraph
/// and a captioned figure each); item 1 titled `changed_title` if given.
std::string rss_feed(int items, const std::string& changed_title = {});

/// Every *.md file under `dir`, relative to it, sorted.
std::vector<std::string> markdown_files(const std::filesystem::path& dir);

/// The input grows by this factor in growth_when_multiplied(): linear work
/// takes about 8 times longer, quadratic work 64 times.
inline constexpr std::size_t kGrowthFactor = 8;
/// Growth below this is linear (with room for a busy machine and cache
/// effects); quadratic work is far above it.
inline constexpr double kLinearGrowthLimit = 24;

/// How many times longer `run(kGrowthFactor * n)` takes than `run(n)`, the
/// best of three timings each; the smallest ratio of up to three tries, the
/// first under kLinearGrowthLimit ending them. Unlike a fixed time limit, it
/// holds in a sanitizer build and on a busy machine.
double growth_when_multiplied(const std::function<void(std::size_t)>& run,
                              std::size_t n);

/// Lines of `text` (without their newlines).
std::vector<std::string> lines_of(const std::string& text);

/// Titles that break front matter written without care (issue 15's list:
/// quotes, colons, #, ---, tabs, CJK, emoji, a leading * or &, yes/no/null).
const std::vector<std::string>& hostile_titles();

}  // namespace feedmark::test

namespace feedmark::test {

/// The text and href of the first link cmark-gfm renders from `markdown`,
/// HTML entities in the text decoded.
struct RenderedLink {
  std::string text;
  std::string href;
};
RenderedLink first_rendered_link(const std::string& markdown);

/// `s` with the escapes cmark writes (&amp; &lt; &gt; &quot; &#39;) decoded.
std::string unescape_html(std::string_view s);

/// cmark-gfm's HTML for `markdown`, raw HTML kept.
std::string render_commonmark(const std::string& markdown);

}  // namespace feedmark::test
