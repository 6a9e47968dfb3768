#include <algorithm>

#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"
#include "feedmark/html/tags.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"
#include "feedmark/write/markdown.h"
#include "write/markdown_writer.h"

namespace feedmark {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

// CommonMark §6.2: &name; &#123; &#x1F; would be decoded by a renderer, so
// a literal "&amp;" in text must become "\&amp;"; "AT&T" stays as it is.
bool starts_entity_reference(std::string_view s) {
  std::size_t i = 1;
  if (i < s.size() && s[i] == '#') {
    ++i;
    const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    i += hex;
    const std::size_t digits_start = i;
    while (i < s.size() &&
           (hex ? is_hex(s[i]) : (s[i] >= '0' && s[i] <= '9'))) {
      ++i;
    }
    return i > digits_start && i < s.size() && s[i] == ';';
  }
  const std::size_t name_start = i;
  while (i < s.size() && is_ascii_alnum(s[i])) {
    ++i;
  }
  return i > name_start && i < s.size() && s[i] == ';';
}

// The characters escaped in Markdown text ('&' only where it starts an
// entity): the text between them is appended a run at a time.
bool is_markdown_special(char c) {
  switch (c) {
    case '\\':
    case '[':
    case ']':
    case '*':
    case '_':
    case '`':
    case '<':
    case '~':
    case '&':
      return true;
    default:
      return false;
  }
}

}  // namespace

void append_markdown_escaped(std::string& out, std::string_view text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!is_markdown_special(c) ||
        (c == '&' && !starts_entity_reference(text.substr(i)))) {
      continue;
    }
    out.append(text.substr(run, i - run));
    out += '\\';
    run = i;
  }
  out.append(text.substr(run));
}

std::string markdown::markdown_destination(std::string_view url) {
  const bool plain = !url.empty() && url.find_first_of(" ()<>\\\t\n\r") ==
                                         std::string_view::npos;
  std::string out = plain ? "" : "<";
  for (std::size_t i = 0; i < url.size(); ++i) {
    const char c = url[i];
    if (c == '\n' || c == '\r') {
      out += "%0A";
      continue;
    }
    if ((!plain && (c == '<' || c == '>' || c == '\\')) ||
        (c == '&' && starts_entity_reference(url.substr(i)))) {
      out += '\\';
    }
    out += c;
  }
  return plain ? out : out + ">";
}

namespace markdown {
namespace {

// The link title part: ` "…"`, or nothing.
std::string link_title(std::string_view title) {
  if (title.empty()) {
    return {};
  }
  std::string out = " \"";
  for (char c : collapse_whitespace(title)) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

// ASCII punctuation and whitespace, and the Unicode punctuation blocks
// (general punctuation, CJK symbols, fullwidth forms): emphasis delimiters
// next to them only work from some sides (CommonMark §6.2 "flanking").
bool is_punctuation_or_space(char32_t c) {
  if (c < 0x80) {
    return !is_ascii_alnum(static_cast<char>(c));
  }
  return (c >= 0xA0 && c <= 0xBF) || (c >= 0x2000 && c <= 0x206F) ||
         (c >= 0x2E00 && c <= 0x2E7F) || (c >= 0x3000 && c <= 0x303F) ||
         (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF01 && c <= 0xFF0F) ||
         (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
         (c >= 0xFF5B && c <= 0xFF65);
}

// Whether `c` occurs in Markdown `text` other than backslash-escaped.
bool holds_unescaped(std::string_view text, char c) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == c) {
      return true;
    }
  }
  return false;
}

char32_t last_character(std::string_view s) {
  std::size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
    --i;
  }
  return decode_utf8_at(s, i);
}

// "1." or "12)" at the start of a line would open an ordered list.
std::size_t list_number_end(std::string_view word) {
  std::size_t i = 0;
  while (i < word.size() && i < 10 && word[i] >= '0' && word[i] <= '9') {
    ++i;
  }
  return i > 0 && i < word.size() && (word[i] == '.' || word[i] == ')')
             ? i
             : std::string_view::npos;
}

}  // namespace

void InlineWriter::markup(std::string_view markup) {
  if (markup.empty()) {
    return;
  }
  // A space before anything is the caller's (leading_space()).
  if (pending_space_ && !out_.empty() && out_.back() != '\n') {
    out_ += ' ';
  } else if (!out_.empty() && out_.back() == markup.front() &&
             std::string_view("`*~").find(markup.front()) !=
                 std::string_view::npos) {
    // "`a`" then "``b``" would merge into one run of backticks, "**a**"
    // then "*b*" into "***": an empty comment keeps them apart.
    out_ += "<!---->";
  }
  pending_space_ = false;
  out_ += markup;
}

void InlineWriter::word(std::string_view word) {
  std::string& out = word_;
  out.clear();
  if (context_ == InlineContext::kParagraph && at_line_start()) {
    // Only at the start of a line do these open a block: "# a", "> a",
    // "- a", "1. a", a "===" underline.
    if (std::string_view("#>+-=").find(word[0]) != std::string_view::npos) {
      out += '\\';
      out += word[0];
      word.remove_prefix(1);
    } else if (const std::size_t end = list_number_end(word);
               end != std::string_view::npos) {
      out.append(word.substr(0, end));
      out += '\\';
      out += word[end];
      word.remove_prefix(end + 1);
    }
  }
  // "#word" is a tag to Obsidian (and to many Markdown note apps): feed text
  // must not file the note under its words, so a word's leading "#" is
  // escaped wherever it stands ("\#Hongkong" still reads "#Hongkong").
  if (word.size() > 1 && word[0] == '#' && word[1] != '#' &&
      context_ != InlineContext::kHeading) {
    out += "\\#";
    word.remove_prefix(1);
  }
  // "|" splits a table cell; "#" at a heading's end would be dropped.
  const char special = context_ == InlineContext::kTableCell ? '|'
                       : context_ == InlineContext::kHeading ? '#'
                                                             : '\0';
  for (std::size_t at = special == '\0' ? std::string_view::npos
                                        : word.find(special);
       at != std::string_view::npos; at = word.find(special)) {
    append_markdown_escaped(out, word.substr(0, at));
    out += '\\';
    out += special;
    word.remove_prefix(at + 1);
  }
  append_markdown_escaped(out, word);
  markup(out);
}

void InlineWriter::text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_ascii_space(text[i])) {
      if (out_.empty() && !pending_space_) {
        leading_space_ = true;
      }
      pending_space_ = true;
      while (i < text.size() && is_ascii_space(text[i])) {
        ++i;
      }
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !is_ascii_space(text[end])) {
      ++end;
    }
    word(text.substr(i, end - i));
    i = end;
  }
}

void InlineWriter::line_break() {
  switch (context_) {
    case InlineContext::kParagraph:
      // A break at the start, or right after another, would show a "\".
      if (!out_.empty() && out_.back() != '\n') {
        out_ += "\\\n";
      }
      pending_space_ = false;
      break;
    case InlineContext::kHeading:
      pending_space_ = true;
      break;
    case InlineContext::kTableCell:
      markup("<br>");
      break;
  }
}

std::string InlineWriter::finish() {
  while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\n')) {
    const bool hard_break = out_.back() == '\n';
    out_.pop_back();
    if (hard_break && !out_.empty() && out_.back() == '\\') {
      out_.pop_back();
    }
  }
  return std::move(out_);
}

void InlineWriter::emphasis(const GumboNode* node, int depth,
                            std::string_view delimiter, std::string_view tag) {
  InlineWriter inner(context_, false);
  inner.in_link_ = in_link_;
  inner.children(node, depth + 1);
  const std::string content = inner.finish();
  if (inner.leading_space()) {
    pending_space_ = true;
  }
  if (!content.empty()) {
    // "*word*" works anywhere; next to punctuation ("*«a»*", "*[link](x)*")
    // the delimiter may not open or close, so the tag stays HTML.
    // Nor when the content holds delimiters of its own ("*a **b** c*"):
    // CommonMark may pair them across levels; the outer level stays HTML.
    const bool delimiters_work =
        !is_punctuation_or_space(decode_utf8_at(content, 0)) &&
        !is_punctuation_or_space(last_character(content)) &&
        !holds_unescaped(content, delimiter.front());
    if (delimiters_work) {
      markup(std::string(delimiter) + content + std::string(delimiter));
    } else {
      markup("<" + std::string(tag) + ">" + content + "</" + std::string(tag) +
             ">");
    }
  }
  if (inner.trailing_space()) {
    pending_space_ = true;
  }
}

void InlineWriter::link(const GumboNode* node, int depth) {
  const std::string_view href = html::attribute(node, "href");
  if (href.empty()) {
    children(node, depth + 1);
    return;
  }
  if (in_link_) {
    // A link inside a link (the sanitizer unwrapped what kept them apart):
    // Markdown has none, so the inner one stays HTML.
    std::string open = "<a href=\"";
    append_html_escaped(open, href, true);
    markup(open + "\">");
    children(node, depth + 1);
    markup("</a>");
    return;
  }
  InlineWriter inner(context_, false);
  inner.in_link_ = true;
  inner.children(node, depth + 1);
  const std::string content = inner.finish();
  if (inner.leading_space()) {
    pending_space_ = true;
  }
  markup("[" + content + "](" + markdown_destination(href) +
         link_title(html::attribute(node, "title")) + ")");
  if (inner.trailing_space()) {
    pending_space_ = true;
  }
}

void InlineWriter::image(const GumboNode* node) {
  const std::string_view src = html::attribute(node, "src");
  if (src.empty()) {
    return;
  }
  std::string alt;
  for (char c : collapse_whitespace(html::attribute(node, "alt"))) {
    if (c == '|' && context_ == InlineContext::kTableCell) {
      alt += '\\';
    }
    alt += c;
  }
  std::string escaped_alt;
  append_markdown_escaped(escaped_alt, alt);
  markup("![" + escaped_alt + "](" + markdown_destination(src) +
         link_title(html::attribute(node, "title")) + ")");
}

// Dataview (Obsidian's most used plugin) runs the code of a code span
// whose text starts with "=" (a query) or "$=" (JavaScript), in reading
// view and live preview alike: "`$= app.vault…`" in a feed would run in
// the user's vault. A zero-width space in front keeps the text as it reads
// and is not trimmed away by the plugin. Code blocks get it too.
bool runs_as_query(std::string_view code) {
  const std::size_t start = code.find_first_not_of(" \t\n\r\f");
  if (start == std::string_view::npos) {
    return false;
  }
  code.remove_prefix(start);
  return code.starts_with('=') || code.starts_with("$=");
}

void InlineWriter::code(const GumboNode* node, int depth) {
  if (holds_link_or_image(node, 0)) {
    kept_as_html(node, depth);
    return;
  }
  std::string content = raw_text_of(node);
  std::replace(content.begin(), content.end(), '\n', ' ');
  if (content.empty()) {
    return;
  }
  if (runs_as_query(content)) {
    content.insert(0, kZeroWidthSpace);
  }
  if (context_ == InlineContext::kTableCell) {
    // GFM splits cells at "|" even inside code.
    std::string escaped;
    for (char c : content) {
      if (c == '|') {
        escaped += '\\';
      }
      escaped += c;
    }
    content = std::move(escaped);
  }
  const std::string fence(longest_run(content, '`') + 1, '`');
  const bool pad = content.front() == '`' || content.back() == '`' ||
                   (content.front() == ' ' && content.back() == ' ' &&
                    content.find_first_not_of(' ') != std::string::npos);
  markup(fence + (pad ? " " : "") + content + (pad ? " " : "") + fence);
}

void InlineWriter::kept_as_html(const GumboNode* node, int depth) {
  const char* name = gumbo_normalized_tagname(html::tag_of(node));
  markup("<" + std::string(name) + ">");
  if (html::tag_of(node) == GUMBO_TAG_CODE &&
      runs_as_query(raw_text_of(node))) {
    markup(kZeroWidthSpace);
  }
  children(node, depth + 1);
  markup("</" + std::string(name) + ">");
}

void InlineWriter::children(const GumboNode* node, int depth) {
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    this->node(html::child(nodes, i), depth);
  }
}

void InlineWriter::node(const GumboNode* node, int depth) {
  if (html::is_text(node)) {
    text(node->v.text.text);
    return;
  }
  if (!html::is_element(node)) {
    return;
  }
  if (depth > kMaxDepth) {
    text(raw_text_of(node));
    return;
  }
  switch (html::tag_of(node)) {
    case GUMBO_TAG_BR:
      line_break();
      return;
    case GUMBO_TAG_EM:
    case GUMBO_TAG_I:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_DFN:
    case GUMBO_TAG_VAR:
      emphasis(node, depth, "*", "em");
      return;
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_B:
      emphasis(node, depth, "**", "strong");
      return;
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_S:
    case GUMBO_TAG_STRIKE:
      emphasis(node, depth, "~~", "del");
      return;
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_SAMP:
      code(node, depth);
      return;
    case GUMBO_TAG_A:
      if (node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML) {
        link(node, depth);
      } else {
        children(node, depth + 1);
      }
      return;
    case GUMBO_TAG_IMG:
      image(node);
      return;
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_U:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_Q:
      kept_as_html(node, depth);
      return;
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_RUBY:
    case GUMBO_TAG_MAP:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_METER:
    case GUMBO_TAG_PROGRESS:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH: {
      std::string html;
      append_html(html, node, depth, RawHtml::kInline);
      markup(html);
      return;
    }
    default:
      break;
  }
  // A block inside inline content (<p> in <a>) reads as the words it holds.
  const bool block = is_block_tag(html::tag_of(node));
  if (block) {
    pending_space_ = !out_.empty();
  }
  children(node, depth + 1);
  if (block) {
    pending_space_ = true;
  }
}

std::string raw_text_of(const GumboNode* node) {
  std::string out;
  if (html::is_text(node)) {
    out = node->v.text.text;
    return out;
  }
  // The element's own text, without the spaces that stand for its edges.
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    html::append_text_of(out, html::child(nodes, i));
  }
  return out;
}

void append_html(std::string& out, const GumboNode* node, int depth,
                 RawHtml kind) {
  if (html::is_text(node)) {
    std::string escaped;
    append_html_escaped(escaped, node->v.text.text);
    for (char c : escaped) {
      if (c == '\n') {
        out += "&#10;";  // a blank line would end an HTML block early
        continue;
      }
      // Inline, "[x](y)" in an SVG's <title> would become a link ("&" is
      // left: it starts the entities just written).
      if (kind == RawHtml::kInline &&
          std::string_view("\\[]*_`~!").find(c) != std::string_view::npos) {
        out += '\\';
      }
      out += c;
    }
    return;
  }
  if (!html::is_element(node) || depth > kMaxDepth) {
    return;
  }
  const GumboElement& element = node->v.element;
  // As the sanitizer wrote it: SVG's <circle> and <linearGradient> too.
  const std::string name = html::element_name(node);
  const bool known =
      !name.empty() && name.find_first_of("<>\"' /=") == std::string::npos;
  if (known) {
    out += '<';
    out += name;
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* a =
          static_cast<const GumboAttribute*>(element.attributes.data[i]);
      out += ' ';
      out += a->name;
      out += "=\"";
      append_html_escaped(out, a->value, true);
      out += '"';
    }
    out += '>';
  }
  if (element.tag == GUMBO_TAG_CODE && runs_as_query(raw_text_of(node))) {
    out += kZeroWidthSpace;
  }
  for (unsigned i = 0; i < element.children.length; ++i) {
    append_html(out, html::child(element.children, i), depth + 1, kind);
  }
  if (known && !is_void(element.tag)) {
    out += "</";
    out += name;
    out += '>';
  }
}

}  // namespace markdown
}  // namespace feedmark
