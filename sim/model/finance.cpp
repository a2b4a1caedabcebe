// Roadshows of the financial services platform: aware tech firms and active start-ups pitch;
// some get deals, which raise R&D and lower the exit hazard for a while. Firms pitch in the
// firm pass (finance.hpp); start-ups here, after it.
#include "model/finance.hpp"

#include <cmath>

#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model {

namespace {
int deal_weeks(const engine::step_context& c) {
    return static_cast<int>(std::lround(c.sc.p.finance_weeks * 7.0 / c.sc.cal.step_days));
}
}  // namespace

double pitch_chance(const engine::step_context& c, double firms) {
    const auto& w = c.w;
    if (w.roadshows == 0) return 0.0;
    double eligible = firms;
    for (std::size_t k = 0; k < w.s.size(); ++k) eligible += w.s.status[k] == state::startup_status::active ? 1 : 0;
    return eligible > 0 ? std::min(1.0, w.roadshows * c.sc.p.pitches_per_roadshow / eligible) : 0.0;
}

finance_step finance_step::of(const engine::step_context& c) {
    const auto& p = c.sc.p;
    // The platform reaches further only while it runs (paid, budget.cpp) and its ratio is above 0.
    const bool online = platform_runs(p, c.w) && p.platform_pitch_ratio > 0 && p.platform_awareness < p.pitch_awareness;
    const float least = float_at_least(p.pitch_awareness);
    return {c.w.pitch_chance,
            p.pitch_awareness,
            least,
            online ? float_at_least(p.platform_awareness) : least,
            online ? p.platform_pitch_ratio : 0.0,
            p.deal_prob,
            p.deal_amount,
            p.deal_amount_sigma,
            c.step + deal_weeks(c)};
}

namespace phases {

void open_roadshows(engine::step_context& c) {
    c.w.pitch_chance = pitch_chance(c, static_cast<double>(c.w.pitch_eligible));
}

void startup_deals(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    if (!(w.pitch_chance > 0)) return;
    for (std::size_t k = 0; k < w.s.size(); ++k) {
        if (w.s.status[k] != state::startup_status::active) continue;
        rng::stream s(c.key, rng::startup_agent(w.s.id[k]), static_cast<std::uint64_t>(c.step), rng::purpose::finance);
        if (s.uniform() < w.pitch_chance && s.uniform() < std::min(1.0, p.deal_prob * 0.5)) {
            const std::size_t d = w.s.district[k];
            w.d.deals[d] += 1;
            w.d.deal_amount[d] += s.lognormal(p.deal_amount, p.deal_amount_sigma);
            w.s.financed_until[k] = c.step + deal_weeks(c);
        }
    }
}

}  // namespace phases
}  // namespace kcsim::model
