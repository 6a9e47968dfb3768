#pragma once

// Feed discovery: the feeds a web page links (<link rel="alternate"
// type="application/rss+xml">…), for `feedmark discover` and for the error
// that names them when a source is a page rather than a feed.

#include <string>
#include <string_view>
#include <vector>

namespace feedmark::html {

/// The absolute http(s) URLs of the feeds `page` links with <link
/// rel="alternate"> of type RSS, Atom or JSON Feed, in document order,
/// each once; relative hrefs resolve against the page's <base href>,
/// itself against `page_url`.
std::vector<std::string> linked_feeds(std::string_view page,
                                      std::string_view page_url);

}  // namespace feedmark::html
