#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "feedmark/util/error.h"

namespace feedmark {

/// `<archive>/.undelivered`: one line (an article's JSON record) for every
/// article file put in place whose path may not have reached stdout yet.
/// A line is appended before its file is renamed into place, and the journal
/// is emptied only after a run has printed and flushed every path, so an
/// article written by a run that was killed, or whose output failed, is
/// printed again by the next run: delivery is at least once.
class DeliveryJournal {
 public:
  /// Opens (creating) the journal of `archive` and reads the records a past
  /// run left in it. Call under the archive lock.
  static Result<DeliveryJournal> open(const std::filesystem::path& archive);

  /// The records left by runs that did not finish delivering, oldest first.
  /// A line torn by a crash is skipped.
  const std::vector<std::string>& undelivered() const { return undelivered_; }

  /// Appends one record (a line without its newline). Thread-safe.
  Result<void> append(std::string_view record);

  /// Forgets every record: each path has been printed and flushed.
  Result<void> clear();

  DeliveryJournal(DeliveryJournal&& other) noexcept;
  DeliveryJournal& operator=(DeliveryJournal&&) = delete;
  DeliveryJournal(const DeliveryJournal&) = delete;
  ~DeliveryJournal();

 private:
  DeliveryJournal(int fd, std::filesystem::path path)
      : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
  std::vector<std::string> undelivered_;
  bool holds_records_ = false;  ///< the file is not empty
  std::mutex mutex_;
};

}  // namespace feedmark
