#include <fmt/format.h>
#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "decode_detail.h"
#include "feedmark/util/text.h"

namespace feedmark::decode_detail {
namespace {

struct DetectorDeleter {
  void operator()(uchardet_t detector) const { uchardet_delete(detector); }
};

// How much of the text's letters are bytes above ASCII: nearly all in a
// Russian or Greek feed (its markup aside), a few percent in Western text.
double high_byte_share(std::string_view text) {
  std::size_t high = 0;
  std::size_t ascii_letters = 0;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    high += b >= 0x80;
    ascii_letters += (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
  }
  return high == 0 ? 0.0
                   : static_cast<double>(high) /
                         static_cast<double>(high + ascii_letters);
}

}  // namespace

// The charset uchardet reads in text that is neither UTF-8 nor labelled
// with a legacy charset: a Chinese blog's unlabelled GBK, a Russian feed's
// KOI8-R. Only guesses in a script of their own are taken: on short Latin
// text uchardet wavers between its many Latin charsets ("Café" reads as
// iso-8859-2), which the windows-1252 default already decodes best. A
// single-byte guess also needs the text to be mostly high bytes: English
// with a few accents and curly quotes is now and then taken for Greek or
// Thai ("as \xE7\xE8at from" reads as tis-620). Multi-byte guesses need
// no such check, their byte pairs being a structure Latin text lacks. The
// feed's encoding is named by the WHATWG label for uchardet's guess.
Choice detected_charset(std::string_view body) {
  struct Trusted {
    std::string_view uchardet;  ///< the name uchardet gives
    std::string_view label;     ///< the WHATWG label for it
    bool multibyte;
  };
  static constexpr Trusted kTrusted[] = {
      {"GB18030", "gb18030", true},
      {"BIG5", "big5", true},
      {"EUC-JP", "euc-jp", true},
      {"SHIFT_JIS", "shift_jis", true},
      {"EUC-KR", "euc-kr", true},
      {"UHC", "euc-kr", true},  // windows-949
      {"KOI8-R", "koi8-r", false},
      {"WINDOWS-1251", "windows-1251", false},
      {"ISO-8859-5", "iso-8859-5", false},
      {"IBM866", "ibm866", false},
      {"MAC-CYRILLIC", "x-mac-cyrillic", false},
      {"ISO-8859-7", "iso-8859-7", false},
      {"WINDOWS-1253", "windows-1253", false},
      {"ISO-8859-8", "iso-8859-8", false},
      {"WINDOWS-1255", "windows-1255", false},
      {"ISO-8859-6", "iso-8859-6", false},
      {"WINDOWS-1256", "windows-1256", false},
      {"TIS-620", "tis-620", false},
      {"ISO-8859-11", "iso-8859-11", false}};
  constexpr std::size_t kSample = 64 * 1024;  // plenty to tell, and quick
  constexpr double kMinHighShare = 0.15;
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, DetectorDeleter> detector(
      uchardet_new());
  const std::string_view sample = body.substr(0, kSample);
  if (!detector ||
      uchardet_handle_data(detector.get(), sample.data(), sample.size()) != 0) {
    return {};
  }
  uchardet_data_end(detector.get());
  const std::string_view guess = uchardet_get_charset(detector.get());
  for (const Trusted& t : kTrusted) {
    if (t.uchardet == guess &&
        (t.multibyte || high_byte_share(sample) >= kMinHighShare)) {
      return labelled(canonical_charset(t.label), t.label, Origin::kDetected);
    }
  }
  return {};
}

// BOM, then the layout of the first character, then the labels in order.
Choice choose_charset(std::string_view body, std::string_view content_type,
                      std::string_view forced) {
  if (const auto bom = find_bom(body)) {
    Choice choice = chosen(bom->charset, Origin::kBom);
    choice.bom_length = bom->bytes.size();
    return choice;
  }
  if (const std::string_view layout = wide_layout(body); !layout.empty()) {
    return chosen(layout, Origin::kLayout);
  }
  const std::pair<std::string_view, Origin> labels[] = {
      {forced, Origin::kForced},
      {charset_parameter(content_type), Origin::kHttp},
      {declared_encoding(body.substr(0, kHeadBytes)), Origin::kDeclaration},
  };
  for (const auto& [label, origin] : labels) {
    if (std::string charset = charset_for_label(label, body);
        !charset.empty()) {
      return labelled(std::move(charset), label, origin);
    }
  }
  return chosen(kUtf8, Origin::kDefault);
}

}  // namespace feedmark::decode_detail
