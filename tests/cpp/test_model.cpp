// One test (or more) per process of the programme model, on short runs of derived scenarios,
// plus the behaviour the plan's scenarios must show over paired replicates.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "engine/ensemble.hpp"
#include "engine/simulation.hpp"
#include "model/common.hpp"
#include "model/funding.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "scenario/load.hpp"

using namespace kcsim;
using model::metric;

namespace {

// A one-year variant of the plan with `overrides`, run once; city totals of flows over the run
// (or stocks at its end) by metric.
struct result {
    scenario::scenario_ptr sc;
    std::vector<double> metrics;
    state::world world;
    double total(metric m) const {
        return model::city_summary(metrics, static_cast<std::size_t>(sc->cal.steps()), sc->districts.size())
            .value[model::index(m)];
    }
};

result run_year(const std::string& overrides, std::uint64_t seed = 1,
                const char* base = "builtin:base/programme-2021.toml") {
    auto sc = scenario::derive(*scenario::load(base), "[calendar]\nend = 2021-12-31\n" + overrides, "t");
    engine::execution_context ctx(2);
    engine::simulation sim(sc, seed, 0);
    sim.run(ctx);
    return {sc, std::vector<double>(sim.metrics().begin(), sim.metrics().end()), sim.world()};
}

}  // namespace

TEST_CASE("event clocks give Poisson counts with the right mean", "[unit][model]") {
    // 0.3 expected events per step, over many clocks and steps.
    double events = 0;
    const int clocks = 20000, steps = 10;
    for (int k = 0; k < clocks; ++k) {
        rng::stream init(rng::key{3, 0}, static_cast<std::uint64_t>(k), 0, rng::purpose::test);
        float clock = static_cast<float>(init.exp1());
        for (int t = 1; t <= steps; ++t) {
            events += model::run_clock(clock, 0.3f, 1000, [&] {
                return rng::stream(rng::key{3, 0}, static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(t),
                                   rng::purpose::test);
            });
        }
    }
    const double mean = events / (clocks * steps);
    CHECK(std::abs(mean - 0.3) < 6 * std::sqrt(0.3 / (clocks * steps)));
}

TEST_CASE("reward rules share the pool as documented", "[unit][model][rewards]") {
    auto p = scenario::default_params();
    const std::vector<double> score = {2.0, 1.0, 0.5, 0.5};
    p.reward_rule = "proportional";
    auto r = model::share_rewards(p, score, 8.0);
    CHECK(r[0] == Approx(4.0));
    CHECK(r[1] == Approx(2.0));
    CHECK(std::accumulate(r.begin(), r.end(), 0.0) == Approx(8.0));
    p.reward_rule = "tournament";
    p.reward_top_k = 3;
    r = model::share_rewards(p, score, 9.0);
    CHECK(r == std::vector<double>{3.0, 3.0, 3.0, 0.0});  // the tie goes to the district listed first
    p.reward_rule = "threshold";
    p.reward_threshold = 1.0;
    r = model::share_rewards(p, score, 9.0);
    CHECK(r == std::vector<double>{4.5, 4.5, 0.0, 0.0});
    p.reward_threshold = 5.0;  // nobody qualifies: nothing is paid
    r = model::share_rewards(p, score, 9.0);
    CHECK(std::accumulate(r.begin(), r.end(), 0.0) == 0.0);
}

TEST_CASE("the counterfactual has no programme activity", "[integration][model]") {
    auto r = run_year("[programme]\nenabled = false\n");
    for (auto m : {metric::expert_services, metric::forum_viewers, metric::startups_admitted, metric::reward_funds,
                   metric::programme_spend, metric::problems_posted, metric::financing_deals, metric::tech_contracts,
                   metric::consortium_members, metric::workstations}) {
        INFO(model::info(m).name);
        CHECK(r.total(m) == 0);
    }
    CHECK(r.total(metric::pilot_status) == 0);
    CHECK(r.total(metric::expert_teams) == 0);
    CHECK(r.total(metric::innovations) > 0);  // firms still innovate
    CHECK(r.total(metric::certifications) > 0);
    for (const auto& y : r.world.ledger) CHECK(y.funds_in == 0);
}

TEST_CASE("expert teams: no capacity, no services; more capacity, more solved", "[integration][model][experts]") {
    auto none = run_year(
        "[experts]\nservices_per_expert_week = 0\nnational_visit_services = 0\nvolunteer_services_per_week = 0\n");
    CHECK(none.total(metric::expert_services) == 0);
    auto base = run_year("");
    auto more = run_year("[experts]\nservices_per_expert_week = 2.0\n");
    CHECK(base.total(metric::expert_services) > 1000);
    CHECK(more.total(metric::expert_services) > 1.5 * base.total(metric::expert_services));
    CHECK(more.total(metric::problems_solved) > base.total(metric::problems_solved));
    // Team reports: every team reports its services each week.
    for (double s : base.world.t.services) CHECK(s >= 0);
    CHECK(std::accumulate(base.world.t.services.begin(), base.world.t.services.end(), 0.0) > 0);
}

TEST_CASE("libraries: off means nothing posted and no library contracts", "[integration][model][libraries]") {
    auto off = run_year("[programme]\nlibraries = false\n[forums]\nagreements = 0\n");
    CHECK(off.total(metric::problems_posted) == 0);
    CHECK(off.total(metric::tech_contracts) == 0);
    CHECK(off.total(metric::expert_services) > 0);  // teams still visit firms
    auto on = run_year("[forums]\nagreements = 0\n");
    CHECK(on.total(metric::problems_posted) > 1000);
    CHECK(on.total(metric::tech_contracts) > 10);
    CHECK(on.total(metric::tech_contract_value) > 0);
}

TEST_CASE("forums: bimonthly viewers within the seed range, none when off", "[integration][model][forums]") {
    auto r = run_year("");
    CHECK(r.world.forums_held == 6);
    CHECK(r.total(metric::forum_viewers) >= 6 * 100000);
    CHECK(r.total(metric::forum_viewers) <= 6 * 200000);
    auto off = run_year("[programme]\nforums = false\n");
    CHECK(off.total(metric::forum_viewers) == 0);
    CHECK(off.total(metric::awareness) < r.total(metric::awareness));
}

TEST_CASE("consortia: 11 at the start, members only in pilot districts", "[integration][model][consortia]") {
    auto r = run_year("");
    CHECK(r.world.c.size() >= 11);
    CHECK(r.total(metric::consortium_members) > 0);
    const auto& f = r.world.f;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f.consortium[i] >= 0) {
            REQUIRE(r.world.d.pilot[f.district[i]] > 0);
            REQUIRE(r.world.c.sector[static_cast<std::size_t>(f.consortium[i])] == f.sector[i]);
        }
    }
    auto off = run_year("[programme]\nconsortia = false\n");
    CHECK(off.total(metric::consortia) == 0);
    CHECK(off.total(metric::consortium_members) == 0);
}

TEST_CASE("incubator: intake near its rate, graduates become firms", "[integration][model][incubator]") {
    auto r = run_year("[incubator]\nintake_per_year = 100\ngraduation_rate = 2.0\n");
    const auto inc = r.sc->district_index("shapingba");
    double admitted = 0;
    const std::size_t row = r.sc->districts.size() * model::n_metrics;
    for (int t = 0; t < r.sc->cal.steps(); ++t) {
        admitted += r.metrics[static_cast<std::size_t>(t) * row + inc * model::n_metrics +
                              model::index(metric::startups_admitted)];
    }
    CHECK(admitted > 60);
    CHECK(admitted < 140);
    CHECK(r.total(metric::startups_graduated) > 10);
    std::size_t graduates = 0;
    for (std::size_t i = 0; i < r.world.f.size(); ++i)
        graduates += (r.world.f.flags[i] & state::firm_flag::graduate) ? 1u : 0u;
    CHECK(graduates > 0);
    auto off = run_year("[programme]\nincubator = false\n");
    CHECK(off.total(metric::startups_admitted) == 0);
    CHECK(off.total(metric::workstations) == 0);
}

TEST_CASE("finance: roadshows make deals with amounts; off makes none", "[integration][model][finance]") {
    auto r = run_year("[finance]\nroadshows_per_year = 50\n");
    CHECK(r.total(metric::financing_deals) > 5);
    CHECK(r.total(metric::financing_amount) > 0);
    auto off = run_year("[programme]\nfinance = false\n");
    CHECK(off.total(metric::financing_deals) == 0);
}

TEST_CASE("firms: certification, births and exits follow their rates", "[integration][model][firms]") {
    auto still =
        run_year("[enterprise]\nexit_rate_tech = 0\nexit_rate_other = 0\nbirth_rate = 0\ncertification_rate = 0\n"
                 "[programme]\nincubator = false\n");
    CHECK(still.total(metric::firms) == 66400);
    CHECK(still.total(metric::firm_exits) == 0);
    CHECK(still.total(metric::certifications) == 0);
    auto r = run_year("");
    // Exits of tech firms at 3% and others at 6% a year: about 3,200 in the year.
    CHECK(r.total(metric::firm_exits) > 2500);
    CHECK(r.total(metric::firm_exits) < 3900);
    CHECK(r.total(metric::firm_births) > 3000);
    CHECK(r.total(metric::tech_firms) > 26400);
    // Ids stay unique after births and the year-end compaction.
    auto ids = r.world.f.id;
    std::sort(ids.begin(), ids.end());
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    for (std::size_t i = 0; i < r.world.f.size(); ++i) REQUIRE((r.world.f.flags[i] & state::firm_flag::alive));
}

TEST_CASE("以奖代补: rewards go to pilots, effort adapts, the ledger balances", "[integration][model][rewards]") {
    auto r = run_year("[rewards]\nrule = \"tournament\"\ntop_k = 2\n");
    const std::size_t row = r.sc->districts.size() * model::n_metrics;
    const int last = r.sc->cal.steps() - 1;
    int winners = 0;
    for (std::size_t d = 0; d < r.sc->districts.size(); ++d) {
        const double reward =
            r.metrics[static_cast<std::size_t>(last) * row + d * model::n_metrics + model::index(metric::reward_funds)];
        if (reward > 0) {
            ++winners;
            CHECK(r.world.d.pilot[d] > 0);
            CHECK(r.world.d.purse[d] == Approx(reward));  // rewards fund the district's activities
        }
    }
    CHECK(winners == 2);
    // Effort adapts (test_levers_money.cpp checks how): some pilot no longer at neutral effort.
    int moved = 0;
    for (std::size_t d = 0; d < r.sc->districts.size(); ++d) moved += r.world.d.effort[d] != 1.0 ? 1 : 0;
    CHECK(moved > 0);
    REQUIRE(r.world.ledger.size() == 1);
    const auto& y = r.world.ledger[0];
    // Pro rata: the one-year run covers 2021-01-04 to 2021-12-26 (51 whole weeks), 357 days.
    CHECK(y.funds_in == Approx(30.0 * 357 / 365));
    CHECK(y.rewards == Approx(0.3 * y.funds_in));
    CHECK(y.funds_in + y.cofunding == Approx(y.operations + y.rewards + y.unspent).epsilon(1e-12));
    CHECK(r.total(metric::programme_spend) == Approx(y.operations).epsilon(1e-9));
}

TEST_CASE("a small budget leaves operations unfunded but still balances", "[integration][model][rewards]") {
    auto r = run_year("[funding]\nannual_budget = 1.0\n");
    const auto& y = r.world.ledger.at(0);
    CHECK(y.unfunded > 0);
    CHECK(y.unspent >= -1e-9);  // rounding: paid exactly what was left
    CHECK(y.funds_in + y.cofunding == Approx(y.operations + y.rewards + y.unspent).epsilon(1e-12));
}

TEST_CASE("plan-high delivers more services and solves more than plan-low (30 paired replicates)",
          "[behaviour][model]") {
    auto low = scenario::load("builtin:plan-low.toml");
    auto high = scenario::load("builtin:plan-high.toml");
    engine::execution_context ctx(2);
    auto totals = [&](const scenario::scenario_ptr& sc, metric m) {
        std::vector<double> v;
        engine::run_ensemble(sc, {.seed = 7, .replicates = 30}, ctx, [&](engine::replicate_result&& r) {
            v.push_back(model::city_summary(r.metrics, static_cast<std::size_t>(sc->cal.steps()), sc->districts.size())
                            .value[model::index(m)]);
        });
        return v;
    };
    for (auto m : {metric::expert_services, metric::problems_solved}) {
        INFO(model::info(m).name);
        const auto a = totals(low, m), b = totals(high, m);
        std::vector<double> diff(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) diff[i] = b[i] - a[i];
        const double mean = std::accumulate(diff.begin(), diff.end(), 0.0) / static_cast<double>(diff.size());
        double var = 0;
        for (double x : diff) var += (x - mean) * (x - mean);
        const double se = std::sqrt(var / static_cast<double>(diff.size() - 1) / static_cast<double>(diff.size()));
        CHECK(mean > 3 * se);  // paired difference clearly above zero
    }
}
