#pragma once
// The phases of one step, one function each; model/schedule.cpp puts them in order.
#include "engine/schedule.hpp"

namespace kcsim::model::phases {

void begin_step(engine::step_context& c);    // districts.cpp
void apply_events(engine::step_context& c);  // districts.cpp
// One event now (the Python API's mid-run levers use it too).
void apply_event(const scenario::scenario& sc, state::world& w, const scenario::event& e, int step);
void review_teams(engine::step_context& c);        // teams.cpp
void programme_calendar(engine::step_context& c);  // programme.cpp
void share_services(engine::step_context& c);      // experts.cpp
void offer_matches(engine::step_context& c);       // matching.cpp
void open_roadshows(engine::step_context& c);      // finance.cpp
void firm_step(engine::step_context& c);           // actions.cpp: the firm pass
void startup_deals(engine::step_context& c);       // finance.cpp
void incubator(engine::step_context& c);           // incubator.cpp
void births(engine::step_context& c);              // births.cpp
void funding(engine::step_context& c);             // funding.cpp
void collect_metrics(engine::step_context& c);     // collect.cpp
void check_invariants(engine::step_context& c);    // collect.cpp
void compact(engine::step_context& c);             // births.cpp

}  // namespace kcsim::model::phases
