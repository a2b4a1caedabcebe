#pragma once
// One firm's part of the step's per-district metrics, and the check that its state is
// possible; used by the firm pass (actions.cpp) and for the firms born after it (births.cpp).
#include <cmath>
#include <limits>
#include <string>

#include "core/inline.hpp"
#include "engine/schedule.hpp"
#include "model/firm_columns.hpp"
#include "model/metrics.hpp"

namespace kcsim::model {

struct metric_step {
    double rd[8];  // R&D intensity: [other, tech, high-tech][financed] (and 2 of padding)
    double years;
    int step;
    float least;  // awareness a firm needs to pitch, as the least float >= the parameter (float_at_least)
    static metric_step of(const engine::step_context& c) {
        const auto& p = c.sc.p;
        const double fin = 1.0 + p.finance_rd_boost;
        return {{p.rd_intensity_other, p.rd_intensity_other * fin, p.rd_intensity_tech, p.rd_intensity_tech * fin,
                 p.rd_intensity_high_tech, p.rd_intensity_high_tech * fin, 0.0, 0.0},
                c.years,
                c.step,
                float_at_least(p.pitch_awareness)};
    }
};

// Adds firm i's flows of the step to its district's row of `rows` ([district][metric]), if it
// has any (an exiting firm's last flows too).
KCSIM_ALWAYS_INLINE void add_flows(const firm_columns& f, std::size_t i, double* rows) {
    const std::uint8_t ev = f.events[i];
    if (ev == 0) return;  // most firms have no flow in a week
    double* r = rows + f.district[i] * n_metrics;
    r[index(metric::needs_raised)] += f.raised[i];
    r[index(metric::problems_posted)] += f.posted[i];
    r[index(metric::problems_solved)] += f.solved_posted[i];
    r[index(metric::needs_solved)] += f.solved_posted[i] + f.solved_unposted[i];
    r[index(metric::needs_abandoned)] += f.abandoned[i];
    r[index(metric::expert_services)] += f.services[i];
    r[index(metric::tech_contracts)] += f.contracts[i];
    r[index(metric::tech_contract_value)] += f.contract_value[i];
    r[index(metric::financing_deals)] += (ev & state::firm_event::financed) ? 1 : 0;
    r[index(metric::financing_amount)] += f.deal_amount[i];
    r[index(metric::innovations)] += f.innovations[i];
    r[index(metric::firm_births)] += (ev & state::firm_event::born) ? 1 : 0;
    r[index(metric::firm_exits)] += (ev & state::firm_event::exited) ? 1 : 0;
    r[index(metric::certifications)] += (ev & state::firm_event::certified_tech) ? 1 : 0;
}

// What add_stocks found besides the stocks.
struct stock_counts {
    static constexpr std::size_t none = ~std::size_t{0};
    std::uint64_t pitchers = 0;  // living firms that may pitch
    std::size_t bad = none;      // the first living firm in an impossible state
};

// Adds the stocks of the living firms [b, e) to their districts' rows of `rows`
// ([district][metric]). Firms are stored mostly district by district: each run of living firms
// of one district is summed on its own (counts as integers, exact in any order; awareness, R&D
// and output in firm order) and added to its row when it ends.
stock_counts add_stocks(const metric_step& x, const firm_columns& f, std::size_t b, std::size_t e, double* rows);

// A firm's open needs as counted in districts' open_posted and open_unposted: none once it has
// left. The firm pass moves those counts by the change of this over each firm to which
// something happens (no other firm's needs change).
struct open_needs {
    std::int64_t posted, unposted;
    static open_needs of(const firm_columns& f, std::size_t i) {
        if (!f.alive(i)) return {0, 0};
        return {f.needs_posted[i], f.needs_unposted[i]};
    }
};

// Awareness and technology level in 0..1, output finite and non-negative (lanes.hpp).
KCSIM_ALWAYS_INLINE bool possible_state(const firm_columns& f, std::size_t i) {
    return scalar::possible(f.awareness[i], f.tech_level[i], f.output[i]);
}

// The model_error for firm i in an impossible state (collect.cpp).
[[noreturn]] void impossible_state(const engine::step_context& c, std::size_t i);

}  // namespace kcsim::model
