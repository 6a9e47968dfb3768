#include "feedmark/cli/network_flags.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>

namespace feedmark {

HttpOptions http_options(const NetworkFlags& flags, std::int64_t now_ms) {
  HttpOptions http;
  http.jobs = flags.jobs;
  http.timeout = std::chrono::milliseconds(
      static_cast<std::int64_t>(flags.timeout_s * 1000));
  http.max_size = flags.max_size;
  http.retries = flags.retries;
  http.now = now_ms / 1000;
  // As curl reads them: the flag, else CURL_CA_BUNDLE, else SSL_CERT_FILE;
  // SSL_CERT_DIR for the directory. TLS is verified whatever they say.
  http.ca_file = flags.cacert;
  for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
    const char* value = std::getenv(name);
    if (http.ca_file.empty() && value != nullptr) {
      http.ca_file = value;
    }
  }
  if (const char* dir = std::getenv("SSL_CERT_DIR"); dir != nullptr) {
    http.ca_dir = dir;
  }
  http.cookie_file = flags.cookies;
  return http;
}

void add_network(CLI::App& command, NetworkFlags& flags) {
  command
      .add_option("--timeout", flags.timeout_s,
                  "Whole-transfer limit per attempt (default 30)")
      ->option_text("SECONDS")
      ->check(CLI::Range(0.001, 86400.0));
  command
      .add_option("--max-size", flags.max_size,
                  "Abort a response larger than this (default 33554432, "
                  "32 MiB)")
      ->option_text("BYTES")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--retries", flags.retries,
                  "Retries of connect errors and 5xx, with backoff (0-10, "
                  "default 2)")
      ->option_text("N")
      ->check(CLI::Range(0, 10));
  command
      .add_option("--user-agent", flags.user_agent,
                  "The User-Agent header (default feedmark/VERSION)")
      ->option_text("TEXT");
  command
      .add_option("--cacert", flags.cacert,
                  "Trust these certificate authorities (PEM) besides the "
                  "system's")
      ->option_text("FILE")
      ->check(CLI::ExistingFile);
  command
      .add_option("--cookies", flags.cookies,
                  "Send the cookies of this Netscape cookie file to the "
                  "domains they name (never written)")
      ->option_text("FILE")
      ->check(CLI::ExistingFile);
}

}  // namespace feedmark
