#include "store/format_switch.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

#include "store/archive_files.h"
#include "feedmark/store/archive.h"
#include "feedmark/store/catalogue.h"
#include "feedmark/util/parallel.h"
#include "feedmark/write/write.h"

namespace feedmark {

namespace fs = std::filesystem;

Result<std::size_t> rewrite_in_format(
    const fs::path& dir, const ArticleRenderer& renderer,
    const FeedContext& feed, const std::unordered_set<std::string>& written) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string id = article_id_of(it->path());
    if (!id.empty() && !written.contains(id)) {
      files.push_back(it->path());
    }
  }
  if (ec) {
    return fail("write", dir.string(), ec.message());
  }
  std::atomic<std::size_t> rewritten{0};
  std::mutex failure_mutex;
  std::optional<Error> failure;
  parallel_for(files.size(), 0, [&](std::size_t i) {
    const std::optional<std::string> text = read_whole_file(files[i]);
    std::optional<ArticleFile> file =
        text ? read_article_file(*text) : std::nullopt;
    if (!file) {
      return;
    }
    file->article.id = files[i].stem().string();
    const std::string again =
        renderer.render(file->article, feed, file->captured_ms);
    if (again == *text) {
      return;
    }
    if (auto done = write_file_atomically(files[i], again); !done) {
      const std::lock_guard lock(failure_mutex);
      failure = failure.value_or(done.error());
      return;
    }
    ++rewritten;
  });
  if (failure) {
    return tl::unexpected(*failure);
  }
  return rewritten.load();
}

Result<std::size_t> convert_articles(const fs::path& archive,
                                     const ArticleRenderer& renderer) {
  const std::string shape = renderer.shape();
  std::size_t converted = 0;
  std::error_code ec;
  for (fs::directory_iterator it(archive, ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string id = it->path().filename().string();
    std::error_code type_ec;
    if (!is_hex16(id) || !it->is_directory(type_ec)) {
      continue;
    }
    std::optional<FeedState> state = read_state_file(it->path());
    if (state && state->format == shape) {
      continue;
    }
    // Without a state the files tell: those already in this shape stay.
    const FeedContext feed{state ? state->title : "", state ? state->link : "",
                           id};
    Result<std::size_t> rewritten =
        rewrite_in_format(it->path(), renderer, feed, {});
    if (!rewritten) {
      return tl::unexpected(rewritten.error());
    }
    converted += *rewritten;
    if (state) {
      state->format = shape;
      if (auto saved = save_feed_state(it->path(), *state); !saved) {
        return tl::unexpected(saved.error());
      }
    }
  }
  if (ec) {
    return fail("index", archive.string(), ec.message());
  }
  return converted;
}

}  // namespace feedmark
