#include <fmt/format.h>

#include <algorithm>

#include "xml_repairer.h"

namespace feedmark::xml_detail {

// The reference at `amp`, inside text that ends at `limit`; `quote` is
// the attribute value's delimiter, 0 in text. Returns where it ends.
std::size_t Repairer::reference(std::size_t amp, std::size_t limit,
                                char quote) {
  if (amp + 1 < limit && in_[amp + 1] == '#') {
    return character_reference(amp, limit);
  }
  const std::size_t end = name_end(amp + 1);
  if (end == amp + 1 || end >= limit || in_[end] != ';') {
    note(Problem::kBareAmpersand, amp);
    replace(amp, amp + 1, "&amp;");
    return amp + 1;
  }
  const std::string_view name = in_.substr(amp + 1, end - amp - 1);
  if (is_predefined_entity(name)) {
    return end + 1;
  }
  if (const auto it = entities_.find(name); it != entities_.end()) {
    return declared_entity(amp, end + 1, it->second, quote);
  }
  if (const std::string_view value = html_entity(name); !value.empty()) {
    if (const std::size_t run = double_encoded_run(amp, limit)) {
      return run;
    }
    note_html_entity(amp, name);
    const std::string_view escaped =
        value.size() == 1 ? predefined_reference(value[0]) : "";
    replace(amp, end + 1, escaped.empty() ? value : escaped);
    return end + 1;
  }
  if (!external_dtd_) {
    note(Problem::kUndefinedEntity, amp, name);
  }
  replace(amp, amp + 1, "&amp;");
  return end + 1;
}

// With an external DTD, HTML's entities may well be declared there
// (RSS 0.91's Netscape DTD declares them); XML 1.0 §4.1 makes an
// undeclared one an error only without it.
void Repairer::note_html_entity(std::size_t amp, std::string_view name) {
  if (!external_dtd_) {
    note(Problem::kHtmlEntity, amp, name);
  }
}

std::optional<Repairer::CharacterReference> Repairer::parse_character_reference(
    std::size_t amp, std::size_t limit) const {
  std::size_t i = amp + 2;
  CharacterReference ref;
  int base = 10;
  if (i < limit && (in_[i] == 'x' || in_[i] == 'X')) {
    ref.upper_x = in_[i] == 'X';
    base = 16;
    ++i;
  }
  const std::size_t digits = i;
  std::uint64_t value = 0;
  for (; i < limit && i - digits < 10; ++i) {
    const char c = ascii_lower(in_[i]);
    const int digit = c >= '0' && c <= '9'                 ? c - '0'
                      : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                           : -1;
    if (digit < 0) {
      break;
    }
    value = value * base + digit;
  }
  if (i == digits || i >= limit || in_[i] != ';') {
    return std::nullopt;
  }
  ref.value = value > 0x10FFFF ? 0xFFFFFFFF : static_cast<std::uint32_t>(value);
  ref.end = i + 1;
  return ref;
}

std::size_t Repairer::character_reference(std::size_t amp, std::size_t limit) {
  const auto ref = parse_character_reference(amp, limit);
  if (!ref) {
    note(Problem::kBareAmpersand, amp);
    replace(amp, amp + 1, "&amp;");
    return amp + 1;
  }
  if (const std::size_t run = double_encoded_run(amp, limit)) {
    return run;
  }
  const std::string_view spelled = in_.substr(amp, ref->end - amp);
  if (!is_xml_char(ref->value)) {
    note(Problem::kBadCharacterReference, amp, spelled);
    replace(amp, ref->end, kReplacementCharacter);
  } else if (ref->value >= 0x80 && ref->value <= 0x9F &&
             !windows1252_character(ref->value).empty()) {
    replace(amp, ref->end, windows1252_character(ref->value));
  } else if (ref->upper_x) {
    note(Problem::kMalformedCharacterReference, amp, spelled);
    const std::string_view escaped =
        ref->value < 0x80 ? predefined_reference(static_cast<char>(ref->value))
                          : "";
    replace(amp, ref->end, escaped.empty() ? utf8_of(ref->value) : escaped);
  }
  return ref->end;
}

// The code point of the reference at `amp` and where it ends, for
// numeric and HTML named references.
std::optional<std::pair<std::uint32_t, std::size_t>> Repairer::reference_value(
    std::size_t amp, std::size_t limit) const {
  if (amp >= limit || in_[amp] != '&') {
    return std::nullopt;
  }
  if (amp + 1 < limit && in_[amp + 1] == '#') {
    const auto ref = parse_character_reference(amp, limit);
    return ref ? std::optional(std::pair(ref->value, ref->end)) : std::nullopt;
  }
  const std::size_t end = name_end(amp + 1);
  if (end >= limit || in_[end] != ';') {
    return std::nullopt;
  }
  const auto c =
      single_code_point(html_entity(in_.substr(amp + 1, end - amp - 1)));
  return c ? std::optional(std::pair(*c, end + 1)) : std::nullopt;
}

// UTF-8 that was decoded as windows-1252 and written out as references:
// "&#226;&#128;&#166;" (or "&acirc;&euro;&brvbar;") is "…". Replaced
// when the references spell exactly one valid UTF-8 character; returns
// where they end, or 0.
std::size_t Repairer::double_encoded_run(std::size_t amp, std::size_t limit) {
  const auto first = reference_value(amp, limit);
  if (!first || first->first < 0xC2 || first->first > 0xF4) {
    return 0;
  }
  std::string bytes(1, static_cast<char>(first->first));
  const std::size_t length =
      utf8_length_for_lead(static_cast<unsigned char>(first->first));
  std::size_t i = first->second;
  std::optional<std::size_t> named;
  while (bytes.size() < length) {
    const auto ref = reference_value(i, limit);
    const auto byte = ref ? mistaken_byte(ref->first) : std::nullopt;
    if (!byte) {
      return 0;
    }
    if (in_[i + 1] != '#' && !named) {
      named = i;
    }
    bytes += static_cast<char>(*byte);
    i = ref->second;
  }
  if (repair_utf8(bytes)) {
    return 0;
  }
  if (in_[amp + 1] != '#') {
    named = amp;
  }
  if (named) {
    const std::size_t end = in_.find(';', *named);
    note_html_entity(*named, in_.substr(*named + 1, end - *named - 1));
  }
  replace(amp, i, bytes);
  return i;
}

// Expands to the declared replacement text, as text (markup in it is
// escaped), within a budget that stops "billion laughs" from growing
// the document.
std::size_t Repairer::declared_entity(
    std::size_t amp, std::size_t end,
    const std::optional<std::string_view>& value, char quote) {
  if (!value) {
    return end;  // an external entity: left as a reference
  }
  const std::size_t budget = std::max<std::size_t>(in_.size(), 1 << 20);
  if (expanded_ + value->size() > budget) {
    note(Problem::kEntityLimit, amp, std::to_string(expanded_));
    replace(amp, amp + 1, "&amp;");
    return end;
  }
  expanded_ += value->size();
  replace(amp, end, entity_text(*value, quote));
  return end;
}

// A declared entity's replacement text, where it is referenced: its
// character references and &amp; stay; markup and other entities
// become text.
std::string Repairer::entity_text(std::string_view value, char quote) const {
  std::string text;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const bool keep = c != '<' && (quote == 0 || c != quote) &&
                      (c != '&' || is_kept_reference(value.substr(i)));
    text += keep ? std::string(1, c) : std::string(predefined_reference(c));
  }
  return text;
}

// &amp; and the like, and references to characters XML allows.
bool Repairer::is_kept_reference(std::string_view text) {
  const std::size_t semicolon = text.find(';');
  if (semicolon == std::string_view::npos || semicolon < 2) {
    return false;
  }
  const std::string_view name = text.substr(1, semicolon - 1);
  if (is_predefined_entity(name)) {
    return true;
  }
  if (!name.starts_with('#')) {
    return false;
  }
  const bool hex = name.starts_with("#x");
  const std::string_view digits = name.substr(hex ? 2 : 1);
  std::uint32_t value = 0;
  for (char d : digits) {
    const char c = ascii_lower(d);
    const int digit = c >= '0' && c <= '9'          ? c - '0'
                      : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                    : -1;
    if (digit < 0 || value > 0x10FFFF) {
      return false;
    }
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  return !digits.empty() && is_xml_char(value) &&
         !(value >= 0x80 && value <= 0x9F);
}

}  // namespace feedmark::xml_detail
