#pragma once
// A comparison of scenarios run on the same seeds: per replicate city figures, each scenario's
// summary, its paired difference from the first (the baseline), and the plan targets.
#include <string>
#include <vector>

#include "model/summary.hpp"
#include "scenario/scenario.hpp"

namespace kcsim::analysis {

// Statistics stored per (scenario, metric), in this order.
const std::vector<std::string>& comparison_statistics();

struct comparison {
    std::vector<std::string> scenarios;        // the first is the baseline
    std::size_t replicates = 0;                // replicates that completed in every scenario
    std::vector<std::uint64_t> replicate_ids;  // their numbers, as in the scenario groups
    std::string fork_date;                     // "" if the scenarios were not forked
    std::vector<double> city;                  // [scenario][replicate][metric]: flows total, others at end
    std::vector<double> summary;               // [scenario][metric][statistic]
    std::vector<double> targets;               // [scenario][target]: probability of meeting it
    // Areas (sub-regions, districts the user named): the same statistics over their districts.
    std::vector<std::string> areas;
    std::vector<double> area_summary;  // [area][scenario][metric][statistic]
    double value(std::size_t s, std::size_t m, std::size_t k) const;
    double area_value(std::size_t a, std::size_t s, std::size_t m, std::size_t k) const;
};

// per_scenario[s][r]: city figures of replicate r; met[s][r]: targets_met of replicate r.
// Replicates that failed in any scenario must already be left out (same r in every scenario).
comparison compare(const std::vector<std::string>& scenarios, const std::vector<std::uint64_t>& replicate_ids,
                   const std::vector<std::vector<model::city_figures>>& per_scenario,
                   const std::vector<std::vector<std::vector<double>>>& met, const std::string& fork_date);

// Adds the areas' statistics: per_area[a][s][r] are the figures of area a's districts
// (model::city_summary over them) in replicate r of scenario s, for the replicates of `c`.
void add_areas(comparison& c, const std::vector<std::string>& areas,
               const std::vector<std::vector<std::vector<model::city_figures>>>& per_area);

// Cost-effectiveness: a scenario's paired difference from the baseline in metric m (its mean,
// or an end of its 95% interval: stat is the index of diff_mean, diff_lo95 or diff_hi95) per
// million yuan of extra programme money (programme_spend + reward_funds, paired difference of
// the means); NaN when the scenario spends less than 1 million yuan more than the baseline (a ratio
// to a smaller sum says more about the noise than about the money).
double per_million_yuan(const comparison& c, std::size_t s, std::size_t m, std::size_t stat);
const std::vector<model::metric>& cost_effectiveness_metrics();

// Metrics shown in the comparison table (all are stored), and in its breakdown by area.
const std::vector<model::metric>& key_metrics();
const std::vector<model::metric>& area_metrics();

}  // namespace kcsim::analysis
