#include "analysis/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/error.hpp"
#include "rng/philox.hpp"

namespace kcsim::analysis {

namespace {

constexpr double undefined = std::numeric_limits<double>::quiet_NaN();

// Bootstrap streams use this step word, apart from the designs' (step = dimension).
constexpr std::uint64_t bootstrap_step = std::uint64_t{1} << 63;

void require(bool ok, const char* fn, const char* arg, std::size_t value, const std::string& expected) {
    if (!ok) throw input_error(std::string(fn) + ": " + arg + " = " + std::to_string(value) + ": expected " + expected);
}

void require_finite(const char* fn, std::span<const double> y) {
    for (std::size_t i = 0; i < y.size(); ++i)
        if (!std::isfinite(y[i]))
            throw input_error(std::string(fn) + ": y[" + std::to_string(i) + "] = " + std::to_string(y[i]) +
                              ": expected a finite model output");
}

// Quantile p of v by linear interpolation between order statistics (as describe()), NaNs left out.
double quantile(std::vector<double> v, double p) {
    std::erase_if(v, [](double x) { return std::isnan(x); });
    if (v.empty()) return undefined;
    std::sort(v.begin(), v.end());
    const double h = (static_cast<double>(v.size()) - 1) * p;
    const auto i = static_cast<std::size_t>(std::floor(h));
    const std::size_t j = std::min(i + 1, v.size() - 1);
    return v[i] + (h - static_cast<double>(i)) * (v[j] - v[i]);
}

// Sobol' indices from the centred outputs of the rows `rows` (indices into 0 .. n-1).
// f(M, i) is the output of row i of matrix M (0 = A, 1 = B, 2 + j = AB_j).
struct sobol_estimator {
    std::size_t n, k;
    std::vector<double> f;  // y minus its mean: keeps the products small (SALib standardises too)

    double at(std::size_t m, std::size_t i) const { return f[m * n + i]; }

    void estimate(std::span<const std::size_t> rows, std::vector<double>& s1, std::vector<double>& st) const {
        const double count = static_cast<double>(rows.size());
        // Total variance from A and B together (population variance, as numpy's var).
        double mean = 0;
        for (std::size_t i : rows) mean += at(0, i) + at(1, i);
        mean /= 2 * count;
        double var = 0;
        for (std::size_t i : rows) {
            const double a = at(0, i) - mean, b = at(1, i) - mean;
            var += a * a + b * b;
        }
        var /= 2 * count;
        for (std::size_t j = 0; j < k; ++j) {
            double first = 0, total = 0;
            for (std::size_t i : rows) {
                const double a = at(0, i), b = at(1, i), ab = at(2 + j, i);
                first += b * (ab - a);               // Saltelli et al. (2010)
                total += 0.5 * (a - ab) * (a - ab);  // Jansen (1999)
            }
            s1[j] = var > 0 ? first / count / var : undefined;
            st[j] = var > 0 ? total / count / var : undefined;
        }
    }
};

}  // namespace

sobol_indices sobol_analyze(const saltelli_design& d, std::span<const double> y, std::size_t bootstrap,
                            std::uint64_t seed) {
    const char* fn = "sobol_analyze";
    const std::size_t n = d.n, k = d.k;
    require(n >= 1, fn, "d.n", n, "at least 1 (a design from saltelli())");
    require(k >= 1, fn, "d.k", k, "at least 1 (a design from saltelli())");
    require(d.points.size() == (k + 2) * n * k, fn, "d.points.size()", d.points.size(),
            std::to_string((k + 2) * n * k) + " = (k + 2) * n * k (a design from saltelli())");
    require(y.size() == (k + 2) * n, fn, "y.size()", y.size(),
            std::to_string((k + 2) * n) + " = (k + 2) * n, one output per row of d.points");
    require_finite(fn, y);

    sobol_estimator e{n, k, std::vector<double>(y.begin(), y.end())};
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
    for (double& v : e.f) v -= mean;

    sobol_indices r;
    r.s1.assign(k, undefined);
    r.st.assign(k, undefined);
    r.s1_lo = r.s1_hi = r.st_lo = r.st_hi = r.s1;
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    e.estimate(rows, r.s1, r.st);
    if (bootstrap == 0 || std::isnan(r.s1[0])) return r;

    // Bootstrap: replicate b resamples the n rows with replacement from its own stream.
    std::vector<std::vector<double>> s1b(k, std::vector<double>(bootstrap)), stb = s1b;
    std::vector<double> s1(k), st(k);
    const double nd = static_cast<double>(n);
    for (std::size_t b = 0; b < bootstrap; ++b) {
        rng::stream s(rng::key{seed, 0}, b, bootstrap_step, rng::purpose::design);
        for (std::size_t& i : rows) i = std::min(n - 1, static_cast<std::size_t>(std::floor(s.uniform() * nd)));
        e.estimate(rows, s1, st);
        for (std::size_t j = 0; j < k; ++j) {
            s1b[j][b] = s1[j];
            stb[j][b] = st[j];
        }
    }
    for (std::size_t j = 0; j < k; ++j) {
        r.s1_lo[j] = quantile(s1b[j], 0.025);
        r.s1_hi[j] = quantile(s1b[j], 0.975);
        r.st_lo[j] = quantile(stb[j], 0.025);
        r.st_hi[j] = quantile(stb[j], 0.975);
    }
    return r;
}

morris_indices morris_analyze(const morris_design& d, std::span<const double> y) {
    const char* fn = "morris_analyze";
    const std::size_t r = d.r, k = d.k;
    require(r >= 1, fn, "d.r", r, "at least 1 trajectory (a design from morris())");
    require(k >= 1, fn, "d.k", k, "at least 1 factor (a design from morris())");
    require(d.points.size() == r * (k + 1) * k, fn, "d.points.size()", d.points.size(),
            std::to_string(r * (k + 1) * k) + " = r * (k + 1) * k (a design from morris())");
    require(y.size() == r * (k + 1), fn, "y.size()", y.size(),
            std::to_string(r * (k + 1)) + " = r * (k + 1), one output per row of d.points");
    require_finite(fn, y);

    // ee[j * r + t]: the elementary effect of factor j in trajectory t.
    std::vector<double> ee(k * r, undefined);
    for (std::size_t t = 0; t < r; ++t) {
        for (std::size_t l = 0; l < k; ++l) {
            const std::size_t row = t * (k + 1) + l;
            const double* x0 = d.points.data() + row * k;
            const double* x1 = x0 + k;
            std::size_t moved = k, changes = 0;
            for (std::size_t j = 0; j < k; ++j)
                if (x1[j] != x0[j]) {
                    moved = j;
                    ++changes;
                }
            require(changes == 1 && std::isnan(ee[moved * r + t]), fn, "d.points row", row + 1,
                    "one factor changed from the row before, each once per trajectory (a design from morris())");
            // Divide by the actual step so that a linear model's effects come out exact.
            ee[moved * r + t] = (y[row + 1] - y[row]) / (x1[moved] - x0[moved]);
        }
    }
    morris_indices m;
    m.mu.resize(k);
    m.mu_star.resize(k);
    m.sigma.resize(k);
    const double rd = static_cast<double>(r);
    for (std::size_t j = 0; j < k; ++j) {
        const std::span<const double> e(ee.data() + j * r, r);
        double sum = 0, abs_sum = 0;
        for (double v : e) {
            sum += v;
            abs_sum += std::abs(v);
        }
        m.mu[j] = sum / rd;
        m.mu_star[j] = abs_sum / rd;
        double ss = 0;
        for (double v : e) ss += (v - m.mu[j]) * (v - m.mu[j]);
        m.sigma[j] = r > 1 ? std::sqrt(ss / (rd - 1)) : undefined;
    }
    return m;
}

}  // namespace kcsim::analysis
