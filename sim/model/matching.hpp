#pragma once
// Project-library and fair matches of one firm's posted needs, in the second firm pass
// (actions.cpp), from its district's chance that phases::offer_matches (matching.cpp) set.
#include <vector>

#include "core/inline.hpp"
#include "engine/schedule.hpp"
#include "model/firm_columns.hpp"
#include "model/lanes.hpp"

namespace kcsim::model {

struct match_step {
    std::vector<float> hazard;  // per district: of one posted need becoming a contract over the step
    double value, value_sigma;  // contract value: lognormal mean (million yuan) and log-sd
    bool any;
    static match_step of(const engine::step_context& c);
};

// Firm i's posted needs become contracts on its match clock (state/world.hpp); a contract
// solves the need. Random numbers only when a contract is signed (match_event, matching.cpp).
void match_event(const match_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step, double left);

KCSIM_ALWAYS_INLINE void match_needs(const match_step& x, const firm_columns& f, std::size_t i, rng::key key,
                                     std::uint64_t step) {
    // Without posted needs the hazard is 0 and the clock stays as it was: no test needed first.
    const std::uint32_t po = f.needs_posted[i];
    const float left = scalar::run_down(f.clock_match[i], scalar::match_hazard(po, x.hazard[f.district[i]]));
    if (scalar::runs_out(left, po > 0)) return match_event(x, f, i, key, step, left);
    f.clock_match[i] = left;
}

}  // namespace kcsim::model
