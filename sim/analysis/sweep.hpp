#pragma once
// A sweep as experiments: the design over the uncertain parameters, crossed with every
// combination of lever values (the policies), one row per experiment as EMA Workbench lays it
// out; and the sensitivity indices of its outcomes.
#include <atomic>
#include <string>
#include <variant>
#include <vector>

#include "analysis/designs.hpp"
#include "engine/ensemble.hpp"
#include "engine/execution.hpp"
#include "scenario/sweep.hpp"

namespace kcsim::analysis {

struct experiments {
    std::size_t count = 0;
    std::size_t policies = 1;                                             // lever combinations
    std::size_t samples = 0;                                              // design rows per policy
    std::vector<double> uncertain;                                        // [experiment][uncertain parameter]
    std::vector<std::string> lever_values;                                // [experiment][lever], TOML literals
    std::vector<std::size_t> policy, sample;                              // per experiment
    std::variant<std::monostate, saltelli_design, morris_design> design;  // when indices can be computed
    // The scenario overrides of one experiment, as TOML text for scenario::derive.
    std::string overrides(const scenario::sweep& sw, std::size_t e) const;
};

experiments plan_experiments(const scenario::sweep& sw);

// Sensitivity of one outcome under one policy; y holds one value per design row (the mean over
// replicates). Empty vectors when the design has no indices (factorial, LHS, Sobol' sequence).
struct sensitivity {
    std::vector<double> s1, s1_lo, s1_hi, st, st_lo, st_hi;  // Sobol (saltelli design)
    std::vector<double> mu, mu_star, sigma;                  // Morris (morris design)
};
sensitivity analyse(const experiments& ex, std::span<const double> y, std::uint64_t seed);

// The outcomes' indices among model::metric_names(). A sweep without `outcomes` gets the plan's
// headline metrics (written into sw.outcomes); an unknown name is an input_error naming the file.
std::vector<std::size_t> outcome_indices(scenario::sweep& sw);

// A sweep over a posterior (sweep --parameters): the posterior's draws for the parameters the
// sweep does not vary itself (the sweep's own uncertain parameters and levers win).
// draws_for_sweep checks that there is a draw per replicate and that each of those draws makes a
// valid scenario of the sweep's base; input_error naming `path` otherwise.
struct sweep_draws {
    std::vector<std::string> keys;     // dotted parameter names the draws set
    std::vector<double> values;        // [draw][key]
    std::vector<std::string> dropped;  // posterior keys the sweep varies itself
};
sweep_draws draws_for_sweep(const scenario::sweep& sw, const std::vector<std::string>& keys,
                            std::span<const double> draws, const std::string& path);

// One experiment as unit `e`: its scenario, replicate r on stream r for every r (common random
// numbers); with `post`, replicate r also takes posterior draw r (so experiments stay paired); `metrics` holds the city
// summary of each replicate, [replicate][metric], NaN for one that failed (the first failure's message in `message`);
// `summary` holds each replicate's figures per calendar year, [replicate][year][metric] (model::city_by_year). kcsim
// sweep and Python's run_sweep both run this.
engine::replicate_result run_experiment(const scenario::sweep& sw, const experiments& ex, std::size_t e,
                                        engine::execution_context& ctx, const std::atomic<bool>* cancel = nullptr,
                                        const sweep_draws* post = nullptr);

// The indices [policy][outcome] on the mean over replicates of each design row, from the
// outcomes [experiment][replicate][metric]; all empty if any replicate failed (a NaN).
std::vector<std::vector<sensitivity>> sweep_sensitivity(const scenario::sweep& sw, const experiments& ex,
                                                        std::span<const double> outcomes,
                                                        const std::vector<std::size_t>& outcome_index);

// The same indices on contrasts: for each policy p > 0, of the difference between policy p
// and policy 0 at each design row (the mean over replicates of each, on common random numbers),
// so that they rank the parameters by how much they move a policy's effect, not its level.
// [policy][outcome]; policy 0 (no contrast) and everything when a replicate failed are empty.
std::vector<std::vector<sensitivity>> contrast_sensitivity(const scenario::sweep& sw, const experiments& ex,
                                                           std::span<const double> outcomes,
                                                           const std::vector<std::size_t>& outcome_index);

}  // namespace kcsim::analysis
