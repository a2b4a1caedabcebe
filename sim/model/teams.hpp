#pragma once
// Expert service teams (专家服务队) as groups of expert agents: how a team is formed (its
// experts, their fields and homes, where it is placed), the planner's quarterly review that
// moves teams from its weekly reports, and those reports as a table for the output file.
#include <array>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"
#include "state/world.hpp"

namespace kcsim::model {

// A team event now: its experts join the world. Without districts the team is placed in the
// district with most uncovered demand for its fields; without a sector its experts' fields are
// shared over the sectors in proportion to the open needs where it is placed.
void form_team(const scenario::scenario& sc, state::world& w, const scenario::event& e, int step);

// Open posted needs of district d that a team of these fields' capacities weighs (a field meets
// its own sector's needs in full, the others' at experts.sector_mismatch), less what the teams
// already serving d can serve in a review period; `skip` is a team left out of that cover.
double uncovered_demand(const scenario::scenario& sc, const state::world& w, const std::vector<double>& field_capacity,
                        std::size_t d, std::size_t skip);

// Each team's weekly capacity by field: [team][sector], services per week.
std::vector<double> team_field_capacity(const state::world& w, std::size_t sectors);

// The team report table of the output file: [step][team slot][item], NaN where a team did not
// exist yet (or the step was not reached). One slot per team event of the scenario, in the
// order the teams were formed.
const std::array<std::string_view, 2>& team_report_items();
std::size_t team_slots(const scenario::scenario& sc);
std::vector<double> team_report_table(const state::world& w, const scenario::scenario& sc);

}  // namespace kcsim::model
