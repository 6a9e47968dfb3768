#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace feedmark {

/// An XML document made parseable, and what that took.
struct XmlRepair {
  std::string text;      ///< the repaired document, when `changed`
  bool changed = false;  ///< false: parse the original text as it is
  /// One short line per kind of error found ("line 12: escaped a bare &
  /// (3 in all)"); empty when the document is well-formed.
  std::vector<std::string> warnings;
};

/// Repairs what a lenient feed reader forgives, in one pass over the text
/// (linear in its size): bare `&`, HTML's named entities (decoded),
/// undefined entities (kept as text), bad character references, `<` that
/// starts no tag, unquoted or valueless attributes, end tags that close
/// nothing, elements left open (closed where their parent ends, HTML void
/// elements like `<br>` self-closed), a document cut off in the middle
/// (everything open is closed), text before the root element or the XML
/// declaration, anything after the root element, and undeclared namespace
/// prefixes (reported only). A well-formed document comes back unchanged
/// and without warnings, but for three readings any reader makes: entities
/// its internal DTD subset declares are expanded, character references to
/// C1 controls (&#146;) mean windows-1252 characters, and runs of character
/// references that spell UTF-8 bytes (&#226;&#128;&#166;) mean the character
/// they encode.
XmlRepair repair_xml(std::string_view text);

}  // namespace feedmark
