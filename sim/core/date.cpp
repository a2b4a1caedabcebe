#include "core/date.hpp"

#include <charconv>

namespace kcsim::core {

// civil_from_days: Howard Hinnant's public-domain algorithm.
void to_ymd(date dt, int& y, int& m, int& d) {
    const int z = dt.days + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

bool valid_ymd(int y, int m, int d) {
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
    static constexpr int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= len[m - 1] + ((m == 2 && leap) ? 1 : 0);
}

std::string to_iso(date dt) {
    int y = 0, m = 0, d = 0;
    to_ymd(dt, y, m, d);
    char buf[16];
    auto put = [&](char* at, int v, int width) {
        for (int i = width - 1; i >= 0; --i) {
            at[i] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
    };
    put(buf, y, 4);
    buf[4] = '-';
    put(buf + 5, m, 2);
    buf[7] = '-';
    put(buf + 8, d, 2);
    return std::string(buf, 10);
}

std::optional<date> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int y = 0, m = 0, d = 0;
    auto num = [&](std::size_t at, std::size_t n, int& out) {
        auto r = std::from_chars(s.data() + at, s.data() + at + n, out);
        return r.ec == std::errc{} && r.ptr == s.data() + at + n;
    };
    if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d) || !valid_ymd(y, m, d)) return std::nullopt;
    return make_date(y, m, d);
}

int weekday(date d) {
    // 1970-01-01 was a Thursday (ISO 4).
    const int r = ((d.days % 7) + 7) % 7;
    return (r + 3) % 7 + 1;
}

}  // namespace kcsim::core
