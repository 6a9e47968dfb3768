#include "feedmark/write/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"
#include "write/markdown_writer.h"

namespace feedmark {
namespace markdown {

// The sanitizer's block elements but those that hold no text of their own
// in Markdown: a <br> is a line break, columns are a table's business.
bool is_block_tag(GumboTag tag) {
  return html::is_block(tag) && tag != GUMBO_TAG_BR && tag != GUMBO_TAG_COL &&
         tag != GUMBO_TAG_COLGROUP && tag != GUMBO_TAG_MULTICOL;
}

std::size_t longest_run(std::string_view text, char c) {
  std::size_t longest = 0;
  for (std::size_t i = 0, run = 0; i < text.size(); ++i) {
    run = text[i] == c ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// A link or an image inside: a code span or block would show it as text.
bool holds_link_or_image(const GumboNode* node, int depth) {
  if (!html::is_element(node) || depth > kMaxDepth) {
    return false;
  }
  const GumboTag tag = html::tag_of(node);
  if ((tag == GUMBO_TAG_A && !html::attribute(node, "href").empty()) ||
      (tag == GUMBO_TAG_IMG && !html::attribute(node, "src").empty())) {
    return true;
  }
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    if (holds_link_or_image(html::child(nodes, i), depth + 1)) {
      return true;
    }
  }
  return false;
}

namespace {

struct Block {
  enum class Kind { kParagraph, kBulletList, kOrderedList, kOther };
  std::string text;
  Kind kind = Kind::kOther;
  /// For lists: the marker's variant ("-" or "*", "." or ")"), so that two
  /// lists in a row are not read as one.
  bool alternate = false;
  /// An ordered list that starts at 1, which may follow a paragraph line.
  bool may_interrupt = true;
};

std::string join(const std::vector<Block>& blocks, std::string_view between) {
  std::string out;
  for (const Block& b : blocks) {
    if (!out.empty()) {
      out += between;
    }
    out += b.text;
  }
  return out;
}

// Every line of `text` after the first indented by `prefix` (a list item's
// content), or every line prefixed (a block quote's "> ").
std::string prefix_lines(std::string_view text, std::string_view first,
                         std::string_view rest, std::string_view empty_line) {
  std::string out;
  bool is_first = true;
  while (true) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    out += is_first ? (line.empty() ? std::string_view(first.substr(
                                          0, first.find_last_not_of(' ') + 1))
                                    : first)
                    : (line.empty() ? empty_line : rest);
    out += line;
    is_first = false;
    if (end == std::string_view::npos) {
      break;
    }
    out += '\n';
    text.remove_prefix(end + 1);
  }
  return out;
}

/// Lays out a sequence of nodes as Markdown blocks.
class BlockWriter {
 public:
  void children(const GumboNode* node, int depth);
  void node(const GumboNode* node, int depth);
  std::vector<Block>& blocks() {
    flush();
    return blocks_;
  }

 private:
  void flush();
  void add(std::string text, Block::Kind kind = Block::Kind::kOther) {
    if (!text.empty()) {
      blocks_.push_back({std::move(text), kind});
    }
  }
  void inline_block(const GumboNode* node, int depth, InlineContext context,
                    std::string_view prefix);
  void list(const GumboNode* node, int depth);
  void quote(const GumboNode* node, int depth);
  void code_block(const GumboNode* node);
  void table(const GumboNode* node, int depth);

  std::vector<Block> blocks_;
  std::optional<InlineWriter> run_;  ///< the paragraph being written
};

void BlockWriter::flush() {
  if (run_) {
    add(run_->finish(), Block::Kind::kParagraph);
    run_.reset();
  }
}

void BlockWriter::children(const GumboNode* node, int depth) {
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    this->node(html::child(nodes, i), depth + 1);
  }
}

void BlockWriter::node(const GumboNode* node, int depth) {
  const GumboTag tag = html::tag_of(node);
  if (!html::is_element(node) || !is_block_tag(tag) || depth > kMaxDepth) {
    if (!run_) {
      run_.emplace(InlineContext::kParagraph);
    }
    run_->node(node, depth);
    return;
  }
  flush();
  switch (tag) {
    case GUMBO_TAG_P:
      inline_block(node, depth, InlineContext::kParagraph, "");
      return;
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: {
      const std::string hashes(static_cast<std::size_t>(tag - GUMBO_TAG_H1 + 1),
                               '#');
      inline_block(node, depth, InlineContext::kHeading, hashes + " ");
      return;
    }
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_DIR:
      list(node, depth);
      return;
    case GUMBO_TAG_BLOCKQUOTE:
      quote(node, depth);
      return;
    case GUMBO_TAG_PRE:
      code_block(node);
      return;
    case GUMBO_TAG_TABLE:
      table(node, depth);
      return;
    case GUMBO_TAG_HR:
      add("***");
      return;
    default:
      // <div>, <section>, <figure>, <li> out of a list...: their blocks
      // stand in this sequence.
      children(node, depth);
      flush();
      return;
  }
}

void BlockWriter::inline_block(const GumboNode* node, int depth,
                               InlineContext context, std::string_view prefix) {
  InlineWriter writer(context);
  writer.children(node, depth);
  std::string text = writer.finish();
  if (!text.empty()) {
    add(std::string(prefix) + text, context == InlineContext::kParagraph
                                        ? Block::Kind::kParagraph
                                        : Block::Kind::kOther);
  }
}

int list_start(const GumboNode* node) {
  const std::string start(html::attribute(node, "start"));
  const long n = std::strtol(start.c_str(), nullptr, 10);
  return n >= 0 && n < 100000000 && !start.empty() ? static_cast<int>(n) : 1;
}

// One item's blocks, tight (a paragraph, and a list it holds, on
// consecutive lines) when CommonMark would keep them one item that way.
std::string item_text(std::vector<Block>& blocks, bool& tight) {
  const bool item_tight =
      blocks.size() <= 1 ||
      (blocks.size() == 2 && blocks[0].kind == Block::Kind::kParagraph &&
       (blocks[1].kind == Block::Kind::kBulletList ||
        (blocks[1].kind == Block::Kind::kOrderedList &&
         blocks[1].may_interrupt)));
  tight = tight && item_tight;
  return join(blocks, item_tight ? "\n" : "\n\n");
}

void BlockWriter::list(const GumboNode* node, int depth) {
  const bool ordered = html::tag_of(node) == GUMBO_TAG_OL;
  const Block::Kind kind =
      ordered ? Block::Kind::kOrderedList : Block::Kind::kBulletList;
  // Two lists in a row with the same marker would be read as one.
  const bool alternate = !blocks_.empty() && blocks_.back().kind == kind &&
                         !blocks_.back().alternate;
  const int start = ordered ? list_start(node) : 1;
  int number = start;
  std::vector<std::string> items;
  bool tight = true;
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboNode* child = html::child(nodes, i);
    BlockWriter item;
    if (html::tag_of(child) == GUMBO_TAG_LI) {
      item.children(child, depth + 1);
    } else {
      item.node(child, depth + 1);  // stray content stands as an item
    }
    std::vector<Block>& blocks = item.blocks();
    if (blocks.empty() && html::tag_of(child) != GUMBO_TAG_LI) {
      continue;
    }
    const std::string marker =
        ordered ? std::to_string(number++) + (alternate ? ")" : ".")
                : std::string(alternate ? "*" : "-");
    items.push_back(prefix_lines(item_text(blocks, tight), marker + " ",
                                 std::string(marker.size() + 1, ' '), ""));
  }
  std::string text;
  for (const std::string& item : items) {
    text += text.empty() ? "" : (tight ? "\n" : "\n\n");
    text += item;
  }
  if (!text.empty()) {
    blocks_.push_back({std::move(text), kind, alternate, start == 1});
  }
}

void BlockWriter::quote(const GumboNode* node, int depth) {
  BlockWriter inner;
  inner.children(node, depth);
  const std::string text = join(inner.blocks(), "\n\n");
  if (!text.empty()) {
    add(prefix_lines(text, "> ", "> ", ">"));
  }
}

// A <pre>'s text as it shows: its text nodes as they are, <br> a newline.
void append_pre_text(std::string& out, const GumboNode* node, int depth) {
  if (html::is_text(node)) {
    out += node->v.text.text;
    return;
  }
  if (!html::is_element(node) || depth > kMaxDepth) {
    return;
  }
  if (html::tag_of(node) == GUMBO_TAG_BR) {
    out += '\n';
    return;
  }
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    append_pre_text(out, html::child(nodes, i), depth + 1);
  }
}

void BlockWriter::code_block(const GumboNode* node) {
  if (holds_link_or_image(node, 0)) {
    std::string html;
    append_html(html, node, 0, RawHtml::kBlock);
    add(std::move(html));
    return;
  }
  std::string content;
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    append_pre_text(content, html::child(nodes, i), 0);
  }
  if (content.ends_with('\n')) {
    content.pop_back();
  }
  if (content.empty()) {
    return;
  }
  if (runs_as_query(content)) {
    content.insert(0, kZeroWidthSpace);
  }
  const std::string fence(
      std::max<std::size_t>(3, longest_run(content, '`') + 1), '`');
  add(fence + "\n" + content + "\n" + fence);
}

// A table's rows: its own <tr>s and those of its <thead>, <tbody>, <tfoot>.
std::vector<const GumboNode*> rows_of(const GumboNode* table) {
  std::vector<const GumboNode*> rows;
  const GumboVector& nodes = table->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboNode* part = html::child(nodes, i);
    const GumboTag tag = html::tag_of(part);
    if (tag == GUMBO_TAG_TR) {
      rows.push_back(part);
    } else if (tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TBODY ||
               tag == GUMBO_TAG_TFOOT) {
      const GumboVector& inner = part->v.element.children;
      for (unsigned k = 0; k < inner.length; ++k) {
        if (html::tag_of(html::child(inner, k)) == GUMBO_TAG_TR) {
          rows.push_back(html::child(inner, k));
        }
      }
    }
  }
  return rows;
}

std::vector<const GumboNode*> cells_of(const GumboNode* row) {
  std::vector<const GumboNode*> cells;
  const GumboVector& nodes = row->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboTag tag = html::tag_of(html::child(nodes, i));
    if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
      cells.push_back(html::child(nodes, i));
    }
  }
  return cells;
}

// Whether a cell holds inline content only (paragraphs and divs read as
// their words): a list or a table inside it cannot be a GFM cell.
bool holds_inline_only(const GumboNode* node, int depth) {
  if (depth > kMaxDepth) {
    return false;
  }
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboNode* child = html::child(nodes, i);
    if (!html::is_element(child)) {
      continue;
    }
    const GumboTag tag = html::tag_of(child);
    if ((is_block_tag(tag) && tag != GUMBO_TAG_P && tag != GUMBO_TAG_DIV) ||
        !holds_inline_only(child, depth + 1)) {
      return false;
    }
  }
  return true;
}

bool spans_one(const GumboNode* cell, const char* attribute) {
  const std::string_view span = html::attribute(cell, attribute);
  return span.empty() || span == "1";
}

// GFM tables have a header row, one line per row and no merged cells.
bool is_simple_table(const std::vector<std::vector<const GumboNode*>>& rows,
                     int depth) {
  for (const std::vector<const GumboNode*>& cells : rows) {
    for (const GumboNode* cell : cells) {
      if (!spans_one(cell, "colspan") || !spans_one(cell, "rowspan") ||
          !holds_inline_only(cell, depth)) {
        return false;
      }
    }
  }
  return !rows.empty();
}

void BlockWriter::table(const GumboNode* node, int depth) {
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    if (html::tag_of(html::child(nodes, i)) == GUMBO_TAG_CAPTION) {
      inline_block(html::child(nodes, i), depth + 1, InlineContext::kParagraph,
                   "");
    }
  }
  std::vector<std::vector<const GumboNode*>> rows;
  for (const GumboNode* row : rows_of(node)) {
    rows.push_back(cells_of(row));
  }
  if (!is_simple_table(rows, depth)) {
    std::string html;
    append_html(html, node, depth, RawHtml::kBlock);
    add(std::move(html));
    return;
  }
  std::size_t columns = 1;
  for (const std::vector<const GumboNode*>& cells : rows) {
    columns = std::max(columns, cells.size());
  }
  std::string text;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::vector<const GumboNode*>& cells = rows[r];
    text += "|";
    for (std::size_t c = 0; c < columns; ++c) {
      InlineWriter writer(InlineContext::kTableCell, false);
      if (c < cells.size()) {
        writer.children(cells[c], depth + 2);
      }
      text += " " + writer.finish() + " |";
    }
    text += "\n";
    if (r == 0) {
      text += "|";
      for (std::size_t c = 0; c < columns; ++c) {
        text += " --- |";
      }
      text += "\n";
    }
  }
  text.pop_back();
  add(std::move(text));
}

std::string markdown_of(const GumboVector& nodes) {
  BlockWriter writer;
  for (unsigned i = 0; i < nodes.length; ++i) {
    writer.node(html::child(nodes, i), 0);
  }
  std::string out = join(writer.blocks(), "\n\n");
  return out.empty() ? out : out + "\n";
}

}  // namespace
}  // namespace markdown

std::string html_to_markdown(std::string_view html) {
  // The sanitizer's output is strict HTML, so this is read without a
  // second HTML parse (src/html/direct_tree.h).
  const html::ParsedFragment fragment(html);
  return markdown::markdown_of(fragment.children());
}

std::string html_to_markdown_through_gumbo(std::string_view html) {
  const html::ParsedFragment fragment(html, html::FragmentParser::kGumbo);
  return markdown::markdown_of(fragment.children());
}

std::string gfm_to_html(const std::string& markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_UNSAFE);
  for (const char* name : {"table", "strikethrough"}) {
    cmark_parser_attach_syntax_extension(parser,
                                         cmark_find_syntax_extension(name));
  }
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* document = cmark_parser_finish(parser);
  char* html = cmark_render_html(document, CMARK_OPT_UNSAFE,
                                 cmark_parser_get_syntax_extensions(parser));
  std::string out(html);
  std::free(html);
  cmark_node_free(document);
  cmark_parser_free(parser);
  return out;
}

}  // namespace feedmark
