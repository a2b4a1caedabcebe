// Per-district metrics of the step, reduced deterministically, and the numeric checks.
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/metrics.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

void collect_metrics(engine::step_context& c) {
    const auto& p = c.sc.p;
    const auto& w = c.w;
    const auto& f = w.f;
    const std::size_t nd = w.d.size();
    const std::size_t nb = (f.size() + block - 1) / block;
    constexpr std::size_t M = n_metrics;
    const double years = c.years;
    std::vector<double> partial(std::max<std::size_t>(nb, 1) * nd * M, 0.0);
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        double* part = partial.data() + (b / block) * nd * M;
        for (std::size_t i = b; i < e; ++i) {
            double* r = part + f.district[i] * M;
            // Flows count for every firm (an exiting firm's last flows too); stocks for the living.
            // Most firms have no flow in a week: test once, skip the adds.
            const bool any_flow =
                (f.raised[i] | f.posted[i] | f.solved_posted[i] | f.solved_unposted[i] | f.abandoned[i] |
                 f.services[i] | f.contracts[i] | f.innovations[i] | f.events[i]) != 0 ||
                f.deal_amount[i] != 0.0f || f.contract_value[i] != 0.0f;
            if (any_flow) {
                r[index(metric::needs_raised)] += f.raised[i];
                r[index(metric::problems_posted)] += f.posted[i];
                r[index(metric::problems_solved)] += f.solved_posted[i];
                r[index(metric::needs_solved)] += f.solved_posted[i] + f.solved_unposted[i];
                r[index(metric::needs_abandoned)] += f.abandoned[i];
                r[index(metric::expert_services)] += f.services[i];
                r[index(metric::tech_contracts)] += f.contracts[i];
                r[index(metric::tech_contract_value)] += f.contract_value[i];
                r[index(metric::financing_deals)] += (f.events[i] & state::firm_event::financed) ? 1 : 0;
                r[index(metric::financing_amount)] += f.deal_amount[i];
                r[index(metric::innovations)] += f.innovations[i];
                r[index(metric::firm_births)] += (f.events[i] & state::firm_event::born) ? 1 : 0;
                r[index(metric::firm_exits)] += (f.events[i] & state::firm_event::exited) ? 1 : 0;
                r[index(metric::certifications)] += (f.events[i] & state::firm_event::certified_tech) ? 1 : 0;
            }
            if (!alive(f, i)) continue;
            const bool tech = is_tech(f, i), high = (f.flags[i] & state::firm_flag::high_tech) != 0;
            const bool financed = f.financed_until[i] >= c.step;
            r[index(metric::firms)] += 1;
            r[index(metric::tech_firms)] += tech ? 1 : 0;
            r[index(metric::high_tech_firms)] += high ? 1 : 0;
            r[index(metric::awareness)] += f.awareness[i];
            r[index(metric::needs_unposted)] += f.needs_unposted[i];
            r[index(metric::problems_open)] += f.needs_posted[i];
            r[index(metric::consortium_members)] += f.consortium[i] >= 0 ? 1 : 0;
            const double intensity = (high   ? p.rd_intensity_high_tech
                                      : tech ? p.rd_intensity_tech
                                             : p.rd_intensity_other) *
                                     (financed ? 1.0 + p.finance_rd_boost : 1.0);
            r[index(metric::rd_spend)] += f.output[i] * intensity * years;
            r[index(metric::output_value)] += f.output[i] * years;
        }
    });
    // Combine blocks in block order: the same sums, bit for bit, on any number of threads.
    std::fill(c.row.begin(), c.row.end(), 0.0);
    for (std::size_t b = 0; b < nb; ++b) {
        const double* part = partial.data() + b * nd * M;
        for (std::size_t k = 0; k < nd * M; ++k) c.row[k] += part[k];
    }
    auto at = [&](std::size_t d, metric m) -> double& { return c.row[d * M + index(m)]; };
    for (std::size_t d = 0; d < nd; ++d) {
        const double n = at(d, metric::firms);
        at(d, metric::awareness) = n > 0 ? at(d, metric::awareness) / n : 0.0;
        at(d, metric::pilot_status) = w.d.pilot[d];
        at(d, metric::tech_contracts) += w.d.contracts[d];
        at(d, metric::tech_contract_value) += w.d.contract_value[d];
        at(d, metric::forum_viewers) = w.d.forum_viewers[d];
        at(d, metric::startups_admitted) = w.d.startups_admitted[d];
        at(d, metric::startups_graduated) = w.d.startups_graduated[d];
        at(d, metric::startups_failed) = w.d.startups_failed[d];
        at(d, metric::financing_deals) += w.d.deals[d];
        at(d, metric::financing_amount) += w.d.deal_amount[d];
        at(d, metric::reward_funds) = w.d.reward[d];
        at(d, metric::programme_spend) = w.d.spend[d];
        at(d, metric::workstations) = w.d.workstations[d];
        at(d, metric::district_effort) = w.d.effort[d];
    }
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        const double share = 1.0 / static_cast<double>(w.t.districts[k].size());
        for (auto d : w.t.districts[k]) {
            at(d, metric::expert_teams) += share;
            at(d, metric::experts) += w.t.experts[k] * share;
        }
    }
    for (std::size_t k = 0; k < w.c.size(); ++k) at(w.c.anchor[k], metric::consortia) += w.c.active[k] ? 1 : 0;
    for (std::size_t k = 0; k < w.s.size(); ++k) {
        at(w.s.district[k], metric::startups_active) += w.s.status[k] == state::startup_status::active ? 1 : 0;
    }
}

void check_invariants(engine::step_context& c) {
    const std::size_t nd = c.w.d.size();
    for (std::size_t d = 0; d < nd; ++d) {
        for (std::size_t m = 0; m < n_metrics; ++m) {
            const double v = c.row[d * n_metrics + m];
            if (!std::isfinite(v) || v < 0) {
                throw model_error("metric '" + std::string(metric_table()[m].name) + "' of district '" +
                                  c.sc.districts[d].id + "' is " + std::to_string(v) + " at step " +
                                  std::to_string(c.step) + " (" + core::to_iso(c.sc.cal.step_start(c.step)) +
                                  "): metrics must be finite and non-negative");
            }
        }
    }
    const auto& f = c.w.f;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (!(f.awareness[i] >= 0.0f && f.awareness[i] <= 1.0f) ||
            !(f.tech_level[i] >= 0.0f && f.tech_level[i] <= 1.0f) || !(f.output[i] >= 0.0f) ||
            !std::isfinite(f.output[i])) {
            throw model_error("firm " + std::to_string(f.id[i]) + " is in an impossible state at step " +
                              std::to_string(c.step) + ": awareness " + std::to_string(f.awareness[i]) +
                              ", technology level " + std::to_string(f.tech_level[i]) + ", output " +
                              std::to_string(f.output[i]) + " (expected 0..1, 0..1 and a finite non-negative value)");
        }
    }
    // The ledger balances: funds in = operations + rewards + unspent, nothing negative.
    for (const auto& y : c.w.ledger) {
        const double gap = y.funds_in - (y.operations + y.rewards + y.unspent);
        if (std::abs(gap) > 1e-9 * std::max(1.0, y.funds_in) || y.unspent < -1e-9 * std::max(1.0, y.funds_in) ||
            y.operations < 0 || y.rewards < 0) {
            throw model_error("the programme ledger of " + std::to_string(y.year) + " does not balance at step " +
                              std::to_string(c.step) + ": funds in " + std::to_string(y.funds_in) + ", operations " +
                              std::to_string(y.operations) + ", rewards " + std::to_string(y.rewards) + ", unspent " +
                              std::to_string(y.unspent));
        }
    }
}

}  // namespace kcsim::model::phases
