// Firms join and leave innovation consortia (创新创业共同体): aware tech firms in pilot districts
// join one of their sector; members leave, and all leave a dissolved consortium.
#include <algorithm>

#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

void consortium_membership(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    auto& f = w.f;
    if (w.c.size() == 0) return;
    const bool on = p.programme && p.consortia;
    std::vector<std::vector<std::int32_t>> by_sector(c.sc.sectors.size());
    for (std::size_t k = 0; k < w.c.size(); ++k) {
        if (w.c.active[k]) by_sector[w.c.sector[k]].push_back(static_cast<std::int32_t>(k));
    }
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            if (!alive(f, i)) continue;
            const std::int32_t k = f.consortium[i];
            if (k >= 0) {
                if (!on || !w.c.active[static_cast<std::size_t>(k)]) {
                    f.consortium[i] = -1;
                    continue;
                }
                if (run_clock(f.clock_consortium[i], p.leave_rate * c.years, 1, [&] {
                        return rng::stream(c.key, f.id[i], static_cast<std::uint64_t>(c.step),
                                           rng::purpose::consortium);
                    }) > 0) {
                    f.consortium[i] = -1;
                }
                continue;
            }
            if (!on || !is_tech(f, i) || w.d.pilot[f.district[i]] == 0) continue;
            const auto& options = by_sector[f.sector[i]];
            if (options.empty()) continue;
            if (run_clock(f.clock_consortium[i], p.join_rate * f.awareness[i] * c.years, 1, [&] {
                    return rng::stream(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::consortium);
                }) > 0) {
                rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::consortium_pick);
                const auto pick = static_cast<std::size_t>(s.uniform() * static_cast<double>(options.size()));
                f.consortium[i] = options[std::min(pick, options.size() - 1)];
                f.events[i] |= state::firm_event::joined;
            }
        }
    });
}

}  // namespace kcsim::model::phases
