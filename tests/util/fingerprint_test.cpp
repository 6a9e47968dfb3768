// Fingerprints decide that nothing changed: any changed byte must show.
#include <catch2/catch.hpp>
#include <string>

#include "feedmark/util/sha256.h"

namespace {

std::string blocks_of(const std::string& body) {
  return feedmark::Fingerprint().add("x").add_in_blocks(body).hex();
}

}  // namespace

TEST_CASE("A body hashed in blocks: the same bytes, the same fingerprint",
          "[util][fingerprint]") {
  std::string body(9 * (1 << 20) + 123, 'a');
  for (std::size_t i = 0; i < body.size(); i += 4093) {
    body[i] = static_cast<char>('a' + i % 26);
  }
  const std::string first = blocks_of(body);
  CHECK(first.size() == 32);
  CHECK(blocks_of(body) == first);
  // A byte changed in the first, a middle or the last block, or one more.
  for (std::size_t at :
       {std::size_t{0}, std::size_t{(1 << 20) * 4 + 7}, body.size() - 1}) {
    std::string changed = body;
    changed[at] = '#';
    CHECK(blocks_of(changed) != first);
  }
  CHECK(blocks_of(body + '\0') != first);
  CHECK(blocks_of(body.substr(0, body.size() - 1)) != first);
  // Small bodies too, and the empty one.
  CHECK(blocks_of("") != blocks_of(std::string(1, '\0')));
  CHECK(blocks_of("abc") != blocks_of("abd"));
}
