// Same scenario and seed: bitwise-identical results for any thread count and schedule.
#include <catch2/catch.hpp>

#include <oneapi/tbb/global_control.h>

#include "engine/ensemble.hpp"
#include "engine/simulation.hpp"
#include "ensemble_metrics.hpp"
#include "scenario/load.hpp"

using namespace kcsim;

namespace {
std::vector<double> ensemble(const scenario::scenario_ptr& sc, int threads, std::uint64_t reps) {
    return testing::ensemble_metrics(sc, threads, reps, 77);
}
}  // namespace

TEST_CASE("ensembles are bitwise identical on 1, 2 and 4 threads", "[determinism]") {
    // Oversubscribe on purpose: 4 threads on a 2-core machine still must not change a bit.
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 8);
    auto sc = scenario::load("builtin:plan.toml");
    const auto one = ensemble(sc, 1, 4);
    const auto two = ensemble(sc, 2, 4);
    const auto four = ensemble(sc, 4, 4);
    REQUIRE(one.size() == two.size());
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
    CHECK(std::memcmp(one.data(), four.data(), one.size() * sizeof(double)) == 0);
}

TEST_CASE("agent-parallel steps are identical across threads for a large population", "[determinism]") {
    // 100k firms: several blocks, so the per-block reduction order is exercised.
    auto sc = scenario::derive(*scenario::load("builtin:base/programme-2021.toml"),
                               "[population]\nother_firms = 80000\n[calendar]\nend = 2021-06-30\n", "big");
    std::vector<std::vector<double>> runs;
    for (int threads : {1, 2, 8}) {
        tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 8);
        engine::execution_context ctx(threads);
        engine::simulation sim(sc, 5, 0);
        sim.run(ctx);
        runs.emplace_back(sim.metrics().begin(), sim.metrics().end());
    }
    CHECK(runs[0] == runs[1]);
    CHECK(runs[0] == runs[2]);
}

TEST_CASE("a replicate does not depend on which other replicates run", "[determinism]") {
    auto sc = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    std::vector<double> third;
    engine::run_ensemble(sc, {.seed = 77, .first_replicate = 2, .replicates = 1}, ctx,
                         [&](engine::replicate_result&& r) { third = r.metrics; });
    const auto all = ensemble(sc, 2, 3);
    const std::size_t n = third.size();
    CHECK(std::equal(third.begin(), third.end(), all.begin() + static_cast<std::ptrdiff_t>(2 * n)));
}

TEST_CASE("different seeds and replicates give different results", "[determinism]") {
    auto sc = scenario::load("builtin:plan.toml");
    engine::execution_context ctx(2);
    engine::simulation a(sc, 1, 0), b(sc, 2, 0), c(sc, 1, 1);
    a.run(ctx);
    b.run(ctx);
    c.run(ctx);
    CHECK_FALSE(std::equal(a.metrics().begin(), a.metrics().end(), b.metrics().begin()));
    CHECK_FALSE(std::equal(a.metrics().begin(), a.metrics().end(), c.metrics().begin()));
}

TEST_CASE("common random numbers: the need arrivals do not depend on the programme", "[determinism]") {
    // Switching the problem library off must not shift the need-arrival stream.
    auto plan = scenario::load("builtin:plan.toml");
    auto off = scenario::derive(*plan, "[programme]\nlibraries = false\n", "nolib");
    engine::execution_context ctx(2);
    engine::simulation a(plan, 11, 0), b(off, 11, 0);
    a.advance(ctx, 1);
    b.advance(ctx, 1);
    CHECK(a.world().f.raised == b.world().f.raised);
}

TEST_CASE("forks and comparisons are identical on 1 and 4 threads", "[determinism]") {
    // The paired pipeline, nested agent loops over several blocks, and forks, on 1 and 4 threads.
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 8);
    auto sc = scenario::derive(*scenario::load("builtin:base/programme-2021.toml"),
                               "[population]\nother_firms = 40000\n[calendar]\nend = 2021-02-28\n", "tsan");
    std::vector<std::vector<double>> runs;
    for (int threads : {1, 4}) {
        engine::execution_context ctx(threads);
        std::vector<double> all;
        engine::run_paired({sc, sc}, {.seed = 3, .replicates = 3, .fork_step = 4}, ctx,
                           [&](std::vector<engine::replicate_result>&& rs) {
                               for (const auto& r : rs) all.insert(all.end(), r.metrics.begin(), r.metrics.end());
                           });
        runs.push_back(std::move(all));
    }
    CHECK(runs[0] == runs[1]);
}
