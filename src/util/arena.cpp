#include "feedmark/util/arena.h"

#include <algorithm>

namespace feedmark {
namespace {

// Blocks kept between parses; a huge item's extra blocks are given back.
constexpr std::size_t kKeptBytes = 8 << 20;

}  // namespace

void* Arena::allocate(std::size_t size) {
  constexpr std::size_t kAlign = alignof(std::max_align_t);
  size = (size + kAlign - 1) & ~(kAlign - 1);
  while (current_ < blocks_.size() && used_ + size > blocks_[current_].size) {
    ++current_;
    used_ = 0;
  }
  if (current_ == blocks_.size()) {
    const std::size_t block = std::max(block_size_, size);
    blocks_.push_back(
        {std::make_unique_for_overwrite<std::byte[]>(block), block});
    used_ = 0;
  }
  void* p = blocks_[current_].data.get() + used_;
  used_ += size;
  return p;
}

void Arena::reset() {
  std::size_t kept = 0;
  std::size_t count = 0;
  while (count < blocks_.size() && kept + blocks_[count].size <= kKeptBytes) {
    kept += blocks_[count++].size;
  }
  blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(
                                      std::max<std::size_t>(count, 1)),
                blocks_.end());
  current_ = 0;
  used_ = 0;
}

}  // namespace feedmark
