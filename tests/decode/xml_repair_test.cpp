#include "feedmark/decode/xml_repair.h"

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using feedmark::repair_xml;
using feedmark::XmlRepair;
using Strings = std::vector<std::string>;

/// The repaired text, or the input when nothing changed.
std::string repaired(const std::string& text) {
  XmlRepair repair = repair_xml(text);
  return repair.changed ? repair.text : text;
}

Strings warnings(const std::string& text) {
  return repair_xml(text).warnings;
}

std::string repeated(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

}  // namespace

TEST_CASE("A well-formed document comes back unchanged and without warnings",
          "[xml_repair]") {
  const std::string text = GENERATE(
      "<?xml version=\"1.0\"?>\n<rss><channel><title>A &amp; B &lt; C "
      "&#8217; &#x2019;</title></channel></rss>",
      "<rss><item><description><![CDATA[<p>Q&A <br> & more</p>]]>"
      "</description></item></rss>",
      "<!-- a & b < c --><rss a=\"x > y\" b='\"'><?pi & < ?></rss>\n<!-- -->",
      "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
      "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n<rss/>",
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
      "xmlns:media=\"http://search.yahoo.com/mrss/\"><entry><media:content "
      "url=\"x\" xml:lang=\"en\"/></entry></feed>",
      "<a xmlns:x=\"u\"><x:b><x:c/></x:b></a>",
      "\n  <?xml version=\"1.0\"?><rss>  <br></br> </rss>  \n");
  INFO(text);
  const XmlRepair repair = repair_xml(text);
  CHECK_FALSE(repair.changed);
  CHECK(repair.text.empty());
  CHECK(repair.warnings.empty());
}

TEST_CASE("A bare ampersand is escaped", "[xml_repair][entities]") {
  CHECK(repaired("<t>AT&T &amp; Q&A & &#;</t>") ==
        "<t>AT&amp;T &amp; Q&amp;A &amp; &amp;#;</t>");
  CHECK(repaired("<a href=\"?a=1&b=2&amp;c=3\"/>") ==
        "<a href=\"?a=1&amp;b=2&amp;c=3\"/>");
  CHECK(warnings("<t>AT&T, Q&A</t>") ==
        Strings{"line 1: escaped a bare & (2 in all)"});
}

TEST_CASE("HTML's named entities become their characters",
          "[xml_repair][entities]") {
  CHECK(repaired("<t>&nbsp;&hellip;&rsquo;&eacute;&NotEqualTilde;</t>") ==
        "<t>\u00A0…’é\u2242\u0338</t>");
  SECTION("those that are XML's special characters stay references") {
    CHECK(repaired("<t a=\"&QUOT;\">&LT;b&GT; &AMP;</t>") ==
          "<t a=\"&quot;\">&lt;b&gt; &amp;</t>");
  }
  SECTION("with a warning naming the first, on its line") {
    CHECK(warnings("<rss>\n<t>x</t>\n<t>Caf&eacute;&nbsp;</t></rss>") ==
          Strings{"line 3: decoded the HTML entity &eacute; (2 in all)"});
  }
  SECTION("without one when an external DTD may declare them") {
    const std::string text =
        "<!DOCTYPE rss SYSTEM \"http://my.netscape.com/rss-0.91.dtd\">"
        "<rss><t>Caf&eacute;</t></rss>";
    const XmlRepair repair = repair_xml(text);
    CHECK(repair.text ==
          "<!DOCTYPE rss SYSTEM \"http://my.netscape.com/rss-0.91.dtd\">"
          "<rss><t>Café</t></rss>");
    CHECK(repair.warnings.empty());
  }
}

TEST_CASE("An undefined entity is kept as text", "[xml_repair][entities]") {
  CHECK(repaired("<t>Hi &username;!</t>") == "<t>Hi &amp;username;!</t>");
  CHECK(warnings("<t>&username; &x;</t>") ==
        Strings{"line 1: kept the undefined entity &username; as text (2 in "
                "all)"});
}

TEST_CASE("Character references are read as a lenient reader reads them",
          "[xml_repair][entities]") {
  SECTION("C1 controls mean windows-1252 characters, as in HTML") {
    const XmlRepair repair = repair_xml("<t>don&#146;t &#x80;5 &#129;</t>");
    CHECK(repair.text == "<t>don’t €5 &#129;</t>");
    CHECK(repair.warnings.empty());
  }
  SECTION("UTF-8 bytes written as references mean their character") {
    const XmlRepair repair =
        repair_xml("<t>&#226;&#128;&#166; &#xC3;&#xA9;</t>");
    CHECK(repair.text == "<t>… é</t>");
    CHECK(repair.warnings.empty());
    CHECK(repaired("<t>&acirc;&euro;&brvbar;</t>") == "<t>…</t>");
    CHECK(repaired("<t>&#226;&#128; &#195;x</t>") == "<t>&#226;€ &#195;x</t>");
  }
  SECTION("references to characters XML forbids become U+FFFD") {
    CHECK(repaired("<t>a&#0;b&#xD800;c&#1114112;</t>") ==
          "<t>a\uFFFDb\uFFFDc\uFFFD</t>");
    CHECK(warnings("<t>&#0;</t>") ==
          Strings{"line 1: replaced the character reference &#0; with U+FFFD"});
  }
  SECTION("an uppercase X is read") {
    CHECK(repaired("<t>&#X41;&#X3C;</t>") == "<t>A&lt;</t>");
    CHECK(warnings("<t>&#X41;</t>") ==
          Strings{"line 1: read the malformed character reference &#X41;"});
  }
}

TEST_CASE("A < that starts no tag is escaped", "[xml_repair]") {
  CHECK(repaired("<t>1 < 2, a <= b, <3 <!x></t>") ==
        "<t>1 &lt; 2, a &lt;= b, &lt;3 &lt;!x></t>");
  CHECK(warnings("<t>1 < 2</t>") ==
        Strings{"line 1: escaped a < that starts no tag"});
}

TEST_CASE("Attributes are quoted, given values and separated",
          "[xml_repair][attributes]") {
  CHECK(repaired("<a href=http://x/?a=1&b=2 target=_blank>x</a>") ==
        "<a href=\"http://x/?a=1&amp;b=2\" target=\"_blank\">x</a>");
  CHECK(repaired("<img src=x.png/>") == "<img src=\"x.png\"/>");
  CHECK(repaired("<td nowrap class=\"c\">x</td>") ==
        "<td nowrap=\"\" class=\"c\">x</td>");
  CHECK(repaired("<a b=\"1\"c='2'/>") == "<a b=\"1\" c='2'/>");
  CHECK(repaired("<a title=\"1 < 2\"/>") == "<a title=\"1 &lt; 2\"/>");
  CHECK(repaired("<a \"junk\" b=\"1\"/>") == "<a junk=\"\" b=\"1\"/>");
  CHECK(warnings("<a href=x>y</a>") ==
        Strings{"line 1: repaired the malformed tag <a>"});
}

TEST_CASE("Elements left open are closed where their parent ends",
          "[xml_repair][tags]") {
  SECTION("a paragraph never closed") {
    CHECK(repaired("<d><p>one</d>") == "<d><p>one</p></d>");
    CHECK(warnings("<d><p>one</d>") ==
          Strings{"line 1: closed <p>, left open"});
  }
  SECTION("a paragraph ends where the next starts, as in HTML") {
    CHECK(repaired("<d><p>one<p>two <b>three</b><p>four</d>") ==
          "<d><p>one</p><p>two <b>three</b></p><p>four</p></d>");
  }
  SECTION("but nested elements of other names close together") {
    CHECK(repaired("<d><b>one<i>two</d>") == "<d><b>one<i>two</i></b></d>");
  }
  SECTION("HTML void elements are self-closed instead") {
    CHECK(repaired("<t>one<br>two<BR >three<hr class=x></t>") ==
          "<t>one<br/>two<BR />three<hr class=\"x\"/></t>");
    CHECK(warnings("<t>a<br>b<br>c</t>") ==
          Strings{"line 1: self-closed the HTML element <br> (2 in all)"});
  }
  SECTION("feed elements of HTML names are not") {
    CHECK(repaired("<item><link>x</item>") == "<item><link>x</link></item>");
  }
}

TEST_CASE("An end tag that closes nothing is dropped", "[xml_repair][tags]") {
  CHECK(repaired("<rss><t>x</b></t></i></rss>") == "<rss><t>x</t></rss>");
  CHECK(warnings("<rss><t>x</b></t></rss>") ==
        Strings{"line 1: dropped </b>, which closes no open element"});
  CHECK(repaired("<rss><t>x</t junk></rss>") == "<rss><t>x</t></rss>");
}

TEST_CASE("A document cut off anywhere is closed", "[xml_repair][truncated]") {
  SECTION("in text") {
    CHECK(repaired("<rss><item><title>Storm warn") ==
          "<rss><item><title>Storm warn</title></item></rss>");
    CHECK(warnings("<rss>\n<item><title>Storm warn") ==
          Strings{"line 2: the document is cut off inside <title>; closed 3 "
                  "open elements"});
  }
  SECTION("in a start tag, which is dropped") {
    CHECK(repaired("<rss><item><link href=\"http://x/?a=1&b") ==
          "<rss><item></item></rss>");
  }
  SECTION("in an end tag, which is completed") {
    CHECK(repaired("<rss><item></item></rss") == "<rss><item></item></rss>");
    CHECK(warnings("<rss></rss") ==
          Strings{"line 1: completed the end tag </rss cut off at the end"});
  }
  SECTION("in a comment") {
    CHECK(repaired("<rss><t>x</t><!-- y") == "<rss><t>x</t></rss>");
  }
  SECTION("in a CDATA section, which keeps its text") {
    CHECK(repaired("<rss><d><![CDATA[<p>Hello") ==
          "<rss><d><![CDATA[<p>Hello]]></d></rss>");
  }
}

TEST_CASE("Whatever follows the root element is ignored", "[xml_repair]") {
  CHECK(repaired("<rss></rss>\n<!-- ok -->\n<b>Warning</b>: x") ==
        "<rss></rss>\n<!-- ok -->\n");
  CHECK(repaired("<rss/><rss/>") == "<rss/>");
  CHECK(warnings("<rss></rss>\njunk") ==
        Strings{"line 2: ignored 4 bytes after the root element"});
}

TEST_CASE("Junk before the root element or the XML declaration is dropped",
          "[xml_repair]") {
  SECTION("text") {
    CHECK(repaired("junk\n<rss/>") == "<rss/>");
    CHECK(warnings("\njunk <rss/>") ==
          Strings{"line 2: ignored 5 bytes before the root element"});
  }
  SECTION("a PHP warning before the declaration") {
    const std::string text =
        "<br />\n<b>Notice</b>: Undefined index in <b>x.php</b><br />\n"
        "<?xml version=\"1.0\"?><rss><t>ok</t></rss>";
    CHECK(repaired(text) == "<?xml version=\"1.0\"?><rss><t>ok</t></rss>");
    CHECK(warnings(text) == Strings{"line 1: ignored 60 bytes before the XML "
                                    "declaration"});
  }
  SECTION("but not a second document after a first") {
    CHECK(repaired("<?xml version=\"1.0\"?><rss>1</rss><?xml "
                   "version=\"1.0\"?><rss>2</rss>") ==
          "<?xml version=\"1.0\"?><rss>1</rss><?xml version=\"1.0\"?>");
  }
}

TEST_CASE("An undeclared namespace prefix is reported, the text unchanged",
          "[xml_repair][namespaces]") {
  const std::string text =
      "<rss>\n<itunes:author>A</itunes:author><x:y xmlns:x=\"u\"/>"
      "<a media:b=\"1\"/></rss>";
  const XmlRepair repair = repair_xml(text);
  CHECK_FALSE(repair.changed);
  CHECK(repair.warnings ==
        Strings{"line 2: undeclared namespace prefix itunes: (2 in all)"});
  SECTION("a declaration holds only inside its element") {
    CHECK(warnings("<r><a xmlns:x=\"u\"/><x:b/></r>") ==
          Strings{"line 1: undeclared namespace prefix x:"});
  }
}

TEST_CASE("Entities the internal DTD subset declares are expanded",
          "[xml_repair][dtd]") {
  const std::string doctype =
      "<!DOCTYPE rss [\n<!ENTITY id \"tag:example.com,\">\n"
      "<!ENTITY co 'A &amp; B <b>'>\n<!-- c -->\n]>\n";
  const XmlRepair repair =
      repair_xml(doctype + "<rss a=\"&co;\"><g>&id;2006</g><t>&co;</t></rss>");
  CHECK(repair.text == doctype +
                           "<rss a=\"A &amp; B &lt;b>\"><g>tag:example.com,"
                           "2006</g><t>A &amp; B &lt;b></t></rss>");
  CHECK(repair.warnings.empty());
  SECTION("within a budget") {
    const std::string bomb = "<!DOCTYPE r [<!ENTITY e \"" +
                             std::string(100000, 'x') + "\">]><r>" +
                             repeated("&e;", 100) + "</r>";
    const XmlRepair limited = repair_xml(bomb);
    CHECK(limited.text.size() < 2 * bomb.size() + (1 << 20));
    CHECK(limited.warnings ==
          Strings{"line 1: stopped expanding entities after 1000000 bytes"});
  }
}

TEST_CASE("A malformed DOCTYPE is dropped", "[xml_repair][dtd]") {
  CHECK(repaired("<!DOCTYPE rss [ junk <!ENTITY a \"b\"> ]><rss>&a;</rss>") ==
        "<rss>&amp;a;</rss>");
}

TEST_CASE("Repair takes time linear in the input, however hostile",
          "[xml_repair][hostile]") {
  using Hostile = std::function<std::string(std::size_t)>;
  const Hostile hostile = GENERATE(
      Hostile([](std::size_t n) { return "<rss>" + repeated("<a>", n); }),
      Hostile([](std::size_t n) { return repeated("</b>", n); }),
      Hostile([](std::size_t n) {
        return "<rss><d>" + repeated("<p>x<br>", n) + "</d></rss>";
      }),
      Hostile([](std::size_t n) {
        return "<rss>" + repeated("&&#;&#226;&#128;<", n) + "</rss>";
      }),
      Hostile([](std::size_t n) {
        return "<rss><a " + repeated("b=c ", n) + "/></rss>";
      }));
  const std::string text = hostile(50000);
  const XmlRepair repair = repair_xml(text);
  CHECK_FALSE(repair.warnings.empty());
  // What comes out needs no further repair.
  const XmlRepair again = repair_xml(repair.changed ? repair.text : text);
  CHECK(again.warnings.empty());
  // Inputs made before the clock runs (see guard_test.cpp).
  std::map<std::size_t, std::string> inputs;
  for (std::size_t n : {std::size_t{25'000}, std::size_t{200'000}}) {
    inputs[n] = hostile(n);
  }
  const double growth = feedmark::test::growth_when_multiplied(
      [&](std::size_t n) { repair_xml(inputs.at(n)); }, 25000);
  CHECK(growth < feedmark::test::kLinearGrowthLimit);  // quadratic: 64
}

TEST_CASE("A repaired document needs no second repair", "[xml_repair][fuzz]") {
  const std::string seed = feedmark::test::read_text(
      feedmark::test::fixture("feeds/rss20_illformed_unclosed_p.xml"));
  const char* pieces[] = {"<",       ">",
                          "&",       "/",
                          "\"",      "<br>",
                          "</p>",    "<p>",
                          "&nbsp;",  "<!--",
                          "-->",     "<![CDATA[",
                          "]]>",     "<?xml version='1.0'?>",
                          "<a b=c>", "</",
                          "&#X41;",  "&foo;",
                          "<x:y>"};
  std::mt19937 random(20240321);
  for (int round = 0; round < 3000; ++round) {
    std::string text = seed;
    for (int edit = 0; edit < 4; ++edit) {
      const std::size_t at = random() % (text.size() + 1);
      switch (random() % 3) {
        case 0:
          text.erase(at, random() % 20);
          break;
        case 1:
          text.insert(at, pieces[random() % std::size(pieces)]);
          break;
        default:
          text.resize(at);
      }
    }
    const XmlRepair repair = repair_xml(text);
    for (const std::string& warning :
         repair_xml(repair.changed ? repair.text : text).warnings) {
      INFO(text);
      CHECK_THAT(warning, Catch::Matchers::Contains("namespace prefix"));
    }
  }
}

TEST_CASE("A declaration inside a feed is no reason to start again",
          "[xml_repair]") {
  CHECK(repaired("<rss><t>x</t><?xml version=\"1.0\"?><t>y</t></rss>") ==
        "<rss><t>x</t><?xml version=\"1.0\"?><t>y</t></rss>");
  CHECK(repaired("<br>Notice<?xml version=\"1.0\"?><rss/>") ==
        "<?xml version=\"1.0\"?><rss/>");
}
