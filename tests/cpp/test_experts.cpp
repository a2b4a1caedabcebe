// Experts as agents and the levers of the expert teams (issue 16): how a team is formed and
// placed, and the behaviour each lever must show over paired replicates (common random numbers:
// replicate r of every scenario uses the same streams). Small worlds and one year, so each case
// takes seconds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "engine/ensemble.hpp"
#include "engine/simulation.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "model/teams.hpp"
#include "scenario/load.hpp"

using namespace kcsim;
using model::metric;

namespace {

// Chongqing's districts without the programme's own teams and pilots (but Yongchuan, a national
// pilot since 2020), a small population, one year, and no services but the teams'.
scenario::scenario_ptr small(const std::string& extra, const std::string& end = "2021-12-31",
                             const std::string& experts = "", int tech_firms = 8000) {
    const std::string text = "[calendar]\nstart = 2021-01-04\nend = " + end +
                             "\n[population]\ntech_firms = " + std::to_string(tech_firms) +
                             "\nother_firms = " + std::to_string(tech_firms / 2) +
                             "\n"
                             "[experts]\nvolunteer_services_per_week = 0\nnational_visits_per_year = 0\n" +
                             experts + extra;
    return scenario::derive(*scenario::load("builtin:base/chongqing.toml"), text, "t");
}

std::string team(const std::string& date, const std::string& fields, int experts) {
    return "[[events]]\ndate = " + date + "\ntype = \"team\"\n" + fields + "experts = " + std::to_string(experts) +
           "\n";
}

std::string pilot(const std::string& date, const std::string& district, const std::string& level) {
    return "[[events]]\ndate = " + date + "\ntype = \"pilot\"\ndistrict = \"" + district + "\"\nlevel = \"" + level +
           "\"\n";
}

// Per replicate: the city total of a flow over the run, or a stock at its end.
std::vector<double> totals(const scenario::scenario_ptr& sc, metric m, std::uint64_t reps = 20) {
    engine::execution_context ctx(2);
    std::vector<double> v;
    engine::run_ensemble(sc, {.seed = 16, .replicates = reps}, ctx, [&](engine::replicate_result&& r) {
        REQUIRE(r.ok);
        v.push_back(model::city_summary(r.metrics, static_cast<std::size_t>(sc->cal.steps()), sc->districts.size())
                        .value[model::index(m)]);
    });
    return v;
}

struct paired {
    double mean = 0, se = 0;
};
// b - a over paired replicates: mean and standard error.
paired difference(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = a.size();
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) d[i] = b[i] - a[i];
    paired p;
    p.mean = std::accumulate(d.begin(), d.end(), 0.0) / static_cast<double>(n);
    double var = 0;
    for (double x : d) var += (x - p.mean) * (x - p.mean);
    p.se = std::sqrt(var / static_cast<double>(n - 1) / static_cast<double>(n));
    return p;
}

}  // namespace

TEST_CASE("a team is made of expert agents with fields, homes, capacities and a residence", "[unit][experts]") {
    auto sc = small(team("2021-01-04", "sector = \"digital\"\ndistricts = [\"yubei\", \"banan\"]\n", 20));
    engine::execution_context ctx(1);
    engine::simulation sim(sc, 1, 0);
    sim.advance(ctx, 1);
    const auto& w = sim.world();
    REQUIRE(w.t.size() == 1);
    REQUIRE(w.x.size() == 20);
    const auto& p = sc->p;
    std::array<int, 4> homes{};
    double capacity = 0;
    for (std::size_t k = 0; k < w.x.size(); ++k) {
        CHECK(w.x.team[k] == 0);
        CHECK(w.x.field[k] == sc->sector_index("digital"));
        CHECK(w.x.district[k] == sc->district_index("yubei"));  // they live where the team is based
        ++homes[w.x.home[k]];
        capacity += w.x.capacity[k];
    }
    // Homes by the shares, largest remainder: 0.3, 0.25, 0.3 and 0.15 of 20.
    CHECK(homes == std::array<int, 4>{6, 5, 6, 3});
    CHECK(capacity == Approx(p.services_per_expert_week * (17 + 3 * p.firm_expert_time)));
    CHECK(w.t.placed[0] == 0);
    CHECK(w.t.districts[0] == std::vector<std::uint16_t>{static_cast<std::uint16_t>(sc->district_index("yubei")),
                                                         static_cast<std::uint16_t>(sc->district_index("banan"))});
}

TEST_CASE("a team without districts is placed where the problem library's open needs are", "[unit][experts]") {
    auto sc = small(team("2021-03-01", "", 24));
    engine::execution_context ctx(1);
    engine::simulation sim(sc, 1, 0);
    sim.advance(ctx, sc->cal.step_of(core::make_date(2021, 3, 1)));  // up to the step before it forms
    const auto before = sim.world();
    sim.advance(ctx, 1);
    const auto& w = sim.world();
    REQUIRE(w.t.size() == 1);
    CHECK(w.t.placed[0] == 1);
    const std::size_t ns = sc->sectors.size();
    // The district with most open posted needs at the end of the step before.
    std::size_t best = 0;
    std::vector<double> open(sc->districts.size(), 0.0);
    for (std::size_t d = 0; d < open.size(); ++d) {
        for (std::size_t s = 0; s < ns; ++s) open[d] += before.d.open_posted[d * ns + s];
        if (open[d] > open[best]) best = d;
    }
    REQUIRE(open[best] > 0);
    CHECK(w.t.districts[0] == std::vector<std::uint16_t>{static_cast<std::uint16_t>(best)});
    // Its experts' fields follow the open needs there: the sector with most has most experts.
    std::vector<int> by_field(ns, 0);
    for (auto f : w.x.field) ++by_field[f];
    std::vector<double> need(ns, 0.0);
    for (std::size_t s = 0; s < ns; ++s)
        need[s] = before.d.open_posted[best * ns + s] + before.d.open_unposted[best * ns + s];
    const auto top_need = std::max_element(need.begin(), need.end()) - need.begin();
    CHECK(by_field[static_cast<std::size_t>(top_need)] == *std::max_element(by_field.begin(), by_field.end()));
    CHECK(std::count(by_field.begin(), by_field.end(), 0) < static_cast<long>(ns));
    CHECK(std::accumulate(by_field.begin(), by_field.end(), 0) == 24);
}

TEST_CASE("more teams in high-demand districts solve more needs than in low-demand ones (20 paired replicates)",
          "[behaviour][experts]") {
    // The same three teams, in Yubei and Jiangbei and Yuzhong (large) or in Chengkou, Wuxi and
    // Wushan (small); all six are pilots in both scenarios.
    std::string pilots;
    for (auto d : {"yubei", "jiangbei", "yuzhong", "chengkou", "wuxi", "wushan"})
        pilots += pilot("2021-01-04", d, "municipal");
    auto placed = [&](const char* a, const char* b, const char* c) {
        std::string t;
        for (auto d : {a, b, c})
            t += team("2021-01-04", "sector = \"manufacturing\"\ndistricts = [\"" + std::string(d) + "\"]\n", 16);
        return small(pilots + t);
    };
    const auto high = placed("yubei", "jiangbei", "yuzhong"), low = placed("chengkou", "wuxi", "wushan");
    for (auto m : {metric::expert_services, metric::needs_solved}) {
        INFO(model::info(m).name);
        const auto d = difference(totals(low, m), totals(high, m));
        CHECK(d.mean > 3 * d.se);
    }
}

TEST_CASE("a field-matched team solves more than a mismatched one (20 paired replicates)", "[behaviour][experts]") {
    // Fields that follow the open needs where it is placed, against every expert in the
    // smallest sector; same size, same district.
    const std::string pilots = pilot("2021-01-04", "yubei", "national");
    const auto matched = small(pilots + team("2021-01-04", "districts = [\"yubei\"]\n", 30));
    const auto mismatched = small(pilots + team("2021-01-04", "sector = \"energy\"\ndistricts = [\"yubei\"]\n", 30));
    const auto d = difference(totals(mismatched, metric::needs_solved), totals(matched, metric::needs_solved));
    CHECK(d.mean > 3 * d.se);
}

TEST_CASE("the planner's reallocation beats fixed placement when demand moves (20 paired replicates)",
          "[behaviour][experts]") {
    // A team placed by demand at the start, where the open needs are then; but Yongchuan stops
    // being a pilot and Yubei and Jiangbei become national ones, so the needs move. With the
    // quarterly review the team follows them; without, it stays where it was formed.
    const std::string events = pilot("2021-01-04", "yongchuan", "none") + pilot("2021-01-04", "yubei", "national") +
                               pilot("2021-01-04", "jiangbei", "national") + team("2021-01-04", "", 40);
    const auto moving = small(events, "2021-12-31", "reallocate = true\n", 26400);
    const auto fixed = small(events, "2021-12-31", "reallocate = false\n", 26400);
    const auto d = difference(totals(fixed, metric::needs_solved), totals(moving, metric::needs_solved));
    CHECK(d.mean > 3 * d.se);
}

TEST_CASE("problem-library needs expire, which bounds the backlog (20 paired replicates)", "[behaviour][experts]") {
    const std::string pilots = pilot("2021-01-04", "yubei", "national") + pilot("2021-01-04", "jiangbei", "national");
    const auto never = small(pilots + "[libraries]\nneed_lifetime = 0\n", "2022-12-31");
    const auto yearly = small(pilots + "[libraries]\nneed_lifetime = 1\n", "2022-12-31");
    const auto open_never = totals(never, metric::problems_open), open_yearly = totals(yearly, metric::problems_open);
    const auto posted = totals(yearly, metric::problems_posted);
    for (std::size_t r = 0; r < open_never.size(); ++r) {
        CHECK(open_yearly[r] < 0.8 * open_never[r]);
        // A need lives a year on average (less with the other exits): the backlog at the end is
        // less than one year's postings (two years were posted).
        CHECK(open_yearly[r] < 0.5 * posted[r]);
    }
}

TEST_CASE("placed and reallocated teams give the same bits on 1 and 2 threads", "[determinism][experts]") {
    const auto sc =
        small(pilot("2021-01-04", "yubei", "national") + team("2021-01-04", "", 30) + team("2021-02-01", "", 20),
              "2021-09-30", "review_weeks = 4\n");
    auto reports = [&](int threads) {
        engine::execution_context ctx(threads);
        std::vector<double> all;
        engine::run_ensemble(sc, {.seed = 3, .replicates = 3}, ctx, [&](engine::replicate_result&& r) {
            all.insert(all.end(), r.metrics.begin(), r.metrics.end());
            all.insert(all.end(), r.team_reports.begin(), r.team_reports.end());
        });
        return all;
    };
    const auto one = reports(1), two = reports(2);
    REQUIRE(one.size() == two.size());
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
}
