#include "feedmark/decode/xml_repair.h"

#include <fmt/format.h>

#include <algorithm>

#include "xml_repairer.h"

namespace feedmark::xml_detail {

void Repairer::finish() {
  if (!stack_.empty()) {
    const std::string_view innermost = stack_.back().name;
    const std::size_t open = stack_.size();
    close_implicitly_until({}, in_.size(), Problem::kTruncated);
    Tally& tally = tallies_[static_cast<std::size_t>(Problem::kTruncated)];
    tally = {open, in_.size(), std::string(innermost)};
  }
  Tally& junk = tallies_[static_cast<std::size_t>(Problem::kJunkBefore)];
  if (junk.count > 0 && junk.detail.empty()) {
    junk.detail = bytes_text(junk_before_) + " before the root element";
  }
  if (!late_.empty()) {
    insert(in_.size(), "");
  }
}

XmlRepair Repairer::result() {
  XmlRepair repair;
  if (changed_) {
    out_.append(in_.substr(copied_));
    repair.text = with_late_inserts(std::move(out_));
    repair.changed = true;
  }
  for (std::size_t i = 0; i < kProblems; ++i) {
    const Tally& tally = tallies_[i];
    if (tally.count == 0) {
      continue;
    }
    const auto problem = static_cast<Problem>(i);
    std::string line =
        fmt::format("line {}: {}", line_number_at(in_, tally.offset),
                    problem_text(problem, tally));
    if (tally.count > 1 && !is_summary(problem)) {
      line += fmt::format(" ({} in all)", tally.count);
    }
    repair.warnings.push_back(std::move(line));
  }
  return repair;
}

// The late inserts (`<br>` becoming `<br/>`), in one pass.
std::string Repairer::with_late_inserts(std::string text) {
  if (late_.empty()) {
    return text;
  }
  std::stable_sort(
      late_.begin(), late_.end(),
      [](const LateInsert& a, const LateInsert& b) { return a.at < b.at; });
  std::string out;
  out.reserve(text.size() + late_.size() * 4);
  std::size_t from = 0;
  for (const LateInsert& late : late_) {
    out.append(text, from, late.at - from);
    out += late.text;
    from = late.at;
  }
  out.append(text, from);
  return out;
}

}  // namespace feedmark::xml_detail

namespace feedmark {

XmlRepair repair_xml(std::string_view text) {
  return xml_detail::Repairer(text).run();
}

}  // namespace feedmark
