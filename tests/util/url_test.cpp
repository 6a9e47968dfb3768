// resolve_url, normalize_url, UrlResolver, is_http_url, apply_image_proxy:
// absolute, normalized links (SPEC "The article file", link) and the
// --image-proxy placeholders.
#include "feedmark/util/url.h"

#include <catch2/catch.hpp>
#include <string>

#include "test_support.h"

namespace {

using Catch::CaseSensitive;
using Catch::Equals;
using feedmark::apply_image_proxy;
using feedmark::is_http_url;
using feedmark::normalize_url;
using feedmark::resolve_url;
using feedmark::UrlResolver;
using feedmark::test::first_rendered_link;

const std::string kBase = "https://www.example.com/news/2022/story.html";

}  // namespace

// ------------------------------------------------------------- resolving

TEST_CASE("Relative references resolve against the base", "[url]") {
  SECTION("same folder") {
    CHECK(resolve_url(kBase, "other.html") ==
          "https://www.example.com/news/2022/other.html");
  }
  SECTION("root-relative") {
    CHECK(resolve_url(kBase, "/root.html") ==
          "https://www.example.com/root.html");
  }
  SECTION("parent folder") {
    CHECK(resolve_url(kBase, "../up.html") ==
          "https://www.example.com/news/up.html");
  }
  SECTION("more ../ than folders stops at the root") {
    CHECK(resolve_url(kBase, "../../../../x.html") ==
          "https://www.example.com/x.html");
  }
  SECTION("protocol-relative takes the base's scheme") {
    CHECK(resolve_url(kBase, "//cdn.example.net/i.jpg") ==
          "https://cdn.example.net/i.jpg");
    CHECK(resolve_url("http://www.example.com/", "//cdn.example.net/i.jpg") ==
          "http://cdn.example.net/i.jpg");
  }
  SECTION("absolute ignores the base") {
    CHECK(resolve_url(kBase, "http://other.example.org/a") ==
          "http://other.example.org/a");
  }
  SECTION("query only") {
    CHECK(resolve_url(kBase, "?page=2") ==
          "https://www.example.com/news/2022/story.html?page=2");
  }
  SECTION("fragment only keeps the base's path and query (RFC 3986 5.2.2)") {
    CHECK(resolve_url(kBase, "#footnote-1") ==
          "https://www.example.com/news/2022/story.html#footnote-1");
    CHECK(resolve_url(kBase + "?id=7", "#top") ==
          "https://www.example.com/news/2022/story.html?id=7#top");
  }
  SECTION("an empty reference names nothing, not the base") {
    CHECK(resolve_url(kBase, "").empty());
  }
  SECTION("surrounding whitespace and line breaks are ignored") {
    CHECK(resolve_url(kBase, "\n   /a.html \n") ==
          "https://www.example.com/a.html");
  }
}

TEST_CASE("A relative reference without a usable base gives nothing", "[url]") {
  CHECK(resolve_url("", "relative.html").empty());
  CHECK(resolve_url("not a url", "/x").empty());
  CHECK(normalize_url("/news/story.html").empty());
}

// ------------------------------------------------------------- normalizing

TEST_CASE("Spaces are percent-encoded", "[url]") {
  SECTION("in the path") {
    CHECK(normalize_url("https://www.example.com/markets/live update?id=1") ==
          "https://www.example.com/markets/live%20update?id=1");
  }
  SECTION("in a relative reference") {
    CHECK(resolve_url(kBase, "live update.html") ==
          "https://www.example.com/news/2022/live%20update.html");
  }
  SECTION("in the query, as %20 (a + would be a different character)") {
    CHECK(normalize_url("https://www.example.com/search?q=a b") ==
          "https://www.example.com/search?q=a%20b");
  }
  SECTION("already encoded ones are not encoded again") {
    CHECK(normalize_url("https://www.example.com/a%20b") ==
          "https://www.example.com/a%20b");
  }
}

TEST_CASE("Non-ASCII characters are percent-encoded as UTF-8", "[url]") {
  // Either case of hex digit is a valid percent-encoding (RFC 3986 2.1).
  SECTION("in the path") {
    CHECK_THAT(normalize_url("https://www.example.com/新闻/报道.html"),
               Equals("https://www.example.com/%E6%96%B0%E9%97%BB/"
                      "%E6%8A%A5%E9%81%93.html",
                      CaseSensitive::No));
  }
  SECTION("in the query") {
    CHECK_THAT(normalize_url("https://www.example.com/search?q=中国"),
               Equals("https://www.example.com/search?q=%E4%B8%AD%E5%9B%BD",
                      CaseSensitive::No));
  }
}

TEST_CASE("The scheme is lower-cased, host and path keep their case", "[url]") {
  CHECK(normalize_url("HTTPS://WWW.Example.COM/Path/File.HTML") ==
        "https://WWW.Example.COM/Path/File.HTML");
  CHECK(resolve_url(kBase, "http://CDN.Example.NET/A.jpg") ==
        "http://CDN.Example.NET/A.jpg");
}

TEST_CASE("An empty path stays empty, as the feed wrote it", "[url]") {
  CHECK(normalize_url("http://example.org") == "http://example.org");
  CHECK(normalize_url("http://example.org/") == "http://example.org/");
  CHECK(normalize_url("http://example.org?q=1") == "http://example.org?q=1");
  CHECK(normalize_url("https://example.org:8443#top") ==
        "https://example.org:8443#top");
  CHECK(resolve_url(kBase, "//cdn.example.net") == "https://cdn.example.net");
  SECTION("a relative reference against such a base gains its slash") {
    CHECK(resolve_url("http://example.org", "a.html") ==
          "http://example.org/a.html");
  }
}

TEST_CASE("The canonical URL lower-cases the host and writes an empty path /",
          "[url]") {
  CHECK(feedmark::canonical_url("HTTP://Example.ORG") == "http://example.org/");
  CHECK(feedmark::canonical_url("http://Example.org/A b?x=1") ==
        "http://example.org/A%20b?x=1");
  SECTION("of a link as resolve_url writes it, whatever its spelling") {
    const auto canonical_link = [](const char* written) {
      return feedmark::canonical_url(
          resolve_url("https://base.example/", written));
    };
    CHECK(canonical_link("http://example.org") == "http://example.org/");
    CHECK(canonical_link("HTTP://EXAMPLE.org/") == "http://example.org/");
    CHECK(canonical_link("//X.example") == "https://x.example/");
    CHECK(canonical_link("https://WWW.Example.COM/Path") ==
          "https://www.example.com/Path");
  }
  SECTION("anything but an absolute http(s) URL gives nothing") {
    CHECK(feedmark::canonical_url("/relative").empty());
    CHECK(feedmark::canonical_url("mailto:a@example.org").empty());
  }
}

TEST_CASE("A normalized URL is a Markdown link destination as it is", "[url]") {
  SECTION("parentheses are percent-encoded") {
    const std::string url =
        normalize_url("https://en.wikipedia.org/wiki/Foo_(bar)");
    CHECK_THAT(url, Equals("https://en.wikipedia.org/wiki/Foo_%28bar%29",
                           CaseSensitive::No));
    CHECK(first_rendered_link("[t](" + url + ")").href == url);
  }
  SECTION("and so are other characters that would end it") {
    const std::string url =
        normalize_url("https://x.example/a b<c>\"d\"`e\\f(g)?q=(1)");
    CAPTURE(url);
    CHECK(url.find_first_of(" <>\"`\\()") == std::string::npos);
    CHECK(first_rendered_link("[t](" + url + ")").href == url);
  }
}

// ------------------------------------------------------------- schemes

TEST_CASE("Only http and https URLs are accepted", "[url]") {
  SECTION("javascript:") {
    CHECK(resolve_url(kBase, "javascript:alert(1)").empty());
    CHECK(resolve_url(kBase, "JavaScript:alert(1)").empty());
    CHECK(normalize_url("javascript:alert(1)").empty());
  }
  SECTION("data:") {
    CHECK(resolve_url(kBase, "data:text/html,<script>x</script>").empty());
    CHECK(normalize_url("data:image/png;base64,AAAA").empty());
  }
  SECTION("file:") {
    CHECK(resolve_url(kBase, "file:///etc/passwd").empty());
    CHECK(normalize_url("file:///etc/passwd").empty());
  }
  SECTION("other schemes") {
    CHECK(normalize_url("ftp://ftp.example.org/f").empty());
  }
}

TEST_CASE("A mailto: link is kept only when mailto is allowed", "[url]") {
  CHECK(resolve_url(kBase, "javascript:alert(1)", true).empty());
  CHECK(resolve_url(kBase, "mailto:news@example.com").empty());
  CHECK(resolve_url(kBase, "mailto:news@example.com", true) ==
        "mailto:news@example.com");
  CHECK(resolve_url("", "mailto:news@example.com", true) ==
        "mailto:news@example.com");
  CHECK(resolve_url(kBase, "MailTo:News@example.com", true) ==
        "mailto:News@example.com");  // the scheme in lower case, as for http
}

TEST_CASE("is_http_url recognizes http and https in any case", "[url]") {
  CHECK(is_http_url("http://x.example/"));
  CHECK(is_http_url("https://x.example/"));
  CHECK(is_http_url("HTTPS://X.EXAMPLE/"));
  CHECK_FALSE(is_http_url("ftp://x.example/"));
  CHECK_FALSE(is_http_url("httpx://x.example/"));
  CHECK_FALSE(is_http_url("http:/x.example/"));
  CHECK_FALSE(is_http_url("//x.example/"));
  CHECK_FALSE(is_http_url(""));
}

// ------------------------------------------------------------- resolver

TEST_CASE("A UrlResolver resolves like resolve_url against its base", "[url]") {
  const UrlResolver resolver(kBase);
  for (const char* reference :
       {"other.html", "/root.html", "../up.html", "//cdn.example.net/i.jpg",
        "live update.html", "https://OTHER.example/", "javascript:alert(1)"}) {
    CAPTURE(reference);
    CHECK(resolver.resolve(reference) == resolve_url(kBase, reference));
  }
  CHECK(resolver.resolve("../up.html") ==
        "https://www.example.com/news/up.html");
  SECTION("reused many times, the base does not change") {
    CHECK(resolver.resolve("/a") == "https://www.example.com/a");
    CHECK(resolver.resolve("b") == "https://www.example.com/news/2022/b");
  }
  SECTION("an unusable base still resolves absolute references") {
    const UrlResolver bad("not a url");
    CHECK(bad.resolve("/x").empty());
    CHECK(bad.resolve("https://ok.example/a") == "https://ok.example/a");
  }
}

// ------------------------------------------------------------- image proxy

TEST_CASE("The image proxy template fills in its placeholders",
          "[url][image]") {
  const std::string url = "https://cdn.example.com/img/a.jpg?w=800&h=600";
  SECTION("{url}") {
    CHECK(
        apply_image_proxy("https://proxy.example/{url}", url) ==
        "https://proxy.example/https://cdn.example.com/img/a.jpg?w=800&h=600");
  }
  SECTION("{url_noscheme}") {
    CHECK(
        apply_image_proxy("https://images.weserv.nl?url={url_noscheme}", url) ==
        "https://images.weserv.nl?url=cdn.example.com/img/a.jpg?w=800&h=600");
  }
  SECTION("{url_encoded}") {
    CHECK(apply_image_proxy("https://proxy.example/?u={url_encoded}&w=400",
                            url) ==
          "https://proxy.example/"
          "?u=https%3A%2F%2Fcdn.example.com%2Fimg%2Fa.jpg%3Fw%3D800%26h%3D600"
          "&w=400");
  }
  SECTION("several placeholders") {
    CHECK(apply_image_proxy("{url_noscheme}|{url}",
                            "http://cdn.example.com/a.jpg") ==
          "cdn.example.com/a.jpg|http://cdn.example.com/a.jpg");
  }
  SECTION("unknown braces are left as they are") {
    CHECK(apply_image_proxy("https://p.example/{size}/{url_noscheme}",
                            "https://cdn.example.com/a.jpg") ==
          "https://p.example/{size}/cdn.example.com/a.jpg");
  }
  SECTION("an empty template leaves the URL unchanged") {
    CHECK(apply_image_proxy("", url) == url);
  }
}

TEST_CASE("International hosts become punycode, IPv6 hosts keep their brackets",
          "[url]") {
  CHECK(normalize_url("https://bücher.de/x") == "https://xn--bcher-kva.de/x");
  CHECK(normalize_url("https://例え.jp/") == "https://xn--r8jz45g.jp/");
  CHECK(normalize_url("https://[::1]/v6") == "https://[::1]/v6");
  CHECK(normalize_url("https://example.org/a[1]") ==
        "https://example.org/a%5B1%5D");
}
