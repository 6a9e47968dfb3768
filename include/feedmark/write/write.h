#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "feedmark/extract/extract.h"

namespace feedmark {

/// The five-line article file (SPEC "The article file").
std::string render_article(const Article& article, std::int64_t captured_ms);

/// The part of a rendered article after its first (capture time) line: what
/// decides whether an article changed.
std::string_view article_content(std::string_view rendered);

/// The text of a line's leading Markdown link: "[a \] b](x)" -> "a \] b".
std::optional<std::string> link_text_of(std::string_view line);

/// Line `index` (from 0) of `text`, without its newline; "" past the end.
std::string_view line_at(std::string_view text, int index);

/// A title as Markdown link text: \ [ ] * _ ` < ~ escaped, & only where it
/// would start an entity reference.
std::string escape_markdown_text(std::string_view text);

/// Whether a write must reach the disk before the file is put in place.
enum class Durability { kCached, kSynced };

/// A file written in full beside its destination (`.tmp-PID-N-NAME.part`),
/// not yet in place: commit() renames it over the destination, and a staged
/// file never committed is deleted.
class StagedFile {
 public:
  static Result<StagedFile> write(const std::filesystem::path& path,
                                  std::string_view content,
                                  Durability durability = Durability::kCached);
  /// rename(2) into place: readers see the old file or the new one, whole.
  Result<void> commit();
  const std::filesystem::path& path() const { return path_; }

  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  ~StagedFile();

 private:
  StagedFile(std::filesystem::path path, std::filesystem::path temp)
      : path_(std::move(path)), temp_(std::move(temp)) {}
  std::filesystem::path path_;
  std::filesystem::path temp_;  ///< empty once committed or moved from
};

/// Writes `content` to `path` through a staged file: the file is either
/// complete or untouched.
Result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::string_view content,
                                   Durability durability = Durability::kCached);

/// syncfs(2) of the file system holding `dir`: every file written so far,
/// data and names, is on the disk. One call makes a batch of writes durable
/// for the price of one flush.
Result<void> sync_file_system(const std::filesystem::path& dir);

/// Test seams, read once from the environment, so that end-to-end tests can
/// fail or interrupt a run at a point they choose:
/// FEEDMARK_FAULT_WRITE=N makes the Nth file staged by the process fail with
/// ENOSPC, and FEEDMARK_FAULT_WRITE=N- that one and every later one (a full
/// disk); FEEDMARK_FAULT_STOP=N makes the process stop itself (SIGSTOP)
/// right after its Nth commit, for the test to look and then kill it.
void after_commit_for_tests();

}  // namespace feedmark
