#include <fmt/format.h>

#include <algorithm>

#include "xml_repairer.h"

namespace feedmark::xml_detail {

// Where the next '<' or '&' is, or the end. A plain loop: find_first_of
// searches its two-character set once per byte, the slowest part of this
// pass on a feed that needs no repair.
std::size_t Repairer::next_markup(std::size_t from) const {
  const char* data = in_.data();
  for (std::size_t i = from; i < in_.size(); ++i) {
    if (data[i] == '<' || data[i] == '&') {
      return i;
    }
  }
  return in_.size();
}

void Repairer::step() {
  const std::size_t next = next_markup(pos_);
  if (phase_ != Phase::kRoot && !is_blank(pos_, next)) {
    junk(pos_, next);
    return;
  }
  pos_ = next;
  if (pos_ >= in_.size()) {
    return;
  }
  if (in_[pos_] == '&') {
    if (phase_ == Phase::kRoot) {
      pos_ = reference(pos_, in_.size(), 0);
    } else {
      junk(pos_, pos_ + 1);
    }
    return;
  }
  markup();
}

bool Repairer::is_blank(std::size_t from, std::size_t to) const {
  return std::all_of(in_.begin() + from, in_.begin() + to, is_ascii_space);
}

// Outside the root element: before it, the junk is dropped; after it,
// everything is.
void Repairer::junk(std::size_t from, std::size_t to) {
  while (from < to && is_ascii_space(in_[from])) {
    ++from;
  }
  if (const std::size_t declaration = declaration_after(from);
      declaration != std::string_view::npos) {
    restart_at(declaration);
    return;
  }
  if (phase_ == Phase::kEpilog) {
    note(Problem::kJunkAfter, from, bytes_text(in_.size() - from));
    erase(from, in_.size());
    pos_ = in_.size();
    return;
  }
  junk_before_ += to - from;
  note(Problem::kJunkBefore, from);
  erase(from, to);
  pos_ = to;
}

bool Repairer::at(std::size_t i, std::string_view s) const {
  return in_.substr(i).starts_with(s);
}

void Repairer::markup() {
  const char next = pos_ + 1 < in_.size() ? in_[pos_ + 1] : '\0';
  if (at(pos_, "<!--")) {
    comment();
  } else if (at(pos_, "<![CDATA[") && phase_ == Phase::kRoot) {
    cdata();
  } else if (at(pos_, "<!DOCTYPE") && phase_ == Phase::kProlog) {
    doctype();
  } else if (next == '?' && pos_ + 2 < in_.size() &&
             is_name_start(in_[pos_ + 2])) {
    processing_instruction();
  } else if (next == '/' && pos_ + 2 < in_.size() &&
             is_name_start(in_[pos_ + 2])) {
    end_tag();
  } else if (is_name_start(next)) {
    start_tag();
  } else {
    loose_less_than();
  }
}

void Repairer::loose_less_than() {
  if (phase_ != Phase::kRoot) {
    const std::size_t next = std::min(in_.find('<', pos_ + 1), in_.size());
    junk(pos_, next);
    return;
  }
  note(Problem::kLooseLessThan, pos_);
  replace(pos_, pos_ + 1, "&lt;");
  pos_ += 1;
}

// Cut off before its end: dropped, and the document ends here.
void Repairer::unfinished(std::string_view what) {
  note(Problem::kUnfinished, pos_, what);
  erase(pos_, in_.size());
  pos_ = in_.size();
}

void Repairer::comment() {
  const std::size_t close = in_.find("-->", pos_ + 4);
  if (close == std::string_view::npos) {
    unfinished("comment");
    return;
  }
  pos_ = close + 3;
}

void Repairer::cdata() {
  const std::size_t close = in_.find("]]>", pos_ + 9);
  if (close == std::string_view::npos) {
    note(Problem::kUnclosedCdata, pos_);
    insert(in_.size(), "]]>");
    pos_ = in_.size();
    return;
  }
  pos_ = close + 3;
}

void Repairer::processing_instruction() {
  const std::size_t close = in_.find("?>", pos_ + 2);
  if (close == std::string_view::npos) {
    unfinished("processing instruction");
    return;
  }
  const std::string_view target = in_.substr(pos_ + 2, 4);
  const bool declaration =
      target.starts_with("xml") &&
      (target.size() < 4 || is_ascii_space(target[3]) || target[3] == '?');
  if (declaration && may_restart_ && pos_ <= kJunkWindow &&
      !is_blank(0, pos_) &&
      (stack_.empty() || !is_feed_root(stack_.front().name))) {
    restart_at(pos_);
  }
  pos_ = close + 2;
}

// Where an XML declaration starts after junk at `from`, if one does
// while the document may still start again.
std::size_t Repairer::declaration_after(std::size_t from) const {
  if (!may_restart_ || from > kJunkWindow) {
    return std::string_view::npos;
  }
  const std::size_t found = in_.substr(0, kJunkWindow + 5).find("<?xml", from);
  if (found == std::string_view::npos || found + 5 >= in_.size() ||
      !(is_ascii_space(in_[found + 5]) || in_[found + 5] == '?')) {
    return std::string_view::npos;
  }
  return found;
}

// Junk before a declaration (a PHP warning, "<b>Notice</b>: ...") is
// dropped with everything made of it; the document starts again at
// `start`.
void Repairer::restart_at(std::size_t start) {
  *this = Repairer(in_);
  may_restart_ = false;
  out_.clear();
  copied_ = start;
  changed_ = true;
  pos_ = start;
  note(Problem::kJunkBefore, 0,
       bytes_text(start) + " before the XML declaration");
  junk_before_ = start;
}

std::size_t Repairer::skip_quoted(std::size_t i) const {
  const std::size_t close = in_.find(in_[i], i + 1);
  return close == std::string_view::npos ? in_.size() : close + 1;
}

// Up to and past the '>' that ends a markup declaration, quotes respected.
std::size_t Repairer::declaration_end(std::size_t i) const {
  while (i < in_.size() && in_[i] != '>') {
    i = in_[i] == '"' || in_[i] == '\'' ? skip_quoted(i) : i + 1;
  }
  return std::min(i + 1, in_.size() + 1);
}

std::size_t Repairer::skip_spaces(std::size_t i) const {
  while (i < in_.size() && is_ascii_space(in_[i])) {
    ++i;
  }
  return i;
}

std::size_t Repairer::name_end(std::size_t i) const {
  while (i < in_.size() && is_name_char(in_[i])) {
    ++i;
  }
  return i;
}

void Repairer::doctype() {
  std::size_t i = pos_ + 9;
  bool valid = true;
  while (i < in_.size() && in_[i] != '>' && in_[i] != '[') {
    if (in_[i] == '"' || in_[i] == '\'') {
      i = skip_quoted(i);
      external_dtd_ = true;
    } else {
      valid = valid && (is_name_char(in_[i]) || is_ascii_space(in_[i]));
      ++i;
    }
  }
  if (i < in_.size() && in_[i] == '[') {
    bool subset_valid = true;
    std::tie(i, subset_valid) = internal_subset(i + 1);
    i = skip_spaces(i);
    valid = valid && subset_valid && i < in_.size() && in_[i] == '>';
  }
  i = declaration_end(i);
  if (i > in_.size()) {
    unfinished("DOCTYPE");
    return;
  }
  if (!valid) {
    // What it declared cannot be trusted; the document goes on without.
    note(Problem::kBadTag, pos_, "!DOCTYPE");
    erase(pos_, i);
    entities_.clear();
    external_dtd_ = false;
  }
  pos_ = i;
}

// XML 1.0 §2.8: markup declarations, comments, PIs and parameter-entity
// references up to the ']'. Returns where it ends, and whether it held
// nothing else.
std::pair<std::size_t, bool> Repairer::internal_subset(std::size_t i) {
  bool valid = true;
  while (i < in_.size() && in_[i] != ']') {
    if (at(i, "<!--")) {
      const std::size_t close = in_.find("-->", i + 4);
      i = close == std::string_view::npos ? in_.size() : close + 3;
    } else if (at(i, "<!ENTITY")) {
      const std::size_t end = entity_declaration(i + 8);
      valid = valid && !contains_markup(i + 8, end - 1);
      i = end;
    } else if (at(i, "<!ELEMENT") || at(i, "<!ATTLIST") ||
               at(i, "<!NOTATION") || at(i, "<?")) {
      const std::size_t end = declaration_end(i + 2);
      valid = valid && !contains_markup(i + 2, end - 1);
      i = end;
    } else if (in_[i] == '%') {
      // Entities may then be declared where we cannot see them.
      external_dtd_ = true;
      const std::size_t end = name_end(i + 1);
      valid = valid && end < in_.size() && in_[end] == ';';
      i = end + 1;
    } else {
      valid = valid && is_ascii_space(in_[i]);
      ++i;
    }
  }
  return {std::min(i + 1, in_.size()), valid};
}

// A '<' outside quotes, which no markup declaration holds.
bool Repairer::contains_markup(std::size_t from, std::size_t to) const {
  for (std::size_t i = from; i < to && i < in_.size();) {
    if (in_[i] == '<') {
      return true;
    }
    i = in_[i] == '"' || in_[i] == '\'' ? skip_quoted(i) : i + 1;
  }
  return false;
}

std::size_t Repairer::entity_declaration(std::size_t i) {
  i = skip_spaces(i);
  if (i < in_.size() && in_[i] != '%') {
    const std::size_t end = name_end(i);
    const std::string_view name = in_.substr(i, end - i);
    const std::size_t value = skip_spaces(end);
    if (value < in_.size() && (in_[value] == '"' || in_[value] == '\'')) {
      const std::size_t close = skip_quoted(value);
      const std::string_view text = in_.substr(value + 1, close - value - 2);
      entities_.try_emplace(name, text);
    } else {
      entities_.try_emplace(name, std::nullopt);  // external: not expanded
    }
  }
  return declaration_end(i);
}

}  // namespace feedmark::xml_detail
