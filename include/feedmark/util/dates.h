#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace feedmark {

/// Seconds since the Unix epoch, UTC.
using UnixTime = std::int64_t;

/// Reads an RFC 822/2822 or RFC 3339/ISO 8601 date, and the broken variants
/// found in feeds: other day orders, month names in several languages, CJK
/// dates, zone names and IANA zones. A date without a zone is taken in
/// `zone` (an IANA name, empty for UTC). Returns nothing rather than a wrong
/// date: impossible dates, ambiguous numeric ones ("04/03/2022") and years
/// outside 0000-9999 are nothing.
std::optional<UnixTime> parse_date(std::string_view text,
                                   const std::string& zone = {});

/// True for "" and "UTC", and for an IANA zone name the system's time zone
/// database holds ("Asia/Shanghai").
bool known_time_zone(const std::string& zone);

/// "2022-03-30T17:45:57Z"
std::string format_iso8601(UnixTime t);

/// "Wed, 30 Mar 2022 17:45:57 GMT"
std::string format_rfc1123(UnixTime t);

/// "2022-03-30"
std::string format_day(UnixTime t);

}  // namespace feedmark
