#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace feedmark {

/// A bump allocator for one HTML parse: gumbo allocates tens of thousands of
/// small nodes per document; freeing them one by one costs more than the
/// parse. Everything is released at once by reset().
class Arena {
 public:
  explicit Arena(std::size_t block_size = 1 << 20) : block_size_(block_size) {}
  void* allocate(std::size_t size);
  /// Forgets every allocation; keeps up to 8 MiB of blocks for reuse.
  void reset();

 private:
  struct Block {
    std::unique_ptr<std::byte[]> data;
    std::size_t size;
  };
  std::size_t block_size_;
  std::vector<Block> blocks_;
  std::size_t current_ = 0;  ///< the block allocations come from
  std::size_t used_ = 0;     ///< bytes used in blocks_[current_]
};

}  // namespace feedmark
