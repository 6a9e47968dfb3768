#pragma once

// A real HTTP/2 server for tests: Debian's nginx on 127.0.0.1, TLS with a
// certificate authority the test makes (openssl), proxying every request
// to a backend of the test's own (a TestServer) over HTTP/1.1. Its access
// log names the client connection of each request, so a test can count
// the connections a client opened.

#include <filesystem>
#include <string>
#include <vector>

namespace feedmark::test {

class NginxServer {
 public:
  /// One line of the access log.
  struct Logged {
    std::string connection;  ///< nginx's serial number of the connection
    std::string protocol;    ///< "HTTP/2.0", "HTTP/1.1"
    int status = 0;
    std::string uri;
    double end = 0;       ///< when the response ended (s since the epoch)
    double duration = 0;  ///< from the request's first byte to then
  };

  /// Makes a CA and a certificate for 127.0.0.1 and localhost in `dir`,
  /// starts nginx, and waits until it accepts connections. Throws on
  /// failure (nginx or openssl missing: the test fails, never skips).
  NginxServer(const std::filesystem::path& dir, int backend_port);
  ~NginxServer();
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  std::string url(const std::string& path) const;
  /// The CA that signed the server's certificate (PEM).
  std::filesystem::path ca_file() const { return dir_ / "ca.pem"; }
  /// Another CA, which signed nothing here.
  std::filesystem::path other_ca_file() const { return dir_ / "other.pem"; }
  /// The access log so far (nginx writes each line as a request ends).
  std::vector<Logged> log() const;

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  int pid_ = -1;
};

}  // namespace feedmark::test
