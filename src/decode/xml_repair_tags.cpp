#include <fmt/format.h>

#include <algorithm>

#include "xml_repairer.h"

namespace feedmark::xml_detail {

void Repairer::start_tag() {
  if (phase_ == Phase::kEpilog) {
    junk(pos_, in_.size());
    return;
  }
  const std::size_t start = pos_;
  const std::size_t output_lt = output_offset(start);
  const std::size_t end = name_end(pos_ + 1);
  const std::string_view name = in_.substr(pos_ + 1, end - pos_ - 1);
  const std::size_t declared_from = declared_.size();
  std::vector<std::string_view> prefixed;
  const std::size_t written = out_.size();
  const std::size_t copied = copied_;
  const std::optional<std::size_t> close = attributes(end, name, prefixed);
  if (!close) {
    out_.resize(written);  // the repairs inside it go with the tag
    copied_ = copied;
    unfinished(fmt::format("tag <{}", name));
    undeclare(declared_from);
    return;
  }
  if (phase_ == Phase::kProlog) {
    phase_ = Phase::kRoot;
  }
  check_prefix(name, start);
  for (std::string_view attribute : prefixed) {
    check_prefix(attribute, start);
  }
  const bool empty = in_[*close - 1] == '/';
  pos_ = *close + 1;
  if (empty) {
    undeclare(declared_from);
    if (stack_.empty()) {
      phase_ = Phase::kEpilog;
    }
    return;
  }
  // A root element is never taken for HTML: self-closing it would leave
  // its content outside.
  const std::size_t void_gt = is_html_void(name) && !stack_.empty()
                                  ? output_offset(*close)
                                  : std::string_view::npos;
  stack_.push_back({name, start, output_lt, void_gt, declared_from});
  ++open_[name];
}

// The attributes of a start tag, repaired; returns the offset of its '>'
// (after a '/' when the tag is empty), or nothing when the text ends first.
std::optional<std::size_t> Repairer::attributes(
    std::size_t i, std::string_view tag,
    std::vector<std::string_view>& prefixed) {
  bool separated = false;  // not so in <a b="1"c="2"> or <a"b=1>
  while (true) {
    const std::size_t spaced = i;
    i = skip_spaces(i);
    separated = separated || i != spaced;
    if (i >= in_.size()) {
      return std::nullopt;
    }
    const char c = in_[i];
    if (c == '>') {
      return i;
    }
    if (c == '/' && i + 1 < in_.size() && in_[i + 1] == '>') {
      return i + 1;
    }
    if (!is_name_start(c)) {
      note(Problem::kBadTag, i, tag);
      erase(i, i + 1);
      ++i;
      continue;
    }
    if (!separated) {
      note(Problem::kBadTag, i, tag);
      insert(i, " ");
    }
    const auto next = attribute(i, tag, prefixed);
    if (!next) {
      return std::nullopt;
    }
    separated = false;
    i = *next;
  }
}

std::optional<std::size_t> Repairer::attribute(
    std::size_t i, std::string_view tag,
    std::vector<std::string_view>& prefixed) {
  const std::size_t end = name_end(i);
  const std::string_view name = in_.substr(i, end - i);
  if (name.starts_with("xmlns:")) {
    declare(name.substr(6));
  } else if (name.find(':') != std::string_view::npos) {
    prefixed.push_back(name);
  }
  std::size_t j = skip_spaces(end);
  if (j >= in_.size()) {
    return std::nullopt;
  }
  if (in_[j] != '=') {
    note(Problem::kBadTag, i, tag);  // <td nowrap>
    insert(end, "=\"\"");
    return end;
  }
  j = skip_spaces(j + 1);
  if (j >= in_.size()) {
    return std::nullopt;
  }
  if (in_[j] == '"' || in_[j] == '\'') {
    const std::size_t close = in_.find(in_[j], j + 1);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    attribute_value(j + 1, close, in_[j], tag);
    return close + 1;
  }
  // <a href=http://x/?a=1&b=2>: the value runs to a space or '>'.
  note(Problem::kBadTag, i, tag);
  std::size_t close = j;
  while (close < in_.size() && !is_ascii_space(in_[close]) &&
         in_[close] != '>' && !at(close, "/>")) {
    ++close;
  }
  insert(j, "\"");
  attribute_value(j, close, 0, tag);
  insert(close, "\"");
  return close;
}

// `quote` 0: an unquoted value, which will be quoted with '"'.
void Repairer::attribute_value(std::size_t i, std::size_t end, char quote,
                               std::string_view tag) {
  while (i < end) {
    const char c = in_[i];
    if (c == '&') {
      i = reference(i, end, quote == 0 ? '"' : quote);
    } else if (c == '<' || (quote == 0 && c == '"')) {
      note(Problem::kBadTag, i, tag);
      replace(i, i + 1, predefined_reference(c));
      ++i;
    } else {
      ++i;
    }
  }
}

void Repairer::end_tag() {
  const std::size_t start = pos_;
  const std::size_t end = name_end(pos_ + 2);
  const std::string_view name = in_.substr(pos_ + 2, end - pos_ - 2);
  std::size_t close = skip_spaces(end);
  const bool malformed = close < in_.size() && in_[close] != '>';
  if (malformed) {
    close = in_.find('>', close);  // </a junk>
  }
  const bool cut = close >= in_.size();
  if (cut && malformed) {
    unfinished(fmt::format("end tag </{}", name));
    return;
  }
  pos_ = cut ? in_.size() : close + 1;
  if (phase_ == Phase::kEpilog) {
    junk(start, in_.size());
    return;
  }
  const auto open = open_.find(name);
  if (phase_ == Phase::kProlog || open == open_.end() || open->second == 0) {
    if (cut) {
      pos_ = start;
      unfinished(fmt::format("end tag </{}", name));
      return;
    }
    note(Problem::kStrayEndTag, start, name);
    erase(start, pos_);
    return;
  }
  close_implicitly_until(name, start, Problem::kUnclosedElement);
  if (malformed) {
    note(Problem::kBadTag, start, fmt::format("/{}", name));
    replace(start, pos_, fmt::format("</{}>", name));
  }
  if (cut) {
    note(Problem::kCutEndTag, start, name);
    insert(in_.size(), ">");
  }
  pop();
  if (stack_.empty()) {
    phase_ = Phase::kEpilog;
  }
}

// Closes the open elements above `name` (all when it is empty) at
// `at`. HTML void elements are self-closed instead, and where one
// paragraph was left open inside another ("<p>one<p>two"), the first
// ends where the second starts, as HTML reads it.
void Repairer::close_implicitly_until(std::string_view name, std::size_t at,
                                      Problem problem) {
  std::optional<Frame> child;
  while (!stack_.empty() && stack_.back().name != name) {
    const Frame frame = stack_.back();
    if (frame.void_gt != std::string_view::npos) {
      note(Problem::kVoidElement, frame.offset, frame.name);
      late_.push_back({frame.void_gt, "/"});
    } else {
      if (problem == Problem::kUnclosedElement) {
        note(problem, frame.offset, frame.name);
      }
      const std::string end_tag = fmt::format("</{}>", frame.name);
      if (child && stack_.size() > 1 &&
          closes_sibling(frame.name, child->name)) {
        late_.push_back({child->output_lt, end_tag});
      } else {
        insert(at, end_tag);
      }
    }
    child = frame;
    pop();
  }
}

// HTML's implied end tags: a <p> starts a new paragraph, an <li> a new
// list item.
bool Repairer::closes_sibling(std::string_view open, std::string_view next) {
  if (!iequals(open, next)) {
    return false;
  }
  for (std::string_view name :
       {"p", "li", "dt", "dd", "option", "tr", "td", "th"}) {
    if (iequals(open, name)) {
      return true;
    }
  }
  return false;
}

void Repairer::pop() {
  --open_[stack_.back().name];
  undeclare(stack_.back().declared_from);
  stack_.pop_back();
}

void Repairer::declare(std::string_view prefix) {
  declared_.push_back(prefix);
  ++prefixes_[prefix];
}

void Repairer::undeclare(std::size_t from) {
  while (declared_.size() > from) {
    --prefixes_[declared_.back()];
    declared_.pop_back();
  }
}

void Repairer::check_prefix(std::string_view name, std::size_t offset) {
  const std::size_t colon = name.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return;
  }
  const std::string_view prefix = name.substr(0, colon);
  if (prefix == "xml" || prefix == "xmlns") {
    return;
  }
  if (const auto it = prefixes_.find(prefix);
      it == prefixes_.end() || it->second == 0) {
    note(Problem::kUndeclaredPrefix, offset, prefix);
  }
}

}  // namespace feedmark::xml_detail
