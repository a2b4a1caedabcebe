#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "engine/simulation.hpp"
#include "model/metrics.hpp"
#include "model/schedule.hpp"
#include "model/summary.hpp"
#include "scenario/load.hpp"

using namespace kcsim;
using model::metric;

namespace {
double at(std::span<const double> m, const scenario::scenario& sc, int step, std::size_t d, metric k) {
    return m[(static_cast<std::size_t>(step) * sc.districts.size() + d) * model::n_metrics + model::index(k)];
}
double city(std::span<const double> m, const scenario::scenario& sc, int step, metric k) {
    const std::size_t row = sc.districts.size() * model::n_metrics;
    return model::city_value(m.subspan(static_cast<std::size_t>(step) * row, row), sc.districts.size(), k);
}
}  // namespace

TEST_CASE("the first step of the plan has 2 national and 12 municipal pilots", "[integration][model]") {
    auto sc = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    engine::simulation sim(sc, 1, 0);
    sim.advance(ctx, 1);
    int national = 0, municipal = 0;
    for (std::size_t d = 0; d < sc->districts.size(); ++d) {
        const double s = at(sim.metrics(), *sc, 0, d, metric::pilot_status);
        national += s == 2;
        municipal += s == 1;
    }
    CHECK(national == 2);
    CHECK(municipal == 12);
    // 66,400 firms at the start; a week of births and exits moves that by a few dozen.
    CHECK(std::abs(city(sim.metrics(), *sc, 0, metric::firms) - 66400) < 200);
    CHECK(city(sim.metrics(), *sc, 0, metric::expert_teams) == Approx(13));
    CHECK(city(sim.metrics(), *sc, 0, metric::experts) == Approx(205));
    CHECK(city(sim.metrics(), *sc, 0, metric::consortia) == 11);
    CHECK(std::isnan(sim.metrics()[sc->districts.size() * model::n_metrics]));  // step 1 not run yet
}

TEST_CASE("the counterfactual has no pilots and no posted problems", "[integration][model]") {
    auto sc = scenario::load("builtin:no-programme.toml");
    engine::execution_context ctx(2);
    engine::simulation sim(sc, 1, 0);
    sim.run(ctx);
    double posted = 0, pilots = 0, raised = 0;
    for (int t = 0; t < sim.steps_total(); ++t) {
        posted += city(sim.metrics(), *sc, t, metric::problems_posted);
        pilots += city(sim.metrics(), *sc, t, metric::pilot_status);
        raised += city(sim.metrics(), *sc, t, metric::needs_raised);
    }
    CHECK(posted == 0);
    CHECK(pilots == 0);
    CHECK(raised > 1000);
}

TEST_CASE("need stocks balance: open(t) = open(t-1) + raised - solved - abandoned", "[integration][model]") {
    auto sc = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    engine::simulation sim(sc, 3, 1);
    state::world w0 = sim.world();
    double open = 0;
    for (std::size_t i = 0; i < w0.f.size(); ++i) open += w0.f.needs_unposted[i] + w0.f.needs_posted[i];
    sim.run(ctx);
    for (int t = 0; t < sim.steps_total(); ++t) {
        const double now =
            city(sim.metrics(), *sc, t, metric::needs_unposted) + city(sim.metrics(), *sc, t, metric::problems_open);
        const double expect = open + city(sim.metrics(), *sc, t, metric::needs_raised) -
                              city(sim.metrics(), *sc, t, metric::needs_solved) -
                              city(sim.metrics(), *sc, t, metric::needs_abandoned);
        REQUIRE(now == expect);
        open = now;
    }
}

TEST_CASE("awareness rises faster in pilot districts", "[integration][model]") {
    auto sc = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    engine::simulation sim(sc, 1, 0);
    sim.run(ctx);
    const int last = sim.steps_total() - 1;
    const double yongchuan = at(sim.metrics(), *sc, last, sc->district_index("yongchuan"), metric::awareness);
    const double dazu = at(sim.metrics(), *sc, last, sc->district_index("dazu"), metric::awareness);
    const double wuxi = at(sim.metrics(), *sc, last, sc->district_index("wuxi"), metric::awareness);
    CHECK(yongchuan > dazu);
    CHECK(dazu > wuxi);
}

TEST_CASE("snapshot and restore continue bit-exactly", "[integration][engine][determinism]") {
    auto sc = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    engine::simulation straight(sc, 9, 4);
    straight.run(ctx);

    engine::simulation forked(sc, 9, 4);
    forked.advance(ctx, 60);
    const state::world snap = forked.snapshot();
    forked.advance(ctx, 10);  // diverge, then go back
    forked.restore(snap);
    CHECK(forked.world() == snap);
    forked.run(ctx);
    CHECK(forked.world() == straight.world());
    const std::size_t row = sc->districts.size() * model::n_metrics;
    auto a = straight.metrics().subspan(60 * row);
    auto b = forked.metrics().subspan(60 * row);
    CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
}

TEST_CASE("restore refuses a state from another shape", "[unit][engine]") {
    auto sc = scenario::load("builtin:plan.toml");
    engine::simulation sim(sc, 1, 0);
    state::world w = sim.snapshot();
    w.d.pilot.pop_back();
    CHECK_THROWS_AS(sim.restore(w), input_error);
}

TEST_CASE("the schedule lists named phases in order", "[unit][engine]") {
    const auto& s = model::default_schedule();
    REQUIRE(s.size() >= 6);
    CHECK(s.front().name == "begin_step");
    CHECK(s.back().name == "compact");
    for (const auto& ph : s) CHECK_FALSE(ph.what.empty());
}

TEST_CASE("impossible states are reported with the district and step", "[unit][model]") {
    auto sc = scenario::load("builtin:plan.toml");
    engine::simulation sim(sc, 1, 0);
    state::world w = sim.snapshot();
    w.f.awareness[5] = std::numeric_limits<float>::quiet_NaN();
    sim.restore(w);
    engine::execution_context ctx(1);
    try {
        sim.advance(ctx, 1);
        FAIL("NaN awareness not detected");
    } catch (const model_error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains("awareness") && Catch::Matchers::Contains("step 0"));
    }
}
