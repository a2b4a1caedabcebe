#pragma once
// A sweep as experiments: the design over the uncertain parameters, crossed with every
// combination of lever values (the policies), one row per experiment as EMA Workbench lays it
// out; and the sensitivity indices of its outcomes.
#include <string>
#include <variant>
#include <vector>

#include "analysis/designs.hpp"
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

}  // namespace kcsim::analysis
