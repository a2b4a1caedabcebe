#include "analysis/paired.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.hpp"

namespace kcsim::analysis {

namespace {
double mean_of(std::span<const double> v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double var_of(std::span<const double> v, double m) {
    if (v.size() < 2) return 0.0;
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return s / static_cast<double>(v.size() - 1);
}
}  // namespace

double t975(double df) {
    // Exact table to 30 degrees of freedom, then the Cornish-Fisher expansion (error < 1e-4).
    static constexpr std::array<double, 30> table = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120,  2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (!(df >= 1)) return std::numeric_limits<double>::infinity();
    if (df <= 30 && df == std::floor(df)) return table[static_cast<std::size_t>(df) - 1];
    const double z = 1.959963984540054, z3 = z * z * z, z5 = z3 * z * z;
    return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

double quantile(std::span<const double> values, double p) {
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> v(values.begin(), values.end());
    std::sort(v.begin(), v.end());
    // Linear interpolation between order statistics (numpy's default).
    const double h = (static_cast<double>(v.size()) - 1) * p;
    const auto i = static_cast<std::size_t>(std::floor(h));
    const std::size_t j = std::min(i + 1, v.size() - 1);
    return v[i] + (h - static_cast<double>(i)) * (v[j] - v[i]);
}

summary describe(std::span<const double> values) {
    summary s;
    if (values.empty()) return s;
    s.mean = mean_of(values);
    s.lo = quantile(values, 0.05);
    s.hi = quantile(values, 0.95);
    return s;
}

paired_difference paired(std::span<const double> a, std::span<const double> b) {
    if (a.size() != b.size()) throw internal_error("paired difference of samples of different sizes");
    paired_difference d;
    const std::size_t n = a.size();
    if (n == 0) return d;
    std::vector<double> diff(n);
    double better = 0;
    for (std::size_t i = 0; i < n; ++i) {
        diff[i] = b[i] - a[i];
        better += diff[i] > 0 ? 1.0 : diff[i] == 0 ? 0.5 : 0.0;
    }
    d.mean = mean_of(diff);
    const double half =
        n > 1 ? t975(static_cast<double>(n - 1)) * std::sqrt(var_of(diff, d.mean) / static_cast<double>(n))
              : std::numeric_limits<double>::infinity();
    d.lo = d.mean - half;
    d.hi = d.mean + half;
    d.p_better = better / static_cast<double>(n);
    return d;
}

paired_difference unpaired(std::span<const double> a, std::span<const double> b) {
    paired_difference d;
    if (a.size() < 2 || b.size() < 2) return d;
    const double ma = mean_of(a), mb = mean_of(b);
    const double va = var_of(a, ma) / static_cast<double>(a.size()), vb = var_of(b, mb) / static_cast<double>(b.size());
    const double se = std::sqrt(va + vb);
    // Welch-Satterthwaite degrees of freedom.
    const double df =
        se > 0 ? (va + vb) * (va + vb) /
                     (va * va / static_cast<double>(a.size() - 1) + vb * vb / static_cast<double>(b.size() - 1))
               : 1e9;
    d.mean = mb - ma;
    const double half = t975(std::floor(df)) * se;
    d.lo = d.mean - half;
    d.hi = d.mean + half;
    return d;
}

}  // namespace kcsim::analysis
