// The private-network guard (SPEC "Private networks"): images and article
// pages come from URLs a feed chose, so a feed must not make feedmark reach
// the machine's own services or its LAN ("http://169.254.169.254/" is a
// cloud's metadata service; "http://router.lan/reboot" a home router).

#include "feedmark/fetch/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace feedmark {
namespace {

struct Block4 {
  std::uint32_t network;
  int prefix;
};

constexpr std::uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

constexpr std::array<Block4, 12> kPrivate4{{
    {ip4(0, 0, 0, 0), 8},       // "this network", 0.0.0.0 included
    {ip4(10, 0, 0, 0), 8},      // RFC 1918
    {ip4(100, 64, 0, 0), 10},   // CGNAT, RFC 6598
    {ip4(127, 0, 0, 0), 8},     // loopback
    {ip4(169, 254, 0, 0), 16},  // link-local, cloud metadata services
    {ip4(172, 16, 0, 0), 12},   // RFC 1918
    {ip4(192, 0, 0, 0), 24},    // IETF protocol assignments
    {ip4(192, 168, 0, 0), 16},  // RFC 1918
    {ip4(198, 18, 0, 0), 15},   // benchmarking networks
    {ip4(224, 0, 0, 0), 4},     // multicast
    {ip4(240, 0, 0, 0), 4},     // reserved, and the broadcast address
    {ip4(192, 88, 99, 0), 24},  // 6to4 relays
}};

bool is_private_v4(std::uint32_t address) {
  for (const Block4& b : kPrivate4) {
    const std::uint32_t mask =
        b.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - b.prefix);
    if ((address & mask) == b.network) {
      return true;
    }
  }
  return false;
}

std::uint32_t v4_at(const unsigned char* bytes) {
  return ip4(bytes[0], bytes[1], bytes[2], bytes[3]);
}

bool all_zero(const unsigned char* bytes, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (bytes[i] != 0) {
      return false;
    }
  }
  return true;
}

bool is_private_v6(const unsigned char* b) {
  // ::/96 holds :: and ::1 and the old IPv4-compatible form; ::ffff:0:0/96
  // IPv4-mapped addresses; 64:ff9b::/96 NAT64, which reaches the IPv4
  // address it embeds.
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0,    0,
                                                0, 0, 0, 0, 0xff, 0xff};
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0,
                                               0, 0,    0,    0,    0, 0};
  if (all_zero(b, 12) || std::memcmp(b, kMapped, 12) == 0 ||
      std::memcmp(b, kNat64, 12) == 0) {
    return all_zero(b, 12) && (b[12] | b[13] | b[14]) == 0
               ? true  // ::, ::1 and the rest of ::/104
               : is_private_v4(v4_at(b + 12));
  }
  return (b[0] & 0xfe) == 0xfc ||                    // fc00::/7, RFC 4193
         (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||  // fe80::/10 link-local
         (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) ||  // fec0::/10 site-local
         b[0] == 0xff ||                             // ff00::/8 multicast
         (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d &&
          b[3] == 0xb8);  // 2001:db8::/32, documentation
}

}  // namespace

bool is_private_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    return is_private_v4(ntohl(in->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    return is_private_v6(in6->sin6_addr.s6_addr);
  }
  return true;  // a Unix socket or anything else is no public host
}

bool is_private_ip_literal(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string text(host.substr(0, host.find('%')));  // a zone id
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return is_private_v4(ntohl(v4.s_addr));
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    return is_private_v6(v6.s6_addr);
  }
  return false;
}

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr,
              text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6,
              &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof text);
  }
  return text;
}

}  // namespace feedmark
