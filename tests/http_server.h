#pragma once

#include <httplib.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace feedmark::test {

/// A real HTTP server on 127.0.0.1, on a port the kernel picks, serving from
/// a thread of the test process. Handlers are added before start().
class TestServer {
 public:
  /// One request as the server saw it, before its handler ran.
  struct Seen {
    std::string path;
    httplib::Headers headers;
    int remote_port = 0;  ///< the same for requests on one connection
  };

  TestServer();
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  httplib::Server& routes() { return server_; }
  /// Binds and starts serving; returns the port.
  int start();
  std::string url(const std::string& path) const;
  int port() const { return port_; }
  std::vector<Seen> requests() const;
  /// How many requests asked for `path`.
  std::size_t count(const std::string& path) const;

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
};

/// Serves `body` at `path` with ETag `etag`, answering 304 to a request
/// that sends it back in If-None-Match.
void serve_with_etag(TestServer& server, const std::string& path,
                     std::string body, std::string etag = "\"v1\"");

}  // namespace feedmark::test
