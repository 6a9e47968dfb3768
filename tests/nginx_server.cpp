#include "nginx_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "test_support.h"

extern char** environ;

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

void run(const std::string& command) {
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("failed: " + command);
  }
}

// A port the kernel hands out now; nginx binds it a moment later.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), size);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok =
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

void make_certificates(const fs::path& dir) {
  const std::string d = dir.string();
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1";
  run(fmt::format(
      "cd '{}' && openssl req -x509 {} -nodes -keyout ca.key "
      "-out ca.pem -days 2 -subj '/CN=feedmark test CA' 2>/dev/null",
      d, ec));
  run(
      fmt::format("cd '{}' && openssl req -x509 {} -nodes -keyout other.key "
                  "-out other.pem -days 2 -subj '/CN=another CA' 2>/dev/null",
                  d, ec));
  write_text(dir / "san.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run(fmt::format(
      "cd '{}' && openssl req {} -nodes -keyout server.key -out server.csr "
      "-subj '/CN=127.0.0.1' 2>/dev/null && openssl x509 -req -in server.csr "
      "-CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
      "-extfile san.ext 2>/dev/null",
      d, ec));
}

std::string config(const fs::path& dir, int port, int backend_port) {
  const std::string d = dir.string();
  return fmt::format(
      R"({user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 1024; }}
http {{
  log_format feedmark '$connection $server_protocol $status $request_uri '
                      '$msec $request_time';
  access_log {d}/access.log feedmark;
  client_body_temp_path {d}/tmp;
  proxy_temp_path {d}/tmp;
  fastcgi_temp_path {d}/tmp;
  uwsgi_temp_path {d}/tmp;
  scgi_temp_path {d}/tmp;
  upstream backend {{ server 127.0.0.1:{backend}; keepalive 128; }}
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {d}/server.pem;
    ssl_certificate_key {d}/server.key;
    http2_max_concurrent_streams 128;
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
    }}
  }}
}}
)",
      fmt::arg("user", ::geteuid() == 0 ? "user root;\n" : ""),
      fmt::arg("d", d), fmt::arg("port", port),
      fmt::arg("backend", backend_port));
}

}  // namespace

NginxServer::NginxServer(const fs::path& dir, int backend_port)
    : dir_(dir), port_(free_port()) {
  fs::create_directories(dir_ / "tmp");
  make_certificates(dir_);
  write_text(dir_ / "nginx.conf", config(dir_, port_, backend_port));
  const std::string conf = (dir_ / "nginx.conf").string();
  const std::string error_log = (dir_ / "error.log").string();
  const std::string prefix = dir_.string() + "/";
  std::vector<std::string> args = {
      "nginx", "-g", "daemon off;", "-c", conf, "-p", prefix, "-e", error_log};
  std::vector<char*> argv;
  for (std::string& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  if (::posix_spawnp(&pid_, "nginx", nullptr, nullptr, argv.data(), environ) !=
      0) {
    throw std::runtime_error("cannot start nginx (is nginx-light installed?)");
  }
  for (int i = 0; i < 200 && !accepts(port_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (!accepts(port_)) {
    throw std::runtime_error("nginx did not start: " +
                             read_text(dir_ / "error.log"));
  }
}

NginxServer::~NginxServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string NginxServer::url(const std::string& path) const {
  return fmt::format("https://127.0.0.1:{}{}", port_, path);
}

std::vector<NginxServer::Logged> NginxServer::log() const {
  std::vector<Logged> lines;
  std::ifstream in(dir_ / "access.log");
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    Logged l;
    words >> l.connection >> l.protocol >> l.status >> l.uri >> l.end >>
        l.duration;
    lines.push_back(std::move(l));
  }
  return lines;
}

}  // namespace feedmark::test
