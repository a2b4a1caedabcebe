// Small parallel cases, tagged [tsan]: `make tsan` runs them under ThreadSanitizer (the full
// determinism tests take too long there). Each is also an ordinary test of the parallel code:
// block reductions, a simulation and an ensemble on 2 threads against 1, an ensemble's prepare step,
// and the units of a sweep.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include <oneapi/tbb/global_control.h>

#include "engine/ensemble.hpp"
#include "engine/simulation.hpp"
#include "ensemble_metrics.hpp"
#include "scenario/load.hpp"

using namespace kcsim;

namespace {
// About 34,000 firms (three agent blocks, so agent loops run in parallel) for two months.
scenario::scenario_ptr tiny() {
    static const auto sc =
        scenario::derive(*scenario::load("builtin:base/programme-2021.toml"),
                         "[population]\nother_firms = 8000\n[calendar]\nend = 2021-02-28\n", "threads");
    return sc;
}

std::vector<double> simulate(int threads) {
    engine::execution_context ctx(threads);
    engine::simulation sim(tiny(), 9, 0);
    sim.run(ctx);
    return {sim.metrics().begin(), sim.metrics().end()};
}

}  // namespace

TEST_CASE("for_blocks visits every item once and block sums combine identically", "[tsan][threads]") {
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism, 8);
    const std::size_t n = 100003, block = 1000;
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = 1.0 / static_cast<double>(i + 1);
    std::vector<double> reference;
    for (int threads : {1, 2, 4}) {
        engine::execution_context ctx(threads);
        std::vector<double> partial((n + block - 1) / block, 0.0);
        std::vector<int> visits(n, 0);
        ctx.execute([&] {
            engine::for_blocks(n, block, [&](std::size_t b, std::size_t e) {
                double s = 0;
                for (std::size_t i = b; i < e; ++i) {
                    s += x[i];
                    ++visits[i];
                }
                partial[b / block] = s;  // each block owns its slot
            });
        });
        CHECK(std::all_of(visits.begin(), visits.end(), [](int v) { return v == 1; }));
        if (reference.empty()) reference = partial;
        CHECK(std::memcmp(reference.data(), partial.data(), partial.size() * sizeof(double)) == 0);
    }
    // Blocks combined in order give one sum, whatever the thread count.
    CHECK(std::accumulate(reference.begin(), reference.end(), 0.0) ==
          Approx(std::log(static_cast<double>(n)) + 0.5772));
}

TEST_CASE("a small simulation gives identical metrics on 1 and 2 threads", "[tsan][threads]") {
    const auto one = simulate(1);
    const auto two = simulate(2);
    REQUIRE(one.size() == two.size());
    REQUIRE_FALSE(one.empty());
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
}

TEST_CASE("the firms drawn in parallel at the start are the firms drawn serially", "[tsan][threads]") {
    const engine::simulation serial(tiny(), 5, 2);
    REQUIRE(serial.world().f.size() > 2 * 4096);  // several blocks
    for (int threads : {1, 2}) {
        engine::execution_context ctx(threads);
        const engine::simulation parallel(ctx, tiny(), 5, 2);
        CHECK(parallel.world() == serial.world());
    }
}

TEST_CASE("a small ensemble on 2 threads equals the same ensemble on 1", "[tsan][threads]") {
    const auto one = testing::ensemble_metrics(tiny(), 1, 3, 21);
    const auto two = testing::ensemble_metrics(tiny(), 2, 3, 21);
    REQUIRE(one.size() == two.size());
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
}

TEST_CASE("prepare runs on each result in the parallel stage, before the in-order sink", "[tsan][threads]") {
    // As kcsim run encodes each metrics chunk: prepare fills the result, the sink reads it.
    engine::execution_context ctx(2);
    std::uint64_t expect = 0;
    auto stamp = [](const engine::replicate_result& r) {
        return std::vector<unsigned char>{static_cast<unsigned char>(r.replicate), static_cast<unsigned char>(r.ok)};
    };
    engine::run_ensemble(
        tiny(),
        {.seed = 4, .replicates = 4, .prepare = [&](engine::replicate_result& r) { r.encoded_metrics = stamp(r); }},
        ctx, [&](engine::replicate_result&& r) {
            CHECK(r.replicate == expect++);
            CHECK(r.encoded_metrics == stamp(r));
        });
    CHECK(expect == 4);
}

TEST_CASE("sweep units derive scenarios concurrently and reach the sink in order", "[tsan][threads]") {
    // run_units as kcsim sweep uses it: each unit loads a variant (toml++, the embedded files)
    // while others do the same on another thread.
    engine::execution_context ctx(2);
    std::vector<std::string> got;
    engine::run_units(
        6, ctx, nullptr,
        [](std::size_t u) {
            auto sc = scenario::derive(*tiny(), "[population]\nother_firms = " + std::to_string(100 * u) + "\n",
                                       "unit" + std::to_string(u));
            return sc->name + ":" + std::to_string(sc->p.other_firms);
        },
        [&](std::size_t u, std::string&& s) {
            CHECK(u == got.size());
            got.push_back(std::move(s));
        });
    REQUIRE(got.size() == 6);
    CHECK(got[0] == "unit0:0");
    CHECK(got[5] == "unit5:500");
}
