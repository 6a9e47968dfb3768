#pragma once

// Character references as HTML's tokenizer reads them, for the direct
// reader (direct_tree.h): only where the meaning is certain without
// HTML's whole table of 2,231 names.

#include <string>
#include <string_view>

namespace feedmark::html {

enum class ReferenceContext { kText, kAttribute };

/// Reads the reference at the start of `html` (which starts with '&'),
/// appends what it stands for to `out` and removes it from `html`. False
/// when the tokenizer could read it otherwise than this reader can tell:
/// a name it does not know, a legacy name without ";" ("&copy 2022"), a
/// number HTML replaces ("&#150;" is "–", from windows-1252).
bool take_reference(std::string_view& html, ReferenceContext context,
                    std::string& out);

}  // namespace feedmark::html
