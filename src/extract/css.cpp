// Style attributes, cleaned like feedparser does. A declaration stays when
// its property is allowlisted and its value is made of harmless tokens only:
// words, numbers with units, colours, quoted font names, rgb(). Anything
// that could load or run something (url(, expression(, behavior,
// -moz-binding, javascript:) fails that test, and an escape or a comment,
// which could spell or split such a word, drops the whole attribute.

#include "feedmark/extract/css.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_set>
#include <vector>

#include "feedmark/util/text.h"

namespace feedmark {
namespace {

/// The words of a space-separated list, looked up in constant time and in
/// any case, without a lower-case copy on the heap.
class WordSet {
 public:
  explicit WordSet(std::string_view list) {
    for (std::size_t i = 0; i < list.size();) {
      const std::size_t end = std::min(list.find(' ', i), list.size());
      words_.insert(list.substr(i, end - i));
      longest_ = std::max(longest_, end - i);
      i = end + 1;
    }
  }
  bool contains_folded(std::string_view word) const {
    std::array<char, 64> folded{};
    if (word.size() > longest_ || word.size() > folded.size()) {
      return false;
    }
    for (std::size_t i = 0; i < word.size(); ++i) {
      const char c = word[i];
      folded[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return words_.contains(std::string_view(folded.data(), word.size()));
  }

 private:
  std::unordered_set<std::string_view> words_;  ///< view the literals
  std::size_t longest_ = 0;
};

constexpr std::string_view kCssProperties =
    "azimuth background-color border-bottom-color border-collapse border-color "
    "border-left-color border-right-color border-top-color clear color cursor "
    "direction display elevation float font font-family font-size font-style "
    "font-variant font-weight height letter-spacing line-height overflow pause "
    "pause-after pause-before pitch pitch-range richness speak speak-header "
    "speak-numeral speak-punctuation speech-rate stress text-align "
    "text-decoration text-indent unicode-bidi vertical-align voice-family "
    "volume white-space width";

constexpr std::string_view kSvgCssProperties =
    "fill fill-opacity fill-rule stroke stroke-linecap stroke-linejoin "
    "stroke-opacity stroke-width";

// Keywords seen in feeds' background, border, margin and padding values.
constexpr std::string_view kCssKeywords =
    "!important aqua auto black block blue bold both bottom brown center "
    "collapse dashed dotted fuchsia gray green italic left lime maroon medium "
    "navy none normal nowrap olive pointer purple red right silver solid teal "
    "top transparent underline white yellow";

bool is_css_word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

// Backslash escapes and comments change what the browser reads; braces,
// at-rules and markup have no place in one element's style.
bool has_css_hazard(std::string_view css) {
  for (std::size_t i = 0; i < css.size(); ++i) {
    const auto c = static_cast<unsigned char>(css[i]);
    if (c == '\\' || c == '{' || c == '}' || c == '@' || c == '<' || c == '>' ||
        c == '&' || c == 0x7f || (c < 0x20 && !is_ascii_space(css[i]))) {
      return true;
    }
    if ((c == '/' && i + 1 < css.size() && css[i + 1] == '*') ||
        (c == '*' && i + 1 < css.size() && css[i + 1] == '/')) {
      return true;
    }
  }
  return false;
}

// The declarations of a style attribute, split at the semicolons outside
// quotes and parentheses.
std::vector<std::string_view> split_declarations(std::string_view css) {
  std::vector<std::string_view> out;
  char quote = 0;
  int parens = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= css.size(); ++i) {
    const char c = i < css.size() ? css[i] : ';';
    if (quote != 0) {
      quote = c == quote ? 0 : quote;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(') {
      ++parens;
    } else if (c == ')') {
      parens = std::max(0, parens - 1);
    } else if (c == ';' && (parens == 0 || i == css.size())) {
      out.push_back(css.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool is_css_property_name(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

bool is_color_function(std::string_view name) {
  return iequals(name, "rgb") || iequals(name, "rgba") ||
         iequals(name, "hsl") || iequals(name, "hsla");
}

// Where the quoted string or the colour function starting at `i` ends
// (one past its closing character), or npos when it is not a harmless one.
std::size_t end_of_group(std::string_view value, std::size_t i) {
  const char open = value[i];
  const char close = open == '(' ? ')' : open;
  const std::size_t end = value.find(close, i + 1);
  if (end == std::string_view::npos || end == i + 1) {
    return std::string_view::npos;
  }
  for (char c : value.substr(i + 1, end - i - 1)) {
    const bool ok =
        open == '(' ? std::isdigit(static_cast<unsigned char>(c)) || c == ',' ||
                          c == '.' || c == '%' || is_ascii_space(c)
                    : is_css_word_char(c) || c == '-' || is_ascii_space(c);
    if (!ok) {
      return std::string_view::npos;
    }
  }
  return end + 1;
}

bool is_hyphen_inside_word(std::string_view value, std::size_t i) {
  return value[i] == '-' && i > 0 && i + 1 < value.size() &&
         is_css_word_char(value[i - 1]) && is_css_word_char(value[i + 1]);
}

// feedparser's "gauntlet": words (a hyphen only inside one), numbers,
// "#", "%", ",", ".", "!", quoted names and rgb(…), nothing else.
bool is_harmless_css_value(std::string_view value) {
  std::size_t word_start = 0;  // of the word before value[i]
  std::size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (c == '(' &&
        !is_color_function(value.substr(word_start, i - word_start))) {
      return false;
    }
    if (c == '"' || c == '\'' || c == '(') {
      i = end_of_group(value, i);
      if (i == std::string_view::npos) {
        return false;
      }
      word_start = i;
      continue;
    }
    ++i;
    if (is_css_word_char(c) || is_hyphen_inside_word(value, i - 1)) {
      continue;
    }
    if (!is_ascii_space(c) &&
        std::string_view(",#%.!").find(c) == std::string_view::npos) {
      return false;
    }
    word_start = i;
  }
  return true;
}

bool is_css_number(std::string_view token) {
  std::size_t i = 0;
  std::size_t before = 0;
  std::size_t after = 0;
  while (i < token.size() &&
         std::isdigit(static_cast<unsigned char>(token[i]))) {
    ++before;
    ++i;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    while (i < token.size() &&
           std::isdigit(static_cast<unsigned char>(token[i]))) {
      ++after;
      ++i;
    }
  }
  // At most four digits, so that "margin: 99999em" cannot push text away.
  if (before + after == 0 || before > 4 || after > 2) {
    return false;
  }
  const std::string unit = ascii_lowercase(token.substr(i));
  for (std::string_view u :
       {"", "cm", "em", "ex", "in", "mm", "pc", "pt", "px", "%"}) {
    if (unit == u) {
      return true;
    }
  }
  return false;
}

bool is_css_hex_color(std::string_view token) {
  return token.size() >= 2 && token.size() <= 9 && token[0] == '#' &&
         std::all_of(token.begin() + 1, token.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

// background, border, margin and padding take any CSS, url() included, so
// their values must be made of known keywords, sizes and colours only.
bool is_plain_box_value(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size()) {
    if (is_ascii_space(value[i]) || value[i] == ',') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < value.size() && !is_ascii_space(value[end]) &&
           value[end] != ',' && value[end] != '(') {
      ++end;
    }
    const std::string_view token = value.substr(i, end - i);
    if (end < value.size() && value[end] == '(') {
      if (!is_color_function(token)) {
        return false;
      }
      end = value.find(')', end);  // checked by is_harmless_css_value
      i = end == std::string_view::npos ? value.size() : end + 1;
      continue;
    }
    static const WordSet keywords(kCssKeywords);
    if (!keywords.contains_folded(token) && !is_css_hex_color(token) &&
        !is_css_number(token)) {
      return false;
    }
    i = end;
  }
  return true;
}

// A word that old browsers ran or loaded something for, anywhere in the
// value. Without "(" none of them can act (the gauntlet lets "(" follow
// only rgb and hsl), but a value that names one is no styling a feed
// needs: found by fuzzing, "width: expressionˆšbp" passed as a word.
bool names_active_content(std::string_view value) {
  const std::string lower = ascii_lowercase(value);
  for (std::string_view word :
       {"expression", "javascript", "vbscript", "behavior", "binding"}) {
    if (lower.find(word) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool is_box_property(std::string_view name) {
  const std::string_view family = name.substr(0, name.find('-'));
  return family == "background" || family == "border" || family == "margin" ||
         family == "padding";
}

bool is_allowed_declaration(std::string_view name, std::string_view value,
                            bool svg) {
  static const WordSet properties(kCssProperties);
  static const WordSet svg_properties(kSvgCssProperties);
  if (properties.contains_folded(name) ||
      (svg && svg_properties.contains_folded(name))) {
    return true;
  }
  return is_box_property(ascii_lowercase(name)) && is_plain_box_value(value);
}

}  // namespace

std::string sanitize_style(std::string_view css, bool svg) {
  std::string out;
  if (has_css_hazard(css)) {
    return out;
  }
  for (std::string_view declaration : split_declarations(css)) {
    const std::size_t colon = declaration.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const std::string_view name = trim(declaration.substr(0, colon));
    const std::string value =
        collapse_whitespace(declaration.substr(colon + 1));
    if (!is_css_property_name(name) || value.empty() ||
        !is_harmless_css_value(value) || names_active_content(value) ||
        !is_allowed_declaration(name, value, svg)) {
      continue;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out.append(name);
    out += ": ";
    out += value;
    out += ';';
  }
  return out;
}

}  // namespace feedmark
