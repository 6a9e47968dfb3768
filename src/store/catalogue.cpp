#include "feedmark/store/catalogue.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "store/archive_files.h"
#include "store/index_style.h"
#include "store/json_file.h"
#include "feedmark/util/parallel.h"
#include "feedmark/write/write.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kPagesDir = "index";
constexpr const char* kMonthsDir = ".months";
constexpr std::string_view kMonthsHeading = "\n\nMonths\n------\n\n";
/// How many articles index.md lists before the rest go to month pages.
constexpr std::size_t kIndexLatest = 100;

/// One month's articles, by item id.
using MonthEntries = std::map<std::string, ArticleEntry>;
using Listed = std::pair<const std::string*, const ArticleEntry*>;

std::int64_t sort_time_ms(const ArticleEntry& e) {
  return e.published ? *e.published * 1000 : e.captured_ms;
}

UnixTime index_day(const ArticleEntry& e) {
  return e.published ? *e.published : e.captured_ms / 1000;
}

// "2022-03": the UTC month an article is indexed under (its published date,
// else its capture time, as its index line shows).
std::string index_month(const ArticleEntry& entry) {
  return format_day(index_day(entry)).substr(0, 7);
}

// Newest first; equal times keep the order of their ids.
void sort_newest_first(std::vector<Listed>& listed) {
  std::sort(listed.begin(), listed.end(), [](const Listed& a, const Listed& b) {
    const std::int64_t ta = sort_time_ms(*a.second);
    const std::int64_t tb = sort_time_ms(*b.second);
    return ta != tb ? ta > tb : *a.first < *b.first;
  });
}

std::string article_lines(const std::vector<Listed>& listed,
                          std::string_view prefix) {
  std::string out;
  for (const auto& [id, entry] : listed) {
    out += fmt::format("- {} [{}]({}{}.md)\n", format_day(index_day(*entry)),
                       entry->title_md, prefix, *id);
  }
  return out;
}

std::vector<Listed> listed_of(const MonthEntries& entries) {
  std::vector<Listed> listed;
  listed.reserve(entries.size());
  for (const auto& [id, entry] : entries) {
    listed.emplace_back(&id, &entry);
  }
  sort_newest_first(listed);
  return listed;
}

std::string render_month_page(const std::string& month,
                              const MonthEntries& entries, IndexStyle style) {
  return style.finished(
      style.month_front_matter(month) +
      fmt::format("{}\n------\n\n{}\n[The feed's index](../{})\n", month,
                  article_lines(listed_of(entries), "../"), style.file()));
}

std::string month_json(const MonthEntries& entries) {
  std::string out = "{";
  const char* separator = "\n";
  for (const auto& [id, e] : entries) {
    const json j = {{"title", e.title_md},
                    {"published", e.published ? json(*e.published) : json()},
                    {"captured_ms", e.captured_ms}};
    out += separator + json(id).dump() + ": " +
           j.dump(-1, ' ', false, json::error_handler_t::replace);
    separator = ",\n";
  }
  return out + "\n}\n";
}

std::optional<MonthEntries> read_month_json(const fs::path& path) {
  const std::optional<json> j = read_json_object(path);
  if (!j) {
    return std::nullopt;
  }
  try {
    MonthEntries entries;
    for (const auto& [id, e] : j->items()) {
      ArticleEntry& entry = entries[id];
      entry.title_md = e.at("title").get<std::string>();
      if (!e.at("published").is_null()) {
        entry.published = e.at("published").get<UnixTime>();
      }
      entry.captured_ms = e.at("captured_ms").get<std::int64_t>();
    }
    return entries;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::size_t total_of(const MonthCounts& months) {
  std::size_t total = 0;
  for (const auto& month : months) {
    total += month.second;
  }
  return total;
}

/// A feed folder's month catalogues, read once each as they are needed.
class Months {
 public:
  explicit Months(const fs::path& dir) : dir_(dir) {}

  /// The month's articles; nothing if its catalogue is missing or damaged
  /// although the counts say it holds articles.
  MonthEntries* get(const std::string& month, std::size_t expected) {
    auto it = loaded_.find(month);
    if (it == loaded_.end()) {
      std::optional<MonthEntries> read = read_month_json(path(month));
      if (!read && expected > 0) {
        return nullptr;
      }
      it = loaded_.emplace(month, std::move(read).value_or(MonthEntries{}))
               .first;
    }
    return &it->second;
  }

  /// Takes the month's articles as they are (a rebuild has them all).
  void put(const std::string& month, MonthEntries entries) {
    loaded_[month] = std::move(entries);
  }

  fs::path path(const std::string& month) const {
    return dir_ / kMonthsDir / (month + ".json");
  }

 private:
  fs::path dir_;
  std::map<std::string, MonthEntries> loaded_;
};

Result<void> write_or_remove(const fs::path& path, const std::string& content,
                             bool keep) {
  if (keep) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    return write_if_changed(path, content);
  }
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) {
    return fail("write", path.string(), ec.message());
  }
  return {};
}

// The feed's title, plain, from its index header "[title](link)".
std::string title_of_header(const std::string& header) {
  return unescape_markdown_text(link_text_of(header).value_or(""));
}

// Writes an index in its style's file and removes the other style's: an
// archive switched to Hugo keeps no index.md, which would hide the folder's
// articles from Hugo.
Result<void> write_index_file(const fs::path& dir, const std::string& text,
                              IndexStyle style) {
  if (auto written = write_if_changed(dir / style.file(), style.finished(text));
      !written) {
    return written;
  }
  std::error_code ec;
  fs::remove(dir / style.other_file(), ec);
  if (ec) {
    return fail("write", (dir / style.other_file()).string(), ec.message());
  }
  return {};
}

// index.md: the newest kIndexLatest articles, read from the newest months
// (newest first, so no older month can hold a newer article), then the
// months when there are more.
std::optional<std::string> render_feed_index(const std::string& header,
                                             const MonthCounts& months,
                                             Months& catalogue,
                                             IndexStyle style) {
  const std::size_t total = total_of(months);
  std::vector<Listed> listed;
  for (auto it = months.rbegin();
       it != months.rend() && listed.size() < kIndexLatest; ++it) {
    const MonthEntries* entries = catalogue.get(it->first, it->second);
    if (entries == nullptr) {
      return std::nullopt;
    }
    for (const auto& [id, entry] : *entries) {
      listed.emplace_back(&id, &entry);
    }
  }
  sort_newest_first(listed);
  std::string out =
      style.front_matter(title_of_header(header)) + header + "\n------\n\n";
  if (total <= kIndexLatest) {
    return out + article_lines(listed, "");
  }
  listed.resize(std::min(listed.size(), kIndexLatest));
  out += article_lines(listed, "");
  out += kMonthsHeading.substr(1);
  for (auto it = months.rbegin(); it != months.rend(); ++it) {
    out += fmt::format("- [{0}]({1}/{0}.md) ({2} article{3})\n", it->first,
                       kPagesDir, it->second, it->second == 1 ? "" : "s");
  }
  return out;
}

Result<void> write_month(const fs::path& dir, Months& catalogue,
                         const std::string& month, const MonthEntries& entries,
                         bool paged, IndexStyle style) {
  if (auto written = write_or_remove(catalogue.path(month), month_json(entries),
                                     !entries.empty());
      !written) {
    return written;
  }
  const fs::path page = dir / kPagesDir / (month + ".md");
  return write_or_remove(page, render_month_page(month, entries, style),
                         paged && !entries.empty());
}

// Removes what `keep` does not name from a folder of month files.
void remove_other_months(const fs::path& folder, const MonthCounts& keep,
                         std::string_view extension) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const fs::path& path = e.path();
    if (path.extension() == extension && !keep.contains(path.stem().string())) {
      fs::remove(path, ec);
    }
  }
}

}  // namespace

std::string feed_index_header(const std::string& title,
                              const std::string& link) {
  return fmt::format("[{}]({})", escape_markdown_text(title), link);
}

namespace {

// Applies the changes to the month catalogues and counts; false if a month
// the counts list has lost its catalogue.
bool apply_changes(const std::vector<IndexChange>& changes, Months& catalogue,
                   MonthCounts& months, std::set<std::string>& touched) {
  const auto entries_of = [&](const std::string& month) {
    const auto count = months.find(month);
    return catalogue.get(month, count == months.end() ? 0 : count->second);
  };
  for (const IndexChange& change : changes) {
    const std::string month = index_month(change.after);
    if (change.before && index_month(*change.before) != month) {
      MonthEntries* old_entries = entries_of(index_month(*change.before));
      if (old_entries == nullptr) {
        return false;
      }
      old_entries->erase(change.id);
      touched.insert(index_month(*change.before));
    }
    MonthEntries* entries = entries_of(month);
    if (entries == nullptr) {
      return false;
    }
    (*entries)[change.id] = change.after;
    touched.insert(month);
  }
  for (const std::string& month : touched) {
    const std::size_t count = entries_of(month)->size();
    if (count == 0) {
      months.erase(month);
    } else {
      months[month] = count;
    }
  }
  return true;
}

// Writes the touched months, and the pages of a paged index that are
// missing (the feed has just passed kIndexLatest articles, or a page was
// deleted). An error, or nothing if a month's catalogue is lost.
std::optional<Result<void>> write_months(const fs::path& dir, Months& catalogue,
                                         const MonthCounts& months,
                                         const std::set<std::string>& touched,
                                         IndexStyle style) {
  const bool paged = total_of(months) > kIndexLatest;
  std::error_code ec;
  for (const auto& [month, count] : months) {
    if (!touched.contains(month) &&
        (!paged || fs::exists(dir / kPagesDir / (month + ".md"), ec))) {
      continue;
    }
    const MonthEntries* entries = catalogue.get(month, count);
    if (entries == nullptr) {
      return std::nullopt;
    }
    if (auto written =
            write_month(dir, catalogue, month, *entries, paged, style);
        !written) {
      return written;
    }
  }
  for (const std::string& month : touched) {
    if (!months.contains(month)) {
      if (auto removed = write_month(dir, catalogue, month, {}, paged, style);
          !removed) {
        return removed;
      }
    }
  }
  if (!paged) {
    // Back to 100 articles or fewer (after a recount): no page is linked,
    // and one kept would be taken as current if the feed grew again.
    remove_other_months(dir / kPagesDir, {}, ".md");
  }
  return Result<void>{};
}

}  // namespace

Result<void> update_feed_index(const fs::path& dir, const std::string& header,
                               const std::vector<IndexChange>& changes,
                               MonthCounts& months, ArticleFormat format) {
  const IndexStyle style = IndexStyle::of(format);
  Months catalogue(dir);
  std::set<std::string> touched;
  std::optional<std::string> index;
  if (apply_changes(changes, catalogue, months, touched)) {
    std::optional<Result<void>> written =
        write_months(dir, catalogue, months, touched, style);
    if (written && !*written) {
      return *written;
    }
    if (written) {
      index = render_feed_index(header, months, catalogue, style);
    }
  }
  if (!index) {
    // A month's catalogue was lost: the article files tell it again.
    Result<MonthCounts> rebuilt = rebuild_feed_index(dir, header, format);
    if (!rebuilt) {
      return tl::unexpected(rebuilt.error());
    }
    months = std::move(*rebuilt);
    return {};
  }
  return write_index_file(dir, *index, style);
}

Result<MonthCounts> rebuild_feed_index(const fs::path& dir,
                                       const std::string& header,
                                       ArticleFormat format) {
  const IndexStyle style = IndexStyle::of(format);
  std::vector<std::string> ids;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (std::string id = article_id_of(it->path()); !id.empty()) {
      ids.push_back(std::move(id));
    }
  }
  if (ec) {
    return fail("write", dir.string(), ec.message());
  }
  // Reading the heads is most of the work, and waits on the kernel: on
  // every core.
  std::vector<std::optional<ArticleEntry>> heads(ids.size());
  parallel_for(ids.size(), 0, [&](std::size_t i) {
    heads[i] = read_article_head(dir / (ids[i] + ".md"));
  });
  std::map<std::string, MonthEntries> by_month;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (heads[i]) {
      by_month[index_month(*heads[i])].emplace(std::move(ids[i]),
                                               std::move(*heads[i]));
    }
  }
  MonthCounts months;
  for (const auto& [month, entries] : by_month) {
    months[month] = entries.size();
  }
  const bool paged = total_of(months) > kIndexLatest;
  Months catalogue(dir);
  for (auto& [month, entries] : by_month) {
    if (auto written =
            write_month(dir, catalogue, month, entries, paged, style);
        !written) {
      return tl::unexpected(written.error());
    }
    catalogue.put(month, std::move(entries));
  }
  remove_other_months(dir / kMonthsDir, months, ".json");
  remove_other_months(dir / kPagesDir, paged ? months : MonthCounts{}, ".md");
  // Every month is in `catalogue`: nothing is read back.
  const std::string index =
      *render_feed_index(header, months, catalogue, style);
  if (auto written = write_index_file(dir, index, style); !written) {
    return tl::unexpected(written.error());
  }
  return months;
}

namespace {

// How many articles a feed's index.md stands for: its lines, or the sum of
// its months when it is paged.
std::size_t feed_index_article_count(std::string_view text) {
  const auto months = text.find(kMonthsHeading);
  std::size_t count = 0;
  if (months == std::string_view::npos) {
    for (std::size_t pos = text.find("\n- "); pos != std::string_view::npos;
         pos = text.find("\n- ", pos + 1)) {
      ++count;
    }
    return count;
  }
  // "- [2022-03](index/2022-03.md) (412 articles)"
  for (std::size_t pos = text.find(") (", months);
       pos != std::string_view::npos; pos = text.find(") (", pos + 1)) {
    std::size_t n = 0;
    for (std::size_t i = pos + 3;
         i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      n = n * 10 + static_cast<std::size_t>(text[i] - '0');
    }
    count += n;
  }
  return count;
}

std::string feed_header_from_index(const fs::path& dir) {
  const IndexStyle style = IndexStyle::of_folder(dir);
  const std::optional<std::string> index = read_whole_file(dir / style.file());
  const std::string_view text =
      index ? without_front_matter(*index) : std::string_view();
  if (link_text_of(line_at(text, 0))) {
    return style.read_back(line_at(text, 0));
  }
  return {};
}

bool has_articles(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!article_id_of(e.path()).empty()) {
      return true;
    }
  }
  return false;
}

// A feed folder's index.md (or _index.md), or nothing if it has none yet
// (a feed only deferred by Retry-After); an error if it cannot be read.
Result<std::optional<std::string>> read_feed_index(const fs::path& dir) {
  const fs::path path = dir / IndexStyle::of_folder(dir).file();
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  if (ec) {
    return fail("write", path.string(), ec.message());
  }
  if (!exists) {
    return std::optional<std::string>();
  }
  std::optional<std::string> text = read_whole_file(path);
  if (!text) {
    return fail("write", path.string(), "cannot be read");
  }
  return text;
}

}  // namespace

Result<void> write_root_index(const fs::path& archive, ArticleFormat format) {
  const IndexStyle style = IndexStyle::of(format);
  std::vector<std::pair<std::string, std::string>> feeds;  // title_md, line
  std::error_code ec;
  fs::directory_iterator it(archive, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string id = it->path().filename().string();
    if (!is_hex16(id)) {
      continue;
    }
    Result<std::optional<std::string>> index = read_feed_index(it->path());
    if (!index) {
      return tl::unexpected(index.error());
    }
    if (!*index) {
      continue;
    }
    const std::string_view text = without_front_matter(**index);
    const std::string title = link_text_of(line_at(text, 0)).value_or(id);
    const std::size_t count = feed_index_article_count(text);
    feeds.emplace_back(
        title, fmt::format("- [{}]({}/{}) ({} article{})\n", title, id,
                           IndexStyle::of_folder(it->path()).file(), count,
                           count == 1 ? "" : "s"));
  }
  if (ec) {
    return fail("write", archive.string(), ec.message());
  }
  std::sort(feeds.begin(), feeds.end());
  std::string out = style.front_matter("Feeds") + "Feeds\n------\n\n";
  for (const auto& feed : feeds) {
    out += feed.second;
  }
  return write_index_file(archive, out, style);
}

Result<int> rebuild_indexes(const fs::path& archive,
                            std::optional<ArticleFormat> format) {
  std::error_code ec;
  if (!fs::is_directory(archive, ec)) {
    return fail("index", archive.string(), "no such archive directory");
  }
  remove_stale_temporaries_everywhere(archive);
  int feeds = 0;
  fs::directory_iterator it(archive, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (!is_hex16(it->path().filename().string()) ||
        !it->is_directory(type_ec)) {
      continue;
    }
    const fs::path& dir = it->path();
    std::optional<FeedState> state = read_state_file(dir);
    std::string header = feed_header_from_index(dir);
    if (header.empty()) {
      header = state ? feed_index_header(state->title, state->link)
                     : fmt::format("[{}]()", dir.filename().string());
    }
    const IndexStyle style = IndexStyle::of_folder(dir);
    if (!fs::exists(dir / style.file(), type_ec) && !has_articles(dir)) {
      continue;  // a feed never archived yet, only deferred (Retry-After)
    }
    // Without --format, each folder keeps the layout it has.
    const ArticleFormat folder_format =
        format ? *format
               : (style.hugo ? ArticleFormat::kHugo : ArticleFormat::kSeed);
    Result<MonthCounts> months = rebuild_feed_index(dir, header, folder_format);
    if (!months) {
      return tl::unexpected(months.error());
    }
    // The state's counts follow the files, so the next run adds to them.
    if (state && state->months != *months) {
      state->months = std::move(*months);
      if (auto saved = save_feed_state(dir, *state); !saved) {
        return tl::unexpected(saved.error());
      }
    }
    ++feeds;
  }
  if (ec) {
    return fail("index", archive.string(), ec.message());
  }
  const ArticleFormat root_format =
      format ? *format
             : (IndexStyle::of_folder(archive).hugo ? ArticleFormat::kHugo
                                                    : ArticleFormat::kSeed);
  if (auto written = write_root_index(archive, root_format); !written) {
    return tl::unexpected(written.error());
  }
  return feeds;
}

}  // namespace feedmark
