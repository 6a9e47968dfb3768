// The private-network guard's address classes (SPEC "Private networks").
#include "feedmark/fetch/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

namespace feedmark::test {
namespace {

bool private_address(const std::string& text) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  if (inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
    return is_private_address(reinterpret_cast<const sockaddr*>(&v4));
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  REQUIRE(inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1);
  return is_private_address(reinterpret_cast<const sockaddr*>(&v6));
}

}  // namespace

TEST_CASE(
    "Loopback, private, link-local, CGNAT, multicast and unspecified "
    "addresses are private",
    "[images]") {
  for (const char* text : {"127.0.0.1",
                           "127.255.0.9",
                           "10.1.2.3",
                           "172.16.0.1",
                           "172.31.255.255",
                           "192.168.1.1",
                           "169.254.169.254",
                           "100.64.0.1",
                           "100.127.255.254",
                           "0.0.0.0",
                           "224.0.0.1",
                           "239.255.255.250",
                           "255.255.255.255",
                           "::",
                           "::1",
                           "fc00::1",
                           "fd12:3456::1",
                           "fe80::1",
                           "ff02::1",
                           "::ffff:127.0.0.1",
                           "::ffff:10.0.0.1",
                           "::ffff:169.254.169.254",
                           "64:ff9b::7f00:1",
                           "::127.0.0.1"}) {
    INFO(text);
    CHECK(private_address(text));
  }
}

TEST_CASE("Public addresses are not", "[images]") {
  for (const char* text :
       {"1.1.1.1", "8.8.8.8", "93.184.216.34", "172.32.0.1", "172.15.255.255",
        "100.63.255.255", "100.128.0.1", "192.169.0.1", "2606:4700::1111",
        "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
        "2002:808:808::1"}) {
    INFO(text);
    CHECK_FALSE(private_address(text));
  }
}

TEST_CASE(
    "IP literals in URLs are classified, names are left to the "
    "connection",
    "[images]") {
  CHECK(is_private_ip_literal("127.0.0.1"));
  CHECK(is_private_ip_literal("[::1]"));
  CHECK(is_private_ip_literal("[fe80::1%25eth0]"));
  CHECK(is_private_ip_literal("[::ffff:192.168.0.1]"));
  CHECK_FALSE(is_private_ip_literal("8.8.8.8"));
  CHECK_FALSE(is_private_ip_literal("[2606:4700::1111]"));
  CHECK_FALSE(is_private_ip_literal("localhost"));
  CHECK_FALSE(is_private_ip_literal("example.com"));
}

}  // namespace feedmark::test
