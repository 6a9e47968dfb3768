#include "feedmark/write/format.h"

#include <fmt/format.h>

#include <array>

#include "feedmark/html/text.h"
#include "feedmark/util/sha256.h"
#include "feedmark/write/front_matter.h"
#include "feedmark/write/hugo.h"
#include "feedmark/write/markdown.h"
#include "feedmark/write/write.h"
#include "write/article_parts.h"

namespace feedmark {
namespace {

// CommonMark §4.6, kind 6: a line starting with one of these tags is an HTML
// block, so the body line is passed through whole.
bool starts_html_block(std::string_view body) {
  static constexpr std::array<std::string_view, 40> kBlockTags = {
      "address", "article",  "aside",    "blockquote", "caption", "center",
      "col",     "colgroup", "dd",       "details",    "dialog",  "div",
      "dl",      "dt",       "fieldset", "figcaption", "figure",  "footer",
      "form",    "h1",       "h2",       "h3",         "h4",      "h5",
      "h6",      "header",   "hr",       "li",         "main",    "nav",
      "ol",      "p",        "section",  "summary",    "table",   "tbody",
      "td",      "th",       "tr",       "ul"};
  if (!body.starts_with('<')) {
    return false;
  }
  for (std::string_view tag : kBlockTags) {
    if (body.substr(1).starts_with(tag) && body.size() > tag.size() + 1) {
      const char next = body[tag.size() + 1];
      if (next == ' ' || next == '>' || next == '/') {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

namespace article_parts {

std::string render_header(const Article& article) {
  std::string header;
  if (article.published) {
    header +=
        fmt::format("<div><i>{}</i></div>", format_rfc1123(*article.published));
  }
  if (!article.image.empty()) {
    header += "<img src=\"";
    append_html_escaped(header, article.image, true);
    header += "\" width=\"100%\">";
    if (!article.caption.empty()) {
      header += "<div><small style=\"color: #999;\">";
      append_html_escaped(header, article.caption);
      header += "</small></div>";
    }
  }
  return header;
}

// The header and body on one line, which must be one HTML block for
// Markdown to leave it alone: a line starting "<img" or with text would be
// read as Markdown, so it is wrapped in a <div>.
std::string html_line(const std::string& header, const std::string& body) {
  std::string line = header + body;
  if (!line.empty() && !starts_html_block(line)) {
    line = "<div>" + line + "</div>";
  }
  return line;
}

// Obsidian's lead: the image, its caption as alt text and again in italics
// under it, written by the body's converter so that they escape alike.
std::string obsidian_lead(const Article& article) {
  if (article.image.empty()) {
    return {};
  }
  std::string html = "<p><img src=\"";
  append_html_escaped(html, article.image, true);
  html += "\" alt=\"";
  append_html_escaped(html, article.caption, true);
  html += "\"></p>";
  if (!article.caption.empty()) {
    html += "<p><em>";
    append_html_escaped(html, article.caption);
    html += "</em></p>";
  }
  return html_to_markdown(html);
}

std::optional<std::string_view> take(std::string_view& line,
                                     std::string_view open,
                                     std::string_view close) {
  if (!line.starts_with(open)) {
    return std::nullopt;
  }
  const std::size_t end = line.find(close, open.size());
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view inside = line.substr(open.size(), end - open.size());
  line.remove_prefix(end + close.size());
  return inside;
}

}  // namespace article_parts

namespace {

using article_parts::html_line;
using article_parts::obsidian_lead;
using article_parts::render_header;

// Hugo: `date` is when it was published, else when it was captured. Saved
// images are shown from the site's root, and no "{{" of the feed's starts
// a shortcode (write/hugo.h).
std::string hugo_article(const PreparedArticle& p, std::int64_t captured_ms,
                         std::string_view site_root) {
  const Article& a = *p.article;
  const std::string media = hugo::media_folder(site_root, p.feed->id);
  FrontMatter fm;
  fm.text("title", a.title);
  if (a.published) {
    fm.time("date", a.published);
  } else {
    fm.time_ms("date", captured_ms);
  }
  fm.time_ms("lastmod", captured_ms)
      .text("source", a.link)
      .text("feed", p.feed->title)
      .text("author", a.author)
      .list("tags", a.tags)
      .text("image", hugo::site_media_path(a.image, media))
      .text("caption", a.caption)
      .time_ms("captured", captured_ms);
  return fm.str() +
         hugo::escape_shortcodes(hugo::site_media_paths(p.body_html, media)) +
         "\n";
}

std::string obsidian_article(const PreparedArticle& p,
                             std::int64_t captured_ms) {
  const Article& a = *p.article;
  FrontMatter fm;
  fm.text("title", a.title)
      .text("source", a.link)
      .time("published", a.published)
      .time_ms("created", captured_ms)
      .text("author", a.author)
      .list("tags", a.tags)
      .text("feed", p.feed->title)
      .text("image", a.image)
      .text("caption", a.caption);
  std::string out = fm.str();
  const std::string lead = obsidian_lead(a);
  if (!lead.empty() || !p.body_markdown.empty()) {
    out += "\n";
  }
  out += lead;
  if (!lead.empty() && !p.body_markdown.empty()) {
    out += "\n";
  }
  return out + p.body_markdown;
}

}  // namespace

const char* format_name(ArticleFormat format) {
  switch (format) {
    case ArticleFormat::kSeed:
      return "seed";
    case ArticleFormat::kHugo:
      return "hugo";
    case ArticleFormat::kObsidian:
      return "obsidian";
  }
  return "seed";
}

PreparedArticle ArticleRenderer::prepare(const Article& article,
                                         const FeedContext& feed) const {
  PreparedArticle p;
  p.article = &article;
  p.feed = &feed;
  p.header_html = render_header(article);
  const bool obsidian = !template_ && format_ == ArticleFormat::kObsidian;
  if (obsidian || template_wants_markdown_) {
    p.body_markdown = html_to_markdown(article.body_html);
  }
  if (!obsidian) {
    p.body_html = html_line(p.header_html, article.body_html);
  }
  return p;
}

std::string ArticleRenderer::assemble(const PreparedArticle& p,
                                      std::int64_t captured_ms) const {
  if (template_) {
    return render_template(p, captured_ms);
  }
  switch (format_) {
    case ArticleFormat::kHugo:
      return hugo_article(p, captured_ms, site_root_);
    case ArticleFormat::kObsidian:
      return obsidian_article(p, captured_ms);
    case ArticleFormat::kSeed:
      break;
  }
  return fmt::format("<!--{}-->\n[{}]({})\n------\n\n{}\n", captured_ms,
                     escape_markdown_text(p.article->title), p.article->link,
                     p.body_html);
}

std::string ArticleRenderer::shape() const {
  if (template_) {
    return "template " + short_hash(*template_);
  }
  if (format_ == ArticleFormat::kHugo) {
    // Where the site serves the images is part of every file.
    return std::string("hugo ") + site_root_;
  }
  return format_name(format_);
}

namespace {

std::optional<std::int64_t> captured_ms_of(std::string_view line) {
  if (!line.starts_with("<!--") || !line.ends_with("-->") || line.size() < 8) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (char c : line.substr(4, line.size() - 7)) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<UnixTime> published_of(std::string_view header) {
  const auto date = article_parts::take(header, "<div><i>", "</i></div>");
  return date ? parse_date(*date) : std::nullopt;
}

}  // namespace

// Hugo's and Obsidian's front matter, and a template's that names its
// fields alike: the capture time is `captured` (else `created`), the
// publication `published`, else a `date` other than the capture time.
std::optional<ArticleHead> article_parts::head_of_front_matter(
    const FrontMatterFields& f) {
  std::string_view captured = f.get("captured");
  if (captured.empty()) {
    captured = f.get("created");
  }
  const std::optional<std::int64_t> captured_ms = parse_iso8601_ms(captured);
  const std::string_view title = f.get("title");
  if (!captured_ms || title.empty()) {
    return std::nullopt;
  }
  ArticleHead head;
  head.title_md = escape_markdown_text(title);
  head.captured_ms = *captured_ms;
  if (const auto published = parse_iso8601_ms(f.get("published"))) {
    head.published = *published / 1000;
  } else if (const auto date = parse_iso8601_ms(f.get("date"));
             date && *date != *captured_ms) {
    head.published = *date / 1000;
  }
  return head;
}

std::optional<ArticleHead> read_article_head_of(std::string_view text) {
  if (text.starts_with("---\n")) {
    const std::optional<FrontMatterFields> fields = read_front_matter(text);
    return fields ? article_parts::head_of_front_matter(*fields) : std::nullopt;
  }
  const std::optional<std::int64_t> captured = captured_ms_of(line_at(text, 0));
  std::optional<std::string> title = link_text_of(line_at(text, 1));
  if (!captured || !title) {
    return std::nullopt;
  }
  return ArticleHead{std::move(*title), published_of(line_at(text, 4)),
                     *captured};
}

bool has_complete_head(std::string_view text) {
  if (text.starts_with("---\n")) {
    return text.find("\n---\n") != std::string_view::npos;
  }
  // Four lines, and enough of the fifth for its date.
  std::size_t at = 0;
  for (int line = 0; line < 4; ++line) {
    at = text.find('\n', at);
    if (at == std::string_view::npos) {
      return false;
    }
    ++at;
  }
  return text.size() >= at + 64;
}

}  // namespace feedmark
