// Reading an article file back whole, to write it again in another format
// (SPEC "Formats": switching formats rewrites every article once).

#include "feedmark/extract/sanitize.h"
#include "feedmark/html/text.h"
#include "feedmark/write/format.h"
#include "feedmark/write/front_matter.h"
#include "feedmark/write/hugo.h"
#include "feedmark/write/markdown.h"
#include "feedmark/write/write.h"
#include "write/article_parts.h"

namespace feedmark {
namespace {

// Seed's header: "<div><i>date</i></div>", "<img src=… width="100%">",
// "<div><small …>caption</small></div>", each only when known.
void take_header(std::string_view& line, Article& a) {
  if (auto date = article_parts::take(line, "<div><i>", "</i></div>")) {
    a.published = parse_date(*date);
  }
  if (auto image =
          article_parts::take(line, "<img src=\"", "\" width=\"100%\">")) {
    a.image = unescape_basic_html(*image);
    if (auto caption = article_parts::take(
            line, "<div><small style=\"color: #999;\">", "</small></div>")) {
      a.caption = unescape_basic_html(*caption);
    }
  }
}

// The header and body of seed's last line; the <div> the writer may have
// wrapped it in is told apart by writing the line again.
bool take_html_line(std::string_view line, Article& a) {
  for (const bool unwrap : {true, false}) {
    std::string_view rest = line;
    if (unwrap) {
      if (!rest.starts_with("<div>") || !rest.ends_with("</div>")) {
        continue;
      }
      rest = rest.substr(5, rest.size() - 11);
    }
    Article candidate = a;
    take_header(rest, candidate);
    candidate.body_html = std::string(rest);
    if (article_parts::html_line(article_parts::render_header(candidate),
                                 candidate.body_html) == line) {
      a = std::move(candidate);
      return true;
    }
  }
  return line.empty();
}

std::optional<ArticleFile> read_seed(std::string_view text) {
  const std::optional<ArticleHead> head = read_article_head_of(text);
  const std::string_view link_line = line_at(text, 1);
  if (!head || !link_line.ends_with(')') ||
      link_line.size() < head->title_md.size() + 4) {
    return std::nullopt;
  }
  ArticleFile file;
  file.captured_ms = head->captured_ms;
  file.article.title = unescape_markdown_text(head->title_md);
  // The title's "](" is escaped: the first unescaped one ends it.
  const std::size_t title_end = 1 + head->title_md.size();
  file.article.link = std::string(
      link_line.substr(title_end + 2, link_line.size() - title_end - 3));
  if (!take_html_line(line_at(text, 4), file.article)) {
    return std::nullopt;
  }
  return file;
}

// Obsidian's body as HTML again, on one line through the sanitizer (it
// came from a sanitized body in the first place).
std::string markdown_to_html(const std::string& markdown) {
  return sanitize_html(gfm_to_html(markdown), {}).html;
}

std::optional<ArticleFile> read_front_matter_file(std::string_view text) {
  const std::optional<FrontMatterFields> fields = read_front_matter(text);
  const std::optional<ArticleHead> head =
      fields ? article_parts::head_of_front_matter(*fields) : std::nullopt;
  if (!fields || !head) {
    return std::nullopt;
  }
  ArticleFile file;
  Article& a = file.article;
  file.captured_ms = head->captured_ms;
  a.title = std::string(fields->get("title"));
  a.link = std::string(fields->get("source"));
  a.published = head->published;
  a.author = std::string(fields->get("author"));
  if (const auto tags = fields->lists.find("tags");
      tags != fields->lists.end()) {
    a.tags = tags->second;
  }
  a.image = std::string(fields->get("image"));
  a.caption = std::string(fields->get("caption"));
  std::string_view body = text.substr(fields->end);
  if (!fields->scalars.contains("created")) {
    // Hugo: seed's last line, its images and braces as seed has them.
    if (body.ends_with('\n')) {
      body.remove_suffix(1);
    }
    a.image = hugo::local_media_path(a.image);
    const std::string line =
        hugo::local_media_paths(hugo::unescape_shortcodes(body));
    Article parsed = a;
    if (!take_html_line(line, parsed)) {
      return std::nullopt;
    }
    a.body_html = std::move(parsed.body_html);
    return file;
  }
  // Obsidian: a blank line, the lead, the body's Markdown.
  if (body.starts_with('\n')) {
    body.remove_prefix(1);
  }
  const std::string lead = article_parts::obsidian_lead(a);
  if (!lead.empty() && body.starts_with(lead)) {
    body.remove_prefix(lead.size());
    if (body.starts_with('\n')) {
      body.remove_prefix(1);
    }
  }
  a.body_html = markdown_to_html(std::string(body));
  return file;
}

}  // namespace

std::string unescape_markdown_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() &&
        std::string_view("\\[]*_`<~&").find(text[i + 1]) !=
            std::string_view::npos) {
      ++i;
    }
    out += text[i];
  }
  return out;
}

std::optional<ArticleFile> read_article_file(std::string_view text) {
  return text.starts_with("---\n") ? read_front_matter_file(text)
                                   : read_seed(text);
}

}  // namespace feedmark
