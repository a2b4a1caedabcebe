// Firm life: innovation (own research, absorbed solutions, consortia, workstations, finance),
// output growth, certification as tech-based and high-tech firms, and exit. Own research,
// certification and exit run on event clocks (state/world.hpp).
#include <algorithm>
#include <cmath>

#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

void firm_dynamics(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& f = c.w.f;
    const double growth = std::exp(p.growth_rate * c.years);
    const double programme = p.programme ? 1.0 : 0.0;
    const double dt = c.years;
    const auto step = static_cast<std::uint64_t>(c.step);
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            if (!alive(f, i)) continue;
            const bool financed = f.financed_until[i] >= c.step;
            const bool tech = is_tech(f, i);

            const double exit_h = (tech ? p.exit_rate_tech : p.exit_rate_other) * (financed ? p.finance_survival : 1.0);
            f.clock_exit[i] -= static_cast<float>(exit_h * dt);
            if (f.clock_exit[i] <= 0) {
                f.flags[i] = static_cast<std::uint8_t>(f.flags[i] & ~state::firm_flag::alive);
                f.events[i] |= state::firm_event::exited;
                f.abandoned[i] = static_cast<std::uint16_t>(
                    std::min<std::uint32_t>(65535, f.abandoned[i] + f.needs_posted[i] + f.needs_unposted[i]));
                f.needs_posted[i] = 0;
                f.needs_unposted[i] = 0;
                f.consortium[i] = -1;
                continue;
            }

            const double level = f.tech_level[i];
            const double boost = 1.0 + (f.consortium[i] >= 0 ? p.consortium_boost : 0.0) +
                                 ((f.flags[i] & state::firm_flag::workstation) ? p.workstation_boost : 0.0) +
                                 (financed ? p.finance_rd_boost : 0.0);
            std::uint32_t innovations =
                run_clock(f.clock_innovate[i], p.innovation_rate * level * boost * dt, 255,
                          [&] { return rng::stream(c.key, f.id[i], step, rng::purpose::firm_life); });
            const std::uint32_t solved = f.solved_posted[i] + f.solved_unposted[i];
            if (solved > 0) {
                // Solutions the firm absorbs can become innovations.
                rng::stream s(c.key, f.id[i], step, rng::purpose::solution_innovation);
                const double q = p.solution_innovation * f.absorptive[i];
                for (std::uint32_t k = 0; k < solved; ++k) innovations += s.uniform() < q ? 1u : 0u;
            }
            double out = f.output[i] * growth;
            if (innovations > 0) {
                const double keep = std::pow(1.0 - p.innovation_learning, innovations);
                f.tech_level[i] = static_cast<float>(1.0 - (1.0 - level) * keep);
                f.absorptive[i] = static_cast<float>(1.0 - (1.0 - f.absorptive[i]) * keep);
                out *= std::pow(1.0 + p.innovation_output_gain, innovations);
                f.innovations[i] = static_cast<std::uint8_t>(std::min<std::uint32_t>(innovations, 255));
            }
            f.output[i] = static_cast<float>(out);

            // One clock for the next certification: tech-based first, then high-tech.
            const bool high = (f.flags[i] & state::firm_flag::high_tech) != 0;
            double cert_h = 0;
            if (!tech) {
                cert_h = p.certification_rate * f.tech_level[i] / p.tech_level_other *
                         (1.0 + p.certification_awareness_boost * f.awareness[i] * programme);
            } else if (!high) {
                cert_h = p.high_tech_rate * f.tech_level[i] / p.tech_level_tech;
            }
            if (cert_h > 0 && run_clock(f.clock_certify[i], cert_h * dt, 1, [&] {
                                  return rng::stream(c.key, f.id[i], step, rng::purpose::certification);
                              }) > 0) {
                if (!tech) {
                    f.flags[i] |= state::firm_flag::tech;
                    f.events[i] |= state::firm_event::certified_tech;
                } else {
                    f.flags[i] |= state::firm_flag::high_tech;
                    f.events[i] |= state::firm_event::certified_high_tech;
                }
            }
        }
    });
}

}  // namespace kcsim::model::phases
