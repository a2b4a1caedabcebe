#pragma once
// Every scalar scenario parameter, and the one table that describes them all: TOML key, type,
// default, valid range, unit, meaning and source. The loader validates against the table, the
// docs (docs/parameters.md) are generated from it, and the model reads the typed struct.
#include <cstdint>
#include <span>
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
    // [programme]
    bool programme = true;
    bool problem_library = true;
    double post_share_unaware = 0;
    double post_share_aware = 0;
    double exposure_national = 0;
    double exposure_municipal = 0;
    double exposure_other = 0;
    double solve_boost_posted = 0;
};

using param_field = std::variant<double params::*, std::int64_t params::*, bool params::*, core::date params::*>;

struct param_spec {
    std::string_view key; // dotted TOML path, e.g. "enterprise.need_rate"
    param_field field;
    double def; // default (dates: days since 1970-01-01; booleans: 0 or 1)
    double lo;  // inclusive range, checked by the loader
    double hi;
    std::string_view unit;
    std::string_view meaning;
    std::string_view source; // seed document, public statistic, derived, or assumption
};

std::span<const param_spec> parameter_specs();
params default_params();

} // namespace kcsim::scenario
