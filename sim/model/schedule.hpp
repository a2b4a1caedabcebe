#pragma once
#include "engine/execution.hpp"
#include "engine/schedule.hpp"

namespace kcsim::model {

// The programme model's step, in order.
const engine::schedule& default_schedule();

// The world at the scenario start for one replicate; its firms are drawn in parallel in `ctx`
// if given (the same bits either way).
state::world initial_world(const scenario::scenario& sc, rng::key key, engine::execution_context* ctx = nullptr);

}  // namespace kcsim::model
