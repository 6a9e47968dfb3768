#pragma once

// The shapes an article file can take (SPEC "Formats"): seed's five lines,
// Hugo's and Obsidian's front matter, or a Mustache template of the user's.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "feedmark/extract/extract.h"
#include "feedmark/util/error.h"

namespace feedmark {

enum class ArticleFormat { kSeed, kHugo, kObsidian };

/// "seed", "hugo", "obsidian"
const char* format_name(ArticleFormat format);

/// What an article shows of its feed.
struct FeedContext {
  std::string title;  ///< plain text
  std::string link;
  std::string id;  ///< the feed folder's name
};

/// An article rendered up to its capture time, which is all a rewrite of
/// an unchanged article changes: prepared once, assembled for any time.
struct PreparedArticle {
  const Article* article = nullptr;
  const FeedContext* feed = nullptr;
  std::string header_html;
  std::string body_html;      ///< header and body as seed's last line
  std::string body_markdown;  ///< for obsidian and templates that use it
};

/// Renders articles in one format, or through a template; cheap to copy,
/// used by every thread of a run at once.
class ArticleRenderer {
 public:
  ArticleRenderer() = default;
  explicit ArticleRenderer(ArticleFormat format) : format_(format) {}
  /// A Mustache template (`--template FILE`): an error names the file
  /// and what is wrong with the template.
  /// `format` still shapes the indexes.
  static Result<ArticleRenderer> from_template(const std::string& path,
                                               std::string text,
                                               ArticleFormat format);

  PreparedArticle prepare(const Article& article,
                          const FeedContext& feed) const;
  std::string assemble(const PreparedArticle& prepared,
                       std::int64_t captured_ms) const;
  std::string render(const Article& article, const FeedContext& feed,
                     std::int64_t captured_ms) const {
    return assemble(prepare(article, feed), captured_ms);
  }

  ArticleFormat format() const { return format_; }
  /// Hugo: the archive's path in its site ("/", "/news/"; hugo.h).
  void set_site_root(std::string root) { site_root_ = std::move(root); }
  /// Seed's five-line files, no template: their capture time is their
  /// first line alone.
  bool writes_seed() const {
    return template_ == nullptr && format_ == ArticleFormat::kSeed;
  }
  bool has_template() const { return template_ != nullptr; }
  /// What shapes the files, for fingerprints: "hugo /", "template 3f2a…".
  std::string shape() const;

 private:
  std::string render_template(const PreparedArticle& prepared,
                              std::int64_t captured_ms) const;

  ArticleFormat format_ = ArticleFormat::kSeed;
  std::string site_root_ = "/";
  std::shared_ptr<const std::string> template_;
  bool template_wants_markdown_ = false;
};

/// What an index needs of an article file, read back from its first lines
/// in any of the formats.
struct ArticleHead {
  std::string title_md;  ///< as a Markdown link text
  std::optional<UnixTime> published;
  std::int64_t captured_ms = 0;
};
/// Nothing if `text` (the file, or at least its front matter or first five
/// lines) is no article feedmark wrote.
std::optional<ArticleHead> read_article_head_of(std::string_view text);

/// An article file read back whole, for rewriting it in another format
/// (SPEC "Formats": a switch rewrites every article once). Seed and Hugo
/// files give back the article exactly; Obsidian's Markdown body is
/// rendered back to HTML (cmark-gfm). A template's files are not read.
struct ArticleFile {
  Article article;
  std::int64_t captured_ms = 0;
};
std::optional<ArticleFile> read_article_file(std::string_view text);

/// "a \] b" -> "a ] b": the reverse of escape_markdown_text.
std::string unescape_markdown_text(std::string_view text);

/// Whether `text`, a file's beginning, holds all read_article_head_of
/// needs: a seed file's first five lines, or a whole front matter.
bool has_complete_head(std::string_view text);

}  // namespace feedmark
