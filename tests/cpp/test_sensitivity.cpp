// Experimental designs and sensitivity analysis: known points, known indices, bad arguments.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "analysis/designs.hpp"
#include "analysis/sensitivity.hpp"
#include "core/error.hpp"

using namespace kcsim;
using Catch::Matchers::Contains;

namespace {

// The message of the input_error that f throws, or a note that it threw none.
std::string input_error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const input_error& e) {
        return e.what();
    }
    return "(no input_error)";
}

// Evaluate f on every row of a row-major [rows][k] design.
template <class F> std::vector<double> evaluate(const std::vector<double>& points, std::size_t k, F f) {
    std::vector<double> y(points.size() / k);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = f(&points[i * k]);
    return y;
}

double ishigami(const double* u) {
    const double pi = std::numbers::pi;
    const double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
    const double s2 = std::sin(x2);
    return std::sin(x1) + 7 * s2 * s2 + 0.1 * x3 * x3 * x3 * x3 * std::sin(x1);
}

}  // namespace

TEST_CASE("full factorial rows in lexicographic order with the last factor fastest", "[unit][analysis]") {
    const auto p = analysis::full_factorial({2, 3});
    CHECK(p == std::vector<double>{0, 0, 0, 1, 0, 2, 1, 0, 1, 1, 1, 2});
    const auto q = analysis::full_factorial({2, 3, 4});
    REQUIRE(q.size() == 24 * 3);
    std::set<std::vector<double>> rows;
    for (std::size_t i = 0; i < 24; ++i) rows.insert({q[i * 3], q[i * 3 + 1], q[i * 3 + 2]});
    CHECK(rows.size() == 24);
    CHECK(std::vector<double>(q.end() - 3, q.end()) == std::vector<double>{1, 2, 3});
    CHECK(analysis::full_factorial({5}) == std::vector<double>{0, 1, 2, 3, 4});
}

TEST_CASE("latin hypercube has one point per stratum in every dimension", "[unit][analysis]") {
    for (std::size_t n : {1u, 2u, 7u, 100u, 1000u}) {
        const std::size_t k = 5;
        const auto p = analysis::latin_hypercube(n, k, 42);
        REQUIRE(p.size() == n * k);
        for (std::size_t j = 0; j < k; ++j) {
            std::vector<std::size_t> strata;
            for (std::size_t i = 0; i < n; ++i) {
                const double x = p[i * k + j];
                REQUIRE(x >= 0.0);
                REQUIRE(x < 1.0);
                strata.push_back(static_cast<std::size_t>(std::floor(x * static_cast<double>(n))));
            }
            std::sort(strata.begin(), strata.end());
            for (std::size_t s = 0; s < n; ++s) REQUIRE(strata[s] == s);
        }
    }
}

TEST_CASE("latin hypercube is a function of its seed", "[unit][analysis][determinism]") {
    const auto a = analysis::latin_hypercube(64, 3, 7);
    CHECK(a == analysis::latin_hypercube(64, 3, 7));
    const auto b = analysis::latin_hypercube(64, 3, 8);
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
    CHECK(same == 0);
    // The strata are shuffled independently per dimension, not just jittered in place.
    std::size_t diagonal = 0;
    for (std::size_t i = 0; i < 64; ++i) diagonal += std::floor(a[i * 3] * 64) == std::floor(a[i * 3 + 1] * 64);
    CHECK(diagonal < 10);
}

TEST_CASE("Sobol sequence: known first points", "[unit][analysis]") {
    const auto p = analysis::sobol_sequence(8, 2);
    CHECK(p == std::vector<double>{0, 0, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.375, 0.375, 0.875, 0.875, 0.625, 0.125,
                                   0.125, 0.625});
    // The third dimension (Joe & Kuo's first polynomial of degree 2) and skipping.
    const auto q = analysis::sobol_sequence(4, 3, 1);
    CHECK(q == std::vector<double>{0.5, 0.5, 0.5, 0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.375, 0.375, 0.625});
    // Points computed by SciPy 1.10 (scipy.stats.qmc.Sobol, scramble=False, the same table).
    const auto r = analysis::sobol_sequence(1, 128, 1000);
    CHECK(r[31] == 0.1455078125);
    CHECK(r[63] == 0.4462890625);
    CHECK(r[127] == 0.5439453125);
}

TEST_CASE("Sobol sequence: skipping continues the same sequence", "[unit][analysis]") {
    const std::size_t k = 10;
    const auto all = analysis::sobol_sequence(300, k);
    const auto tail = analysis::sobol_sequence(123, k, 177);
    CHECK(std::equal(tail.begin(), tail.end(), all.begin() + 177 * k));
}

TEST_CASE("Sobol sequence: in one dimension 2^m points are the grid i over 2^m", "[unit][analysis]") {
    for (std::size_t m : {1u, 4u, 10u}) {
        const std::size_t n = std::size_t{1} << m;
        for (std::size_t j : {0u, 1u, 5u, 31u, 127u}) {
            const auto p = analysis::sobol_sequence(n, j + 1);
            std::vector<double> col;
            for (std::size_t i = 0; i < n; ++i) col.push_back(p[i * (j + 1) + j] * static_cast<double>(n));
            std::sort(col.begin(), col.end());
            for (std::size_t i = 0; i < n; ++i) REQUIRE(col[i] == static_cast<double>(i));
        }
    }
}

TEST_CASE("Sobol sequence: every point lies in the half-open unit cube", "[unit][analysis]") {
    const auto p = analysis::sobol_sequence(4096, analysis::sobol_max_dimensions, 1);
    CHECK(std::all_of(p.begin(), p.end(), [](double x) { return x >= 0.0 && x < 1.0; }));
    CHECK(*std::max_element(p.begin(), p.end()) > 0.999);
}

TEST_CASE("Saltelli design stacks A then B then A with one column from B", "[unit][analysis]") {
    const std::size_t n = 16, k = 3;
    for (std::uint64_t seed : {0u, 5u}) {
        const auto d = analysis::saltelli(n, k, seed);
        REQUIRE(d.points.size() == (k + 2) * n * k);
        auto at = [&](std::size_t m, std::size_t i, std::size_t j) { return d.points[(m * n + i) * k + j]; };
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t m = 0; m < k; ++m)
                for (std::size_t j = 0; j < k; ++j) CHECK(at(2 + m, i, j) == (m == j ? at(1, i, j) : at(0, i, j)));
        if (seed == 0) {
            // A and B are the 6-D Sobol' sequence from its second point.
            const auto s = analysis::sobol_sequence(n, 2 * k, 1);
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < k; ++j) {
                    CHECK(at(0, i, j) == s[i * 2 * k + j]);
                    CHECK(at(1, i, j) == s[i * 2 * k + k + j]);
                }
        }
    }
    // A seed gives its own digital shift, the same every time.
    const auto d = analysis::saltelli(15, 1, 9);
    CHECK(d.points == analysis::saltelli(15, 1, 9).points);
    CHECK(d.points != analysis::saltelli(15, 1, 0).points);
}

TEST_CASE("Morris trajectories move one factor at a time by delta on the grid", "[unit][analysis]") {
    const std::size_t r = 10, k = 5, levels = 6;
    const auto d = analysis::morris(r, k, levels, 3);
    REQUIRE(d.points.size() == r * (k + 1) * k);
    const double delta = 6.0 / 10.0, step = 1.0 / 5.0;
    for (std::size_t t = 0; t < r; ++t) {
        std::set<std::size_t> moved;
        for (std::size_t l = 0; l <= k; ++l) {
            const double* x = &d.points[(t * (k + 1) + l) * k];
            for (std::size_t j = 0; j < k; ++j) {
                REQUIRE(x[j] >= 0.0);
                REQUIRE(x[j] <= 1.0);
                CHECK(std::abs(x[j] / step - std::round(x[j] / step)) < 1e-12);
            }
            if (l == 0) continue;
            for (std::size_t j = 0; j < k; ++j) {
                if (x[j] == x[j - k]) continue;
                CHECK(std::abs(std::abs(x[j] - x[j - k]) - delta) < 1e-12);
                moved.insert(j);
            }
            CHECK(moved.size() == l);
        }
    }
    CHECK(d.points == analysis::morris(r, k, levels, 3).points);
    CHECK(d.points != analysis::morris(r, k, levels, 4).points);
}

TEST_CASE("Sobol indices of the Ishigami function", "[unit][analysis]") {
    const std::size_t n = 4096, k = 3;
    const auto d = analysis::saltelli(n, k, 0);
    const auto y = evaluate(d.points, k, ishigami);
    REQUIRE(y.size() == 20480);
    const auto s = analysis::sobol_analyze(d, y, 200, 1);
    const std::array<double, 3> s1 = {0.3139, 0.4424, 0.0}, st = {0.5576, 0.4424, 0.2437};
    for (std::size_t j = 0; j < k; ++j) {
        INFO("factor " << j << ": S1 " << s.s1[j] << " [" << s.s1_lo[j] << ", " << s.s1_hi[j] << "], ST " << s.st[j]
                       << " [" << s.st_lo[j] << ", " << s.st_hi[j] << "]");
        CHECK(std::abs(s.s1[j] - s1[j]) < 0.05);
        CHECK(std::abs(s.st[j] - st[j]) < 0.05);
        CHECK(s.s1_lo[j] <= s.s1[j]);
        CHECK(s.s1[j] <= s.s1_hi[j]);
        CHECK(s.st_lo[j] <= s.st[j]);
        CHECK(s.st[j] <= s.st_hi[j]);
        CHECK(s1[j] >= s.s1_lo[j] - 0.02);
        CHECK(s1[j] <= s.s1_hi[j] + 0.02);
        CHECK(st[j] >= s.st_lo[j] - 0.02);
        CHECK(st[j] <= s.st_hi[j] + 0.02);
    }
    // The same seed gives the same intervals; another seed other ones.
    const auto again = analysis::sobol_analyze(d, y, 200, 1);
    CHECK(again.s1_lo == s.s1_lo);
    CHECK(again.st_hi == s.st_hi);
    CHECK(analysis::sobol_analyze(d, y, 200, 2).s1_lo != s.s1_lo);
    // A randomly shifted design estimates the same indices.
    const auto shifted = analysis::saltelli(n, k, 11);
    const auto s2 = analysis::sobol_analyze(shifted, evaluate(shifted.points, k, ishigami), 0, 1);
    for (std::size_t j = 0; j < k; ++j) {
        CHECK(std::abs(s2.s1[j] - s1[j]) < 0.05);
        CHECK(std::abs(s2.st[j] - st[j]) < 0.05);
        CHECK(std::isnan(s2.s1_lo[j]));
    }
}

TEST_CASE("sensitivity of a linear function", "[unit][analysis]") {
    const std::array<double, 4> c = {1, 2, 0, 5}, lo = {-1, 0, 5, 10}, range = {2, 0.5, 1, 3};
    const std::size_t k = 4;
    auto linear = [&](const double* u) {
        double y = 0;
        for (std::size_t j = 0; j < k; ++j) y += c[j] * (lo[j] + u[j] * range[j]);
        return y;
    };

    const auto m = analysis::morris(20, k, 4, 1);
    const auto e = analysis::morris_analyze(m, evaluate(m.points, k, linear));
    for (std::size_t j = 0; j < k; ++j) {
        CHECK(std::abs(e.mu_star[j] - std::abs(c[j]) * range[j]) < 1e-12);
        CHECK(std::abs(e.mu[j] - c[j] * range[j]) < 1e-12);
        CHECK(std::abs(e.sigma[j]) < 1e-12);
    }

    // Sobol' on unit ranges: S1_i = c_i^2 / sum c_j^2 (and ST = S1: no interactions).
    const auto d = analysis::saltelli(1024, k, 0);
    const auto s = analysis::sobol_analyze(d,
                                           evaluate(d.points, k,
                                                    [&](const double* u) {
                                                        double y = 0;
                                                        for (std::size_t j = 0; j < k; ++j) y += c[j] * u[j];
                                                        return y;
                                                    }),
                                           100, 1);
    for (std::size_t j = 0; j < k; ++j) {
        CHECK(std::abs(s.s1[j] - c[j] * c[j] / 30.0) < 0.03);
        CHECK(std::abs(s.st[j] - c[j] * c[j] / 30.0) < 0.03);
    }
}

TEST_CASE("Morris effects keep their sign and spread", "[unit][analysis]") {
    // y = -3 x0 + x1^2: x0 has mu = -3 and sigma 0; x1 has a spread of effects.
    const auto m = analysis::morris(30, 2, 4, 5);
    const auto e =
        analysis::morris_analyze(m, evaluate(m.points, 2, [](const double* u) { return -3 * u[0] + u[1] * u[1]; }));
    CHECK(e.mu[0] == Approx(-3).margin(1e-12));
    CHECK(e.mu_star[0] == Approx(3).margin(1e-12));
    CHECK(e.sigma[0] == Approx(0).margin(1e-12));
    CHECK(e.mu_star[1] > 0);
    CHECK(e.sigma[1] > 0.1);
}

TEST_CASE("designs and analyses reject bad arguments naming them", "[unit][analysis]") {
    using analysis::saltelli_design;
    CHECK_THAT(input_error_of([] { analysis::latin_hypercube(10, 0, 1); }), Contains("latin_hypercube: k = 0"));
    CHECK_THAT(input_error_of([] { analysis::latin_hypercube(0, 2, 1); }), Contains("latin_hypercube: n = 0"));
    CHECK_THAT(input_error_of([] { analysis::sobol_sequence(10, 0); }), Contains("sobol_sequence: k = 0"));
    CHECK_THAT(input_error_of([] { analysis::sobol_sequence(10, 129); }),
               Contains("k = 129: expected at most 128 dimensions"));
    CHECK_THAT(input_error_of([] { analysis::sobol_sequence(10, 2, std::size_t{1} << 32); }), Contains("skip + n"));
    CHECK_THAT(input_error_of([] { analysis::saltelli(10, 0, 0); }), Contains("saltelli: k = 0"));
    CHECK_THAT(input_error_of([] { analysis::saltelli(10, 65, 0); }), Contains("saltelli: k = 65"));
    CHECK_THAT(input_error_of([] { analysis::saltelli(0, 2, 0); }), Contains("saltelli: n = 0"));
    CHECK_THAT(input_error_of([] { analysis::morris(5, 0, 4, 1); }), Contains("morris: k = 0"));
    CHECK_THAT(input_error_of([] { analysis::morris(5, 2, 1, 1); }), Contains("morris: levels = 1: expected an even"));
    CHECK_THAT(input_error_of([] { analysis::morris(5, 2, 5, 1); }), Contains("morris: levels = 5"));
    CHECK_THAT(input_error_of([] { analysis::morris(0, 2, 4, 1); }), Contains("morris: r = 0"));
    CHECK_THAT(input_error_of([] { analysis::full_factorial({}); }), Contains("full_factorial: levels_per_factor"));
    CHECK_THAT(input_error_of([] { analysis::full_factorial({2, 0}); }), Contains("levels_per_factor[1] = 0"));

    const auto d = analysis::saltelli(8, 2, 0);  // 32 rows
    const std::vector<double> short_y(31, 1.0);
    CHECK_THAT(input_error_of([&] { analysis::sobol_analyze(d, short_y, 10, 1); }),
               Contains("sobol_analyze: y.size() = 31: expected 32"));
    std::vector<double> bad_y(32, 1.0);
    bad_y[7] = std::nan("");
    CHECK_THAT(input_error_of([&] { analysis::sobol_analyze(d, bad_y, 10, 1); }), Contains("y[7]"));
    CHECK_THAT(input_error_of([] { analysis::sobol_analyze(saltelli_design{}, {}, 10, 1); }),
               Contains("sobol_analyze: d.n = 0"));

    const auto m = analysis::morris(3, 2, 4, 1);  // 9 rows
    CHECK_THAT(input_error_of([&] { analysis::morris_analyze(m, std::vector<double>(10, 0.0)); }),
               Contains("morris_analyze: y.size() = 10: expected 9"));
    auto broken = m;
    broken.points[4 * 2] = broken.points[3 * 2];  // row 4 now repeats row 3: no factor moves
    broken.points[4 * 2 + 1] = broken.points[3 * 2 + 1];
    CHECK_THAT(input_error_of([&] { analysis::morris_analyze(broken, std::vector<double>(9, 0.0)); }),
               Contains("morris_analyze: d.points row = 4: expected one factor changed"));

    // A constant output has no variance to apportion: NaN, not an exception.
    const auto flat = analysis::sobol_analyze(d, std::vector<double>(32, 4.0), 10, 1);
    CHECK(std::isnan(flat.s1[0]));
    CHECK(std::isnan(flat.st_hi[1]));
}
