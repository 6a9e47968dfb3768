#include "feedmark/archive/archive.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "feedmark/util/sha256.h"
#include "feedmark/write/write.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStateFile = ".state.json";
constexpr const char* kIndexFile = "index.md";

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

bool is_hex16(std::string_view name) {
  return name.size() == 16 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// "[title](link)": the title ends at the first "](" whose "]" is not
// escaped; escape_markdown_text escapes every "]" of a title.
std::optional<std::string> link_text_of(std::string_view line) {
  if (!line.starts_with('[')) {
    return std::nullopt;
  }
  for (std::size_t i = 1; i + 1 < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == ']' && line[i + 1] == '(') {
      return std::string(line.substr(1, i - 1));
    }
  }
  return std::nullopt;
}

std::string_view line_at(std::string_view text, int index) {
  for (int i = 0; i < index; ++i) {
    const auto newline = text.find('\n');
    if (newline == std::string_view::npos) {
      return {};
    }
    text.remove_prefix(newline + 1);
  }
  return text.substr(0, text.find('\n'));
}

std::optional<std::int64_t> captured_ms_of(std::string_view line) {
  if (!line.starts_with("<!--") || !line.ends_with("-->") || line.size() < 8) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (char c : line.substr(4, line.size() - 7)) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<UnixTime> published_of(std::string_view header) {
  constexpr std::string_view kOpen = "<div><i>";
  if (!header.starts_with(kOpen)) {
    return std::nullopt;
  }
  const auto close = header.find("</i></div>");
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  return parse_date(header.substr(kOpen.size(), close - kOpen.size()));
}

json entry_to_json(const ArticleEntry& e) {
  return {{"title", e.title_md},
          {"published", e.published ? json(*e.published) : json(nullptr)},
          {"captured_ms", e.captured_ms},
          {"digest", e.digest},
          {"size", e.size}};
}

ArticleEntry entry_from_json(const json& j) {
  ArticleEntry e;
  e.title_md = j.at("title").get<std::string>();
  if (!j.at("published").is_null()) {
    e.published = j.at("published").get<UnixTime>();
  }
  e.captured_ms = j.at("captured_ms").get<std::int64_t>();
  e.digest = j.at("digest").get<std::string>();
  e.size = j.value("size", std::int64_t{-1});  // absent before 2026-12-03
  return e;
}

std::int64_t sort_time_ms(const ArticleEntry& e) {
  return e.published ? *e.published * 1000 : e.captured_ms;
}

std::string feed_header_from_index(const fs::path& dir) {
  const std::optional<std::string> index = read_file(dir / kIndexFile);
  if (index && link_text_of(line_at(*index, 0))) {
    return std::string(line_at(*index, 0));
  }
  return {};
}

Result<void> write_if_changed(const fs::path& path, const std::string& content,
                              Durability durability = Durability::kCached) {
  if (read_file(path) == content) {
    return {};
  }
  return write_file_atomically(path, content, durability);
}

}  // namespace

std::string article_id_of(const fs::path& file) {
  const std::string name = file.filename().string();
  if (name.size() == 19 && name.ends_with(".md") &&
      is_hex16(name.substr(0, 16))) {
    return name.substr(0, 16);
  }
  return {};
}

std::string feed_id(const std::string& feed_key) {
  return short_hash(feed_key);
}

std::optional<ArticleEntry> read_article_entry(const fs::path& file) {
  const std::optional<std::string> text = read_file(file);
  if (!text) {
    return std::nullopt;
  }
  const std::optional<std::int64_t> captured =
      captured_ms_of(line_at(*text, 0));
  std::optional<std::string> title = link_text_of(line_at(*text, 1));
  if (!captured || !title) {
    return std::nullopt;
  }
  ArticleEntry entry;
  entry.title_md = std::move(*title);
  entry.published = published_of(line_at(*text, 4));
  entry.captured_ms = *captured;
  entry.digest = short_hash(article_content(*text));
  entry.size = static_cast<std::int64_t>(text->size());
  return entry;
}

Result<std::map<std::string, ArticleEntry>> scan_articles(const fs::path& dir) {
  std::map<std::string, ArticleEntry> articles;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) {
    return articles;
  }
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string id = article_id_of(it->path());
    if (id.empty()) {
      continue;
    }
    if (std::optional<ArticleEntry> entry = read_article_entry(it->path())) {
      articles.emplace(id, std::move(*entry));
    }
  }
  if (ec) {
    return fail("write", dir.string(), ec.message());
  }
  return articles;
}

std::optional<FeedState> read_state_file(const fs::path& dir) {
  const std::optional<std::string> text = read_file(dir / kStateFile);
  if (!text) {
    return std::nullopt;
  }
  const json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return std::nullopt;
  }
  try {
    FeedState state;
    state.key = j.value("key", "");
    state.title = j.value("title", "");
    state.link = j.value("link", "");
    state.etag = j.value("etag", "");
    state.last_modified = j.value("last_modified", "");
    if (j.contains("next_fetch") && !j["next_fetch"].is_null()) {
      state.next_fetch = j["next_fetch"].get<UnixTime>();
    }
    if (j.contains("deferred_since") && !j["deferred_since"].is_null()) {
      state.deferred_since = j["deferred_since"].get<UnixTime>();
    }
    for (const auto& [id, entry] : j.at("articles").items()) {
      state.articles.emplace(id, entry_from_json(entry));
    }
    if (j.contains("current")) {
      state.current = j["current"].get<std::vector<std::string>>();
    }
    return state;
  } catch (const json::exception&) {
    return std::nullopt;  // a damaged cache is rebuilt from the files
  }
}

Result<FeedState> load_feed_state(const fs::path& dir) {
  if (std::optional<FeedState> state = read_state_file(dir)) {
    return std::move(*state);
  }
  auto articles = scan_articles(dir);
  if (!articles) {
    return tl::unexpected(articles.error());
  }
  FeedState state;
  state.articles = std::move(*articles);
  return state;
}

Result<void> save_feed_state(const fs::path& dir, const FeedState& state) {
  json articles = json::object();
  for (const auto& [id, entry] : state.articles) {
    articles[id] = entry_to_json(entry);
  }
  const json j = {
      {"key", state.key},
      {"title", state.title},
      {"link", state.link},
      {"etag", state.etag},
      {"last_modified", state.last_modified},
      {"next_fetch",
       state.next_fetch ? json(*state.next_fetch) : json(nullptr)},
      {"deferred_since",
       state.deferred_since ? json(*state.deferred_since) : json(nullptr)},
      {"current", state.current},
      {"articles", std::move(articles)}};
  return write_if_changed(dir / kStateFile, j.dump(1) + "\n",
                          Durability::kSynced);
}

bool current_articles_intact(const fs::path& dir, const FeedState& state) {
  if (state.current.empty()) {
    return false;
  }
  std::error_code ec;
  for (const std::string& id : state.current) {
    const auto known = state.articles.find(id);
    if (known == state.articles.end() || known->second.size < 0 ||
        fs::file_size(dir / (id + ".md"), ec) !=
            static_cast<std::uintmax_t>(known->second.size) ||
        ec) {
      return false;
    }
  }
  return true;
}

std::string feed_index_header(const std::string& title,
                              const std::string& link) {
  return fmt::format("[{}]({})", escape_markdown_text(title), link);
}

std::string render_feed_index(
    const std::string& header_line,
    const std::map<std::string, ArticleEntry>& articles) {
  std::vector<std::pair<const std::string*, const ArticleEntry*>> order;
  order.reserve(articles.size());
  for (const auto& [id, entry] : articles) {
    order.emplace_back(&id, &entry);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) {
                     return sort_time_ms(*a.second) > sort_time_ms(*b.second);
                   });
  std::string out = header_line + "\n------\n\n";
  for (const auto& [id, entry] : order) {
    const UnixTime day =
        entry->published ? *entry->published : entry->captured_ms / 1000;
    out += fmt::format("- {} [{}]({}.md)\n", format_day(day), entry->title_md,
                       *id);
  }
  return out;
}

Result<void> write_feed_index(const fs::path& dir, const FeedState& state) {
  return write_if_changed(
      dir / kIndexFile,
      render_feed_index(feed_index_header(state.title, state.link),
                        state.articles));
}

// A feed folder's index.md, or nothing if it has none yet (a feed only
// deferred by Retry-After); an error if it cannot be read.
Result<std::optional<std::string>> read_feed_index(const fs::path& dir) {
  std::error_code ec;
  const bool exists = fs::exists(dir / kIndexFile, ec);
  if (ec) {
    return fail("write", (dir / kIndexFile).string(), ec.message());
  }
  if (!exists) {
    return std::optional<std::string>();
  }
  std::optional<std::string> text = read_file(dir / kIndexFile);
  if (!text) {
    return fail("write", (dir / kIndexFile).string(), "cannot be read");
  }
  return text;
}

Result<void> write_root_index(const fs::path& archive) {
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
    const std::string& text = **index;
    const std::string title = link_text_of(line_at(text, 0)).value_or(id);
    std::size_t count = 0;
    for (std::size_t pos = text.find("\n- "); pos != std::string::npos;
         pos = text.find("\n- ", pos + 1)) {
      ++count;
    }
    feeds.emplace_back(
        title, fmt::format("- [{}]({}/index.md) ({} article{})\n", title, id,
                           count, count == 1 ? "" : "s"));
  }
  if (ec) {
    return fail("write", archive.string(), ec.message());
  }
  std::sort(feeds.begin(), feeds.end());
  std::string out = "Feeds\n------\n\n";
  for (const auto& feed : feeds) {
    out += feed.second;
  }
  return write_if_changed(archive / kIndexFile, out);
}

Result<int> rebuild_indexes(const fs::path& archive) {
  std::error_code ec;
  if (!fs::is_directory(archive, ec)) {
    return fail("index", archive.string(), "no such archive directory");
  }
  remove_stale_temporaries(archive);
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
    const auto articles = scan_articles(dir);
    if (!articles) {
      return tl::unexpected(articles.error());
    }
    if (articles->empty() && !fs::exists(dir / kIndexFile, type_ec)) {
      continue;  // a feed never archived yet, only deferred (Retry-After)
    }
    if (auto written = write_if_changed(dir / kIndexFile,
                                        render_feed_index(header, *articles));
        !written) {
      return tl::unexpected(written.error());
    }
    ++feeds;
  }
  if (ec) {
    return fail("index", archive.string(), ec.message());
  }
  if (auto written = write_root_index(archive); !written) {
    return tl::unexpected(written.error());
  }
  return feeds;
}

Result<ArchiveLock> ArchiveLock::acquire(const fs::path& archive, bool wait) {
  const fs::path path = archive / ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail("config", path.string(), std::strerror(errno));
  }
  int status = 0;
  do {
    status = ::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
  } while (status != 0 && errno == EINTR);
  if (status != 0) {
    const int error = errno;
    ::close(fd);
    return error == EWOULDBLOCK
               ? fail("lock", archive.string(),
                      "locked by another feedmark run (use --wait to wait)")
               : fail("config", path.string(), std::strerror(error));
  }
  return ArchiveLock(fd);
}

ArchiveLock::ArchiveLock(ArchiveLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

ArchiveLock::~ArchiveLock() {
  if (fd_ >= 0) {
    ::close(fd_);  // releases the lock
  }
}

void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().starts_with(".tmp-")) {
      fs::remove(e.path(), ec);
    }
  }
}

}  // namespace feedmark
