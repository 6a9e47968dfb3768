#include "feedmark/arena.h"

#include <algorithm>

namespace feedmark {

void* Arena::allocate(std::size_t size) {
  constexpr std::size_t kAlign = alignof(std::max_align_t);
  size = (size + kAlign - 1) & ~(kAlign - 1);
  if (blocks_.empty() || used_ + size > blocks_.back().size) {
    const std::size_t block = std::max(block_size_, size);
    blocks_.push_back({std::make_unique<std::byte[]>(block), block});
    used_ = 0;
  }
  void* p = blocks_.back().data.get() + used_;
  used_ += size;
  return p;
}

void Arena::reset() {
  if (blocks_.size() > 1) {
    blocks_.erase(blocks_.begin() + 1, blocks_.end());
  }
  used_ = 0;
}

}  // namespace feedmark
