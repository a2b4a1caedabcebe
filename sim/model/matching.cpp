// The project library (项目库) and supply-demand matching fairs turn open posted problems into
// technology contracts: a match is found, then it becomes a contract, which solves the need.
#include <algorithm>

#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

void match_needs(engine::step_context& c) {
    const auto& p = c.sc.p;
    if (!p.programme) return;
    auto& w = c.w;
    auto& f = w.f;
    const double library = p.libraries ? rng::hazard_prob(p.project_match_rate, c.years) : 0.0;
    std::vector<double> match(w.d.size());
    bool any = library > 0;
    for (std::size_t d = 0; d < w.d.size(); ++d) {
        const double fair = w.d.fair[d] ? p.fair_match_prob : 0.0;
        match[d] = 1.0 - (1.0 - library) * (1.0 - fair);
        any = any || fair > 0;
    }
    if (!any || !(p.contract_prob > 0)) return;
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            if (f.needs_posted[i] == 0 || !alive(f, i)) continue;
            const double m = match[f.district[i]];
            rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::library_match);
            std::uint32_t signed_now = 0;
            double value = 0;
            for (std::uint32_t n = 0; n < f.needs_posted[i]; ++n) {
                if (s.uniform() < m && s.uniform() < p.contract_prob) {
                    ++signed_now;
                    value += s.lognormal(p.contract_value, p.contract_value_sigma);
                }
            }
            f.needs_posted[i] -= signed_now;
            f.solved_posted[i] = static_cast<std::uint16_t>(f.solved_posted[i] + signed_now);
            f.contracts[i] = static_cast<std::uint16_t>(f.contracts[i] + signed_now);
            f.contract_value[i] += static_cast<float>(value);
        }
    });
}

}  // namespace kcsim::model::phases
