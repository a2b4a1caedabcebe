#pragma once
// The plan's and the city's targets as tests on one replicate's metrics. Outcome targets (what
// the programme is for: tech-based and high-tech firm growth, start-ups incubated) are reported
// as the probability of meeting them; input targets (pilots, teams, forums, rewards: what the
// scenario schedules) as delivered as scheduled or not.
#include <span>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace kcsim::analysis {

enum class target_kind { outcome, input };

struct target {
    std::string_view name;
    target_kind kind;
    std::string_view meaning;
    std::string_view source;
};

const std::vector<target>& plan_targets();

// For one replicate ([steps][districts][metrics]): 1 if each target is met, else 0.
std::vector<double> targets_met(const scenario::scenario& sc, std::span<const double> metrics);

}  // namespace kcsim::analysis
