#include "feedmark/util/sha256.h"

#include <openssl/evp.h>

#include <cstdint>
#include <new>

#include "feedmark/util/parallel.h"

namespace feedmark {
namespace {

std::string hex_of(const unsigned char* digest, std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * bytes, '0');
  for (std::size_t i = 0; i < bytes; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string short_hash(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  return hex_of(digest, 8);
}

struct Fingerprint::Context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(md); }
};

Fingerprint::Fingerprint() : context_(std::make_unique<Context>()) {
  if (context_->md == nullptr ||
      EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1) {
    throw std::bad_alloc();
  }
}

Fingerprint::~Fingerprint() = default;

Fingerprint& Fingerprint::add(std::string_view piece) {
  const std::uint64_t size = piece.size();
  EVP_DigestUpdate(context_->md, &size, sizeof size);
  EVP_DigestUpdate(context_->md, piece.data(), piece.size());
  return *this;
}

Fingerprint& Fingerprint::add_in_blocks(std::string_view piece) {
  constexpr std::size_t kBlock = 1 << 20;
  constexpr std::size_t kDigest = 32;
  const std::size_t blocks = (piece.size() + kBlock - 1) / kBlock;
  std::string digests(blocks * kDigest, '\0');
  parallel_for(blocks, 0, [&](std::size_t i) {
    const std::string_view block = piece.substr(i * kBlock, kBlock);
    unsigned int length = 0;
    EVP_Digest(block.data(), block.size(),
               reinterpret_cast<unsigned char*>(&digests[i * kDigest]), &length,
               EVP_sha256(), nullptr);
  });
  add(static_cast<long long>(piece.size()));
  return add(digests);
}

Fingerprint& Fingerprint::add(long long number) {
  EVP_DigestUpdate(context_->md, &number, sizeof number);
  return *this;
}

std::string Fingerprint::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->md, digest, &length);
  return hex_of(digest, 16);
}

}  // namespace feedmark
