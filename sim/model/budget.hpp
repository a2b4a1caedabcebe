#pragma once
// Money that limits what the programme does. A year's funds (the budget plus the pilot districts'
// co-funding) pay the activities in a fixed priority order of budget lines; the 以奖代补 pool is
// set aside first. An activity is paid when it happens, and only from what is left after the
// rest of the year's cost of every line before it (at today's rates) and the unpaid reward pool
// are reserved; what cannot be paid is not done, and the ledger records its cost by line.
#include <array>
#include <string_view>

#include "engine/schedule.hpp"
#include "state/world.hpp"

namespace kcsim::model::budget {

// The lines in the order they are paid: running commitments first (the platform and libraries,
// team operations, incubator places, consortium support), then events (forums, roadshows,
// matching fairs).
enum class line : std::uint8_t { platform, teams, incubator, consortia, forums, roadshows, fairs };
const std::array<std::string_view, state::budget_lines>& line_names();

// The ledger of the step's calendar year, opened at its first step: the year's funds (pro rata
// for a partial year) and the co-funding of the districts that are pilots then.
state::ledger_year& ledger_of_step(engine::step_context& c);

// A line's cost per year at today's state (what the reserve for it is based on).
double rate(const engine::step_context& c, line l);

// What line l may spend in this step.
double available(engine::step_context& c, line l);

// Pays `cost` for one activity of line l in `district` (-1: city-wide) if the line can; else
// records it as not done. Returns whether it was paid.
bool pay(engine::step_context& c, line l, double cost, int district);

// Records an activity of line l that costs `cost` as not done for want of money.
void record_not_done(engine::step_context& c, line l, double cost);

// Years of the step's calendar year left after it (within the run).
double years_after(const engine::step_context& c);

// Pays the running lines' cost of this step in order, each as far as the funds go, and sets the
// world's funded_* shares (the platform runs only when paid in full).
void pay_running(engine::step_context& c);

}  // namespace kcsim::model::budget
