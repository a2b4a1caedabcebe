#include "analysis/targets.hpp"

#include <cmath>

#include "model/common.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"

namespace kcsim::analysis {

using model::metric;

namespace {
// The 双倍增 plan doubles both stocks in the five years 2022-2027: 2^(1/5) = +14.9% a year.
constexpr double doubling_years = 5.0;
}  // namespace

const std::vector<target>& plan_targets() {
    static const std::vector<target> t = {
        {"tech_firms_doubling_pace", target_kind::outcome,
         "科技型企业 (tech-based firms) grow at least at the pace of doubling in five years (x2^(years/5) over the "
         "period)",
         "重庆市高新技术企业和科技型企业“双倍增”行动计划(2023—2027年), 市政府办公厅 2023-03-29: 42,989 in 2022 to "
         "over 86,000 by 2027 (domain.md 5.2)"},
        {"high_tech_doubling_pace", target_kind::outcome,
         "高新技术企业 (high-tech firms) grow at least at the pace of doubling in five years",
         "same plan: 6,348 in 2022 to over 12,800 by 2027"},
        {"startups_incubated_100", target_kind::outcome,
         "at least 100 start-up teams admitted to paid incubator places over the period",
         "seed 000 (菁英 centre: 100 start-up teams in three years)"},
        {"pilots_plus_3", target_kind::input, "at least 3 more pilot districts at the end than at the start",
         "seed 002 (3-5 more by 2023)"},
        {"teams_plus_3", target_kind::input, "at least 3 more expert teams at the end than at the start",
         "seed 002 (3-5 more)"},
        {"forums_bimonthly", target_kind::input, "a forum held in at least 6 steps a year on average",
         "seed 002 (bimonthly forums)"},
        {"rewards_every_year", target_kind::input, "以奖代补 rewards paid in every calendar year of the period",
         "seed 002 (annual evaluation)"},
    };
    return t;
}

std::vector<double> targets_met(const scenario::scenario& sc, std::span<const double> metrics) {
    const std::size_t nd = sc.districts.size(), steps = static_cast<std::size_t>(sc.cal.steps());
    const std::size_t row = nd * model::n_metrics;
    auto city = [&](std::size_t t, metric m) { return model::city_value(metrics.subspan(t * row, row), nd, m); };
    double admitted = 0, forum_steps = 0;
    std::vector<int> years;
    std::vector<double> rewards;
    for (std::size_t t = 0; t < steps; ++t) {
        admitted +=
            metrics[t * row + sc.incubator_district * model::n_metrics + model::index(metric::startups_admitted)];
        forum_steps += city(t, metric::forum_viewers) > 0 ? 1 : 0;
        const int y = model::year_of(sc.cal, static_cast<int>(t));
        if (years.empty() || years.back() != y) {
            years.push_back(y);
            rewards.push_back(0);
        }
        rewards.back() += city(t, metric::reward_funds);
    }
    const double years_covered = static_cast<double>(steps) * sc.cal.step_years();
    const double pace = std::pow(2.0, years_covered / doubling_years);
    bool every_year = !rewards.empty();
    for (double r : rewards) every_year = every_year && r > 0;
    auto grew = [&](metric m) { return city(steps - 1, m) >= pace * city(0, m) ? 1.0 : 0.0; };
    return {
        grew(metric::tech_firms),
        grew(metric::high_tech_firms),
        admitted >= 100 ? 1.0 : 0.0,
        city(steps - 1, metric::pilot_status) - city(0, metric::pilot_status) >= 3 ? 1.0 : 0.0,
        city(steps - 1, metric::expert_teams) - city(0, metric::expert_teams) >= 3 - 1e-9 ? 1.0 : 0.0,
        forum_steps >= 6 * years_covered - 0.5 ? 1.0 : 0.0,
        every_year ? 1.0 : 0.0,
    };
}

}  // namespace kcsim::analysis
