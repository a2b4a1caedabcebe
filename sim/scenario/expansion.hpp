#pragma once
// What a scenario's events do to the programme's size, for planners' checks (`kcsim check`):
// how many districts are pilots at the end and how many expert teams there are, and events that
// change nothing (a district made a pilot at a level it already has).
#include <cstddef>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace kcsim::scenario {

struct expansion {
    std::size_t pilots_start = 0;          // districts that are pilots at the scenario start
    std::size_t pilots_end = 0;            // ... and after every event
    std::size_t teams = 0;                 // expert teams formed by the events
    std::vector<std::string> idle_events;  // "2022-01-03: 'beibei' is already a municipal pilot (since 2021-07-05)"
};
expansion expansion_of(const scenario& sc);

// The plan's range of new pilot districts and of new expert teams by 2023 (seed 002: 3-5 each).
inline constexpr std::size_t plan_new_min = 3, plan_new_max = 5;

// The planner's summary of `sc` against the files it extends (scenario::parents): lines for
// `kcsim check`, and warnings (an idle event; more or fewer new pilots or teams than the plan's
// 3-5 beyond the 2021 base, when the scenario builds on it).
struct expansion_report {
    std::vector<std::string> lines, warnings;
};
expansion_report report_expansion(const scenario& sc);

}  // namespace kcsim::scenario
