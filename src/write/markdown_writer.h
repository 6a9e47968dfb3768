#pragma once

// The HTML to Markdown converter's parts (src/write only): InlineWriter
// turns a run of inline nodes into one Markdown paragraph's text;
// markdown.cpp arranges the blocks.

#include <gumbo.h>

#include <string>
#include <string_view>

namespace feedmark::markdown {

/// Dataview's inline queries: code whose text starts with "=" or "$=".
bool runs_as_query(std::string_view code);
/// Written in front of such code so that it never runs (U+200B).
inline constexpr std::string_view kZeroWidthSpace = "\u200B";

/// Where inline text is going: what it must escape and how it breaks lines.
enum class InlineContext { kParagraph, kHeading, kTableCell };

/// Writes inline nodes as Markdown, whitespace collapsed as HTML shows it.
class InlineWriter {
 public:
  explicit InlineWriter(InlineContext context, bool starts_line = true)
      : context_(context), starts_line_(starts_line) {}

  void node(const GumboNode* node, int depth);
  void children(const GumboNode* node, int depth);
  void text(std::string_view text);
  /// A hard line break (<br>): "\" and a newline in a paragraph, a space in
  /// a heading, "<br>" in a table cell.
  void line_break();

  /// The Markdown written, without trailing whitespace or line breaks.
  std::string finish();
  /// Whitespace came before anything else, or after the last content.
  bool leading_space() const { return leading_space_; }
  bool trailing_space() const { return pending_space_; }

 private:
  bool at_line_start() const {
    return out_.empty() ? starts_line_ : out_.back() == '\n';
  }
  /// Writes the collapsed space owed, then `markup` as it is.
  void markup(std::string_view markup);
  void word(std::string_view word);
  void emphasis(const GumboNode* node, int depth, std::string_view delimiter,
                std::string_view tag);
  void link(const GumboNode* node, int depth);
  void image(const GumboNode* node);
  void code(const GumboNode* node, int depth);
  void kept_as_html(const GumboNode* node, int depth);

  InlineContext context_;
  bool starts_line_;
  std::string out_;
  std::string word_;  ///< the word being escaped, its capacity reused
  bool pending_space_ = false;
  bool leading_space_ = false;
  bool in_link_ = false;  ///< writing a link's text
};

/// Whether an element holds a link or an image, which code would show as
/// text: such code stays HTML.
bool holds_link_or_image(const GumboNode* node, int depth);

/// Whether the tag starts a block of its own in Markdown.
bool is_block_tag(GumboTag tag);
/// A link or image destination: as it is, or in <…> when it holds
/// spaces or parentheses.
std::string markdown_destination(std::string_view url);
/// The longest run of `c` in `text`: a code fence or span must be longer.
std::size_t longest_run(std::string_view text, char c);

/// How HTML kept in Markdown is read: an HTML block is passed through as it
/// is, but between inline tags CommonMark reads the text as Markdown.
enum class RawHtml { kBlock, kInline };

/// The node as HTML (tag, attributes, content): what Markdown cannot say.
void append_html(std::string& out, const GumboNode* node, int depth,
                 RawHtml kind);

/// The text of a node and its descendants, as it is (for code).
std::string raw_text_of(const GumboNode* node);

/// Depth beyond which nodes are read for their text alone: past what a
/// sanitized body can hold (html::kMaxDepth elements, two levels of the
/// walk each in lists and tables), so that no link or image is dropped.
inline constexpr int kMaxDepth = 640;

}  // namespace feedmark::markdown
