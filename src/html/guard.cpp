#include "html/guard.h"

#include <algorithm>
#include <vector>

#include "feedmark/html/tags.h"
#include "feedmark/util/text.h"

namespace feedmark {
namespace {

// Why each bound: gumbo's tree construction scans the stack of open
// elements and the list of active formatting elements for every start tag,
// so deep nesting is quadratic (200,000 nested <b> take 8 s). Its tokenizer
// compares each attribute with every earlier one of the tag, so one <p>
// with 80,000 attributes takes 17 s. And HTML5 re-opens every formatting
// element left open in each new block: "<p>" + 1,000 distinct
// <b class="cN"> + "<p>x" × 4,000, a 72 KB fragment, builds four million
// elements (3.7 s, 1.2 GB, a 20 MB article). Walkers drop everything below
// depth 256 anyway, and no real article comes near these bounds.

bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/// Where the text that started at `from` resumes after `</name`, or npos.
std::size_t after_end_tag(std::string_view html, std::size_t from,
                          std::string_view name) {
  for (std::size_t at = html.find("</", from); at != std::string_view::npos;
       at = html.find("</", at + 2)) {
    if (istarts_with(html.substr(at + 2), name)) {
      return at + 2 + name.size();
    }
  }
  return std::string_view::npos;
}

/// A start or end tag as HTML's tokenizer reads it (§13.2.5.8–13.2.5.40):
/// the name runs to a space, '/' or '>'; a quoted value may hold '>'.
struct TagSpan {
  std::size_t name_end = 0;
  std::size_t end = 0;  ///< just past its '>', or the input's end
  bool closed = false;  ///< a '>' ends it (else the tokenizer drops it)
  bool self_closing = false;
  std::size_t attributes = 0;
  /// Where the first attribute past kMaxAttributes starts, or npos.
  std::size_t attribute_cut = std::string_view::npos;
};

TagSpan scan_tag(std::string_view html, std::size_t name_start) {
  const std::size_t n = html.size();
  const auto ends_name = [&](std::size_t i, bool at_equals) {
    const char c = html[i];
    return is_html_space(c) || c == '/' || c == '>' || (at_equals && c == '=');
  };
  TagSpan tag;
  std::size_t i = name_start;
  while (i < n && !ends_name(i, false)) {
    ++i;
  }
  tag.name_end = i;
  std::size_t& attributes = tag.attributes;
  while (i < n) {
    const char c = html[i];
    if (is_html_space(c)) {
      ++i;
    } else if (c == '>') {
      tag.end = i + 1;
      tag.closed = true;
      return tag;
    } else if (c == '/') {
      tag.self_closing = i + 1 < n && html[i + 1] == '>';
      ++i;
    } else {
      if (++attributes == kMaxAttributes + 1) {
        tag.attribute_cut = i;
      }
      ++i;  // the first character belongs to the name, even an '='
      while (i < n && !ends_name(i, true)) {
        ++i;
      }
      while (i < n && is_html_space(html[i])) {
        ++i;
      }
      if (i < n && html[i] == '=') {
        ++i;
        while (i < n && is_html_space(html[i])) {
          ++i;
        }
        if (i < n && (html[i] == '"' || html[i] == '\'')) {
          const std::size_t close = html.find(html[i], i + 1);
          i = close == std::string_view::npos ? n : close + 1;
        } else {
          while (i < n && !is_html_space(html[i]) && html[i] != '>') {
            ++i;
          }
        }
      }
    }
  }
  tag.end = n;
  return tag;
}

/// A copy of the input with some ranges replaced, made only if one is.
class Rewrite {
 public:
  explicit Rewrite(std::string_view html) : html_(html) {}
  /// Replaces [from, to) with `with`; ranges come in order.
  void replace(std::size_t from, std::size_t to, std::string_view with) {
    out_.append(html_.substr(done_, from - done_));
    out_ += with;
    done_ = to;
    changed_ = true;
  }
  /// The input up to `end`, rewritten.
  std::string_view finish(std::size_t end, std::string& storage) {
    if (!changed_) {
      return html_.substr(0, end);
    }
    out_.append(html_.substr(done_, end - done_));
    storage = std::move(out_);  // html_ may view storage: out_ is apart
    return storage;
  }

 private:
  std::string_view html_;
  std::string out_;
  std::size_t done_ = 0;
  bool changed_ = false;
};

/// An estimate of the open elements, kept only to bound the depth: a start
/// tag pushes, after closing what the parser would close first (an open
/// <p> before a block, the previous <li> or cell); an end tag pops down to
/// its match (and is ignored without one, as the parser ignores it).
class OpenElements {
 public:
  /// False once the depth would pass kMaxParseDepth.
  bool open(GumboTag tag) {
    if (is_table_part(tag) && !in_table()) {
      return true;  // outside a table the parser ignores <tr>, <td>, <th>
    }
    close_implied_by(tag);
    open_.push_back(tag);
    if (foreign_from_ == 0 && (tag == GUMBO_TAG_SVG || tag == GUMBO_TAG_MATH)) {
      foreign_from_ = open_.size();
    }
    return open_.size() <= kMaxParseDepth;
  }
  void close(GumboTag tag) {
    for (std::size_t i = open_.size(); i-- > 0;) {
      if (open_[i] == tag) {
        pop_to(i);
        return;
      }
    }
  }
  /// Inside <svg> or <math>, where "<g/>" is closed; an HTML parser ignores
  /// the slash on "<b/>", which nests like "<b>".
  bool in_foreign() const { return foreign_from_ != 0; }

 private:
  void pop_to(std::size_t i) {
    open_.resize(i);
    if (i < foreign_from_) {
      foreign_from_ = 0;
    }
  }

  // "<p><font>a<p><font>b": the second <p> closes the first, and the
  // <font> in it; without this, every paragraph of an old page would look
  // one level deeper than the last.
  void close_implied_by(GumboTag tag) {
    if (in_foreign()) {
      return;
    }
    switch (tag) {
      case GUMBO_TAG_LI:
        close_last(GUMBO_TAG_LI, Scope::kListItem);
        break;
      case GUMBO_TAG_DD:
      case GUMBO_TAG_DT:
        close_last(GUMBO_TAG_DD, Scope::kListItem);
        close_last(GUMBO_TAG_DT, Scope::kListItem);
        break;
      case GUMBO_TAG_TR:
        close_last(GUMBO_TAG_TR, Scope::kTable);
        [[fallthrough]];
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        close_last(GUMBO_TAG_TD, Scope::kTable);
        close_last(GUMBO_TAG_TH, Scope::kTable);
        break;
      default:
        break;
    }
    if (closes_p(tag)) {
      close_last(GUMBO_TAG_P, Scope::kButton);
    }
  }

  bool in_table() const {
    for (std::size_t i = open_.size(); i-- > 0;) {
      if (open_[i] == GUMBO_TAG_TABLE) {
        return true;
      }
      if (open_[i] == GUMBO_TAG_TEMPLATE) {
        return false;
      }
    }
    return false;
  }

  // §13.2.4.2 and §13.2.6.4.7: where the search for an element to close
  // stops. Where the estimate errs, it errs deeper, never shallower.
  enum class Scope { kButton, kListItem, kTable };
  static bool ends_scope(GumboTag open, Scope scope) {
    if (scope == Scope::kListItem) {
      return is_special(open) && open != GUMBO_TAG_ADDRESS &&
             open != GUMBO_TAG_DIV && open != GUMBO_TAG_P;
    }
    switch (open) {
      case GUMBO_TAG_TABLE:
      case GUMBO_TAG_TEMPLATE:
        return true;
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
      case GUMBO_TAG_CAPTION:
      case GUMBO_TAG_BUTTON:
      case GUMBO_TAG_OBJECT:
      case GUMBO_TAG_APPLET:
      case GUMBO_TAG_MARQUEE:
        return scope != Scope::kTable;
      default:
        return false;
    }
  }

  /// Pops the last `tag` open, unless the end of its scope comes first.
  void close_last(GumboTag tag, Scope scope) {
    for (std::size_t i = open_.size(); i-- > 0;) {
      if (open_[i] == tag) {
        pop_to(i);
        return;
      }
      if (ends_scope(open_[i], scope)) {
        return;
      }
    }
  }

  std::vector<GumboTag> open_;
  std::size_t foreign_from_ = 0;  ///< depth of the outermost svg or math
};

/// A formatting element left open, as the parser would copy it into each
/// later block: the tag, and its start tag's text (attributes included).
struct OpenFormatting {
  GumboTag tag;
  std::string_view start_tag;
  std::size_t weight() const { return start_tag.size() + 16; }
};

/// One pass over the fragment's tags, as the tokenizer sees them.
class Guard {
 public:
  explicit Guard(std::string_view html) : html_(html), rewrite_(html) {}

  std::string_view run(std::string& storage) {
    std::size_t at = html_.find('<');
    while (at != std::string_view::npos && at + 1 < html_.size()) {
      const std::size_t next = step(at);
      if (next == std::string_view::npos) {
        return rewrite_.finish(at, storage);
      }
      at = html_.find('<', next);
    }
    return rewrite_.finish(html_.size(), storage);
  }

 private:
  /// Reads the markup at `at`; returns where text resumes, or npos to cut
  /// the fragment off at `at`.
  std::size_t step(std::size_t at) {
    const std::string_view rest = html_.substr(at);
    if (rest.starts_with("<!--")) {
      const std::size_t end = html_.find("-->", at + 4);
      return end == std::string_view::npos ? html_.size() : end + 3;
    }
    const char c = rest[1];
    if (is_ascii_alpha(c)) {
      return start_tag(at, scan_tag(html_, at + 1));
    }
    if (c == '/' && rest.size() > 2 && is_ascii_alpha(rest[2])) {
      const TagSpan tag = scan_tag(html_, at + 2);
      end_tag(at, tag_of(at + 2, tag.name_end));
      return tag.end;
    }
    if (c == '!' || c == '?' || c == '/') {  // a bogus comment, up to '>'
      const std::size_t gt = html_.find('>', at + 2);
      return gt == std::string_view::npos ? html_.size() : gt + 1;
    }
    return at + 1;  // a '<' that is text
  }

  std::size_t start_tag(std::size_t at, const TagSpan& span) {
    const GumboTag tag = tag_of(at + 1, span.name_end);
    nodes_ += 1 + std::min(span.attributes, kMaxAttributes);
    if (nodes_ > kMaxParseNodes) {
      return std::string_view::npos;
    }
    close_formatting_if_over_budget(at);
    if (is_formatting(tag)) {
      if (formatting_.size() >= kMaxOpenFormatting) {
        rewrite_.replace(at, span.end, "");  // its end tag closes nothing
        return span.end;
      }
      push_formatting({tag, html_.substr(at, span.end - at)});
    }
    if (span.attribute_cut != std::string_view::npos && span.closed) {
      rewrite_.replace(span.attribute_cut, span.end,
                       span.self_closing ? "/>" : ">");
    }
    if (has_raw_text(tag) && span.closed) {
      const std::string_view name =
          html_.substr(at + 1, span.name_end - at - 1);
      const std::size_t next = after_end_tag(html_, span.end, name);
      return next == std::string_view::npos ? html_.size() : next;
    }
    if (!never_stays_open(tag) && !(open_.in_foreign() && span.self_closing) &&
        !open_.open(tag)) {
      return std::string_view::npos;
    }
    return span.end;
  }

  void end_tag(std::size_t at, GumboTag tag) {
    close_formatting_if_over_budget(at);
    if (is_formatting(tag)) {
      for (std::size_t i = formatting_.size(); i-- > 0;) {
        if (formatting_[i].tag == tag) {
          open_bytes_ -= formatting_[i].weight();
          formatting_.erase(formatting_.begin() + static_cast<long>(i));
          break;
        }
      }
    }
    open_.close(tag);
  }

  // HTML's "Noah's Ark" clause: a fourth identical element left open (same
  // tag and attributes: "<font color=red>" at the start of every paragraph
  // of an old page) pushes out the earliest of the three.
  void push_formatting(OpenFormatting entry) {
    std::size_t same = 0;
    for (std::size_t i = formatting_.size(); i-- > 0;) {
      if (formatting_[i].start_tag == entry.start_tag && ++same == 3) {
        open_bytes_ -= formatting_[i].weight();
        formatting_.erase(formatting_.begin() + static_cast<long>(i));
        break;
      }
    }
    open_bytes_ += entry.weight();
    formatting_.push_back(entry);
  }

  // Every tag may make the parser copy the formatting elements left open
  // into a new block (or walk them to match an end tag): counted as the
  // bytes of those copies. Past the budget, they are closed before the tag,
  // so formatting no longer runs on from block to block.
  void close_formatting_if_over_budget(std::size_t at) {
    spent_ += open_bytes_;
    if (spent_ <= kFormattingBudget || formatting_.empty()) {
      return;
    }
    std::string end_tags;
    for (std::size_t i = formatting_.size(); i-- > 0;) {
      end_tags += "</";
      end_tags += gumbo_normalized_tagname(formatting_[i].tag);
      end_tags += '>';
      open_.close(formatting_[i].tag);
    }
    formatting_.clear();
    open_bytes_ = 0;
    rewrite_.replace(at, at, end_tags);
  }

  GumboTag tag_of(std::size_t name_start, std::size_t name_end) const {
    return gumbo_tagn_enum(html_.data() + name_start,
                           static_cast<unsigned>(name_end - name_start));
  }

  std::string_view html_;
  Rewrite rewrite_;
  OpenElements open_;
  std::vector<OpenFormatting> formatting_;  ///< left open, oldest first
  std::size_t open_bytes_ = 0;              ///< their weight in all
  std::size_t spent_ = 0;
  std::size_t nodes_ = 0;
};

}  // namespace

std::string_view bounded_for_parser(std::string_view html,
                                    std::string& storage) {
  return Guard(html).run(storage);
}

}  // namespace feedmark
