#pragma once
// Internal to the scenario loader. Building the scenario from the merged, checked table:
// defaults filled in (and written into the table, so the resolved text is complete), the
// calendar, districts, sectors and events checked against each other, the resolved text hashed.
#include <string>

#include "scenario/scenario.hpp"
#include "scenario/toml_read.hpp"

namespace kcsim::scenario::detail {

// `name_override`, if not empty, names the scenario instead of its `name`; `parents` are the
// files it extends (scenario::parents).
scenario_ptr build(toml::table merged, const std::string& origin, const std::string& name_override,
                   std::vector<std::string> parents = {});

pilot_level to_pilot(const std::string& s);

// Where the calendar's `key` was set, so a period error points at the file that changed it;
// and the same as text for messages (" set at file:line" or " by default").
where calendar_set_at(const toml::table& merged, const char* key, const std::string& origin);
std::string calendar_set_in(const toml::table& merged, const char* key, const std::string& origin);

}  // namespace kcsim::scenario::detail
