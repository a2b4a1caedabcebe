// Programme money at the end of a step: city-wide costs spread over districts, districts' effort
// paid from their purses, and at each year end the 以奖代补 evaluation: pilots are scored on what
// they achieved, the reward pool is shared by the scenario's rule and paid into the pilots'
// purses, and each pilot chooses its effort for the next year (budget.hpp pays the activities).
#include "model/funding.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"
#include "engine/execution.hpp"
#include "model/budget.hpp"
#include "model/common.hpp"
#include "model/metrics.hpp"
#include "model/phases.hpp"

namespace kcsim::model {

std::vector<double> share_rewards(const scenario::params& p, const std::vector<double>& score, double pool) {
    const std::size_t n = score.size();
    std::vector<double> r(n, 0.0);
    if (n == 0 || !(pool > 0)) return r;
    if (p.reward_rule == "proportional") {
        const double total = std::accumulate(score.begin(), score.end(), 0.0);
        for (std::size_t i = 0; i < n; ++i) r[i] = total > 0 ? pool * score[i] / total : pool / static_cast<double>(n);
    } else if (p.reward_rule == "tournament") {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), std::size_t{0});
        // Ties go to the district listed first: a total order, so the outcome is deterministic.
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
        const std::size_t k = std::min<std::size_t>(n, static_cast<std::size_t>(p.reward_top_k));
        for (std::size_t j = 0; j < k; ++j) r[order[j]] = pool / static_cast<double>(k);
    } else if (p.reward_rule == "threshold") {
        std::size_t winners = 0;
        for (double s : score) winners += s >= p.reward_threshold ? 1 : 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (winners > 0 && score[i] >= p.reward_threshold) r[i] = pool / static_cast<double>(winners);
        }
    } else {
        throw internal_error("unknown reward rule '" + p.reward_rule + "'");
    }
    return r;
}

// The effort a pilot chooses after an evaluation: of effort - step, effort and effort + step
// (within the bounds), the one with the largest expected reward under the rule less its cost.
// A district expects its score to scale with effort as its exposure does (effort_factor), the
// others' scores and the pool to stay as they were, and can only choose effort above 1 that
// its purse pays for a year. So the rules differ in incentive, not only in shares: under
// proportional shares every pilot gains a little from more effort; under a tournament only
// those near the top-k cut-off gain, and the rest save their effort; under a threshold those
// just below it gain, and those well above or far below save theirs.
double choose_effort(const scenario::params& p, const std::vector<double>& score, std::size_t j, double pool,
                     double effort, double purse) {
    double best = effort, best_net = -1e300;
    for (double step : {0.0, -p.effort_learning, p.effort_learning}) {
        const double e = std::clamp(effort + step, p.effort_min, p.effort_max);
        if (e > 1 && p.effort_cost * (e - 1) > purse + 1e-12) continue;  // cannot pay for it
        auto mine = score;
        mine[j] = score[j] * effort_factor(p, e) / effort_factor(p, effort);
        const double net = share_rewards(p, mine, pool)[j] - p.effort_cost * e;
        if (net > best_net + 1e-12) {  // ties keep the earlier candidate: the current effort first
            best = e;
            best_net = net;
        }
    }
    return best;
}

namespace phases {

namespace {

void evaluate(engine::step_context& c, state::ledger_year& y, const std::vector<double>& firms) {
    const auto& p = c.sc.p;
    auto& d = c.w.d;
    const auto pilots = pilot_districts(d);
    const double pool = std::min(p.reward_share * y.funds_in, y.unspent);
    if (!pilots.empty() && pool > 0) {
        // KPIs per 1,000 firms: problems solved, contracts, new certifications; each relative
        // to the pilots' mean, then averaged.
        const std::vector<const std::vector<double>*> kpis = {&d.year_solved, &d.year_contracts, &d.year_certified};
        std::vector<double> score(pilots.size(), 0.0);
        int used = 0;
        for (const auto* kpi : kpis) {
            std::vector<double> v;
            for (auto k : pilots) v.push_back(firms[k] > 0 ? (*kpi)[k] * 1000.0 / firms[k] : 0.0);
            const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
            if (!(mean > 0)) continue;
            for (std::size_t j = 0; j < v.size(); ++j) score[j] += v[j] / mean;
            ++used;
        }
        if (used > 0) {
            for (auto& s : score) s /= used;
            const auto reward = share_rewards(p, score, pool);
            double paid = 0;
            for (std::size_t j = 0; j < pilots.size(); ++j) {
                const auto k = pilots[j];
                d.reward[k] += reward[j];
                d.purse[k] += reward[j];  // rewards fund the district's own activities
                paid += reward[j];
            }
            // Effort for the next year, each pilot on the scores all have seen.
            if (p.effort_learning > 0) {
                for (std::size_t j = 0; j < pilots.size(); ++j) {
                    const auto k = pilots[j];
                    d.effort[k] = choose_effort(p, score, j, pool, d.effort[k], d.purse[k]);
                }
            }
            y.rewards += paid;
            y.unspent = y.funds_in + y.cofunding - y.operations - y.rewards;
        }
    }
    std::fill(d.year_solved.begin(), d.year_solved.end(), 0.0);
    std::fill(d.year_contracts.begin(), d.year_contracts.end(), 0.0);
    std::fill(d.year_certified.begin(), d.year_certified.end(), 0.0);
}

}  // namespace

void funding(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    auto& d = w.d;
    const std::size_t nd = d.size();

    // District results of the step, for the evaluation, and firms per district: the firms' part
    // of the step's metrics, which the firm pass and births have summed (collect.hpp).
    std::vector<double> firms(nd, 0.0);
    for (std::size_t k = 0; k < nd; ++k) {
        const double* r = c.row.data() + k * n_metrics;
        d.year_solved[k] += r[index(metric::problems_solved)];
        d.year_contracts[k] += r[index(metric::tech_contracts)];
        d.year_certified[k] += r[index(metric::certifications)];
        firms[k] = r[index(metric::firms)];
    }
    for (std::size_t k = 0; k < nd; ++k) d.year_contracts[k] += d.contracts[k];  // forum agreements

    auto& y = budget::ledger_of_step(c);
    if (p.programme) {
        // What was paid city-wide this step (the platform, roadshows) is spread over districts by
        // firms; district activities were charged to their districts when paid (budget.cpp).
        const double all = std::accumulate(firms.begin(), firms.end(), 0.0);
        for (std::size_t k = 0; k < nd && all > 0; ++k) d.spend[k] += w.citywide_spend * firms[k] / all;
        // Effort above 1 costs the district money and staff time, paid from its purse; what the
        // purse cannot pay is effort not made.
        for (std::size_t k = 0; k < nd; ++k) {
            if (!(d.effort[k] > 1) || !(p.effort_cost > 0)) continue;
            const double cost = p.effort_cost * (d.effort[k] - 1) * c.years;
            if (d.purse[k] >= cost) {
                d.purse[k] -= cost;
            } else {
                d.effort[k] = 1 + d.purse[k] / (p.effort_cost * c.years);
                d.purse[k] = 0;
            }
        }
    }
    w.citywide_spend = 0;
    if (year_end(c.sc.cal, c.step)) evaluate(c, y, firms);
}

}  // namespace phases
}  // namespace kcsim::model
