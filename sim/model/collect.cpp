// Per-district metrics of the step: the district-level values (the firms' are reduced in the
// firm pass, collect.hpp), and the numeric checks.
#include "model/collect.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/metrics.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

void collect_metrics(engine::step_context& c) {
    // The firms' part of the row is in already (firm_actions, then births); the district-level
    // values and the programme's own counts are added here.
    const auto& w = c.w;
    const std::size_t nd = w.d.size();
    constexpr std::size_t M = n_metrics;
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

namespace kcsim::model {

void impossible_state(const engine::step_context& c, std::size_t i) {
    const auto& f = c.w.f;
    throw model_error("firm " + std::to_string(f.id[i]) + " is in an impossible state at step " +
                      std::to_string(c.step) + ": awareness " + std::to_string(f.awareness[i]) + ", technology level " +
                      std::to_string(f.tech_level[i]) + ", output " + std::to_string(f.output[i]) +
                      " (expected 0..1, 0..1 and a finite non-negative value)");
}

}  // namespace kcsim::model
