#pragma once

// `--format` and `--template` (SPEC "Formats"), shared by `fetch` and
// `index`.

#include <optional>
#include <string>

#include "feedmark/util/error.h"
#include "feedmark/write/format.h"

namespace CLI {
class App;
}

namespace feedmark {

struct FormatFlags {
  std::optional<ArticleFormat>
      format;  ///< not given: seed (fetch), as is (index)
  std::string template_path;
};

/// Adds --format (and, with `with_template`, --template) to `command`.
void add_format_flags(CLI::App& command, FormatFlags& flags,
                      bool with_template);

/// The renderer the flags ask for; a template that cannot be read or is no
/// Mustache template is an error naming the file (exit 2).
Result<ArticleRenderer> make_renderer(const FormatFlags& flags);

}  // namespace feedmark
