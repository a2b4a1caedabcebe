#pragma once
// Every scalar scenario parameter, and the one table that describes them all: TOML key, type,
// default, valid range (or choices), unit, meaning and source. The loader validates against the
// table, docs/parameters.md is generated from it, and the model reads the typed struct.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/date.hpp"

namespace kcsim::scenario {

struct params {
    // [calendar]
    core::date start{};
    core::date end{};
    std::int64_t step_days = 7;
    // [run]
    std::int64_t seed = 0;
    std::int64_t replicates = 0;
    // [population]
    std::int64_t tech_firms = 0;
    std::int64_t other_firms = 0;
    // [enterprise]
    double need_rate = 0;
    double other_need_factor = 0;
    double self_solve_rate = 0;
    double abandon_rate = 0;
    double awareness_initial = 0;
    double awareness_decay = 0;
    double tech_level_tech = 0;
    double tech_level_other = 0;
    double tech_level_spread = 0;
    double high_tech_level_bonus = 0;
    double absorptive_spread = 0;
    double output_tech = 0;
    double output_other = 0;
    double output_sigma = 0;
    double growth_rate = 0;
    double rd_intensity_tech = 0;
    double rd_intensity_high_tech = 0;
    double rd_intensity_other = 0;
    double innovation_rate = 0;
    double solution_innovation = 0;
    double innovation_learning = 0;
    double innovation_output_gain = 0;
    double certification_rate = 0;
    double certification_awareness_boost = 0;
    double high_tech_rate = 0;
    double exit_rate_tech = 0;
    double exit_rate_other = 0;
    double birth_rate = 0;
    // [programme]
    bool programme = true;
    bool libraries = true;
    bool consortia = true;
    bool incubator = true;
    bool finance = true;
    bool forums = true;
    double post_share_unaware = 0;
    double post_share_aware = 0;
    double exposure_national = 0;
    double exposure_municipal = 0;
    double exposure_other = 0;
    double solve_boost_posted = 0;
    // [experts]
    double services_per_expert_week = 0;
    double outreach_share = 0;
    double solve_prob = 0;
    double sector_mismatch = 0;
    double outreach_awareness = 0;
    double national_visits_per_year = 0;
    double national_visit_services = 0;
    double volunteer_services_per_week = 0;
    double share_university = 0, share_institute = 0, share_society = 0;  // the rest are firm experts
    double firm_expert_time = 0;
    double neighbour_travel_cost = 0;
    bool reallocate = true;
    std::int64_t review_weeks = 0;
    double reallocate_below = 0;
    double reallocate_margin = 0;
    // [libraries]
    double need_lifetime = 0;
    double project_match_rate = 0;
    double contract_prob = 0;
    double contract_value = 0;
    double contract_value_sigma = 0;
    double talent_boost = 0;
    double case_share = 0;
    double case_exposure = 0;
    double fairs_per_year = 0;
    double fair_match_prob = 0;
    // [forums]
    double forums_per_year = 0;
    double viewers_min = 0;
    double viewers_max = 0;
    double forum_awareness = 0;
    double host_awareness = 0;
    double forum_agreements = 0;
    double annual_events = 0;
    double annual_event_awareness = 0;
    // [consortia]
    std::int64_t consortia_initial = 0;
    double consortia_per_year = 0;
    double join_rate = 0;
    double leave_rate = 0;
    double dissolve_rate = 0;
    double consortium_boost = 0;
    // [incubator]
    std::string incubator_district;
    double intake_per_year = 0;
    double startup_failure_rate = 0;
    double incubation_hazard_ratio = 0;
    double graduation_rate = 0;
    double graduate_tech_share = 0;
    double graduate_awareness = 0;
    double offshore_startups_per_base = 0;
    double workstations_per_year = 0;
    double workstation_boost = 0;
    // [finance]
    double roadshows_per_year = 0;
    double pitch_awareness = 0;
    double pitches_per_roadshow = 0;
    double deal_prob = 0;
    double deal_amount = 0;
    double deal_amount_sigma = 0;
    double finance_weeks = 0;
    double finance_rd_boost = 0;
    double finance_survival = 0;
    double platform_pitch_ratio = 0;
    double platform_awareness = 0;
    // [funding]
    double annual_budget = 0;
    double cost_per_expert_year = 0;
    double cost_per_forum = 0;
    double cost_per_startup_year = 0;
    double cost_per_fair = 0;
    double cost_per_roadshow = 0;
    double platform_cost_year = 0;
    double consortium_cost_year = 0;
    double reward_share = 0;
    double district_cofunding = 0;
    // [rewards]
    std::string reward_rule;
    std::int64_t reward_top_k = 0;
    double reward_threshold = 0;
    double effort_learning = 0;
    double effort_min = 0;
    double effort_max = 0;
    double effort_elasticity = 0;
    double effort_cost = 0;
    // [district_data]
    bool differentiate = true;
    double rd_intensity_shift = 0;
    double high_tech_share_shift = 0;
    double st_rank_shift = 0;
    double universities_shift = 0;
    double leading_sector_weight = 0;
    // [readiness]
    double readiness_weight_rd = 0;
    double readiness_weight_high_tech = 0;
    double readiness_weight_universities = 0;
    double readiness_weight_rank = 0;
    double uptake_elasticity = 0;
    double tech_level_shift = 0;
};

// A choice parameter: a string that must be one of `choices` ("a|b|c"); `text` is the default.
struct choice_field {
    std::string params::*field;
    std::string_view choices;
    std::string_view text;
};

using param_field =
    std::variant<double params::*, std::int64_t params::*, bool params::*, core::date params::*, choice_field>;

struct param_spec {
    std::string_view key;  // dotted TOML path, e.g. "enterprise.need_rate"
    param_field field;
    double def;  // default (dates: days since 1970-01-01; booleans: 0 or 1; choices: unused)
    double lo;   // inclusive range, checked by the loader
    double hi;
    std::string_view unit;
    std::string_view meaning;
    std::string_view source;  // seed document, public statistic, derived, or assumption
};

std::span<const param_spec> parameter_specs();

// Two parameters that bound one range: the value of `min_key` may not exceed that of `max_key`.
// Checked after merging `extends` (a child may set one bound, its parent the other), so the
// model never draws from an inverted range. Every key ending in "_min" is in this table (a
// test checks it).
struct range_pair {
    std::string_view min_key;
    std::string_view max_key;
};
std::span<const range_pair> range_pairs();
// The numeric value of a parameter by key (a double or integer field); throws internal_error
// for an unknown or non-numeric key.
double numeric_value(const params& p, std::string_view key);
params default_params();

}  // namespace kcsim::scenario
