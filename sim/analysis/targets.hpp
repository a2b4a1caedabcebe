#pragma once
// The plan's targets (seed 002, seed 000) as tests on one replicate's metrics, so that a
// comparison can report the probability of meeting each under each scenario.
#include <span>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace kcsim::analysis {

struct target {
    std::string_view name;
    std::string_view meaning;
    std::string_view source;
};

const std::vector<target>& plan_targets();

// For one replicate ([steps][districts][metrics]): 1 if each target is met, else 0.
std::vector<double> targets_met(const scenario::scenario& sc, std::span<const double> metrics);

}  // namespace kcsim::analysis
