#pragma once

// The images of a feed folder (SPEC "Images"): `<feed>/media/<16 hex of
// SHA-256 of the URL>.<ext>`, found by name, so that an image already saved
// is never requested again.

#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>

#include "feedmark/extract/sanitize.h"
#include "feedmark/util/error.h"

namespace feedmark {

class MediaStore final : public ImageLocator {
 public:
  explicit MediaStore(std::filesystem::path feed_dir)
      : media_(std::move(feed_dir) / "media") {}

  /// "media/<hash>.<ext>" when the image is in the folder, else "": one
  /// stat(2) per kept type the first time a URL is asked about.
  std::string local_path(const std::string& url) const override;
  /// Where the download of `url` goes before it is known to be an image.
  std::filesystem::path temporary_for(const std::string& url) const;
  /// Puts a downloaded image in place under its name and type.
  Result<void> place(const std::string& url,
                     const std::filesystem::path& temporary,
                     const std::string& extension);
  Result<void> create_folder() const;

 private:
  std::filesystem::path media_;
  mutable std::mutex mutex_;
  /// By URL hash: the local path, or "" when none is there.
  mutable std::unordered_map<std::string, std::string> known_;
};

}  // namespace feedmark
