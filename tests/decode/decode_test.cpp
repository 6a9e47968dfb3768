#include "feedmark/decode/decode.h"

#include <iconv.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

using feedmark::canonical_charset;
using feedmark::decode_response;
using feedmark::Document;
using feedmark::repair_utf8;
using feedmark::Response;
using namespace std::string_literals;

constexpr const char* kUrl = "https://news.example.com/feed.xml";

std::string read_fixture(const std::string& name) {
  const std::string path = std::string(FEEDMARK_FIXTURES) + "/feeds/" + name;
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Response response_with(std::string body, std::string content_type = "") {
  Response response;
  response.final_url = kUrl;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

Document decoded(std::string body, std::string content_type = "") {
  auto result = decode_response(
      response_with(std::move(body), std::move(content_type)), kUrl);
  REQUIRE(result.has_value());
  return std::move(*result);
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string repaired(std::string text) {
  repair_utf8(text);
  return text;
}

}  // namespace

TEST_CASE("A valid UTF-8 body is moved into the document, not copied",
          "[decode]") {
  const std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<rss><channel><title>Café 日本 😀</title>" +
      std::string(100000, 'x') + "</channel></rss>";
  Response response = response_with(body, "application/rss+xml");
  const char* before = response.body.data();

  auto result = decode_response(std::move(response), kUrl);

  REQUIRE(result.has_value());
  CHECK(result->utf8 == body);
  CHECK(result->utf8.data() == before);
  CHECK(result->encoding == "utf-8");
  CHECK(result->base_url == kUrl);
}

TEST_CASE("A UTF-8 BOM is stripped", "[decode]") {
  const Document doc = decoded("\xEF\xBB\xBF<rss><title>Café</title></rss>");
  CHECK(doc.utf8 == "<rss><title>Café</title></rss>");
  CHECK(doc.encoding == "utf-8");
}

TEST_CASE("A doubled UTF-8 BOM is stripped entirely", "[decode]") {
  const Document doc = decoded("\xEF\xBB\xBF\xEF\xBB\xBF<rss/>");
  CHECK(doc.utf8 == "<rss/>");
}

TEST_CASE("A UTF-8 BOM wins over a gb2312 declaration, with a warning",
          "[decode]") {
  const Document doc =
      decoded(read_fixture("rss20_utf8_bom_declared_gb2312.xml"));
  CHECK(doc.encoding == "utf-8");
  CHECK(doc.warnings ==
        std::vector<std::string>{
            "the byte order mark says utf-8, the XML declaration \"gb2312\"; "
            "decoded as utf-8"});
  CHECK(doc.utf8.starts_with("<?xml version=\"1.0\" encoding=\"gb2312\"?>"));
  CHECK(contains(doc.utf8, "<title>朱镕基访问上海</title>"));
}

TEST_CASE("A GBK feed declared as gb2312 decodes characters GB2312 lacks",
          "[decode]") {
  const Document doc = decoded(read_fixture("rss20_gbk_declared_gb2312.xml"));
  CHECK(doc.encoding == "gb2312");
  CHECK(doc.warnings.empty());
  CHECK(contains(doc.utf8, "<title>新闻频道</title>"));
  CHECK(contains(doc.utf8, "<title>朱镕基访问上海</title>"));
  CHECK(contains(doc.utf8, "<description>陶喆演唱会</description>"));
  CHECK_FALSE(contains(doc.utf8, "\xEF\xBF\xBD"));
  // The declaration is left alone; the parser is told the buffer is UTF-8.
  CHECK(doc.utf8.starts_with("<?xml version=\"1.0\" encoding=\"gb2312\"?>"));
}

TEST_CASE("A Big5 feed decodes HKSCS characters", "[decode]") {
  const Document doc =
      decoded(read_fixture("rss20_big5_hkscs_declared_big5.xml"));
  CHECK(doc.encoding == "big5");
  CHECK(doc.warnings.empty());
  CHECK(contains(doc.utf8, "<title>香港新聞</title>"));
  // 哋 is 92 5D: its trail byte is an ASCII ']'.
  CHECK(contains(doc.utf8, "<title>佢哋講嘅嘢</title>"));
  CHECK(contains(doc.utf8, "<description>㗎嘛</description>"));
  CHECK_FALSE(contains(doc.utf8, "\xEF\xBF\xBD"));
}

TEST_CASE(
    "A Big5-HKSCS character that decodes to two code points survives "
    "at the end of the input",
    "[decode]") {
  const Document doc = decoded("<a>\x88\x62", "text/xml; charset=big5");
  CHECK(doc.utf8 == "<a>\xC3\x8A\xCC\x84");
}

TEST_CASE("An iso-8859-1 label decodes as windows-1252 and is named as given",
          "[decode]") {
  const Document doc =
      decoded(read_fixture("rss20_windows1252_declared_iso88591.xml"));
  CHECK(doc.encoding == "iso-8859-1");
  CHECK(doc.warnings.empty());
  CHECK(contains(doc.utf8, "<title>Café</title>"));
  CHECK(contains(doc.utf8, "<title>“Price” €5</title>"));
  CHECK(contains(doc.utf8, "<description>Crème brûlée – €5</description>"));
}

TEST_CASE("The HTTP charset beats the XML declaration", "[decode]") {
  SECTION("a right HTTP charset over a wrong declaration") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"utf-8\"?><t>caf\xE9 \x80</t>",
                "text/xml; charset=\"ISO-8859-1\"");
    CHECK(doc.encoding == "iso-8859-1");
    CHECK(doc.warnings.empty());
    CHECK(doc.utf8 ==
          "<?xml version=\"1.0\" encoding=\"utf-8\"?><t>café €</t>");
  }
  SECTION("both right, the HTTP charset named") {
    const Document doc = decoded(read_fixture("rss20_gbk_declared_gb2312.xml"),
                                 "application/rss+xml; charset=GBK");
    CHECK(doc.encoding == "gbk");
    CHECK(contains(doc.utf8, "<title>朱镕基访问上海</title>"));
    CHECK(doc.warnings.empty());
  }
}

TEST_CASE("Content-Type charset parameters are read in their common spellings",
          "[decode]") {
  const auto [content_type, name] = GENERATE(table<std::string, std::string>({
      {"text/xml;charset=gb2312", "gb2312"},
      {"text/xml; charset=\"GB2312\"", "gb2312"},
      {"text/xml; Charset = 'gbk'", "gbk"},
      {"application/xml; q=1; CHARSET=x-gbk ", "x-gbk"},
      {"text/xml; charset=\"gb2312", "gb2312"},
  }));
  INFO(content_type);
  const Document doc = decoded("<t>\xE9\x46</t>", content_type);
  CHECK(doc.encoding == name);
  CHECK(doc.utf8 == "<t>镕</t>");
}

TEST_CASE("A declaration after leading whitespace is read", "[decode]") {
  const Document doc =
      decoded("\r\n  <?xml version='1.0' encoding = 'GBK' ?><t>\xE9\x46</t>");
  CHECK(doc.encoding == "gbk");
  CHECK(contains(doc.utf8, "<t>镕</t>"));
}

TEST_CASE("UTF-16LE with a BOM is decoded", "[decode]") {
  const Document doc = decoded(read_fixture("rss20_utf16le_bom.xml"));
  CHECK(doc.encoding == "utf-16le");
  CHECK(doc.utf8.starts_with("<?xml version=\"1.0\" encoding=\"utf-16\"?>"));
  CHECK(contains(doc.utf8, "<title>日本語のニュース</title>"));
  CHECK(contains(doc.utf8, "<description>Ελληνικά 😀</description>"));
}

TEST_CASE("UTF-16BE without a BOM is recognised by its declaration's layout",
          "[decode]") {
  const Document doc =
      decoded(read_fixture("rss20_utf16be_nobom_declared_utf16.xml"));
  CHECK(doc.encoding == "utf-16be");
  CHECK(doc.utf8.starts_with("<?xml version=\"1.0\" encoding=\"utf-16\"?>"));
  CHECK(contains(doc.utf8, "<title>Ünïcödé</title>"));
  CHECK(contains(doc.utf8, "<description>Ελληνικά 😀</description>"));
}

// The byte pattern is read before any label, so a bare utf-16 label (which
// names no byte order) never decides it.
TEST_CASE("The body's byte pattern gives the byte order a utf-16 label lacks",
          "[decode]") {
  const Document doc =
      decoded("\0<\0t\0>\0a\0<\0/\0t\0>"s, "text/xml; charset=utf-16");
  CHECK(doc.encoding == "utf-16be");
  CHECK(doc.utf8 == "<t>a</t>");
}

TEST_CASE("A utf-16 label on a single-byte document is ignored", "[decode]") {
  SECTION("in the declaration, with a warning") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"utf-16\"?><t>Café</t>");
    CHECK(doc.encoding == "utf-8");
    CHECK(contains(doc.utf8, "<t>Café</t>"));
    CHECK(doc.warnings == std::vector<std::string>{
                              "the XML declaration says \"utf-16\", but the "
                              "text is single-byte; decoded as utf-8"});
  }
  SECTION("in the HTTP header, leaving the declaration to decide") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"gbk\"?><t>\xE9\x46</t>",
                "text/xml; charset=utf-16");
    CHECK(doc.encoding == "gbk");
    CHECK(contains(doc.utf8, "<t>镕</t>"));
  }
}

TEST_CASE("An unpaired surrogate in UTF-16 becomes U+FFFD", "[decode]") {
  const Document doc = decoded("\xFF\xFE<\0\x00\xD8t\0>\0"s);
  CHECK(doc.utf8 == "<\xEF\xBF\xBDt>");
}

TEST_CASE("UTF-32 with a BOM is decoded", "[decode]") {
  const Document doc = decoded("\xFF\xFE\0\0<\0\0\0\xE9\0\0\0>\0\0\0"s);
  CHECK(doc.encoding == "utf-32le");
  CHECK(doc.utf8 == "<é>");
}

TEST_CASE("Shift_JIS and EUC-KR decode with their Microsoft supersets",
          "[decode]") {
  const Document japanese =
      decoded("<t>\x93\xFA\x96\x7B</t>", "text/xml; charset=Shift_JIS");
  CHECK(japanese.encoding == "shift_jis");
  CHECK(japanese.utf8 == "<t>日本</t>");
  const Document korean =
      decoded("<t>\xC7\xD1\xB1\xB9</t>", "text/xml; charset=euc-kr");
  CHECK(korean.encoding == "euc-kr");
  CHECK(korean.utf8 == "<t>한국</t>");
}

TEST_CASE("A few invalid bytes in UTF-8 text become U+FFFD, with a warning",
          "[decode]") {
  const Document doc = decoded(
      "<t>é a\xFF"
      "b 日本 \xC3</t>😀\xE6\x97");
  CHECK(doc.encoding == "utf-8");
  CHECK(doc.utf8 ==
        "<t>é a\xEF\xBF\xBD"
        "b 日本 \xEF\xBF\xBD</t>😀\xEF\xBF\xBD");
  CHECK(doc.warnings ==
        std::vector<std::string>{"replaced 3 byte sequences invalid in utf-8 "
                                 "with U+FFFD (first at byte 7)"});
}

TEST_CASE("repair_utf8 replaces each maximal invalid subpart with one U+FFFD",
          "[decode]") {
  const std::string fffd = "\xEF\xBF\xBD";
  // Unicode 15, table 3-8.
  CHECK(repaired("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64") ==
        "a" + fffd + fffd + fffd + "b" + fffd + "c" + fffd + fffd + "d");
  CHECK(repaired("\xC0\xAF") == fffd + fffd);             // overlong '/'
  CHECK(repaired("\xE0\x80\xAF") == fffd + fffd + fffd);  // overlong
  CHECK(repaired("\xED\xA0\x80") == fffd + fffd + fffd);  // surrogate
  CHECK(repaired("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // >10FFFF
  CHECK(repaired("\xF5\xBF") == fffd + fffd);
  CHECK(repaired("x\x80y") == "x" + fffd + "y");       // stray continuation
  CHECK(repaired("ok \xF0\x9F\x98") == "ok " + fffd);  // truncated at the end
  CHECK(repaired("\xE6\x97<") == fffd + "<");          // truncated mid-text
}

TEST_CASE("repair_utf8 leaves valid text alone and counts what it replaces",
          "[decode]") {
  std::string text = "ASCII, é, 日本, 😀, \xF4\x8F\xBF\xBF, \xEF\xBF\xBD";
  const std::string before = text;
  CHECK_FALSE(repair_utf8(text));
  CHECK(text == before);
  std::string broken = "a\xFF b\xC3";
  CHECK(repair_utf8(broken) == 2);  // how many sequences it replaced
}

TEST_CASE(
    "A truncated multibyte sequence at the end of a GBK document "
    "becomes U+FFFD",
    "[decode]") {
  SECTION("a two-byte sequence") {
    const Document doc =
        decoded("<t>\xE9\x46</t>\xE9", "text/xml; charset=gbk");
    CHECK(doc.utf8 == "<t>镕</t>\xEF\xBF\xBD");
  }
  SECTION("a four-byte GB18030 sequence") {
    const Document doc =
        decoded("<t>\xE9\x46</t>\x81\x30\x81", "text/xml; charset=gb18030");
    CHECK(doc.utf8 == "<t>镕</t>\xEF\xBF\xBD");
  }
}

TEST_CASE(
    "Invalid bytes inside a GBK document are replaced and decoding "
    "goes on",
    "[decode]") {
  const Document doc =
      decoded("<t>\xE9\x46\xFF\xE9\x46</t>", "text/xml; charset=gb2312");
  CHECK(doc.utf8 == "<t>镕\xEF\xBF\xBD镕</t>");
}

TEST_CASE("An unknown label falls back to UTF-8", "[decode]") {
  SECTION("in the declaration") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"x-klingon\"?><t>Café</t>");
    CHECK(doc.encoding == "utf-8");
    CHECK(contains(doc.utf8, "<t>Café</t>"));
  }
  SECTION("in the HTTP header, leaving the declaration to decide") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"gbk\"?><t>\xE9\x46</t>",
                "text/xml; charset=none");
    CHECK(doc.encoding == "gbk");
    CHECK(contains(doc.utf8, "<t>镕</t>"));
  }
  SECTION(
      "in both, with a warning; bytes that are not UTF-8 then read as "
      "windows-1252") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"foo\"?><t>\xE9\x46</t>",
                "text/xml; charset=bar");
    CHECK(doc.encoding == "windows-1252");
    CHECK(contains(doc.utf8, "<t>éF</t>"));
    CHECK(doc.warnings ==
          std::vector<std::string>{
              "the bytes are not UTF-8 and no charset is declared; decoded "
              "as windows-1252",
              "unknown charset \"foo\" in the XML declaration; decoded as "
              "windows-1252"});
  }
}

TEST_CASE("An empty body is an error naming the source", "[decode]") {
  const std::string body =
      GENERATE(""s, " \r\n\t "s, "\xEF\xBB\xBF"s, "\xEF\xBB\xBF\n"s,
               "\xFF\xFE"s, "\xFE\xFF\0 \0\n"s);
  const std::string content_type = GENERATE("", "text/xml; charset=gbk");
  auto result =
      decode_response(response_with(body, content_type), "feeds/empty.xml");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().stage == "decode");
  CHECK(result.error().source == "feeds/empty.xml");
  CHECK(result.error().message == "empty document");
}

TEST_CASE("canonical_charset maps WHATWG labels to iconv names", "[decode]") {
  const auto [label, charset] = GENERATE(table<std::string, std::string>({
      {"utf-8", "UTF-8"},
      {" UTF8 ", "UTF-8"},
      {"unicode-1-1-utf-8", "UTF-8"},
      {"gb2312", "GB18030"},
      {"GBK", "GB18030"},
      {"gb_2312-80", "GB18030"},
      {"chinese", "GB18030"},
      {"csgb2312", "GB18030"},
      {"iso-ir-58", "GB18030"},
      {"x-gbk", "GB18030"},
      {"gb18030", "GB18030"},
      {"big5", "BIG5-HKSCS"},
      {"Big5-HKSCS", "BIG5-HKSCS"},
      {"cn-big5", "BIG5-HKSCS"},
      {"csbig5", "BIG5-HKSCS"},
      {"x-x-big5", "BIG5-HKSCS"},
      {"latin1", "WINDOWS-1252"},
      {"ISO-8859-1", "WINDOWS-1252"},
      {"iso8859-1", "WINDOWS-1252"},
      {"l1", "WINDOWS-1252"},
      {"us-ascii", "WINDOWS-1252"},
      {"ascii", "WINDOWS-1252"},
      {"ansi_x3.4-1968", "WINDOWS-1252"},
      {"cp1252", "WINDOWS-1252"},
      {"windows-1252", "WINDOWS-1252"},
      {"x-cp1252", "WINDOWS-1252"},
      {"cp819", "WINDOWS-1252"},
      {"ibm819", "WINDOWS-1252"},
      {"shift_jis", "CP932"},
      {"sjis", "CP932"},
      {"ms_kanji", "CP932"},
      {"x-sjis", "CP932"},
      {"windows-31j", "CP932"},
      {"csshiftjis", "CP932"},
      {"euc-jp", "EUC-JP"},
      {"iso-2022-jp", "ISO-2022-JP"},
      {"euc-kr", "CP949"},
      {"ks_c_5601-1987", "CP949"},
      {"korean", "CP949"},
      {"windows-949", "CP949"},
      {"koi8-r", "KOI8-R"},
      {"koi8-u", "KOI8-U"},
      {"windows-1250", "WINDOWS-1250"},
      {"cp1251", "WINDOWS-1251"},
      {"windows-1258", "WINDOWS-1258"},
      {"latin2", "ISO-8859-2"},
      {"iso-8859-15", "ISO-8859-15"},
      {"iso-8859-16", "ISO-8859-16"},
      {"iso-8859-9", "WINDOWS-1254"},
      {"tis-620", "WINDOWS-874"},
      {"utf-16", "UTF-16LE"},
      {"UTF-16LE", "UTF-16LE"},
      {"utf-16be", "UTF-16BE"},
      {"utf-32", "UTF-32BE"},
      {"UTF-32LE", "UTF-32LE"},
      {"utf-32be", "UTF-32BE"},
      {"ucs-4", "UTF-32BE"},
      {"\tGb2312\n", "GB18030"},
      {"", ""},
      {"x-klingon", ""},
      {"utf-7", ""},
      {"gb 2312", ""},
      {"iso-2022-kr", ""},
  }));
  INFO("label: \"" << label << "\"");
  CHECK(canonical_charset(label) == charset);
}

TEST_CASE("Every charset canonical_charset names opens in iconv", "[decode]") {
  const std::string label = GENERATE(
      "utf-8", "gbk", "gb18030", "big5", "latin1", "shift_jis", "euc-jp",
      "iso-2022-jp", "euc-kr", "koi8-r", "koi8-u", "ibm866", "macintosh",
      "x-mac-cyrillic", "windows-874", "windows-1250", "windows-1251",
      "windows-1253", "windows-1254", "windows-1255", "windows-1256",
      "windows-1257", "windows-1258", "iso-8859-2", "iso-8859-3", "iso-8859-4",
      "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-8-i",
      "iso-8859-10", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16",
      "utf-16le", "utf-16be", "utf-32", "utf-32le");
  const std::string charset = canonical_charset(label);
  INFO(label << " -> " << charset);
  REQUIRE_FALSE(charset.empty());
  const iconv_t handle = iconv_open("UTF-8", charset.c_str());
  CHECK(handle != reinterpret_cast<iconv_t>(-1));
  if (handle != reinterpret_cast<iconv_t>(-1)) {
    iconv_close(handle);
  }
}

TEST_CASE(
    "Control characters XML forbids become U+FFFD instead of breaking the feed",
    "[decode]") {
  feedmark::Response response;
  response.body = std::string(
      "<rss><channel><title>x\0y\x01z\tw</title></channel></rss>", 52);
  const auto document =
      feedmark::decode_response(std::move(response), "nul.xml");
  REQUIRE(document);
  CHECK(document->utf8 ==
        "<rss><channel><title>x\xEF\xBF\xBDy\xEF\xBF\xBDz\tw</title></"
        "channel></rss>");
  CHECK(document->warnings ==
        std::vector<std::string>{"line 1: replaced 2 control characters XML "
                                 "forbids with U+FFFD"});
}

TEST_CASE("A control character is found wherever it sits in a block of eight",
          "[decode]") {
  // The scan skips eight bytes at a time; every offset in the block, each
  // kind of byte it looks for, and the bytes beside them that it must not
  // take for one (0x20, 0xC3, a C2 A0 no-break space).
  for (std::size_t offset = 0; offset < 24; ++offset) {
    for (const std::string& bad :
         {std::string(1, '\0'), std::string("\x1F"), std::string("\xC2\x92")}) {
      INFO("offset " << offset << ", byte " << int(bad[0]));
      const std::string head = "<rss><channel><title>";
      const std::string text =
          std::string(offset, 'a') + bad + "b \xC3\xA9\xC2\xA0";
      const Document doc = decoded(head + text + "</title></channel></rss>");
      const std::string expected =
          std::string(offset, 'a') +
          (bad.size() == 1 ? "\xEF\xBF\xBD" : "\xE2\x80\x99") +
          "b \xC3\xA9\xC2\xA0";
      CHECK(doc.utf8 == head + expected + "</title></channel></rss>");
    }
  }
  CHECK(decoded("<rss>" + std::string(100, 'a') + "</rss>").warnings.empty());
}

TEST_CASE(
    "A windows-1252 feed served as UTF-8 is read as windows-1252, with a "
    "warning",
    "[decode][mislabelled]") {
  const Document doc =
      decoded(read_fixture("rss20_windows1252_served_as_utf8.xml"),
              "application/rss+xml; charset=utf-8");
  CHECK(doc.encoding == "windows-1252");
  CHECK(contains(doc.utf8, "<title>Le Petit Journal de Montréal</title>"));
  CHECK(
      contains(doc.utf8, "<title>L’été à la plage: “Soleil” garanti</title>"));
  CHECK(contains(doc.utf8,
                 "<description>Entrée: 5 € – café offert… Ça commence "
                 "lundi.</description>"));
  CHECK(contains(doc.utf8, "<title>Œuvres d’art à vendre</title>"));
  CHECK_FALSE(contains(doc.utf8, "\xEF\xBF\xBD"));
  CHECK(doc.warnings ==
        std::vector<std::string>{"the HTTP charset says \"utf-8\", but the "
                                 "bytes are not UTF-8; decoded as "
                                 "windows-1252"});
}

TEST_CASE(
    "A GBK feed served as UTF-8 falls back to its gb2312 declaration, with a "
    "warning",
    "[decode][mislabelled]") {
  const Document doc = decoded(read_fixture("rss20_gbk_declared_gb2312.xml"),
                               "application/rss+xml; charset=utf-8");
  CHECK(doc.encoding == "gb2312");
  CHECK(contains(doc.utf8, "<title>朱镕基访问上海</title>"));
  CHECK(contains(doc.utf8, "<description>陶喆演唱会</description>"));
  CHECK_FALSE(contains(doc.utf8, "\xEF\xBF\xBD"));
  CHECK(doc.warnings ==
        std::vector<std::string>{"the HTTP charset says \"utf-8\", but the "
                                 "bytes are not UTF-8; decoded as gb2312"});
}

TEST_CASE("Legacy bytes with no charset declared are read as windows-1252",
          "[decode][mislabelled]") {
  SECTION("no declaration at all") {
    const Document doc =
        decoded("<rss><title>Caf\xE9 \x93ok\x94</title></rss>");
    CHECK(doc.encoding == "windows-1252");
    CHECK(doc.utf8 == "<rss><title>Café “ok”</title></rss>");
    CHECK(doc.warnings ==
          std::vector<std::string>{"the bytes are not UTF-8 and no charset is "
                                   "declared; decoded as windows-1252"});
  }
  SECTION("a utf-8 declaration") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"UTF-8\"?><t>na\xEFve</t>");
    CHECK(doc.encoding == "windows-1252");
    CHECK(contains(doc.utf8, "<t>naïve</t>"));
    CHECK(doc.warnings ==
          std::vector<std::string>{"the XML declaration says \"utf-8\", but "
                                   "the bytes are not UTF-8; decoded as "
                                   "windows-1252"});
  }
}

TEST_CASE("UTF-8 text under a legacy label is read as UTF-8, with a warning",
          "[decode][mislabelled]") {
  SECTION("a server's default iso-8859-1 over a right declaration") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"utf-8\"?><t>Café “ok”</t>",
                "text/xml; charset=ISO-8859-1");
    CHECK(doc.encoding == "utf-8");
    CHECK(contains(doc.utf8, "<t>Café “ok”</t>"));
    CHECK(doc.warnings ==
          std::vector<std::string>{"the HTTP charset says \"iso-8859-1\", but "
                                   "the bytes are UTF-8; decoded as utf-8"});
  }
  SECTION("a gb2312 declaration left over after a move to UTF-8") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"gb2312\"?><t>新闻频道</t>");
    CHECK(doc.encoding == "utf-8");
    CHECK(contains(doc.utf8, "<t>新闻频道</t>"));
    CHECK(doc.warnings.size() == 1);
  }
  SECTION("but not ASCII text, which any label reads alike") {
    const Document doc =
        decoded("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><t>ok</t>");
    CHECK(doc.encoding == "iso-8859-1");
    CHECK(doc.warnings.empty());
  }
}

TEST_CASE("A feed list's encoding= is obeyed even against the bytes",
          "[decode][mislabelled]") {
  auto result = decode_response(response_with("<t>Café</t>"), kUrl, "latin1");
  REQUIRE(result.has_value());
  CHECK(result->encoding == "latin1");
  CHECK(result->utf8 == "<t>CafÃ©</t>");
  CHECK(result->warnings.empty());
}

TEST_CASE("A UTF-8 BOM keeps its word over bytes invalid in UTF-8",
          "[decode][mislabelled]") {
  const Document doc = decoded(
      "\xEF\xBB\xBF<t>Espa\xF1"
      "a</t>");
  CHECK(doc.encoding == "utf-8");
  CHECK(doc.utf8 ==
        "<t>Espa\xEF\xBF\xBD"
        "a</t>");
  CHECK(doc.warnings ==
        std::vector<std::string>{"replaced 1 byte sequence invalid in utf-8 "
                                 "with U+FFFD (first at byte 10)"});
}

TEST_CASE("Bytes invalid in a legacy charset are counted in a warning",
          "[decode]") {
  const Document doc =
      decoded("<t>\xE9\x46\xFF\xE9\x46</t>", "text/xml; charset=gb2312");
  CHECK(doc.warnings ==
        std::vector<std::string>{"replaced 1 byte sequence invalid in gb2312 "
                                 "with U+FFFD (first at byte 5)"});
}

TEST_CASE("A well-formed document decodes without warnings", "[decode]") {
  const std::string name = GENERATE(
      "rss20_gbk_declared_gb2312.xml", "rss20_big5_hkscs_declared_big5.xml",
      "rss20_windows1252_declared_iso88591.xml", "rss20_utf16le_bom.xml",
      "rss20_utf16be_nobom_declared_utf16.xml", "rss20_content_encoded_dc.xml");
  INFO(name);
  CHECK(decoded(read_fixture(name)).warnings.empty());
}

TEST_CASE(
    "UTF-32 and UTF-16 without a BOM are recognised by their first "
    "character's layout",
    "[decode][utf32]") {
  const auto [body, encoding] = GENERATE(table<std::string, std::string>({
      {"\0\0\0<\0\0\0t\0\0\0>\0\0\0\xE9\0\0\0<\0\0\0/\0\0\0t\0\0\0>"s,
       "utf-32be"},
      {"<\0\0\0t\0\0\0>\0\0\0\xE9\0\0\0<\0\0\0/\0\0\0t\0\0\0>\0\0\0"s,
       "utf-32le"},
      {"<\0t\0>\0\xE9\0<\0/\0t\0>\0"s, "utf-16le"},
      {"\0<\0t\0>\0\xE9\0<\0/\0t\0>"s, "utf-16be"},
  }));
  INFO(encoding);
  const Document doc = decoded(body);
  CHECK(doc.encoding == encoding);
  CHECK(doc.utf8 == "<t>é</t>");
  CHECK(doc.warnings.empty());
}

TEST_CASE("A UTF-32 document's declaration and BOM agree with its bytes",
          "[decode][utf32]") {
  std::string body;
  for (char c :
       std::string("<?xml version=\"1.0\" encoding=\"utf-32\"?><t>x</t>")) {
    body += "\0\0\0"s + c;
  }
  SECTION("without a BOM") {
    const Document doc = decoded(body);
    CHECK(doc.encoding == "utf-32be");
    CHECK(doc.utf8.ends_with("<t>x</t>"));
    CHECK(doc.warnings.empty());
  }
  SECTION("with one") {
    const Document doc = decoded("\0\0\xFE\xFF"s + body);
    CHECK(doc.encoding == "utf-32be");
    CHECK(doc.utf8.starts_with("<?xml"));
    CHECK(doc.warnings.empty());
  }
  SECTION("against an HTTP charset that cannot be right") {
    const Document doc = decoded(body, "text/xml; charset=utf-8");
    CHECK(doc.encoding == "utf-32be");
    CHECK(doc.utf8.ends_with("<t>x</t>"));
  }
}

TEST_CASE(
    "A UTF-16 document whose declaration names another charset is "
    "read as UTF-16, with a warning",
    "[decode]") {
  std::string body;
  for (char c :
       std::string("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><t/>")) {
    body += c + "\0"s;
  }
  const Document doc = decoded("\xFF\xFE"s + body);
  CHECK(doc.encoding == "utf-16le");
  CHECK(doc.warnings == std::vector<std::string>{
                            "the byte order mark says utf-16le, the XML "
                            "declaration \"iso-8859-1\"; decoded as utf-16le"});
}

TEST_CASE("C1 controls in text are the windows-1252 characters they were",
          "[decode]") {
  const Document doc = decoded("<t>don\xC2\x92t \xC2\x80 \xC2\x81</t>");
  CHECK(doc.utf8 == "<t>don’t € \xC2\x81</t>");
  CHECK(doc.warnings.empty());
}

TEST_CASE("windows1252_character knows windows-1252's 0x80..0x9F", "[decode]") {
  CHECK(feedmark::windows1252_character(0x80) == "€");
  CHECK(feedmark::windows1252_character(0x92) == "’");
  CHECK(feedmark::windows1252_character(0x9F) == "Ÿ");
  CHECK(feedmark::windows1252_character(0x81).empty());
  CHECK(feedmark::windows1252_character(0x9D).empty());
  CHECK(feedmark::windows1252_character(0x41).empty());
  CHECK(feedmark::windows1252_character(0xA0).empty());
}

TEST_CASE("Binary data is an error, not a feed", "[decode][errors]") {
  const std::string body =
      GENERATE("\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03<rss/>"s,  // gzip
               "\x89PNG\r\n\x1A\n\0\0\0\rIHDR"s,                   // PNG
               "\xFF\xD8\xFF\xE0\0\x10JFIF\0"s);                   // JPEG
  auto result = decode_response(response_with(body), "feeds/picture.xml");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().stage == "decode");
  CHECK(result.error().source == "feeds/picture.xml");
  CHECK(result.error().message == "not a feed: binary data, not XML");
}

TEST_CASE("A charset label from the feed is quoted on one line in a warning",
          "[decode][robustness]") {
  // Found by the fuzzer: a line break inside the declared label made a
  // two-line warning.
  const Document doc =
      decoded("<?xml version=\"1.0\" encoding=\"utf-<\n8>\"?><rss/>");
  REQUIRE(doc.warnings.size() == 1);
  CHECK(doc.warnings[0] ==
        "unknown charset \"utf-<\\x0A8>\" in the XML declaration; decoded as "
        "utf-8");
}

TEST_CASE("A long charset label is cut in a warning, never inside a character",
          "[decode][robustness]") {
  // Found by the fuzzer: bytes FF read as windows-1252 are two bytes each in
  // UTF-8, and a cut after 40 bytes split one.
  const Document doc = decoded("<?xml version=\"1.0\" encoding=\"b" +
                               std::string(40, '\xFF') + "\"?><rss/>");
  const auto warning = std::find_if(
      doc.warnings.begin(), doc.warnings.end(), [](const std::string& w) {
        return w.starts_with("unknown charset \"b\xC3\xBF");
      });
  REQUIRE(warning != doc.warnings.end());
  CHECK(warning->find("\xC3\xBF\"\xE2\x80\xA6 in the XML declaration") !=
        std::string::npos);
  std::string copy = *warning;
  CHECK_FALSE(feedmark::repair_utf8(copy));  // nothing to repair: valid UTF-8
}

namespace {

// `utf8` in `charset`, by iconv, for tests that need legacy bytes.
std::string encoded_as(const std::string& utf8, const char* charset) {
  const iconv_t handle = iconv_open(charset, "UTF-8");
  REQUIRE(handle != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* cursor = out.data();
  std::size_t out_left = out.size();
  const std::size_t status = iconv(handle, &in, &in_left, &cursor, &out_left);
  iconv_close(handle);
  REQUIRE(status != static_cast<std::size_t>(-1));
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

TEST_CASE("Unlabelled legacy bytes in a script of their own are detected",
          "[decode][mislabelled][detect]") {
  struct Case {
    const char* charset;  ///< iconv's, to make the bytes
    const char* text;
    const char* encoding;  ///< what the document reports
  };
  const Case c = GENERATE(
      Case{"GBK",
           "国务院新闻办公室今天举行新闻发布会，介绍前三季度经济运行情况。",
           "gb18030"},
      Case{"BIG5", "行政院今天召開記者會，說明颱風災情與復原進度。", "big5"},
      Case{
          "SHIFT_JIS",
          "東京都は今日、新しい交通計画を発表しました。来年から運用が始まる予定"
          "です。",
          "shift_jis"},
      Case{
          "EUC-JP",
          "東京都は今日、新しい交通計画を発表しました。来年から運用が始まる予定"
          "です。",
          "euc-jp"},
      Case{"EUC-KR",
           "서울시는 오늘 새로운 교통 정책을 발표했습니다. 내년부터 시행될 "
           "예정입니다.",
           "euc-kr"},
      Case{"KOI8-R",
           "Правительство сегодня объявило о новых мерах поддержки экономики "
           "страны.",
           "koi8-r"},
      Case{"WINDOWS-1251",
           "Правительство сегодня объявило о новых мерах поддержки экономики "
           "страны.",
           "windows-1251"},
      Case{"MAC-CYRILLIC",
           "Правительство сегодня объявило о новых мерах поддержки экономики "
           "страны.",
           "x-mac-cyrillic"},
      Case{"IBM866",
           "Правительство сегодня объявило о новых мерах поддержки экономики "
           "страны.",
           "ibm866"},
      Case{"ISO-8859-7",
           "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα στήριξης της οικονομίας "
           "της χώρας.",
           "iso-8859-7"},
      Case{"WINDOWS-1255",
           "הממשלה הודיעה היום על צעדים חדשים לתמיכה בכלכלת המדינה.",
           "windows-1255"},
      Case{"WINDOWS-1256",
           "أعلنت الحكومة اليوم عن إجراءات جديدة لدعم اقتصاد البلاد.",
           "windows-1256"},
      Case{"WINDOWS-874",  // with no-break spaces: uchardet's iso-8859-11
           "สำนักงานส่งเสริมอุตสาหกรรมซอฟต์แวร์แห่งชาติ\u00A0"
           "หรือ\u00A0"
           "SIPA\u00A0"
           "ร่วมกับภาคเอกชนจัดงานสัมมนาเพื่อพัฒนาบุคลากรด้านซอฟต์แวร์ของประเทศไทย",
           "iso-8859-11"},
      Case{"TIS-620",
           "สำนักงานส่งเสริมอุตสาหกรรมซอฟต์แวร์แห่งชาติร่วมกับภาคเอกชนจัดงานสัมมนา",
           "tis-620"});
  INFO(c.charset);
  const std::string xml = "<rss><channel><item><title>" + std::string(c.text) +
                          "</title></item></channel></rss>";
  SECTION("no charset anywhere") {
    const Document doc = decoded(encoded_as(xml, c.charset));
    CHECK(doc.encoding == c.encoding);
    CHECK(doc.utf8 == xml);
    CHECK(
        doc.warnings ==
        std::vector<std::string>{
            "the bytes are not UTF-8 and no charset is declared; decoded as " +
            std::string(c.encoding) + ", which they look like"});
  }
  SECTION("a server that says utf-8 for everything") {
    const Document doc =
        decoded(encoded_as(xml, c.charset), "text/xml; charset=utf-8");
    CHECK(doc.encoding == c.encoding);
    CHECK(doc.utf8 == xml);
  }
}

TEST_CASE("An unlabelled GBK feed archives in Chinese", "[decode][detect]") {
  const Document doc = decoded(read_fixture("rss20_gbk_unlabelled.xml"));
  CHECK(doc.encoding == "gb18030");
  CHECK(contains(doc.utf8,
                 "<title>地铁新线今天开通，沿线居民出行更加便利</title>"));
  CHECK(contains(doc.utf8, "早晚高峰发车间隔四分钟"));
}

TEST_CASE("Latin text stays windows-1252, whatever the detector guesses",
          "[decode][detect]") {
  // uchardet reads this as iso-8859-2; windows-1252 reads it as written and
  // is what Western feeds served without a charset are in.
  const Document doc = decoded("<rss><title>Caf\xE9 prices rise</title></rss>");
  CHECK(doc.encoding == "windows-1252");
  CHECK(doc.utf8 == "<rss><title>Café prices rise</title></rss>");
}

TEST_CASE("English with a few accents is not taken for a single-byte script",
          "[decode][detect]") {
  // uchardet reads these bytes as tis-620, which would make "çè" Thai.
  const Document doc = decoded(
      "<rss><channel><item><title>It was a long day as \xE7\xE8"
      "at from the market, and we walked home.</title></item></channel></rss>");
  CHECK(doc.encoding == "windows-1252");
  CHECK(contains(doc.utf8, "as çèat from"));
}

TEST_CASE("An unknown declared charset is reported beside the one detected",
          "[decode][detect]") {
  const Document doc = decoded(encoded_as(
      "<?xml version=\"1.0\" encoding=\"x-foo\"?><rss><channel><item><title>"
      "Правительство сегодня объявило о новых мерах поддержки экономики "
      "страны.</title></item></channel></rss>",
      "KOI8-R"));
  CHECK(doc.encoding == "koi8-r");
  CHECK(doc.warnings ==
        std::vector<std::string>{
            "the bytes are not UTF-8 and no charset is declared; decoded as "
            "koi8-r, which they look like",
            "unknown charset \"x-foo\" in the XML declaration; decoded as "
            "koi8-r"});
}
