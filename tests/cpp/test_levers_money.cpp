// The money levers (issue 16 B): a budget that limits what is done, in priority order; rewards
// that pay for effort, with rules that differ in incentive; finance through the platform to
// non-pilots. Paired replicates (common random numbers) of short runs: each lever must move
// what it is documented to move.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "engine/ensemble.hpp"
#include "engine/simulation.hpp"
#include "model/budget.hpp"
#include "model/funding.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "scenario/load.hpp"

using namespace kcsim;
using model::metric;

namespace {

constexpr std::uint64_t replicates = 20;

scenario::scenario_ptr variant(const std::string& overrides, const char* end = "2021-12-31") {
    return scenario::derive(*scenario::load("builtin:base/programme-2021.toml"),
                            std::string("[calendar]\nend = ") + end + "\n" + overrides, "t");
}

// Per replicate: f(result, scenario) for `replicates` replicates on seed 11.
template <class F> std::vector<double> per_replicate(const scenario::scenario_ptr& sc, F f) {
    engine::execution_context ctx(2);
    std::vector<double> v;
    engine::run_ensemble(sc, {.seed = 11, .replicates = replicates}, ctx,
                         [&](engine::replicate_result&& r) { v.push_back(f(r, *sc)); });
    return v;
}

// City totals (flows) or end values (stocks) of every metric, per replicate: [replicate][metric].
struct figures {
    std::vector<std::vector<double>> by_replicate;
    std::vector<double> of(metric m) const {
        std::vector<double> v;
        for (const auto& r : by_replicate) v.push_back(r[model::index(m)]);
        return v;
    }
};
figures totals(const scenario::scenario_ptr& sc) {
    engine::execution_context ctx(2);
    figures f;
    engine::run_ensemble(sc, {.seed = 11, .replicates = replicates}, ctx, [&](engine::replicate_result&& r) {
        const auto c = model::city_summary(r.metrics, static_cast<std::size_t>(sc->cal.steps()), sc->districts.size());
        f.by_replicate.emplace_back(c.value.begin(), c.value.end());
    });
    return f;
}

// Mean and standard error of the paired differences b - a.
struct paired_diff {
    double mean, se;
};
paired_diff diff(const std::vector<double>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    const auto n = static_cast<double>(a.size());
    std::vector<double> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) d[i] = b[i] - a[i];
    const double mean = std::accumulate(d.begin(), d.end(), 0.0) / n;
    double var = 0;
    for (double x : d) var += (x - mean) * (x - mean);
    return {mean, std::sqrt(var / (n - 1) / n)};
}

// The end state of one run.
state::world run_once(const scenario::scenario_ptr& sc, std::uint64_t seed, std::uint64_t replicate) {
    engine::execution_context ctx(2);
    engine::simulation sim(sc, seed, replicate);
    sim.run(ctx);
    return sim.world();
}

}  // namespace

TEST_CASE("the budget pays its lines in priority order; what is not paid is not done", "[integration][model][budget]") {
    // 6 million yuan: after the reward pool (1.8) the platform and the teams are paid; the
    // events at the end of the order are cut, and the ledger says so, line by line.
    const auto w = run_once(variant("[funding]\nannual_budget = 6.0\n"), 3, 0);
    const auto& y = w.ledger.at(0);
    using L = model::budget::line;
    auto nd = [&](L l) { return y.not_done[static_cast<std::size_t>(l)]; };
    CHECK(nd(L::platform) == 0);
    CHECK(nd(L::teams) == 0);
    CHECK(nd(L::forums) > 0);
    CHECK(nd(L::fairs) > 0);
    CHECK(y.unfunded == Approx(std::accumulate(y.not_done.begin(), y.not_done.end(), 0.0)));
    CHECK(y.funds_in + y.cofunding == Approx(y.operations + y.rewards + y.unspent).epsilon(1e-12));
    CHECK(y.operations <= y.funds_in + y.cofunding - y.rewards + 1e-9);
}

TEST_CASE("a budget cut reduces activities and outcomes (20 paired replicates)", "[behaviour][model][budget]") {
    const auto full = totals(variant("")), cut = totals(variant("[funding]\nannual_budget = 6.0\n"));
    // Activities: forums (viewers), roadshows (deals), fairs (contracts); outcomes: needs solved.
    for (auto m : {metric::forum_viewers, metric::financing_deals, metric::tech_contracts, metric::needs_solved}) {
        INFO(model::info(m).name);
        const auto d = diff(full.of(m), cut.of(m));
        CHECK(d.mean < -3 * d.se);
        CHECK(d.mean < 0);
    }
}

TEST_CASE("a budget rise has diminishing returns (20 paired replicates)", "[behaviour][model][budget]") {
    // Needs solved per extra million yuan: from 6 to 12 million a year, and from 30 to 60.
    auto needs = [](double budget) {
        return totals(variant("[funding]\nannual_budget = " + std::to_string(budget) + "\n")).of(metric::needs_solved);
    };
    const auto n6 = needs(6), n12 = needs(12), n30 = needs(30), n60 = needs(60);
    const auto low = diff(n6, n12), high = diff(n30, n60);
    const double per_low = low.mean / 6.0, per_high = high.mean / 30.0;
    CHECK(low.mean > 3 * low.se);  // more money does more where activities were cut
    CHECK(per_low > 3 * per_high);
    CHECK(high.mean >= -3 * high.se);  // and never less (in one year, often exactly the same)
}

TEST_CASE("effort choice: each rule's incentive, in isolation", "[unit][model][rewards]") {
    scenario::params p = scenario::load("builtin:base/programme-2021.toml")->p;
    p.effort_learning = 0.3;
    p.effort_cost = 0.2;
    const std::vector<double> score = {2.0, 1.3, 1.1, 1.0, 0.9, 0.4, 0.3};
    const double pool = 6.0, purse = 5.0;
    SECTION("proportional: the marginal reward grows with the score; the strong try harder, the weakest relax") {
        p.reward_rule = "proportional";
        for (std::size_t j = 0; j < 5; ++j) CHECK(model::choose_effort(p, score, j, pool, 1.0, purse) > 1.0);
        CHECK(model::choose_effort(p, score, 6, pool, 1.0, purse) < 1.0);
    }
    SECTION("tournament: those near the cut-off try harder, those far from it save their effort") {
        p.reward_rule = "tournament";
        p.reward_top_k = 3;
        CHECK(model::choose_effort(p, score, 3, pool, 1.0, purse) > 1.0);  // 4th, just below the 3rd
        CHECK(model::choose_effort(p, score, 6, pool, 1.0, purse) < 1.0);  // far below
        CHECK(model::choose_effort(p, score, 0, pool, 1.0, purse) < 1.0);  // far above: wins anyway
    }
    SECTION("threshold: those just below it try harder, those well above or far below relax") {
        p.reward_rule = "threshold";
        p.reward_threshold = 1.0;
        CHECK(model::choose_effort(p, score, 4, pool, 1.0, purse) > 1.0);  // 0.9: just below
        CHECK(model::choose_effort(p, score, 0, pool, 1.0, purse) < 1.0);  // 2.0: well above
        CHECK(model::choose_effort(p, score, 6, pool, 1.0, purse) < 1.0);  // 0.3: far below
    }
    SECTION("effort above 1 must be paid from the purse") {
        p.reward_rule = "proportional";
        CHECK(model::choose_effort(p, score, 3, pool, 1.0, 0.0) == 1.0);
    }
}

TEST_CASE("each reward rule changes effort as documented (20 paired replicates)", "[behaviour][model][rewards]") {
    // Two years: the first evaluation sets the second year's effort.
    auto efforts = [](const std::string& rewards) {
        const auto sc = variant("[rewards]\n" + rewards, "2022-12-31");
        std::vector<double> mean, below, above;
        for (std::uint64_t r = 0; r < replicates; ++r) {
            const auto d = run_once(sc, 11, r).d;
            double sum = 0, n = 0, lo = 0, hi = 0;
            for (std::size_t k = 0; k < d.size(); ++k) {
                if (d.pilot[k] == 0) continue;
                sum += d.effort[k], n += 1;
                lo += d.effort[k] < 1 - 1e-9 ? 1 : 0;
                hi += d.effort[k] > 1 + 1e-9 ? 1 : 0;
            }
            mean.push_back(sum / n), below.push_back(lo), above.push_back(hi);
        }
        return std::array{mean, below, above};
    };
    const auto fixed = efforts("effort_learning = 0.0\n");
    const auto prop = efforts("rule = \"proportional\"\n");
    const auto tour = efforts("rule = \"tournament\"\ntop_k = 3\n");
    const auto thr = efforts("rule = \"threshold\"\nthreshold = 1.0\n");
    for (std::size_t r = 0; r < replicates; ++r) {
        CHECK(fixed[0][r] == 1.0);  // no adaptation: effort stays neutral
        CHECK(prop[0][r] > 1.0);    // proportional: pilots raise effort
        CHECK(prop[1][r] == 0);     // and none lowers it
    }
    // Tournament and threshold: some pilots give up effort, some raise it; less effort on average.
    const auto t_vs_p = diff(prop[0], tour[0]), h_vs_p = diff(prop[0], thr[0]);
    CHECK(t_vs_p.mean < -3 * t_vs_p.se);
    CHECK(h_vs_p.mean < -3 * h_vs_p.se);
    CHECK(std::accumulate(tour[1].begin(), tour[1].end(), 0.0) > 0);
    CHECK(std::accumulate(tour[2].begin(), tour[2].end(), 0.0) > 0);
    CHECK(std::accumulate(thr[1].begin(), thr[1].end(), 0.0) > 0);
    CHECK(std::accumulate(thr[2].begin(), thr[2].end(), 0.0) > 0);
}

TEST_CASE("proportional rewards beat no adaptation on contracts and posted needs solved (20 paired replicates)",
          "[behaviour][model][rewards]") {
    // The documented condition: the default effort cost and elasticity, two years, so that the
    // first evaluation's effort has a year to work.
    const auto fixed = variant("[rewards]\neffort_learning = 0.0\n", "2022-12-31");
    const auto prop = variant("[rewards]\nrule = \"proportional\"\n", "2022-12-31");
    const auto a = totals(fixed), b = totals(prop);
    for (auto m : {metric::tech_contracts, metric::problems_solved}) {
        INFO(model::info(m).name);
        const auto d = diff(a.of(m), b.of(m));
        CHECK(d.mean > 3 * d.se);
    }
}

TEST_CASE("finance reaches non-pilots through the platform (20 paired replicates)", "[behaviour][model][finance]") {
    auto non_pilot_deals = [](const std::string& overrides) {
        return per_replicate(
            variant("[finance]\n" + overrides), [](const engine::replicate_result& r, const scenario::scenario& sc) {
                const std::size_t nd = sc.districts.size(), steps = static_cast<std::size_t>(sc.cal.steps());
                double deals = 0;
                for (std::size_t d = 0; d < nd; ++d) {
                    // Not a pilot at any step (the pilots are designated by events at the start).
                    double pilot = 0;
                    for (std::size_t t = 0; t < steps; ++t)
                        pilot += r.metrics[(t * nd + d) * model::n_metrics + model::index(metric::pilot_status)];
                    if (pilot > 0) continue;
                    for (std::size_t t = 0; t < steps; ++t)
                        deals += r.metrics[(t * nd + d) * model::n_metrics + model::index(metric::financing_deals)];
                }
                return deals;
            });
    };
    const auto off = non_pilot_deals("platform_pitch_ratio = 0.0\n");
    const auto on = non_pilot_deals("platform_pitch_ratio = 0.25\n");
    const auto d = diff(off, on);
    CHECK(d.mean > 3 * d.se);
    CHECK(std::accumulate(on.begin(), on.end(), 0.0) > 0);
}

TEST_CASE("the ledger records co-funding and balances with it", "[integration][model][budget]") {
    const auto sc = variant("[funding]\ndistrict_cofunding = 1.0\n");
    const auto w = run_once(sc, 3, 0);
    const auto& y = w.ledger.at(0);
    CHECK(y.cofunding > 0);
    CHECK(y.funds_in + y.cofunding == Approx(y.operations + y.rewards + y.unspent).epsilon(1e-12));
    const auto table = model::ledger_table(w, sc->cal);
    CHECK(table.at(1) == y.cofunding);  // the ledger output's second item
}
