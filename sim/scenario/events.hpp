#pragma once
// Internal to the scenario loader. [[events]]: their fields by type, the checks within one file,
// and, after merging along `extends`, their order and their ids resolved against the scenario.
#include <map>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "scenario/scenario.hpp"
#include "scenario/toml_read.hpp"
#include "scenario/validate.hpp"

namespace kcsim::scenario::detail {

// Fields of every event type; which ones a type needs is event_type_fields().
const std::vector<field_spec>& event_fields();
const std::map<std::string, std::vector<std::string>, std::less<>>& event_type_fields();

// Checks one file's `events` value: the records, each type's own fields, and date order.
void check_events(const toml::node& v, const std::string& file);

// Sorts the merged [[events]] by date and adds them to `s`, checking each against the simulated
// period (up to `last_day`), the districts (`district_ids`, for suggestions) and the sectors.
void build_events(toml::table& merged, scenario& s, const std::vector<std::string>& district_ids, core::date last_day,
                  const std::string& origin);

}  // namespace kcsim::scenario::detail
