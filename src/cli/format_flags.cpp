#include "feedmark/cli/format_flags.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

namespace feedmark {

void add_format_flags(CLI::App& command, FormatFlags& flags,
                      bool with_template) {
  command
      .add_option("--format", flags.format,
                  "Article and index layout (default seed)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, ArticleFormat>{
          {"seed", ArticleFormat::kSeed},
          {"hugo", ArticleFormat::kHugo},
          {"obsidian", ArticleFormat::kObsidian}}))
      ->option_text("seed|hugo|obsidian");
  if (with_template) {
    command
        .add_option("--template", flags.template_path,
                    "Write articles through this Mustache template")
        ->option_text("FILE");
  }
}

Result<ArticleRenderer> make_renderer(const FormatFlags& flags) {
  const ArticleFormat format = flags.format.value_or(ArticleFormat::kSeed);
  if (flags.template_path.empty()) {
    return ArticleRenderer(format);
  }
  std::ifstream in(flags.template_path, std::ios::binary);
  if (!in) {
    return fail(
        "config", flags.template_path,
        fmt::format("cannot read the template: {}", std::strerror(errno)));
  }
  std::string text((std::istreambuf_iterator<char>(in)), {});
  return ArticleRenderer::from_template(flags.template_path, std::move(text),
                                        format);
}

}  // namespace feedmark
