#include "feedmark/extract/page.h"

#include "feedmark/extract/sanitize.h"
#include "feedmark/html/page.h"
#include "feedmark/html/policy.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "page_metadata.h"
#include "readability.h"

namespace feedmark {
namespace {

using html::child;
using html::is_element;
using html::is_text;
using html::tag_of;

/// Text with one blank line between blocks, as `feedmark extract` prints.
class TextWriter {
 public:
  void write(const GumboNode* node, int depth = 0) {
    if (is_text(node) && in_pre_ > 0) {
      // <pre> keeps its line breaks and spaces.
      if (space_) {
        out_ += ' ';
        space_ = false;
      }
      // Its blank lines stay one: the text has one between blocks.
      for (char c : std::string_view(node->v.text.text)) {
        if (c != '\n' || !out_.ends_with("\n\n")) {
          out_ += c;
        }
      }
      return;
    }
    if (is_text(node)) {
      for (char c : std::string_view(node->v.text.text)) {
        if (is_ascii_space(c)) {
          space_ = !out_.empty() && !at_break();
        } else {
          if (space_) {
            out_ += ' ';
            space_ = false;
          }
          out_ += c;
        }
      }
      return;
    }
    if (!is_element(node) || depth > 300) {
      return;
    }
    const GumboTag tag = tag_of(node);
    if (tag == GUMBO_TAG_BR) {
      line_break("\n");
      return;
    }
    // Where the sanitizer's policy sees a block, the text has a blank line.
    const bool block = html::is_block(tag);
    if (block) {
      line_break("\n\n");
    }
    in_pre_ += tag == GUMBO_TAG_PRE;
    const GumboVector& nodes = node->v.element.children;
    for (unsigned i = 0; i < nodes.length; ++i) {
      write(child(nodes, i), depth + 1);
    }
    in_pre_ -= tag == GUMBO_TAG_PRE;
    if (block) {
      line_break("\n\n");
    }
  }
  std::string take() {
    while (!out_.empty() && out_.back() == '\n') {
      out_.pop_back();
    }
    return std::move(out_);
  }

 private:
  bool at_break() const { return out_.back() == '\n'; }
  void line_break(std::string_view brk) {
    space_ = false;
    if (out_.empty()) {
      return;
    }
    std::size_t have = 0;
    while (have < out_.size() && out_[out_.size() - 1 - have] == '\n') {
      ++have;
    }
    if (have < brk.size()) {
      out_.append(brk.size() - have, '\n');
    }
  }

  std::string out_;
  bool space_ = false;
  int in_pre_ = 0;
};

std::string text_of_html(const std::string& html) {
  const html::ParsedFragment fragment(html);
  TextWriter writer;
  const GumboVector& nodes = fragment.children();
  for (unsigned i = 0; i < nodes.length; ++i) {
    writer.write(child(nodes, i));
  }
  return writer.take();
}

std::size_t text_chars(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 && !is_ascii_space(c);
  }
  return n;
}

// JSON-LD's articleBody as HTML paragraphs, one a line of its text.
std::string paragraphs_of(const std::string& body) {
  std::string html;
  std::size_t start = 0;
  while (start < body.size()) {
    const std::size_t end = std::min(body.find('\n', start), body.size());
    const std::string_view line =
        trim(std::string_view(body).substr(start, end - start));
    if (!line.empty()) {
      html += "<p>";
      append_html_escaped(html, line);
      html += "</p>";
    }
    start = end + 1;
  }
  return html;
}

// Readability.js's passes: all rules, then without skipping unlikely
// blocks, without class weights, without conditional cleaning, until one
// finds 500 characters; the longest wins.
std::string find_article_html(const html::ParsedPage& page,
                              const page::PageStats& stats,
                              const std::string& title) {
  page::Flags flags;
  std::string best;
  std::size_t best_chars = 0;
  for (int pass = 0; pass < 4; ++pass) {
    flags.strip_unlikely = pass < 1;
    flags.weight_classes = pass < 2;
    flags.clean_conditionally = pass < 3;
    const page::Selection selection =
        page::select_article(page.body(), stats, flags);
    std::string html = page::article_html(selection, stats, flags, title);
    const std::size_t chars = text_chars(html_to_text(html));
    if (chars > best_chars) {
      best = std::move(html);
      best_chars = chars;
    }
    if (best_chars >= 500) {
      break;
    }
  }
  if (best_chars < 25) {
    // No block holds a paragraph: the page is its body, as Readability.js
    // takes it, less what is never content.
    page::Selection whole;
    whole.nodes.push_back(page.body());
    flags = {false, false, false};
    std::string html = page::article_html(whole, stats, flags, title);
    if (text_chars(html_to_text(html)) > best_chars) {
      best = std::move(html);
    }
  }
  return best;
}

// Markup a page keeps as text for later: <noscript> (a browser with
// scripts reads it as text) and script templates (type="text/template",
// "text/html", "text/x-template"), which some pages fill their article
// from.
void collect_markup_as_text(const GumboNode* node, std::string& out,
                            int depth) {
  if (!is_element(node) || depth > 300) {
    return;
  }
  const GumboTag tag = tag_of(node);
  const std::string type = ascii_lowercase(html::attribute(node, "type"));
  if (tag == GUMBO_TAG_NOSCRIPT ||
      (tag == GUMBO_TAG_SCRIPT &&
       (type == "text/template" || type == "text/html" ||
        type == "text/x-template"))) {
    const GumboVector& nodes = node->v.element.children;
    for (unsigned i = 0; i < nodes.length; ++i) {
      if (is_text(child(nodes, i))) {
        out += child(nodes, i)->v.text.text;
        out += '\n';
      }
    }
    return;
  }
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    collect_markup_as_text(child(nodes, i), out, depth + 1);
  }
}

// When the page's visible text holds no article, the article may be in
// markup kept as text: it is read as a page of its own (once: markup in
// it is not read again).
std::string article_in_markup_as_text(const GumboNode* body,
                                      const std::string& title,
                                      std::size_t have_chars) {
  std::string markup;
  collect_markup_as_text(body, markup, 0);
  if (markup.size() < 200) {
    return {};
  }
  const html::ParsedPage inner(markup);
  const page::PageStats stats(inner.root());
  std::string html = find_article_html(inner, stats, title);
  return text_chars(html_to_text(html)) > have_chars ? html : std::string();
}

}  // namespace

std::optional<PageArticle> extract_page(std::string_view html,
                                        const std::string& base_url,
                                        const Selector* selector) {
  const html::ParsedPage page(html);
  const page::PageStats stats(page.root());
  page::PageMetadata meta =
      page::read_metadata(page.root(), page.head(), page.body());
  std::string content;
  if (selector != nullptr) {
    // Picked by hand: what the selector names, less scripts and forms.
    page::Selection picked;
    picked.nodes = selector->select(page.body());
    content = page::article_html(picked, stats, {false, false, false}, {});
  }
  if (text_chars(html_to_text(content)) == 0) {
    content = find_article_html(page, stats, meta.title);
    if (const std::size_t chars = text_chars(html_to_text(content));
        chars < 500) {
      if (std::string hidden =
              article_in_markup_as_text(page.body(), meta.title, chars);
          !hidden.empty()) {
        content = std::move(hidden);
      }
    }
  }
  SanitizedHtml clean = sanitize_html(
      content, {base_url, SanitizeOptions::LeadImage::kIgnore, {}, nullptr});
  std::string text = text_of_html(clean.html);
  // A page that hides its text from the scorer (a script renders it) may
  // still say it in JSON-LD.
  if (text_chars(meta.article_body) > 2 * text_chars(text) + 100) {
    clean = sanitize_html(
        paragraphs_of(meta.article_body),
        {base_url, SanitizeOptions::LeadImage::kIgnore, {}, nullptr});
    text = text_of_html(clean.html);
  }
  if (text_chars(text) == 0) {
    return std::nullopt;
  }
  PageArticle article;
  article.title = std::move(meta.title);
  article.byline = std::move(meta.byline);
  article.published = meta.published;
  article.language = std::move(meta.language);
  if (!meta.image.empty()) {
    article.image = UrlResolver(base_url).resolve(meta.image);
  }
  article.content_html = std::move(clean.html);
  article.text = std::move(text);
  return article;
}

}  // namespace feedmark
