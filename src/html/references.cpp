#include "html/references.h"

#include <unordered_map>

#include "feedmark/util/text.h"

namespace feedmark::html {
namespace {

// The named references feeds use, with their ";". Any other name is left
// to gumbo, which knows them all.
const std::unordered_map<std::string_view, char32_t>& named_references() {
  static const std::unordered_map<std::string_view, char32_t> kNames = {
      {"amp", U'&'},      {"lt", U'<'},       {"gt", U'>'},
      {"quot", U'"'},     {"apos", U'\''},    {"nbsp", 0xA0},
      {"iexcl", 0xA1},    {"cent", 0xA2},     {"pound", 0xA3},
      {"curren", 0xA4},   {"yen", 0xA5},      {"brvbar", 0xA6},
      {"sect", 0xA7},     {"uml", 0xA8},      {"copy", 0xA9},
      {"ordf", 0xAA},     {"laquo", 0xAB},    {"not", 0xAC},
      {"shy", 0xAD},      {"reg", 0xAE},      {"macr", 0xAF},
      {"deg", 0xB0},      {"plusmn", 0xB1},   {"sup2", 0xB2},
      {"sup3", 0xB3},     {"acute", 0xB4},    {"micro", 0xB5},
      {"para", 0xB6},     {"middot", 0xB7},   {"cedil", 0xB8},
      {"sup1", 0xB9},     {"ordm", 0xBA},     {"raquo", 0xBB},
      {"frac14", 0xBC},   {"frac12", 0xBD},   {"frac34", 0xBE},
      {"iquest", 0xBF},   {"Agrave", 0xC0},   {"Aacute", 0xC1},
      {"Acirc", 0xC2},    {"Atilde", 0xC3},   {"Auml", 0xC4},
      {"Aring", 0xC5},    {"AElig", 0xC6},    {"Ccedil", 0xC7},
      {"Egrave", 0xC8},   {"Eacute", 0xC9},   {"Ecirc", 0xCA},
      {"Euml", 0xCB},     {"Igrave", 0xCC},   {"Iacute", 0xCD},
      {"Icirc", 0xCE},    {"Iuml", 0xCF},     {"ETH", 0xD0},
      {"Ntilde", 0xD1},   {"Ograve", 0xD2},   {"Oacute", 0xD3},
      {"Ocirc", 0xD4},    {"Otilde", 0xD5},   {"Ouml", 0xD6},
      {"times", 0xD7},    {"Oslash", 0xD8},   {"Ugrave", 0xD9},
      {"Uacute", 0xDA},   {"Ucirc", 0xDB},    {"Uuml", 0xDC},
      {"Yacute", 0xDD},   {"THORN", 0xDE},    {"szlig", 0xDF},
      {"agrave", 0xE0},   {"aacute", 0xE1},   {"acirc", 0xE2},
      {"atilde", 0xE3},   {"auml", 0xE4},     {"aring", 0xE5},
      {"aelig", 0xE6},    {"ccedil", 0xE7},   {"egrave", 0xE8},
      {"eacute", 0xE9},   {"ecirc", 0xEA},    {"euml", 0xEB},
      {"igrave", 0xEC},   {"iacute", 0xED},   {"icirc", 0xEE},
      {"iuml", 0xEF},     {"eth", 0xF0},      {"ntilde", 0xF1},
      {"ograve", 0xF2},   {"oacute", 0xF3},   {"ocirc", 0xF4},
      {"otilde", 0xF5},   {"ouml", 0xF6},     {"divide", 0xF7},
      {"oslash", 0xF8},   {"ugrave", 0xF9},   {"uacute", 0xFA},
      {"ucirc", 0xFB},    {"uuml", 0xFC},     {"yacute", 0xFD},
      {"thorn", 0xFE},    {"yuml", 0xFF},     {"OElig", 0x152},
      {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},
      {"Yuml", 0x178},    {"fnof", 0x192},    {"circ", 0x2C6},
      {"tilde", 0x2DC},   {"ensp", 0x2002},   {"emsp", 0x2003},
      {"thinsp", 0x2009}, {"zwnj", 0x200C},   {"zwj", 0x200D},
      {"lrm", 0x200E},    {"rlm", 0x200F},    {"ndash", 0x2013},
      {"mdash", 0x2014},  {"lsquo", 0x2018},  {"rsquo", 0x2019},
      {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},
      {"bdquo", 0x201E},  {"dagger", 0x2020}, {"Dagger", 0x2021},
      {"bull", 0x2022},   {"hellip", 0x2026}, {"permil", 0x2030},
      {"prime", 0x2032},  {"Prime", 0x2033},  {"lsaquo", 0x2039},
      {"rsaquo", 0x203A}, {"euro", 0x20AC},   {"trade", 0x2122},
      {"larr", 0x2190},   {"uarr", 0x2191},   {"rarr", 0x2192},
      {"darr", 0x2193},   {"hearts", 0x2665},
  };
  return kNames;
}

int digit_value(char c, bool hex) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (hex && c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (hex && c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Code points a numeric reference gives as they are. HTML replaces NUL,
// surrogates and numbers past U+10FFFF, maps 0x80-0x9F through
// windows-1252 ("&#146;" is "’"), and gumbo passes controls and
// noncharacters on or not by its own lights: all left to gumbo.
bool is_kept_as_is(char32_t c) {
  if (c == '\t' || c == '\n') {
    return true;
  }
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
    return false;
  }
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) {
    return false;
  }
  return !(c >= 0xFDD0 && c <= 0xFDEF) && (c & 0xFFFE) != 0xFFFE;
}

bool take_numeric(std::string_view& html, std::string& out) {
  std::size_t i = 2;  // "&#"
  const bool hex = i < html.size() && (html[i] == 'x' || html[i] == 'X');
  i += hex ? 1 : 0;
  const std::size_t first = i;
  char32_t value = 0;
  for (int d; i < html.size() && (d = digit_value(html[i], hex)) >= 0; ++i) {
    if (i - first >= 8) {
      return false;  // past U+10FFFF whatever the digits
    }
    value = value * (hex ? 16 : 10) + static_cast<char32_t>(d);
  }
  if (i == first || i >= html.size() || html[i] != ';' ||
      !is_kept_as_is(value)) {
    return false;
  }
  append_utf8(out, value);
  html.remove_prefix(i + 1);
  return true;
}

}  // namespace

bool take_reference(std::string_view& html, ReferenceContext context,
                    std::string& out) {
  if (html.size() > 1 && html[1] == '#') {
    return take_numeric(html, out);
  }
  std::size_t end = 1;
  while (end < html.size() && is_ascii_alnum(html[end])) {
    ++end;
  }
  if (end == 1) {
    // "& ", "&&", "&" at the end: no reference, a plain ampersand.
    out += '&';
    html.remove_prefix(1);
    return true;
  }
  if (end < html.size() && html[end] == ';') {
    const auto& names = named_references();
    const auto found = names.find(html.substr(1, end - 1));
    if (found == names.end()) {
      return false;
    }
    append_utf8(out, found->second);
    html.remove_prefix(end + 1);
    return true;
  }
  // In an attribute, a name followed by "=" is never a reference, for the
  // sake of URLs: "?a=1&b=2" keeps "&b=2" (HTML §13.2.5.73).
  if (context == ReferenceContext::kAttribute && end < html.size() &&
      html[end] == '=') {
    out.append(html.substr(0, end));
    html.remove_prefix(end);
    return true;
  }
  return false;
}

}  // namespace feedmark::html
