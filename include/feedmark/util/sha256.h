#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace feedmark {

/// The first 16 lowercase hex digits of SHA-256(text): feed and item ids.
std::string short_hash(std::string_view text);

/// SHA-256 over many pieces, for fingerprints of what shaped an output.
/// Each piece is framed by its length, so ("ab", "c") and ("a", "bc") differ.
class Fingerprint {
 public:
  Fingerprint();
  ~Fingerprint();
  Fingerprint(const Fingerprint&) = delete;
  Fingerprint& operator=(const Fingerprint&) = delete;

  Fingerprint& add(std::string_view piece);
  Fingerprint& add(long long number);
  /// A large piece (a 36 MB feed) hashed in 1 MiB blocks on every core,
  /// then the blocks' digests added: twice as fast on two cores, and the
  /// same bytes always give the same fingerprint (not add()'s).
  Fingerprint& add_in_blocks(std::string_view piece);
  /// 32 lowercase hex digits (128 bits): plenty to tell versions apart.
  std::string hex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace feedmark
