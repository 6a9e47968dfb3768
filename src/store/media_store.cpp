#include "media_store.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>

#include "feedmark/util/sha256.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;

// What sniff_image_head names, most common first.
constexpr std::array<const char*, 7> kExtensions = {
    "jpg", "png", "webp", "gif", "avif", "ico", "bmp"};

std::atomic<unsigned> temporaries{0};

}  // namespace

std::string MediaStore::local_path(const std::string& url) const {
  const std::string hash = short_hash(url);
  {
    const std::lock_guard lock(mutex_);
    if (const auto found = known_.find(hash); found != known_.end()) {
      return found->second;
    }
  }
  std::string path;
  std::error_code ec;
  for (const char* extension : kExtensions) {
    const std::string name = fmt::format("{}.{}", hash, extension);
    // An empty file is no image: a machine that stopped before the run's
    // syncfs can leave one under its final name.
    if (fs::is_regular_file(media_ / name, ec) &&
        fs::file_size(media_ / name, ec) > 0 && !ec) {
      path = "media/" + name;
      break;
    }
  }
  const std::lock_guard lock(mutex_);
  known_[hash] = path;
  return path;
}

fs::path MediaStore::temporary_for(const std::string& url) const {
  // The ".tmp-" prefix makes it a temporary that a later run removes if
  // this one is killed mid-download.
  return media_ / fmt::format(".tmp-{}-{}-{}.part", ::getpid(),
                              temporaries.fetch_add(1), short_hash(url));
}

Result<void> MediaStore::place(const std::string& url,
                               const fs::path& temporary,
                               const std::string& extension) {
  const std::string hash = short_hash(url);
  const std::string name = fmt::format("{}.{}", hash, extension);
  std::error_code ec;
  fs::rename(temporary, media_ / name, ec);
  if (ec) {
    const std::string cause = ec.message();
    fs::remove(temporary, ec);
    return fail("write", (media_ / name).string(), cause);
  }
  const std::lock_guard lock(mutex_);
  known_[hash] = "media/" + name;
  return {};
}

Result<void> MediaStore::create_folder() const {
  std::error_code ec;
  if (!fs::create_directories(media_, ec) && ec) {
    return fail("write", media_.string(), ec.message());
  }
  return {};
}

}  // namespace feedmark
