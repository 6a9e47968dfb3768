#pragma once

// A whole web page parsed by gumbo (bounded first, as fragments are), for
// the full-text extractor.

#include <gumbo.h>

#include <string>
#include <string_view>

namespace feedmark::html {

class ParsedPage {
 public:
  explicit ParsedPage(std::string_view html);
  ~ParsedPage();
  ParsedPage(const ParsedPage&) = delete;
  ParsedPage& operator=(const ParsedPage&) = delete;

  /// The <html> element.
  const GumboNode* root() const { return output_->root; }
  /// Its <head> and <body> (the parser always makes both).
  const GumboNode* head() const;
  const GumboNode* body() const;

 private:
  std::string source_;
  GumboOutput* output_ = nullptr;
};

}  // namespace feedmark::html
