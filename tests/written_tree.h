#pragma once

// The sanitizer's promise, checked without the sanitizer's own code: its
// output is XML-shaped (every element closed, void ones "/>", attributes
// quoted, only XML's references), so pugixml reads the tree it spells; an
// HTML parser in a <body> (gumbo, as a browser) must build the same one.
// Used by tests/extract/parsed_tree_test.cpp and fuzz/fuzz_sanitize.cpp.

#include <string>
#include <string_view>

namespace feedmark::test {

/// "" if a browser builds the tree `html` spells; else what differs first.
std::string tree_difference(std::string_view html);

}  // namespace feedmark::test
