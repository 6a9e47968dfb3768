#pragma once

// What gumbo's input stream does to characters before its tokenizer sees
// them (private to src/html): the direct reader (direct_tree.h) takes no
// text gumbo would change.

#include <string_view>

namespace feedmark::html {

/// Whether gumbo would read `text` otherwise than as its bytes say: a byte
/// that is not UTF-8 (U+FFFD), CR (LF), NUL, the C0 controls but tab, LF
/// and FF, DEL, the C1 controls, U+FDD0-U+FDEF, U+xFFFE and U+xFFFF.
bool gumbo_would_change(std::string_view text);

}  // namespace feedmark::html
