#pragma once
// Roadshow pitches of one firm in the firm pass (actions.cpp): an aware tech firm may pitch at a
// roadshow, a less aware one (often outside the pilots) through the financial services
// platform's online listing at a lower rate; a pitch may become a deal, which raises R&D and
// lowers the exit hazard for a while.
#include <algorithm>

#include "core/inline.hpp"
#include "engine/schedule.hpp"
#include "model/firm_columns.hpp"

namespace kcsim::model {

struct finance_step {
    double pitch;   // chance that an eligible firm pitches (world::pitch_chance)
    double least;   // awareness a firm needs to pitch at a roadshow
    float least_f;  // the least float >= least (float_at_least): the same test in float
    // Firms below `least` but at or above `reach_f` pitch through the platform's online listing
    // of the roadshows, at `platform` times the chance (reach_f = least_f when the platform
    // reaches no one further).
    float reach_f;
    double platform;
    double deal_prob;  // before the firm's technology level
    double amount, amount_sigma;
    std::int32_t until;  // last step a deal made now has effect
    static finance_step of(const engine::step_context& c);
};

// Whether firm i, which may pitch, pitches this step and its pitch becomes a deal; `s` is its
// finance stream of the step and `awareness` its awareness after this step's drift (the quiet
// pass has it in a register, not yet stored). Nothing changes unless it does (the quiet pass
// relies on that).
KCSIM_ALWAYS_INLINE bool pitch_succeeds(const finance_step& x, const firm_columns& f, std::size_t i, float awareness,
                                        rng::stream& s) {
    const double chance = awareness >= x.least_f ? x.pitch : x.pitch * x.platform;
    return s.uniform() < chance && s.uniform() < std::min(1.0, x.deal_prob * (0.5 + f.tech_level[i]));
}

KCSIM_ALWAYS_INLINE void roadshow_pitch(const finance_step& x, const firm_columns& f, std::size_t i, rng::key key,
                                        std::uint64_t step) {
    if (!(x.pitch > 0) || !f.may_pitch(i, x.reach_f)) return;
    rng::stream s(key, f.id[i], step, rng::purpose::finance);
    if (pitch_succeeds(x, f, i, f.awareness[i], s)) {
        f.deal_amount[i] = static_cast<float>(s.lognormal(x.amount, x.amount_sigma));
        f.financed_until[i] = x.until;
        f.events[i] |= state::firm_event::financed;
    }
}

// The chance to pitch this step, from the roadshows held and who may pitch: `firms` eligible
// firms (counted by the last step's firm pass) and the active start-ups.
double pitch_chance(const engine::step_context& c, double firms);

}  // namespace kcsim::model
