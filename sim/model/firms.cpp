// Firm life: the rare branches of firm_life (firms.hpp).
#include "model/firms.hpp"

#include <algorithm>

namespace kcsim::model {

void firm_exit(firm_columns f, std::size_t i) {
    f.flags[i] = static_cast<std::uint8_t>(f.flags[i] & ~state::firm_flag::alive);
    f.events[i] |= state::firm_event::exited;
    // Its open needs are lost.
    f.abandoned[i] = static_cast<std::uint16_t>(
        std::min<std::uint32_t>(65535, f.abandoned[i] + f.needs_posted[i] + f.needs_unposted[i]));
    f.needs_posted[i] = 0;
    f.needs_unposted[i] = 0;
    f.consortium[i] = -1;
}

void innovate(const life_step& x, firm_columns f, std::size_t i, std::uint32_t innovations) {
    // Each innovation closes a share of the gaps to the frontier and raises output.
    const double keep = std::pow(x.learning, innovations);
    f.tech_level[i] = static_cast<float>(1.0 - (1.0 - f.tech_level[i]) * keep);
    f.absorptive[i] = static_cast<float>(1.0 - (1.0 - f.absorptive[i]) * keep);
    // Held at max_output (lanes.hpp), as grown() holds it; std::min keeps a NaN for possible().
    f.output[i] =
        static_cast<float>(std::min(f.output[i] * x.growth * std::pow(x.output_gain, innovations), double{max_output}));
    f.innovations[i] = static_cast<std::uint8_t>(std::min<std::uint32_t>(innovations, 255));
    f.mark_flow(i);
}

void certify(firm_columns f, std::size_t i, rng::key key, std::uint64_t step, double left) {
    rng::stream s(key, f.id[i], step, rng::purpose::certification);
    clock_events(f.clock_certify[i], left, 1, s);  // one certification a step
    const bool tech = f.tech(i);
    f.flags[i] |= tech ? state::firm_flag::high_tech : state::firm_flag::tech;
    f.events[i] |= tech ? state::firm_event::certified_high_tech : state::firm_event::certified_tech;
}

std::uint32_t absorb_solutions(const life_step& x, firm_columns f, std::size_t i, rng::key key, std::uint32_t solved) {
    // Solutions the firm absorbs can become innovations.
    rng::stream s(key, f.id[i], static_cast<std::uint64_t>(x.step), rng::purpose::solution_innovation);
    const double q = x.solution_innovation * f.absorptive[i];
    std::uint32_t n = 0;
    for (std::uint32_t k = 0; k < solved; ++k) n += s.uniform() < q ? 1u : 0u;
    return n;
}

}  // namespace kcsim::model
