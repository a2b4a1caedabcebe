#pragma once
// The metrics of an ensemble, all replicates in order, checking on the way that the sink gets
// every replicate once, in order, each one successful. For the determinism and thread tests.
#include <catch2/catch.hpp>

#include <vector>

#include "engine/ensemble.hpp"

namespace kcsim::testing {

inline std::vector<double> ensemble_metrics(const scenario::scenario_ptr& sc, int threads, std::uint64_t reps,
                                            std::uint64_t seed) {
    engine::execution_context ctx(threads);
    std::vector<double> all;
    std::uint64_t expect = 0;
    engine::run_ensemble(sc, {.seed = seed, .replicates = reps}, ctx, [&](engine::replicate_result&& r) {
        CHECK(r.replicate == expect++);  // handed over in replicate order, one at a time
        CHECK(r.ok);
        all.insert(all.end(), r.metrics.begin(), r.metrics.end());
    });
    CHECK(expect == reps);
    return all;
}

}  // namespace kcsim::testing
