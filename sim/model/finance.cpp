// Roadshows of the financial services platform: aware tech firms and active start-ups pitch;
// some get deals, which raise R&D and lower the exit hazard for a while.
#include <algorithm>
#include <cmath>

#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

namespace {
bool may_pitch(const state::firms& f, std::size_t i, double least) {
    return alive(f, i) && is_tech(f, i) && f.awareness[i] >= least;
}
}  // namespace

void finance_deals(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    auto& f = w.f;
    if (w.roadshows == 0) return;
    std::size_t eligible = 0;
    for (std::size_t i = 0; i < f.size(); ++i) eligible += may_pitch(f, i, p.pitch_awareness) ? 1u : 0u;
    for (std::size_t k = 0; k < w.s.size(); ++k) eligible += w.s.status[k] == state::startup_status::active ? 1u : 0u;
    if (eligible == 0) return;
    const double pitch = std::min(1.0, w.roadshows * p.pitches_per_roadshow / static_cast<double>(eligible));
    const int weeks = static_cast<int>(std::lround(p.finance_weeks * 7.0 / c.sc.cal.step_days));
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            if (!may_pitch(f, i, p.pitch_awareness)) continue;
            rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::finance);
            if (s.uniform() < pitch && s.uniform() < std::min(1.0, p.deal_prob * (0.5 + f.tech_level[i]))) {
                f.deal_amount[i] = static_cast<float>(s.lognormal(p.deal_amount, p.deal_amount_sigma));
                f.financed_until[i] = c.step + weeks;
                f.events[i] |= state::firm_event::financed;
            }
        }
    });
    for (std::size_t k = 0; k < w.s.size(); ++k) {
        if (w.s.status[k] != state::startup_status::active) continue;
        rng::stream s(c.key, rng::startup_agent(w.s.id[k]), static_cast<std::uint64_t>(c.step), rng::purpose::finance);
        if (s.uniform() < pitch && s.uniform() < std::min(1.0, p.deal_prob * 0.5)) {
            const std::size_t d = w.s.district[k];
            w.d.deals[d] += 1;
            w.d.deal_amount[d] += s.lognormal(p.deal_amount, p.deal_amount_sigma);
            w.s.financed_until[k] = c.step + weeks;
        }
    }
}

}  // namespace kcsim::model::phases
