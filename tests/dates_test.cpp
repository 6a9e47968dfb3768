#include "feedmark/dates.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using feedmark::format_day;
using feedmark::format_iso8601;
using feedmark::format_rfc1123;
using feedmark::parse_date;
using feedmark::UnixTime;

struct DateCase {
  std::string_view input;
  std::string_view expected;
};

// The parsed date as ISO 8601, or "nothing", so a failure shows both sides.
std::string parsed_iso(std::string_view text, const std::string& zone = {}) {
  const auto parsed = parse_date(text, zone);
  return parsed ? format_iso8601(*parsed) : "nothing";
}

void check_table(const std::vector<DateCase>& table,
                 const std::string& zone = {}) {
  for (const DateCase& row : table) {
    CAPTURE(row.input);
    CHECK(parsed_iso(row.input, zone) == row.expected);
  }
}

// Each row is the same instant, 2022-03-30T17:45:57Z, unless it says else.
const std::vector<DateCase> kRfc822Dates = {
    {"Wed, 30 Mar 2022 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 +0000", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 -0000", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 10:45:57 -0700", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 19:45:57 +0200", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 23:15:57 +05:30", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 UT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 UTC", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 Z", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 12:45:57 EST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 13:45:57 EDT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 11:45:57 CST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 12:45:57 CDT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 10:45:57 MST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 11:45:57 MDT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 09:45:57 PST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 10:45:57 PDT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 10:45:57 pdt", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 A", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 N", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 y", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 18:45:57 CET", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 19:45:57 CEST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 18:45:57 BST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 23:15:57 IST", "2022-03-30T17:45:57Z"},
    {"Thu, 31 Mar 2022 02:45:57 JST", "2022-03-30T17:45:57Z"},
    {"Thu, 31 Mar 2022 02:45:57 KST", "2022-03-30T17:45:57Z"},
    {"Thu, 31 Mar 2022 01:45:57 HKT", "2022-03-30T17:45:57Z"},
    {"Thu, 31 Mar 2022 01:45:57 SGT", "2022-03-30T17:45:57Z"},
    {"Thu, 31 Mar 2022 03:45:57 AEST", "2022-03-30T17:45:57Z"},
    {"Thu, 31 Mar 2022 04:45:57 AEDT", "2022-03-30T17:45:57Z"},
    {"Thu, 31 Mar 2022 05:45:57 NZST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 19:45:57 EET", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 20:45:57 EEST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 WET", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 18:45:57 WEST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 20:45:57 MSK", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 07:45:57 HST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 08:45:57 AKST", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 09:45:57 AKDT", "2022-03-30T17:45:57Z"},
    {"wed, 30 mar 2022 17:45:57 gmt", "2022-03-30T17:45:57Z"},
    {"WED, 30 MAR 2022 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Wednesday, 30 March 2022 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Wed 30 Mar 2022 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Wensday, 30 Mar 2022 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Wed., 30 Mar 2022 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Wed,30 Mar 2022 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"30 Mar 2022 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Fri, 30 Sept 2022 17:45:57 GMT", "2022-09-30T17:45:57Z"},
    {"Fri, 30 Sep 2022 17:45:57 GMT", "2022-09-30T17:45:57Z"},
    {"Fri, 30 September 2022 17:45:57 GMT", "2022-09-30T17:45:57Z"},
    {"Wed, 30 Mar 22 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Thu, 30 Mar 95 17:45:57 GMT", "1995-03-30T17:45:57Z"},
    {"Tue, 30 Mar 49 17:45:57 GMT", "2049-03-30T17:45:57Z"},
    {"Thu, 30 Mar 50 17:45:57 GMT", "1950-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45 GMT", "2022-03-30T17:45:00Z"},
    {"Wed, 30 Mar 2022 17:45:57.123 GMT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 7:45:57 GMT", "2022-03-30T07:45:57Z"},
    {"Tue, 1 Mar 2022 17:45:57 GMT", "2022-03-01T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57GMT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 10:45:57 -0700 (PDT)", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 +0000 GMT", "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57 +0000 (Coordinated Universal Time)",
     "2022-03-30T17:45:57Z"},
    {"Wed, 30 Mar 2022 17:45:57", "2022-03-30T17:45:57Z"},
    {"Wednesday, 30-Mar-22 17:45:57 GMT", "2022-03-30T17:45:57Z"},
    {"Sat, 31 Dec 2016 23:59:60 GMT", "2016-12-31T23:59:59Z"},
    {"Tue, 29 Feb 2000 12:00:00 GMT", "2000-02-29T12:00:00Z"},
    {"Mon, 31 Dec 2012 23:30:00 -0100", "2013-01-01T00:30:00Z"},
    {"  Wed, 30 Mar 2022 17:45:57 GMT\r\n", "2022-03-30T17:45:57Z"},
};

const std::vector<DateCase> kIsoDates = {
    {"2022-03-30T17:45:57Z", "2022-03-30T17:45:57Z"},
    {"2022-03-30t17:45:57z", "2022-03-30T17:45:57Z"},
    {"2022-03-30 17:45:57Z", "2022-03-30T17:45:57Z"},
    {"2022-03-31T01:45:57+08:00", "2022-03-30T17:45:57Z"},
    {"2022-03-31T01:45:57+0800", "2022-03-30T17:45:57Z"},
    {"2022-03-31T01:45:57+08", "2022-03-30T17:45:57Z"},
    {"2022-03-30T12:45:57-05:00", "2022-03-30T17:45:57Z"},
    {"2022-03-30T23:15:57+05:30", "2022-03-30T17:45:57Z"},
    {"2022-03-30T17:45:57.123Z", "2022-03-30T17:45:57Z"},
    {"2022-03-30T17:45:57.123456789Z", "2022-03-30T17:45:57Z"},
    {"2022-03-30T17:45:57.999999999999999999999+00:00", "2022-03-30T17:45:57Z"},
    {"2022-03-30T17:45:57,5Z", "2022-03-30T17:45:57Z"},
    {"2022-03-30T17:45Z", "2022-03-30T17:45:00Z"},
    {"2022-03-31T01:45+08:00", "2022-03-30T17:45:00Z"},
    {"2022-03-30T17:45:57", "2022-03-30T17:45:57Z"},
    {"2022-03-30T17:45:57.5", "2022-03-30T17:45:57Z"},
    {"2022-03-30", "2022-03-30T00:00:00Z"},
    {"2022/03/30 17:45:57", "2022-03-30T17:45:57Z"},
    {"2022/03/30", "2022-03-30T00:00:00Z"},
    {"2022-03-30 17:45:57 +08:00", "2022-03-30T09:45:57Z"},
    {"2022-03-30 17:45:57 UTC", "2022-03-30T17:45:57Z"},
    {"2022-03-30T17:45:57Z[UTC]", "2022-03-30T17:45:57Z"},
    {"2022-3-5T07:05:09Z", "2022-03-05T07:05:09Z"},
    {"2022-03-30T24:00:00Z", "2022-03-31T00:00:00Z"},
    {"2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"},
    {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
    {"2000-02-29", "2000-02-29T00:00:00Z"},
    {"1960-06-15T12:34:56Z", "1960-06-15T12:34:56Z"},
    {"2100-01-01T00:00:00Z", "2100-01-01T00:00:00Z"},
    {"\t2022-03-30T17:45:57Z \n", "2022-03-30T17:45:57Z"},
};

const std::vector<DateCase> kOtherDates = {
    {"Wed Mar 30 17:45:57 2022", "2022-03-30T17:45:57Z"},
    {"Thu Mar  3 17:45:57 2022", "2022-03-03T17:45:57Z"},
    {"Wed Mar 30 17:45:57 UTC 2022", "2022-03-30T17:45:57Z"},
    {"Wed Mar 30 10:45:57 PDT 2022", "2022-03-30T17:45:57Z"},
    {"Wed Mar 30 2022 19:45:57 GMT+0200 (Central European Summer Time)",
     "2022-03-30T17:45:57Z"},
    {"30 Mar 2022", "2022-03-30T00:00:00Z"},
    {"Wed, 30 Mar 2022", "2022-03-30T00:00:00Z"},
    {"30 March 2022", "2022-03-30T00:00:00Z"},
    {"30 Mar 2022, 17:45", "2022-03-30T17:45:00Z"},
    {"Mar 30, 2022 17:45:57", "2022-03-30T17:45:57Z"},
    {"Mar 30, 2022", "2022-03-30T00:00:00Z"},
    {"March 30, 2022", "2022-03-30T00:00:00Z"},
    {"March 30th, 2022", "2022-03-30T00:00:00Z"},
    {"Mar 30 2022 5:45:57 PM", "2022-03-30T17:45:57Z"},
    {"Mar 30, 2022 12:30 AM", "2022-03-30T00:30:00Z"},
    {"Mar 30, 2022 12:30 pm", "2022-03-30T12:30:00Z"},
    {"Wednesday, March 30, 2022 at 5:45 PM", "2022-03-30T17:45:00Z"},
    {"Mar 30, 2022 17:45:57 +0000", "2022-03-30T17:45:57Z"},
    {"2022-03-31 01:45:57 UTC+8", "2022-03-30T17:45:57Z"},
    {"2022-03-30 12:45:57 GMT-05:00", "2022-03-30T17:45:57Z"},
};

const std::vector<DateCase> kInvalidDates = {
    {"", "nothing"},
    {"   \t\r\n ", "nothing"},
    {"garbage", "nothing"},
    {"now", "nothing"},
    {"0", "nothing"},
    {"1648662357", "nothing"},
    {"2022-13-01", "nothing"},
    {"2022-00-10", "nothing"},
    {"2022-03-00", "nothing"},
    {"2022-02-29", "nothing"},
    {"1900-02-29", "nothing"},
    {"31 Feb 2022", "nothing"},
    {"31 Apr 2022", "nothing"},
    {"Mon, 32 Jan 2022 10:00:00 GMT", "nothing"},
    {"Mon, 0 Jan 2022 10:00:00 GMT", "nothing"},
    {"2022-03-30T25:00:00Z", "nothing"},
    {"2022-03-30T24:00:01Z", "nothing"},
    {"2022-03-30T17:60:00Z", "nothing"},
    {"2022-03-30T17:45:61Z", "nothing"},
    {"2022-03-30T", "nothing"},
    {"2022-03-30T17", "nothing"},
    {"2022-03-30T1745", "nothing"},
    {"2022-03-30 garbage", "nothing"},
    {"2022-03-30T17:45:57+08:00garbage", "nothing"},
    {"2022-03-30T17:45:57+9900", "nothing"},
    {"2022-03-30T17:45:57+08:61", "nothing"},
    {"2022-03-30T17:45:57+080", "nothing"},
    {"Wed, 30 Mar 2022 10:45:57 -0", "nothing"},
    {"Wed, 30 Mar 2022 10:45:57 -070", "nothing"},
    {"2022-03/30", "nothing"},
    {"20220-03-30", "nothing"},
    {"Wed, 30 Foo 2022 17:45:57 GMT", "nothing"},
    {"Wed, 30 Mar 2022 17:45:57 XYZ", "nothing"},
    {"Wed, 30 Mar 2022 17:45:57 J", "nothing"},
    {"Wed, 30 Mar 2022 17:45:57 0000", "nothing"},
    {"Wed, 30 Mar 202 17:45:57 GMT", "nothing"},
    {"Wed, 30 Mar 20222 17:45:57 GMT", "nothing"},
    {"Wed, 300 Mar 2022 17:45:57 GMT", "nothing"},
    {"Wed, 30 Mar 2022 17:45:57 EST5EDT", "nothing"},
    {"Wed, 30 Mar 2022 17h45 GMT", "nothing"},
    {"Mar 30, 2022 13:00 PM", "nothing"},
    {"Mar 30, 2022 0:30 AM", "nothing"},
    {"Mar 2022", "nothing"},
    {"30 Mar", "nothing"},
    {"Mar 30", "nothing"},
    {"03/30/2022", "nothing"},
    {"Wed Mar 30 17:45:57", "nothing"},
    {"Wed Mar 30 17:45:57 2022 extra", "nothing"},
    {"\xff\xfe\x80\x01\x7f", "nothing"},
    {"\xc3\xa9t\xc3\xa9 2022", "nothing"},
    {std::string_view("2022-03-30\0T17:45:57Z", 21), "nothing"},
    {std::string_view("\0\0\0\0", 4), "nothing"},
};

}  // namespace

TEST_CASE("parse_date reads RFC 822 dates and their broken variants",
          "[dates]") {
  check_table(kRfc822Dates);
}

TEST_CASE("parse_date reads RFC 3339 and ISO 8601 dates", "[dates]") {
  check_table(kIsoDates);
}

TEST_CASE("parse_date reads asctime, date-only and month-first dates",
          "[dates]") {
  check_table(kOtherDates);
}

TEST_CASE("parse_date returns nothing for text that is not a valid date",
          "[dates]") {
  check_table(kInvalidDates);
}

TEST_CASE("parse_date survives very long and odd input", "[dates]") {
  CHECK_FALSE(parse_date(std::string(100000, '9')));
  CHECK_FALSE(parse_date(std::string(100000, 'a')));
  CHECK_FALSE(parse_date(std::string(100000, ' ')));
  CHECK_FALSE(parse_date("Wed, " + std::string(5000, '3') + " Mar 2022"));
  CHECK(parsed_iso("2022-03-30T17:45:57." + std::string(5000, '1')) ==
        "2022-03-30T17:45:57Z");
  CHECK_FALSE(
      parse_date("2022-03-30T17:45:57." + std::string(5000, '1') + "+99"));
  CHECK(parse_date("2022-03-30T17:45:57Z " + std::string(5000, 'x')));
  std::string every_byte;
  for (int i = 0; i < 256; ++i) {
    every_byte.push_back(static_cast<char>(i));
  }
  CHECK_FALSE(parse_date(every_byte));
}

TEST_CASE("parse_date takes a zone-less date in the given zone", "[dates]") {
  SECTION("Asia/Shanghai is eight hours ahead") {
    CHECK(parsed_iso("2022-03-30 08:00:00", "Asia/Shanghai") ==
          "2022-03-30T00:00:00Z");
    CHECK(parsed_iso("2022-03-30", "Asia/Shanghai") == "2022-03-29T16:00:00Z");
    CHECK(parsed_iso("Wed, 30 Mar 2022 08:00:00", "Asia/Shanghai") ==
          "2022-03-30T00:00:00Z");
  }
  SECTION("America/New_York follows daylight saving time") {
    CHECK(parsed_iso("2022-07-01 12:00:00", "America/New_York") ==
          "2022-07-01T16:00:00Z");
    CHECK(parsed_iso("2022-01-15 12:00:00", "America/New_York") ==
          "2022-01-15T17:00:00Z");
  }
  SECTION("empty and UTC mean UTC") {
    CHECK(parsed_iso("2022-03-30 08:00:00", "") == "2022-03-30T08:00:00Z");
    CHECK(parsed_iso("2022-03-30 08:00:00", "UTC") == "2022-03-30T08:00:00Z");
  }
  SECTION("a date with its own zone ignores the given zone") {
    CHECK(parsed_iso("2022-03-30T08:00:00Z", "Asia/Shanghai") ==
          "2022-03-30T08:00:00Z");
    CHECK(parsed_iso("Wed, 30 Mar 2022 08:00:00 -0400", "Asia/Shanghai") ==
          "2022-03-30T12:00:00Z");
  }
  SECTION("a leap second and 24:00 work in a zone too") {
    CHECK(parsed_iso("2022-03-30 23:59:60", "Asia/Shanghai") ==
          "2022-03-30T15:59:59Z");
    CHECK(parsed_iso("2022-03-30 24:00:00", "Asia/Shanghai") ==
          "2022-03-30T16:00:00Z");
  }
}

TEST_CASE("parse_date leaves the TZ environment variable as it found it",
          "[dates]") {
  const char* before = std::getenv("TZ");
  const std::string saved = before ? before : "";
  const bool had_tz = before != nullptr;

  setenv("TZ", "Europe/Paris", 1);
  CHECK(parse_date("2022-03-30 08:00:00", "Asia/Tokyo"));
  REQUIRE(std::getenv("TZ") != nullptr);
  CHECK(std::string(std::getenv("TZ")) == "Europe/Paris");

  unsetenv("TZ");
  CHECK(parse_date("2022-03-30 08:00:00", "Asia/Tokyo"));
  CHECK(std::getenv("TZ") == nullptr);

  if (had_tz) {
    setenv("TZ", saved.c_str(), 1);
  }
}

TEST_CASE("format_iso8601 writes UTC with a Z", "[dates]") {
  CHECK(format_iso8601(1648662357) == "2022-03-30T17:45:57Z");
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso8601(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_iso8601(-2208988800) == "1900-01-01T00:00:00Z");
  CHECK(format_iso8601(2147483648) == "2038-01-19T03:14:08Z");
  CHECK(format_iso8601(253402300799) == "9999-12-31T23:59:59Z");
}

TEST_CASE("format_rfc1123 writes the HTTP date form", "[dates]") {
  CHECK(format_rfc1123(1648662357) == "Wed, 30 Mar 2022 17:45:57 GMT");
  CHECK(format_rfc1123(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(format_rfc1123(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
  CHECK(format_rfc1123(-2208988800) == "Mon, 01 Jan 1900 00:00:00 GMT");
  CHECK(format_rfc1123(-2147483648) == "Fri, 13 Dec 1901 20:45:52 GMT");
  CHECK(format_rfc1123(2147483648) == "Tue, 19 Jan 2038 03:14:08 GMT");
  CHECK(format_rfc1123(4102444800) == "Fri, 01 Jan 2100 00:00:00 GMT");
}

TEST_CASE("format_day writes the UTC calendar day", "[dates]") {
  CHECK(format_day(1648662357) == "2022-03-30");
  CHECK(format_day(1648684799) == "2022-03-30");
  CHECK(format_day(1648684800) == "2022-03-31");
  CHECK(format_day(-1) == "1969-12-31");
  CHECK(format_day(-301231504) == "1960-06-15");
  CHECK(format_day(4102444800) == "2100-01-01");
}

TEST_CASE("formatted dates parse back to the same time", "[dates]") {
  for (UnixTime t = -2208988800; t < 4102444800 * 2; t += 7777777) {
    CAPTURE(t);
    CHECK(parse_date(format_iso8601(t)) == t);
    CHECK(parse_date(format_rfc1123(t)) == t);
    CHECK(parse_date(format_day(t)) == t - ((t % 86400) + 86400) % 86400);
  }
}
