#include <curl/curl.h>

#include <cstdio>
#include <exception>
#include <new>

#include "feedmark/cli/cli.h"

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    return feedmark::run_cli(argc, argv, stdout, stderr);
  } catch (const std::bad_alloc&) {
    std::fputs("feedmark: out of memory\n", stderr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "feedmark: internal error: %s\n", e.what());
  }
  return feedmark::kExitSourceFailed;
}
