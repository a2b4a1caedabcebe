#pragma once
// The phases of one step, one function each; model/schedule.cpp puts them in order.
#include "engine/schedule.hpp"

namespace kcsim::model::phases {

void begin_step(engine::step_context& c);    // districts.cpp
void apply_events(engine::step_context& c);  // districts.cpp
// One event now (the Python API's mid-run levers use it too).
void apply_event(const scenario::scenario& sc, state::world& w, const scenario::event& e, int step);
void programme_calendar(engine::step_context& c);     // programme.cpp
void update_awareness(engine::step_context& c);       // needs.cpp
void resolve_needs(engine::step_context& c);          // needs.cpp
void raise_needs(engine::step_context& c);            // needs.cpp
void post_needs(engine::step_context& c);             // needs.cpp
void expert_services(engine::step_context& c);        // experts.cpp
void match_needs(engine::step_context& c);            // matching.cpp
void consortium_membership(engine::step_context& c);  // consortia.cpp
void finance_deals(engine::step_context& c);          // finance.cpp
void firm_dynamics(engine::step_context& c);          // firms.cpp
void incubator(engine::step_context& c);              // incubator.cpp
void births(engine::step_context& c);                 // births.cpp
void funding(engine::step_context& c);                // funding.cpp
void collect_metrics(engine::step_context& c);        // collect.cpp
void check_invariants(engine::step_context& c);       // collect.cpp
void compact(engine::step_context& c);                // births.cpp

}  // namespace kcsim::model::phases
