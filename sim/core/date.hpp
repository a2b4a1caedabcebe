#pragma once
// Calendar dates as days since 1970-01-01 (proleptic Gregorian), the unit the HDF5 time axis
// uses, so a date is one integer everywhere and conversions happen only at the edges.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kcsim::core {

struct date {
    std::int32_t days = 0;  // since 1970-01-01
    friend auto operator<=>(const date&, const date&) = default;
};

// days_from_civil (Howard Hinnant, public domain). No validation: use parse_date for input.
constexpr date make_date(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return date{era * 146097 + doe - 719468};
}
bool valid_ymd(int year, int month, int day);
void to_ymd(date d, int& year, int& month, int& day);
std::string to_iso(date d);                        // "2021-01-04"
std::optional<date> parse_date(std::string_view);  // "YYYY-MM-DD" only
inline date operator+(date d, int n) { return date{d.days + n}; }
inline int operator-(date a, date b) { return a.days - b.days; }
int weekday(date d);  // ISO: Monday = 1 ... Sunday = 7

}  // namespace kcsim::core
