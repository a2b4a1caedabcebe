// Scenario discovery: PRIM recovers planted boxes, its counts match a brute-force count, its
// trajectory behaves, Spearman's ties, discover()'s report and its edge cases.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "analysis/discovery.hpp"
#include "core/error.hpp"

using namespace kcsim;
using Catch::Matchers::Contains;

namespace {

// A fixed generator (splitmix64: a counter through a mixer, so streams of nearby seeds are not
// lattice-correlated as a bare LCG's are): uniform doubles in [0, 1) from the top 53 bits.
struct mixer {
    std::uint64_t state;
    double next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
    }
};

std::vector<double> uniform_points(std::size_t n, std::size_t k, std::uint64_t seed) {
    mixer g{seed};
    std::vector<double> x(n * k);
    for (auto& v : x) v = g.next();
    return x;
}

// The planted box x0 > 0.7 and x2 < 0.4 in [0, 1]^3, with `noise` of the labels flipped.
std::vector<bool> planted_labels(const std::vector<double>& x, double noise, std::uint64_t seed) {
    mixer g{seed};
    std::vector<bool> y(x.size() / 3);
    for (std::size_t i = 0; i < y.size(); ++i) {
        const bool in = x[i * 3 + 0] > 0.7 && x[i * 3 + 2] < 0.4;
        y[i] = g.next() < noise ? !in : in;
    }
    return y;
}

// What a box holds, counted point by point from its bounds.
struct counted {
    std::size_t points = 0, cases = 0, all_cases = 0;
};
counted count_in(const analysis::prim_box& b, const std::vector<double>& x, std::size_t k, const std::vector<bool>& y) {
    counted c;
    for (std::size_t i = 0; i < y.size(); ++i) {
        bool in = true;
        for (std::size_t j = 0; j < k; ++j) in = in && b.lo[j] <= x[i * k + j] && x[i * k + j] <= b.hi[j];
        c.points += in;
        c.cases += in && y[i];
        c.all_cases += y[i];
    }
    return c;
}

// Matches an input_error whose message contains `text`.
Catch::Matchers::Generic::PredicateMatcher<input_error> says(std::string text) {
    return Catch::Matchers::Predicate<input_error>(
        [text](const input_error& e) { return std::string(e.what()).find(text) != std::string::npos; },
        "an input_error saying \"" + text + "\"");
}

}  // namespace

TEST_CASE("PRIM recovers a planted box; lifting weak restrictions frees the idle parameter", "[discovery]") {
    const auto x = uniform_points(400, 3, 12345);
    const auto y = planted_labels(x, 0.03, 777);
    const auto peeled = analysis::prim(x, 3, y);
    // Peeling alone finds both planted sides, and here also trims x1 on noise.
    CHECK(peeled.restricted[0]);
    CHECK(peeled.restricted[2]);
    CHECK(peeled.lo[0] == Approx(0.7).margin(0.05));
    CHECK(peeled.hi[2] == Approx(0.4).margin(0.05));
    CHECK(peeled.quasi_p[0] < 1e-6);
    CHECK(peeled.quasi_p[2] < 1e-6);
    REQUIRE(peeled.restricted[1]);
    CHECK(peeled.quasi_p[1] > 0.05);

    const auto box = analysis::lift_weak_restrictions(peeled, x, 3, y);
    REQUIRE(box.restricted == std::vector<bool>{true, false, true});
    CHECK(box.lo[0] == Approx(0.7).margin(0.05));
    CHECK(box.hi[2] == Approx(0.4).margin(0.05));
    CHECK(std::isnan(box.quasi_p[1]));
    CHECK(box.quasi_p[0] < 1e-6);
    // The sides not restricted keep the data's range.
    double min1 = 1, max1 = 0, max0 = 0, min2 = 1;
    for (std::size_t i = 0; i < 400; ++i) {
        min1 = std::min(min1, x[i * 3 + 1]);
        max1 = std::max(max1, x[i * 3 + 1]);
        max0 = std::max(max0, x[i * 3 + 0]);
        min2 = std::min(min2, x[i * 3 + 2]);
    }
    CHECK(box.lo[1] == min1);
    CHECK(box.hi[1] == max1);
    CHECK(box.hi[0] == max0);
    CHECK(box.lo[2] == min2);
    CHECK(box.density > 0.9);
    CHECK(box.coverage > peeled.coverage);
    CHECK(box.base_density < 0.2);
    const auto c = count_in(box, x, 3, y);
    CHECK(box.points == c.points);
    CHECK(box.cases == c.cases);
}

TEST_CASE("Quasi-p-values: a binomial tail against the box with the restriction lifted", "[discovery]") {
    // x = 1..8; the box x >= 4.5 holds 4 points, all cases; lifted, 6 of 8 are cases.
    const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8};
    const std::vector<bool> y{false, true, false, true, true, true, true, true};
    analysis::prim_box box;
    box.lo = {4.5};
    box.hi = {8};
    box.restricted = {true};
    const auto kept = analysis::lift_weak_restrictions(box, x, 1, y, 1.0);
    CHECK(kept.restricted[0]);
    CHECK(kept.points == 4);
    CHECK(kept.cases == 4);
    CHECK(kept.quasi_p[0] == Approx(0.31640625).epsilon(1e-12));  // 0.75^4
    const auto lifted = analysis::lift_weak_restrictions(box, x, 1, y);
    CHECK_FALSE(lifted.restricted[0]);
    CHECK(lifted.lo[0] == 1);
    CHECK(lifted.points == 8);
    CHECK(lifted.density == 0.75);
    // P(X >= 3) for X ~ Binomial(4, 0.5) = 5/16: the box x >= 4.5 with 3 cases against 8 with 4.
    const std::vector<bool> half{true, false, false, false, true, true, false, true};
    CHECK(analysis::lift_weak_restrictions(box, x, 1, half, 1.0).quasi_p[0] == Approx(5.0 / 16).epsilon(1e-12));
}

TEST_CASE("PRIM's shares match a brute-force count of its box", "[discovery]") {
    const auto x = uniform_points(400, 3, 99);
    const auto y = planted_labels(x, 0.05, 5);
    for (double min_support : {0.05, 0.1, 0.3}) {
        const auto trajectory = analysis::prim_trajectory(x, 3, y, 0.05, min_support);
        for (const auto& b : trajectory) {
            const auto c = count_in(b, x, 3, y);
            CHECK(b.points == c.points);
            CHECK(b.cases == c.cases);
            CHECK(b.support == double(c.points) / 400);
            CHECK(b.density == double(c.cases) / double(c.points));
            CHECK(b.coverage == double(c.cases) / double(c.all_cases));
            CHECK(b.base_density == double(c.all_cases) / 400);
            CHECK(b.support >= min_support);
        }
        CHECK(trajectory.size() > 1);
    }
}

TEST_CASE("PRIM's trajectory: nested boxes of rising density, the best one returned", "[discovery]") {
    const auto x = uniform_points(300, 3, 4242);
    const auto y = planted_labels(x, 0.1, 11);
    const auto trajectory = analysis::prim_trajectory(x, 3, y);
    REQUIRE(trajectory.size() > 5);
    CHECK(trajectory.front().support == 1.0);
    for (std::size_t b = 1; b < trajectory.size(); ++b) {
        const auto &p = trajectory[b - 1], &q = trajectory[b];
        CHECK(q.density > p.density);
        CHECK(q.points < p.points);
        // Each step peels about alpha of the box (at least one point), not more than ties need.
        CHECK(p.points - q.points >= 1);
        CHECK(p.points - q.points <= std::size_t(0.05 * double(p.points)) + 2);
        for (std::size_t j = 0; j < 3; ++j) {
            CHECK(q.lo[j] >= p.lo[j]);
            CHECK(q.hi[j] <= p.hi[j]);
        }
    }
    const auto best = analysis::prim(x, 3, y);
    CHECK(best.density == trajectory.back().density);
    CHECK(best.points == trajectory.back().points);
    CHECK(best.lo == trajectory.back().lo);
    CHECK(best.hi == trajectory.back().hi);
    // A higher floor on support stops the peeling earlier, at a box no smaller than the floor.
    const auto wide = analysis::prim(x, 3, y, 0.05, 0.4);
    CHECK(wide.support >= 0.4);
    CHECK(wide.density < best.density);
    CHECK(wide.density > trajectory.front().density);
}

TEST_CASE("PRIM breaks ties by parameter order, then low end before high", "[discovery]") {
    // A grid on one axis, copied into two parameters: every peel of x0 has a twin in x1.
    const std::size_t n = 100;
    std::vector<double> x(n * 2);
    std::vector<bool> y(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i * 2] = x[i * 2 + 1] = (double(i) + 0.5) / double(n);
        y[i] = x[i * 2] > 0.3 && x[i * 2] < 0.7;  // symmetric: a low and a high peel are as good
    }
    const auto trajectory = analysis::prim_trajectory(x, 2, y);
    REQUIRE(trajectory.size() > 2);
    CHECK(trajectory[1].restricted == std::vector<bool>{true, false});
    CHECK(trajectory[1].lo[0] > trajectory[0].lo[0]);
    CHECK(trajectory[1].hi[0] == trajectory[0].hi[0]);
    const auto box = analysis::prim(x, 2, y);
    CHECK(box.restricted == std::vector<bool>{true, false});
    CHECK(box.lo[0] == Approx(0.3).margin(0.011));
    CHECK(box.hi[0] == Approx(0.7).margin(0.011));
    CHECK(box.density == 1.0);
    CHECK(box.coverage == 1.0);
}

TEST_CASE("PRIM with ties, constants, no cases, all cases and tiny samples", "[discovery]") {
    SECTION("a constant parameter is never restricted; a two-valued one peels a whole level") {
        std::vector<double> x;
        std::vector<bool> y;
        for (std::size_t i = 0; i < 200; ++i) {
            x.insert(x.end(), {3.0, double(i % 2)});
            y.push_back(i % 2 == 1 && i % 3 != 0);
        }
        const auto box = analysis::prim(x, 2, y);
        CHECK_FALSE(box.restricted[0]);
        CHECK(box.lo[0] == 3.0);
        CHECK(box.hi[0] == 3.0);
        CHECK(box.restricted[1]);
        CHECK(box.lo[1] == 0.5);  // halfway between the levels
        CHECK(box.points == 100);
        CHECK(count_in(box, x, 2, y).points == 100);
    }
    SECTION("no cases or only cases: the whole data is the box") {
        const auto x = uniform_points(50, 2, 3);
        for (bool v : {false, true}) {
            const auto box = analysis::prim(x, 2, std::vector<bool>(50, v));
            CHECK(box.restricted == std::vector<bool>{false, false});
            CHECK(box.support == 1.0);
            CHECK(box.density == (v ? 1.0 : 0.0));
            CHECK(box.points == 50);
            if (v)
                CHECK(box.coverage == 1.0);
            else
                CHECK(std::isnan(box.coverage));
        }
    }
    SECTION("tiny samples and no parameters") {
        const std::vector<double> x{0.1, 0.5, 0.9};
        const auto three = analysis::prim(x, 1, {false, true, false});
        CHECK(three.points >= 1);
        CHECK(count_in(three, x, 1, {false, true, false}).points == three.points);
        const auto one = analysis::prim(std::vector<double>{0.4}, 1, {true});
        CHECK(one.points == 1);
        CHECK(one.lo[0] == 0.4);
        const auto none = analysis::prim({}, 2, {});
        CHECK(none.points == 0);
        CHECK(std::isnan(none.density));
        CHECK(none.lo.size() == 2);
        const auto k0 = analysis::prim({}, 0, {true, false, false, true});
        CHECK(k0.points == 4);
        CHECK(k0.density == 0.5);
        CHECK(k0.lo.empty());
    }
    SECTION("bad arguments") {
        const auto x = uniform_points(10, 2, 1);
        const std::vector<bool> y(10, false);
        CHECK_THROWS_MATCHES(analysis::prim(x, 3, y), input_error, says("expected 10 points × 3 parameters"));
        CHECK_THROWS_MATCHES(analysis::prim(x, 2, y, 0.0), input_error, says("alpha = 0"));
        CHECK_THROWS_MATCHES(analysis::prim(x, 2, y, 0.05, 1.5), input_error, says("min_support = 1.5"));
        auto bad = x;
        bad[7] = std::nan("");
        CHECK_THROWS_MATCHES(analysis::prim(bad, 2, y), input_error, says("point 3, parameter 1"));
        const auto box = analysis::prim(x, 2, y);
        CHECK_THROWS_MATCHES(analysis::lift_weak_restrictions(box, x, 2, y, -0.1), input_error, says("level = -0.1"));
        CHECK_THROWS_MATCHES(analysis::lift_weak_restrictions(box, x, 1, y), input_error,
                             says("expected 10 points × 1"));
        CHECK_THROWS_MATCHES(analysis::lift_weak_restrictions(analysis::prim_box{}, x, 2, y), input_error,
                             says("the box has 0 parameters: expected 2"));
    }
}

TEST_CASE("Spearman's rank correlation uses average ranks for ties", "[discovery]") {
    // scipy.stats.spearmanr([1, 2, 2, 3], [1, 2, 3, 4]) = 0.9486832980505138
    const std::vector<double> a{1, 2, 2, 3}, b{1, 2, 3, 4};
    CHECK(analysis::spearman(a, b) == Approx(0.9486832980505138).epsilon(1e-12));
    const std::vector<double> c{10, 20, 30, 40}, rc{40, 30, 20, 10};
    CHECK(analysis::spearman(c, b) == Approx(1.0));
    CHECK(analysis::spearman(rc, b) == Approx(-1.0));
    // Monotone transforms do not change it.
    const std::vector<double> e{1, 8, 8, 27};
    CHECK(analysis::spearman(e, b) == analysis::spearman(a, b));
    CHECK(std::isnan(analysis::spearman(std::vector<double>{5, 5, 5, 5}, b)));
    CHECK(std::isnan(analysis::spearman(std::vector<double>{1}, std::vector<double>{2})));
    CHECK(std::isnan(analysis::spearman(std::vector<double>{1, std::nan("")}, std::vector<double>{2, 3})));
    CHECK_THROWS_MATCHES(analysis::spearman(a, std::vector<double>{1, 2}), input_error, says("expected pairs"));
}

namespace {

// 300 replicates of two parameters; the chosen plan's margin falls with x1 and loses beyond ~0.6.
struct planted_contrast {
    std::vector<double> x, d;
    planted_contrast() {
        x = uniform_points(300, 2, 2026);
        mixer g{31};
        for (std::size_t r = 0; r < 300; ++r) d.push_back(0.6 - x[r * 2 + 1] + 0.05 * (g.next() - 0.5));
    }
};

}  // namespace

TEST_CASE("discover finds the parameter that makes the chosen plan lose", "[discovery]") {
    const planted_contrast c;
    const std::vector<std::string> names{"enterprise.need_rate", "experts.team_size"};
    const auto r = analysis::discover(c.x, names, c.d);
    CHECK(r.replicates == 300);
    CHECK(r.left_out == 0);
    CHECK(r.losses > 90);
    CHECK(r.losses < 150);
    REQUIRE(r.spearman.size() == 2);
    CHECK(r.spearman[1] < -0.9);
    CHECK(std::abs(r.spearman[0]) < 0.2);
    CHECK(r.box.restricted[1]);
    CHECK(r.box.lo[1] == Approx(0.6).margin(0.05));
    CHECK(r.box.density > 0.9);
    INFO(r.text);
    CHECK_THAT(r.text, Contains("experts.team_size above 0.6"));
    CHECK_THAT(r.text, !Contains("enterprise.need_rate above"));
    CHECK_FALSE(r.box.restricted[0]);
    CHECK_THAT(r.text, Contains("loses to the runner-up in " + std::to_string(r.losses) + " of 300 replicates"));
    CHECK_THAT(r.text, Contains("strongest first: experts.team_size -"));
    CHECK_THAT(r.text, !Contains("Caution"));
    // The sign follows the margin: a plan that gains with x1 loses at its low end instead.
    std::vector<double> flipped;
    for (std::size_t i = 0; i < 300; ++i) flipped.push_back(c.x[i * 2 + 1] - 0.4 + 0.05 * std::sin(double(i)));
    const auto f = analysis::discover(c.x, names, flipped);
    CHECK(f.spearman[1] > 0.9);
    CHECK(f.box.restricted[1]);
    CHECK(f.box.hi[1] == Approx(0.4).margin(0.05));
    CHECK_THAT(f.text, Contains("experts.team_size below 0.3"));
    CHECK_FALSE(f.box.restricted[0]);
}

TEST_CASE("discover's edge cases", "[discovery]") {
    const planted_contrast c;
    const std::vector<std::string> names{"a", "b"};
    SECTION("no uncertain parameters: Monte Carlo noise only") {
        const auto r = analysis::discover({}, {}, c.d);
        CHECK(r.replicates == 300);
        CHECK(r.spearman.empty());
        CHECK(r.box.restricted.empty());
        CHECK(r.box.density == double(r.losses) / 300);
        CHECK_THAT(r.text, Contains("no uncertain parameters"));
        CHECK_THAT(r.text, Contains("Monte Carlo noise only"));
    }
    SECTION("no losses, all losses") {
        std::vector<double> up(300, 1.0), down(300, -1.0);
        for (std::size_t i = 0; i < 300; ++i) up[i] += c.x[i * 2], down[i] -= c.x[i * 2];
        const auto never = analysis::discover(c.x, names, up);
        CHECK(never.losses == 0);
        CHECK(never.box.restricted == std::vector<bool>{false, false});
        CHECK_THAT(never.text, Contains("never loses"));
        const auto always = analysis::discover(c.x, names, down);
        CHECK(always.losses == 300);
        CHECK(always.box.density == 1.0);
        CHECK(always.box.restricted == std::vector<bool>{false, false});
        CHECK_THAT(always.text, Contains("loses in every draw"));
    }
    SECTION("a margin that does not depend on the parameters: no box") {
        mixer g{1000};
        std::vector<double> x(900), d(300);
        for (auto& v : x) v = g.next();
        for (auto& v : d) v = g.next() - 0.4;
        const auto r = analysis::discover(x, {"a", "b", "c"}, d);
        CHECK(r.losses > 90);
        // Peeling alone always finds some box on noise; none of its restrictions is significant.
        const std::vector<bool> loses = [&] {
            std::vector<bool> l;
            for (double v : d) l.push_back(v < 0);
            return l;
        }();
        CHECK(analysis::prim(x, 3, loses).support < 1.0);
        CHECK(r.box.restricted == std::vector<bool>{false, false, false});
        CHECK(r.box.support == 1.0);
        CHECK_THAT(r.text, Contains("No region of the parameters stands out"));
        for (double rho : r.spearman) CHECK(std::abs(rho) < 0.15);
    }
    SECTION("a constant parameter: NaN correlation, never in the box") {
        auto x = c.x;
        for (std::size_t i = 0; i < 300; ++i) x[i * 2] = 2.5;
        const auto r = analysis::discover(x, names, c.d);
        CHECK(std::isnan(r.spearman[0]));
        CHECK_FALSE(r.box.restricted[0]);
        CHECK(r.box.restricted[1]);
        CHECK_THAT(r.text, Contains("b above"));
    }
    SECTION("replicates without a result are left out") {
        auto d = c.d;
        auto x = c.x;
        d[3] = std::nan("");
        d[100] = std::nan("");
        x[2 * 50 + 1] = std::numeric_limits<double>::infinity();
        const auto r = analysis::discover(x, names, d);
        CHECK(r.replicates == 297);
        CHECK(r.left_out == 3);
        std::vector<double> kept_x, kept_d;
        for (std::size_t i = 0; i < 300; ++i)
            if (i != 3 && i != 50 && i != 100) {
                kept_x.insert(kept_x.end(), {c.x[i * 2], c.x[i * 2 + 1]});
                kept_d.push_back(c.d[i]);
            }
        const auto same = analysis::discover(kept_x, names, kept_d);
        CHECK(r.losses == same.losses);
        CHECK(r.spearman == same.spearman);
        CHECK(r.box.lo == same.box.lo);
        CHECK(r.box.hi == same.box.hi);
        CHECK_THAT(r.text, Contains("3 replicates without a result left out"));
        const auto nothing = analysis::discover(x, names, std::vector<double>(300, std::nan("")));
        CHECK(nothing.replicates == 0);
        CHECK_THAT(nothing.text, Contains("nothing to discover"));
    }
    SECTION("few replicates or few losses: a caution, no box in words") {
        const std::span<const double> x8(c.x.data(), 16), d8(c.d.data(), 8);
        const auto small = analysis::discover(x8, names, d8);
        CHECK(small.replicates == 8);
        CHECK_THAT(small.text, Contains("Caution: only 8 replicates"));
        std::vector<double> d(c.d.size(), 1.0);
        d[0] = d[1] = d[2] = -1.0;
        const auto rare = analysis::discover(c.x, names, d);
        CHECK(rare.losses == 3);
        CHECK_THAT(rare.text, Contains("too few losses to say what drives them"));
        CHECK_THAT(rare.text, !Contains("of the draws with"));
        const auto one = analysis::discover(std::vector<double>{0.1, 0.2}, names, std::vector<double>{-1});
        CHECK(one.replicates == 1);
        CHECK(one.losses == 1);
    }
    SECTION("sizes that do not fit") {
        CHECK_THROWS_MATCHES(analysis::discover(c.x, {"a"}, c.d), input_error,
                             says("expected 300 replicates × 1 parameters"));
    }
}
