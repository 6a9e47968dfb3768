#include "feedmark/util/arena.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>

TEST_CASE(
    "The arena hands out aligned, distinct memory and reuses it after reset",
    "[arena]") {
  feedmark::Arena arena(256);
  auto* a = static_cast<char*>(arena.allocate(10));
  auto* b = static_cast<char*>(arena.allocate(10));
  CHECK(reinterpret_cast<std::uintptr_t>(a) % alignof(std::max_align_t) == 0);
  CHECK(reinterpret_cast<std::uintptr_t>(b) % alignof(std::max_align_t) == 0);
  CHECK(b >= a + 10);
  std::memset(a, 'x', 10);
  std::memset(b, 'y', 10);
  CHECK(a[9] == 'x');

  SECTION("an allocation larger than a block gets a block of its own") {
    auto* big = static_cast<char*>(arena.allocate(10000));
    std::memset(big, 'z', 10000);
    CHECK(big[9999] == 'z');
    CHECK(b[0] == 'y');
  }
  SECTION("after reset the first block is used again") {
    arena.allocate(1000);
    arena.reset();
    CHECK(static_cast<char*>(arena.allocate(10)) == a);
  }
}
