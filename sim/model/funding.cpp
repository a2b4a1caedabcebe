// Programme money: operating costs as they are incurred (capped at what is left of the year's
// funds), and at each year end the 以奖代补 evaluation: pilots are scored on what they achieved,
// the reward pool is shared by the scenario's rule, and districts adapt their effort.
#include "model/funding.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"
#include "engine/execution.hpp"
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

namespace phases {

namespace {

state::ledger_year& ledger_for(engine::step_context& c) {
    const int year = year_of(c.sc.cal, c.step);
    auto& l = c.w.ledger;
    if (l.empty() || l.back().year != year) {
        state::ledger_year y;
        y.year = year;
        // The year's funds, pro rata for a year the period covers only in part.
        y.funds_in = c.sc.p.programme ? c.sc.p.annual_budget * year_fraction(c.sc.cal, year) : 0.0;
        y.unspent = y.funds_in;
        l.push_back(y);
    }
    return l.back();
}

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
            const double fair_share = pool / static_cast<double>(pilots.size());
            double paid = 0;
            for (std::size_t j = 0; j < pilots.size(); ++j) {
                const auto k = pilots[j];
                d.reward[k] += reward[j];
                paid += reward[j];
                // Reward-seeking districts: more effort after a reward above the average pilot's.
                d.effort[k] = std::clamp(d.effort[k] + p.effort_learning * (reward[j] / fair_share - 1.0), p.effort_min,
                                         p.effort_max);
            }
            y.rewards += paid;
            y.unspent = y.funds_in - y.operations - y.rewards;
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

    auto& y = ledger_for(c);
    if (p.programme) {
        // Costs of the step by district. Forums and fairs were charged when held.
        for (std::size_t k = 0; k < w.t.size(); ++k) {
            const double cost = w.t.experts[k] * p.cost_per_expert_year * c.years;
            for (auto dd : w.t.districts[k]) d.spend[dd] += cost / static_cast<double>(w.t.districts[k].size());
        }
        for (std::size_t k = 0; k < w.c.size(); ++k) {
            if (w.c.active[k] && p.consortia) d.spend[w.c.anchor[k]] += p.consortium_cost_year * c.years;
        }
        double incubated = 0;
        for (std::size_t k = 0; k < w.s.size(); ++k) {
            incubated += (w.s.status[k] == state::startup_status::active && w.s.incubated[k]) ? 1 : 0;
        }
        d.spend[c.sc.incubator_district] += incubated * p.cost_per_startup_year * c.years;
        // City-wide costs (platform and libraries, roadshows) are spread over districts by firms.
        const double citywide =
            (p.libraries ? p.platform_cost_year * c.years : 0.0) + w.roadshows * p.cost_per_roadshow;
        const double all = std::accumulate(firms.begin(), firms.end(), 0.0);
        for (std::size_t k = 0; k < nd && all > 0; ++k) d.spend[k] += citywide * firms[k] / all;

        // Pay what the year's funds allow; the rest is recorded as unfunded.
        const double cost = std::accumulate(d.spend.begin(), d.spend.end(), 0.0);
        const double paid = std::clamp(std::min(cost, y.unspent), 0.0, cost);
        const double scale = cost > 0 ? paid / cost : 0.0;
        for (auto& x : d.spend) x *= scale;
        y.operations += paid;
        y.unfunded += cost - paid;
        y.unspent = y.funds_in - y.operations - y.rewards;
    } else {
        std::fill(d.spend.begin(), d.spend.end(), 0.0);
    }
    if (year_end(c.sc.cal, c.step)) evaluate(c, y, firms);
}

}  // namespace phases
}  // namespace kcsim::model
