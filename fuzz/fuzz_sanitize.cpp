// libFuzzer target: one HTML fragment through the sanitizer, as a feed's
// body reaches it. Its promise (docs/decisions.md "Sanitizing"): a browser
// builds exactly the tree the output spells (read by pugixml, parsed by
// gumbo as in a <body>), and sanitizing the output again changes nothing.
// A broken promise aborts with the input and output on stderr.
//
// Input: the fragment's bytes; the last byte's low bit picks a base URL
// (relative links resolved) or none.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "feedmark/extract/sanitize.h"
#include "feedmark/decode/decode.h"
#include "written_tree.h"

namespace {

[[noreturn]] void broken(const char* promise, std::string_view input,
                         std::string_view output, std::string_view detail) {
  std::fprintf(stderr, "\nfeedmark fuzz: broken promise: %s\n", promise);
  std::fprintf(stderr, "--- input:\n%.*s\n--- output:\n%.*s\n--- %.*s\n",
               static_cast<int>(input.size()), input.data(),
               static_cast<int>(output.size()), output.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  // decode/ hands the sanitizer valid UTF-8 only.
  std::string input(reinterpret_cast<const char*>(data), size);
  feedmark::repair_utf8(input);
  feedmark::SanitizeOptions options;
  options.base_url =
      size > 0 && (data[size - 1] & 1) ? "https://example.com/a/b.html" : "";
  const std::string once = feedmark::sanitize_html(input, options).html;
  if (const std::string difference = feedmark::test::tree_difference(once);
      !difference.empty()) {
    broken("a browser builds the tree the output spells", input, once,
           difference);
  }
  const std::string twice = feedmark::sanitize_html(once, options).html;
  if (twice != once) {
    broken("sanitizing the output again changes nothing", input, once, twice);
  }
  return 0;
}
