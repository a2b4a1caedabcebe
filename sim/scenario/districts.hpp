#pragma once
// What the model draws districts' firms with, derived once when the scenario is built from the
// district attributes and the district_data/readiness parameters (docs/model.md, docs/data-districts.md).
#include "scenario/scenario.hpp"

namespace kcsim::scenario {

// The readiness index's four components of one district, each 0..1 (docs/model.md §7).
struct readiness_parts {
    double rd = 0.5, high_tech = 0.5, universities = 0.5, rank = 0.5;
};
readiness_parts readiness_components(const district& d, std::int64_t lowest_rank);

// Applies the district_data shifts to the ranged attributes, then fills sector_shares, readiness,
// uptake, tech_level_offset, high_tech_share_used and firms_weight of every district.
void derive_districts(scenario& s);

}  // namespace kcsim::scenario
