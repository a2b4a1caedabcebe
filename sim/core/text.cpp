#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <vector>

namespace kcsim::core {

namespace {
// Edits (insert, delete, substitute, swap two neighbours) from a to b: a swapped pair of letters
// ("yubie") is one typo, not two.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], before[j - 2] + 1);
        }
        std::swap(before, prev);
        std::swap(prev, cur);
    }
    return prev[b.size()];
}
}  // namespace

std::string closest_match(std::string_view word, std::span<const std::string> candidates) {
    std::string best;
    std::size_t best_d = std::string::npos;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    // A typo is at most a third of the word (and at least one edit) away.
    const std::size_t limit = std::max<std::size_t>(1, std::max(word.size(), best.size()) / 3);
    return best_d <= limit ? best : std::string{};
}

std::string join_or(std::span<const std::string> words) {
    std::string s;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) s += (i + 1 == words.size()) ? " or " : ", ";
        s += words[i];
    }
    return s;
}

std::string with_separators(long long v) {
    const bool negative = v < 0;
    unsigned long long u = negative ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
    std::string digits = std::to_string(u), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return negative ? "-" + out : out;
}

std::string exact_number(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9.2e18)
        return with_separators(static_cast<long long>(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string rounded_number(double v) {
    if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    const double a = std::abs(v);
    if (a == 0) return "0";
    // Whole numbers from 100 round halves away from zero (std::llround), as the report's page
    // does; "%.3g" would round 544.5 to even, 544, where the page shows 545.
    if (a >= 99.95) return with_separators(std::llround(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

std::string shortest_number(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string human_bytes(double bytes) {
    static const char* const units[] = {"B", "kB", "MB", "GB", "TB"};
    std::size_t u = 0;
    while (bytes >= 999.5 && u + 1 < std::size(units)) {
        bytes /= 1000;
        ++u;
    }
    char buf[32];
    if (u > 0 && bytes < 9.995)
        std::snprintf(buf, sizeof buf, "%.2f %s", bytes, units[u]);
    else if (u > 0 && bytes < 99.95)
        std::snprintf(buf, sizeof buf, "%.1f %s", bytes, units[u]);
    else
        std::snprintf(buf, sizeof buf, "%.0f %s", bytes, units[u]);
    return buf;
}

}  // namespace kcsim::core
