#pragma once
// A decision file (`kcsim select`): which districts may become pilots, how many, when, the new
// expert teams that come with them, a budget, the objective and the risk measure, and the
// search's settings. Loaded and validated like a scenario: every error names the file, line, key,
// the bad value and what was expected (docs/select.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.hpp"
#include "scenario/scenario.hpp"

namespace kcsim::scenario {

struct decision {
    std::string name, description;
    std::string source;      // the decision file
    std::string text;        // the file as given, for provenance
    scenario_ptr base;       // the programme without the expansion the decision is about
    scenario_ptr reference;  // the plan as written, for contrasts; null if the file names none
    std::string parameters;  // a posterior file (kcsim calibrate), resolved against the file; "" if none

    // [pilots]
    std::vector<std::uint16_t> candidates;  // district indices, in readiness order (highest first)
    std::size_t count_min = 0, count_max = 0;
    std::vector<core::date> dates;  // the k-th district of a portfolio (in readiness order) joins on dates[k]
    pilot_level level = pilot_level::municipal;

    // [teams]: formed on their dates in every portfolio (the same for all, so they are not chosen)
    std::size_t teams = 0;
    int team_experts = 15;
    std::vector<core::date> team_dates;
    bool teams_with_pilots = false;  // team k serves the portfolio's k-th pilot; else placed by demand

    // [budget]: the static cost of a portfolio (million yuan over the run, docs/select.md)
    double budget_limit = 0;  // 0: no limit
    double pilot_cost = 0;    // per new pilot per year in the programme
    double team_cost = 0;     // per team per year: experts x funding.cost_per_expert_year of the base

    // [objective]: the paired gain over the base, per replicate
    struct term {
        std::string metric;  // a metric name; checked against the model's metrics by analysis::
        double weight = 1;
        int line = 0, column = 0;
    };
    std::vector<term> terms;
    bool per_million_yuan = false;  // divide the gain by the portfolio's cost
    double equity = 0;              // weight of the least-served sub-region's gain (scaled to the city's firms)
    bool quantile_risk = false;     // false: the mean gain; true: its `quantile` over the replicates
    double quantile = 0.1;

    // [search]
    std::uint64_t seed = 0;
    std::size_t top = 10;                  // portfolios reported
    std::size_t replicates = 40;           // replicates of each finalist
    std::size_t screening_replicates = 8;  // of each single district in the screening
    std::size_t first_replicates = 4;      // of each set in the first round of successive halving
    std::size_t exhaustive_limit = 200;    // enumerate every set when there are at most this many
    std::size_t pool = 10;                 // candidates kept after screening (their sets are searched)
    std::string method = "auto";           // auto | exhaustive | screening
};

decision load_decision(const std::string& path);
decision load_decision_text(std::string_view text, const std::string& origin, const std::string& base_dir = ".");

// --replicates and --seed (or Python's replicates= and seed=) over the file's [search] values;
// throws input_error for fewer than 2 replicates (a paired interval and P(best) need two).
void override_search(decision& d, std::optional<std::uint64_t> replicates, std::optional<std::uint64_t> seed);

// The number of sets of `k` among `n` (saturating at SIZE_MAX).
std::size_t choose(std::size_t n, std::size_t k);

// The static cost of a portfolio of `k` new pilots (million yuan over the run).
double portfolio_cost(const decision& d, std::size_t k);

// The events of one portfolio (TOML [[events]] for scenario::derive on the base): its pilots
// (districts in readiness order, on the decision's dates) and the decision's teams, in date order.
std::string portfolio_events(const decision& d, const std::vector<std::uint16_t>& positions);

}  // namespace kcsim::scenario
