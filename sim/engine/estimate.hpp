#pragma once
// What a run will need before it starts: agents, memory and time, so that `--dry-run` can say
// it and a run that would not fit in memory is refused before any work.
#include <cstdint>

#include "scenario/scenario.hpp"

namespace kcsim::engine {

struct estimate {
    std::uint64_t firms = 0;         // at the start
    double bytes_per_firm = 0;       // every firm column of the state
    double bytes_per_replicate = 0;  // state (with 20% growth for births) + metrics buffer
    double peak_bytes = 0;           // replicates in flight x bytes per replicate
    double firm_steps = 0;           // per replicate
    double seconds = 0;              // rough: measured cost per firm-step on one core / threads
};

// `in_flight`: replicates held in memory at once (the ensemble keeps 2 per thread).
estimate estimate_run(const scenario::scenario& sc, std::uint64_t replicates, int threads);

// Physical memory of the machine (bytes), 0 if unknown.
double machine_memory();

}  // namespace kcsim::engine
