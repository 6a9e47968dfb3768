#pragma once

#include <string>

namespace feedmark {

/// "HTTP 404 Not Found" for the statuses feeds meet, else "HTTP 418".
std::string status_text(long status);

/// 301, 302, 303, 307 and 308: followed by hand, hop by hop.
bool is_redirect(long status);

}  // namespace feedmark
