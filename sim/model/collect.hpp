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
    double rd[6];  // R&D intensity: [other, tech, high-tech][financed]
    double years;
    int step;
    static metric_step of(const engine::step_context& c) {
        const auto& p = c.sc.p;
        const double fin = 1.0 + p.finance_rd_boost;
        return {{p.rd_intensity_other, p.rd_intensity_other * fin, p.rd_intensity_tech, p.rd_intensity_tech * fin,
                 p.rd_intensity_high_tech, p.rd_intensity_high_tech * fin},
                c.years,
                c.step};
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

// The stocks of a run of living firms in one district, summed in registers (firms are stored
// mostly district by district) and added to the district's row when the run ends. Counts are
// integers: exact in any order.
struct stock_sums {
    std::uint64_t firms = 0, tech = 0, high = 0, unposted = 0, open = 0, members = 0;
    double awareness = 0, rd = 0, output = 0;

    KCSIM_ALWAYS_INLINE void add(const metric_step& x, const firm_columns& f, std::size_t i) {
        const unsigned tech_bit = f.tech(i) ? 1u : 0u, high_bit = f.high_tech(i) ? 1u : 0u;
        const unsigned financed = f.financed_until[i] >= x.step ? 1u : 0u;
        const double out = f.output[i];
        firms += 1;
        tech += tech_bit;
        high += high_bit;
        unposted += f.needs_unposted[i];
        open += f.needs_posted[i];
        members += f.consortium[i] >= 0 ? 1u : 0u;
        awareness += f.awareness[i];
        rd += out * x.rd[(tech_bit + high_bit) * 2 + financed];
        output += out;
    }
    void flush(const metric_step& x, double* r) {
        r[index(metric::firms)] += static_cast<double>(firms);
        r[index(metric::tech_firms)] += static_cast<double>(tech);
        r[index(metric::high_tech_firms)] += static_cast<double>(high);
        r[index(metric::needs_unposted)] += static_cast<double>(unposted);
        r[index(metric::problems_open)] += static_cast<double>(open);
        r[index(metric::consortium_members)] += static_cast<double>(members);
        r[index(metric::awareness)] += awareness;
        r[index(metric::rd_spend)] += rd * x.years;
        r[index(metric::output_value)] += output * x.years;
        *this = {};
    }
};

// Awareness and technology level in 0..1, output finite and non-negative.
// Bitwise & on purpose: all the tests, no branches (NaN fails every comparison).
KCSIM_ALWAYS_INLINE bool possible_state(const firm_columns& f, std::size_t i) {
    const float a = f.awareness[i], t = f.tech_level[i], o = f.output[i];
    return static_cast<bool>((a >= 0.0f) & (a <= 1.0f) & (t >= 0.0f) & (t <= 1.0f) & (o >= 0.0f) &
                             (o <= std::numeric_limits<float>::max()));
}

// The model_error for firm i in an impossible state (collect.cpp).
[[noreturn]] void impossible_state(const engine::step_context& c, std::size_t i);

}  // namespace kcsim::model
