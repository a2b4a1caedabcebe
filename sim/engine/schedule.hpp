#pragma once
// A step is an ordered list of named phases: scheduling is data (model/schedule.cpp), so the
// order is visible in one place, printable (`kcsim schedule`) and timed per phase.
#include <span>
#include <string_view>
#include <vector>

#include "rng/philox.hpp"
#include "scenario/scenario.hpp"
#include "state/world.hpp"

namespace kcsim::engine {

struct step_context {
    const scenario::scenario& sc;
    state::world& w;
    rng::key key;
    int step;               // index of the step being run, 0-based
    double years;           // length of the step in years
    std::span<double> row;  // this step's metrics, [district][metric]
};

struct phase {
    std::string_view name;
    void (*run)(step_context&);
    std::string_view what;  // one line: what it reads and changes
};

using schedule = std::vector<phase>;

}  // namespace kcsim::engine
