#pragma once
// Firm life in the second firm pass (actions.cpp): innovation (own research, absorbed
// solutions, consortia, workstations, finance), output growth, certification as tech-based and
// high-tech firms, and exit. Own research, certification and exit run on event clocks
// (state/world.hpp).
#include <cmath>

#include "core/inline.hpp"
#include "model/common.hpp"
#include "model/firm_columns.hpp"
#include "model/lanes.hpp"

namespace kcsim::model {

// The step's rates, worked out once: hazards over the step by the kind of firm.
struct life_step {
    // Hazards over the step, in float (see needs_step):
    // Tables of eight, looked up by the kind of firm (lanes.hpp); unused entries are 0.
    float exit[8];               // [tech][financed]
    float innovate[8];           // [consortium member][workstation][financed], per unit of technology level
    float certify[8];            // [other, tech, high-tech]: per unit of technology level (high-tech: none)
    float certify_aware[8];      // extra certification per unit of awareness, relative (non-tech firms only)
    double solution_innovation;  // chance per solved need, per unit of absorptive capacity
    double learning;             // share of the gap to 1 that an innovation closes (technology, absorption)
    double output_gain;          // output factor per innovation
    double growth;               // output factor over the step
    int step;
    static life_step of(const engine::step_context& c) {
        const auto& p = c.sc.p;
        const double dt = c.years;
        life_step x{};
        for (int tech = 0; tech < 2; ++tech) {
            for (int fin = 0; fin < 2; ++fin) {
                x.exit[tech * 2 + fin] = static_cast<float>((tech ? p.exit_rate_tech : p.exit_rate_other) *
                                                            (fin ? p.finance_survival : 1.0) * dt);
            }
        }
        for (int k = 0; k < 8; ++k) {
            const double boost = 1.0 + ((k & 4) ? p.consortium_boost : 0.0) + ((k & 2) ? p.workstation_boost : 0.0) +
                                 ((k & 1) ? p.finance_rd_boost : 0.0);
            x.innovate[k] = static_cast<float>(p.innovation_rate * boost * dt);
        }
        x.certify[0] = static_cast<float>(p.certification_rate / p.tech_level_other * dt);
        x.certify[1] = static_cast<float>(p.high_tech_rate / p.tech_level_tech * dt);
        x.certify_aware[0] = p.programme ? static_cast<float>(p.certification_awareness_boost) : 0.0f;
        x.solution_innovation = p.solution_innovation;
        x.learning = 1.0 - p.innovation_learning;
        x.output_gain = 1.0 + p.innovation_output_gain;
        x.growth = std::exp(p.growth_rate * dt);
        x.step = c.step;
        return x;
    }
};

// The rare branches of firm_life, out of line (firms.cpp) so the loop it sits in stays small.
void firm_exit(firm_columns f, std::size_t i);
void innovate(const life_step& x, firm_columns f, std::size_t i, std::uint32_t innovations);
void certify(firm_columns f, std::size_t i, rng::key key, std::uint64_t step, double left);
std::uint32_t absorb_solutions(const life_step& x, firm_columns f, std::size_t i, rng::key key, std::uint32_t solved);

// Returns false if the firm exited in this step.
KCSIM_ALWAYS_INLINE bool firm_life(const life_step& x, const firm_columns& f, std::size_t i, rng::key key) {
    const auto step = static_cast<std::uint64_t>(x.step);
    const bool financed = f.financed_until[i] >= x.step;
    const bool tech = f.tech(i);

    f.clock_exit[i] = scalar::run_down(f.clock_exit[i], scalar::exit_hazard(x.exit, tech, financed));
    if (scalar::runs_out(f.clock_exit[i])) {
        firm_exit(f, i);
        return false;
    }

    const float used = scalar::innovation_hazard(x.innovate, f.consortium[i] >= 0,
                                                 scalar::has_flag(f.flags[i], state::firm_flag::workstation), financed,
                                                 f.tech_level[i]);
    std::uint32_t innovations = run_clock(f.clock_innovate[i], used, 255,
                                          [&] { return rng::stream(key, f.id[i], step, rng::purpose::firm_life); });
    const std::uint32_t solved = f.solved_posted[i] + f.solved_unposted[i];
    if (solved > 0) innovations += absorb_solutions(x, f, i, key, solved);
    if (innovations > 0) {
        innovate(x, f, i, innovations);
    } else {
        f.output[i] = scalar::grown(f.output[i], x.growth);
    }

    // One clock for the next certification: tech-based first, then high-tech. By table, not by
    // branches on the kind of firm, which the CPU cannot predict.
    const float h =
        scalar::certification_hazard(x.certify, x.certify_aware, tech, f.high_tech(i), f.tech_level[i], f.awareness[i]);
    const float left = scalar::run_down(f.clock_certify[i], h);
    if (scalar::runs_out(left, h > 0)) {
        certify(f, i, key, step, left);
    } else {
        f.clock_certify[i] = left;
    }
    return true;
}

}  // namespace kcsim::model
