// Comparisons: pairing, forks and failures.
#include <catch2/catch.hpp>

#include <cmath>

#include "analysis/compare.hpp"
#include "analysis/paired.hpp"
#include "analysis/targets.hpp"
#include "core/error.hpp"
#include "engine/ensemble.hpp"
#include "engine/simulation.hpp"
#include "model/schedule.hpp"
#include "scenario/load.hpp"

using namespace kcsim;
using model::metric;

namespace {
scenario::scenario_ptr one_year(const char* name) {
    return scenario::derive(*scenario::load(std::string("builtin:") + name), "[calendar]\nend = 2021-12-31\n",
                            "one-year");
}
}  // namespace

TEST_CASE("t quantiles", "[unit][analysis]") {
    CHECK(analysis::t975(1) == Approx(12.706));
    CHECK(analysis::t975(10) == Approx(2.228));
    CHECK(analysis::t975(60) == Approx(2.000).epsilon(1e-3));
    CHECK(analysis::t975(1e9) == Approx(1.95996).epsilon(1e-5));
}

TEST_CASE("paired differences: known values", "[unit][analysis]") {
    const std::vector<double> a = {1, 2, 3, 4}, b = {2, 3, 4, 6};
    const auto d = analysis::paired(a, b);
    CHECK(d.mean == Approx(1.25));
    CHECK(d.p_better == 1.0);
    // sd of (1,1,1,2) = 0.5; half-width t(3) * 0.5 / 2
    CHECK(d.hi - d.mean == Approx(3.182 * 0.5 / 2));
    const auto s = analysis::describe(a);
    CHECK(s.mean == 2.5);
    CHECK(s.lo == Approx(1.15));
    CHECK(s.hi == Approx(3.85));
}

TEST_CASE("paired intervals are narrower than unpaired ones on the same runs", "[integration][analysis]") {
    const std::vector<scenario::scenario_ptr> scs = {scenario::load("builtin:plan-low.toml"),
                                                     scenario::load("builtin:plan-high.toml")};
    engine::execution_context ctx(2);
    std::vector<std::vector<double>> v(2);
    engine::run_paired(
        scs, {.seed = 11, .replicates = 10, .fork_step = -1}, ctx, [&](std::vector<engine::replicate_result>&& rs) {
            for (std::size_t s = 0; s < 2; ++s) {
                v[s].push_back(model::city_summary(rs[s].metrics, static_cast<std::size_t>(scs[s]->cal.steps()),
                                                   scs[s]->districts.size())
                                   .value[model::index(metric::needs_solved)]);
            }
        });
    const auto p = analysis::paired(v[0], v[1]);
    const auto u = analysis::unpaired(v[0], v[1]);
    CHECK(p.mean == Approx(u.mean));
    CHECK((p.hi - p.lo) < 0.5 * (u.hi - u.lo));  // common random numbers at work
}

TEST_CASE("a fork restores bit-exactly: fork then continue equals an unforked run", "[integration][determinism]") {
    auto plan = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    std::vector<double> straight, forked;
    engine::run_paired({plan}, {.seed = 5, .replicates = 2, .fork_step = -1}, ctx,
                       [&](std::vector<engine::replicate_result>&& rs) {
                           straight.insert(straight.end(), rs[0].metrics.begin(), rs[0].metrics.end());
                       });
    // plan forked from plan at week 60: the same scenario must continue exactly as if never forked.
    engine::run_paired({plan, plan}, {.seed = 5, .replicates = 2, .fork_step = 60}, ctx,
                       [&](std::vector<engine::replicate_result>&& rs) {
                           REQUIRE(rs[0].metrics == rs[1].metrics);
                           forked.insert(forked.end(), rs[1].metrics.begin(), rs[1].metrics.end());
                       });
    CHECK(straight == forked);
}

TEST_CASE("a forked scenario shares the trunk's past and differs after the fork", "[integration][model]") {
    auto plan = scenario::load("builtin:plan.toml");
    auto off = scenario::load("builtin:no-programme.toml");
    engine::execution_context ctx(2);
    const int fork = 52;
    const std::size_t row = plan->districts.size() * model::n_metrics;
    engine::run_paired({plan, off}, {.seed = 5, .replicates = 1, .fork_step = fork}, ctx,
                       [&](std::vector<engine::replicate_result>&& rs) {
                           CHECK(std::equal(rs[0].metrics.begin(),
                                            rs[0].metrics.begin() + fork * static_cast<std::ptrdiff_t>(row),
                                            rs[1].metrics.begin()));
                           // After the fork the counterfactual delivers no services; before it, it did (inherited).
                           const auto& m = rs[1].metrics;
                           double before = 0, after = 0;
                           for (std::size_t t = 0; t < static_cast<std::size_t>(plan->cal.steps()); ++t) {
                               const double v = model::city_value(std::span<const double>(m).subspan(t * row, row),
                                                                  plan->districts.size(), metric::expert_services);
                               (t < static_cast<std::size_t>(fork) ? before : after) += v;
                           }
                           CHECK(before > 0);
                           CHECK(after == 0);
                       });
}

TEST_CASE("scenarios with other districts cannot be compared", "[unit][engine]") {
    auto plan = scenario::load("builtin:plan.toml");
    auto other = scenario::derive(*plan,
                                  "[[districts]]\nid = \"newzone\"\nkind = \"functional_zone\"\nsubregion = \"metro\"\n"
                                  "gdp_2020 = 1.0\ntech_firms_2020 = 20\nhigh_tech_share = 0.1\npilot = \"none\"\n",
                                  "other");
    CHECK_THROWS_AS(engine::check_comparable({plan, other}), input_error);
    auto weekly = scenario::derive(*plan, "[calendar]\nstep_days = 14\n", "fortnightly");
    CHECK_THROWS_WITH(engine::check_comparable({plan, weekly}), Catch::Matchers::Contains("calendars"));
}

namespace {
void fail_replicate_1(engine::step_context& c) {
    if (c.key.replicate == 1 && c.step == 10) throw model_error("replicate 1 broke at step 10 (test)");
}
}  // namespace

TEST_CASE("a failing replicate is recorded with its reason and the others still run", "[integration][engine]") {
    // The model's schedule plus a phase that breaks replicate 1: scheduling is data.
    engine::schedule phases = model::default_schedule();
    phases.push_back({"fail_replicate_1", fail_replicate_1, "test: a model error in replicate 1"});
    auto sc = one_year("base/programme-2021.toml");
    engine::execution_context ctx(2);
    std::vector<engine::replicate_result> results;
    engine::ensemble_options opt{.seed = 1, .replicates = 3, .phases = &phases};
    engine::run_ensemble(sc, opt, ctx, [&](engine::replicate_result&& r) { results.push_back(std::move(r)); });
    REQUIRE(results.size() == 3);
    CHECK(results[0].ok);
    CHECK(results[2].ok);
    CHECK_FALSE(results[1].ok);
    CHECK_THAT(results[1].message, Catch::Matchers::Contains("broke at step 10"));
    // Its metrics are kept up to the failure (NaN after it), the others are complete.
    const std::size_t row = sc->districts.size() * model::n_metrics;
    CHECK(std::isfinite(results[1].metrics[9 * row]));
    CHECK(std::isnan(results[1].metrics[11 * row]));
    CHECK(std::isfinite(results[2].metrics.back()));
}

TEST_CASE("the comparison summary matches its inputs", "[unit][analysis]") {
    std::vector<std::vector<model::city_figures>> figs(2, std::vector<model::city_figures>(3));
    std::vector<std::vector<std::vector<double>>> met(
        2, std::vector<std::vector<double>>(3, std::vector<double>(analysis::plan_targets().size(), 0.0)));
    for (std::size_t r = 0; r < 3; ++r) {
        figs[0][r].value[model::index(metric::innovations)] = 10.0 + static_cast<double>(r);
        figs[1][r].value[model::index(metric::innovations)] = 12.0 + static_cast<double>(r);
        met[1][r][0] = r < 2 ? 1.0 : 0.0;
    }
    const auto c = analysis::compare({"a", "b"}, {0, 1, 2}, figs, met, "");
    const auto k = model::index(metric::innovations);
    CHECK(c.value(1, k, 0) == Approx(13.0));  // mean
    CHECK(c.value(1, k, 3) == Approx(2.0));   // paired difference
    CHECK(c.value(1, k, 6) == 1.0);           // P(higher)
    CHECK(c.targets[1 * analysis::plan_targets().size()] == Approx(2.0 / 3.0));
}

TEST_CASE("a fork into a scenario with another calendar is refused", "[compare]") {
    const auto plan = scenario::load("builtin:base/programme-2021.toml");
    const auto shorter = one_year("base/programme-2021.toml");
    engine::execution_context ctx(1);
    engine::simulation trunk(plan, 1, 0);
    trunk.advance(ctx, 2);
    CHECK_THROWS_WITH(engine::simulation(trunk, shorter), Catch::Contains("cannot fork scenario 'one-year'"));
    const engine::simulation same(trunk, plan);  // the same scenario forks
    CHECK(same.world() == trunk.world());
    CHECK(same.steps_done() == 2);
}
