// The project library (项目库) and supply-demand matching fairs turn open posted problems into
// technology contracts: a match is found, then it becomes a contract, which solves the need.
// Here: each district's chance of a match this step; the firm pass draws them (matching.hpp).
#include "model/matching.hpp"

#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model {

match_step match_step::of(const engine::step_context& c) {
    const auto& p = c.sc.p;
    match_step m{{}, p.contract_value, p.contract_value_sigma, false};
    for (const double x : c.w.d.match_chance) {
        m.hazard.push_back(static_cast<float>(x * p.contract_prob));  // expected contracts per posted need
        m.any = m.any || m.hazard.back() > 0;
    }
    return m;
}

void match_event(const match_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step, double left) {
    std::uint32_t po = f.needs_posted[i];
    rng::stream s(key, f.id[i], step, rng::purpose::library_match);
    std::uint32_t signed_now = 0;
    double value = 0;
    while (left <= 0 && po > 0) {
        --po;
        ++signed_now;
        value += s.lognormal(x.value, x.value_sigma);
        left += s.exp1();
    }
    if (left <= 0) left = s.exp1();
    f.clock_match[i] = static_cast<float>(left);
    f.needs_posted[i] = po;
    f.solved_posted[i] = static_cast<std::uint16_t>(f.solved_posted[i] + signed_now);
    f.contracts[i] = static_cast<std::uint16_t>(f.contracts[i] + signed_now);
    f.contract_value[i] += static_cast<float>(value);
    f.mark_flow(i);
}

namespace phases {

void offer_matches(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& d = c.w.d;
    const double library = platform_runs(p, c.w) ? rng::hazard_prob(p.project_match_rate, c.years) : 0.0;
    for (std::size_t k = 0; k < d.size(); ++k) {
        const double fair = p.programme && d.fair[k] ? p.fair_match_prob : 0.0;
        d.match_chance[k] = 1.0 - (1.0 - library) * (1.0 - fair);
    }
}

}  // namespace phases
}  // namespace kcsim::model
