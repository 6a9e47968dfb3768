#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

namespace feedmark {

/// Whether an address must not be reached for a URL a feed chose (SPEC
/// "Private networks"): loopback, private (RFC 1918, RFC 4193),
/// link-local, CGNAT (100.64/10), multicast, unspecified or reserved, also
/// inside IPv4-mapped, -compatible and NAT64 IPv6 addresses.
bool is_private_address(const sockaddr* address);

/// The same for an IP literal as written in a URL's host ("127.0.0.1",
/// "[::1]"); false for a name.
bool is_private_ip_literal(std::string_view host);

/// "127.0.0.1" or "::1".
std::string address_text(const sockaddr* address);

}  // namespace feedmark
