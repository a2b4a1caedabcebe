#pragma once
// The phases of one step, one function each (model/schedule.cpp puts them in order).
#include "engine/schedule.hpp"

namespace kcsim::model::phases {

void apply_events(engine::step_context& c);
void update_awareness(engine::step_context& c);
void resolve_needs(engine::step_context& c);
void raise_needs(engine::step_context& c);
void post_needs(engine::step_context& c);
void collect_metrics(engine::step_context& c);
void check_invariants(engine::step_context& c);

} // namespace kcsim::model::phases
