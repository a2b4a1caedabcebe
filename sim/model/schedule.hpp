#pragma once
#include "engine/schedule.hpp"

namespace kcsim::model {

// The programme model's step, in order.
const engine::schedule& default_schedule();

// The world at the scenario start for one replicate.
state::world initial_world(const scenario::scenario& sc, rng::key key);

}  // namespace kcsim::model
