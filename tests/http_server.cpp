#include "http_server.h"

#include <algorithm>
#include <thread>

namespace feedmark::test {

TestServer::TestServer() {
  server_.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response&) {
        const std::lock_guard lock(mutex_);
        seen_.push_back({req.path, req.headers, req.remote_port});
        return httplib::Server::HandlerResponse::Unhandled;
      });
}

TestServer::~TestServer() {
  server_.stop();
  if (thread_.joinable()) {
    thread_.join();
  }
}

int TestServer::start() {
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // httplib's stop() does nothing before the accept loop runs, so a server
  // stopped right after start() would never return from listen.
  while (!server_.is_running()) {
    std::this_thread::yield();
  }
  return port_;
}

std::string TestServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<TestServer::Seen> TestServer::requests() const {
  const std::lock_guard lock(mutex_);
  return seen_;
}

std::size_t TestServer::count(const std::string& path) const {
  const std::lock_guard lock(mutex_);
  return std::count_if(seen_.begin(), seen_.end(),
                       [&](const Seen& s) { return s.path == path; });
}

void serve_with_etag(TestServer& server, const std::string& path,
                     std::string body, std::string etag) {
  server.routes().Get(path,
                      [body = std::move(body), etag = std::move(etag)](
                          const httplib::Request& req, httplib::Response& res) {
                        if (req.get_header_value("If-None-Match") == etag) {
                          res.status = 304;
                          return;
                        }
                        res.set_header("ETag", etag);
                        res.set_content(body, "application/rss+xml");
                      });
}

}  // namespace feedmark::test
