#pragma once
// A firm's own part of the step, first in the firm pass (actions.cpp): its awareness drifts
// toward its district's programme exposure, its open needs are solved on the market or
// abandoned, and new needs arrive, some posted to the problem library. The programme's routes
// to a solution follow in the same pass (experts.hpp, matching.hpp).
#include <vector>

#include "core/inline.hpp"
#include "model/common.hpp"
#include "model/firm_columns.hpp"
#include "model/lanes.hpp"

namespace kcsim::model {

// The per-firm arithmetic of a step (awareness, hazards, clocks) is in float, as the columns
// are: the quiet pass (quiet.hpp) then does it eight firms to a vector register. Rates are worked
// out in double and rounded to float once per step.
struct needs_step {
    // Awareness: da/dt = e (1 - a) - delta a has the exact solution a* + (a - a*) exp(-(e + delta) dt);
    // per district, the target a* and the factor exp(-(e + delta) dt).
    std::vector<float> target, keep;
    // Market resolution: each open need is solved or abandoned, posted ones solved faster. The
    // firm's resolution clock runs at the sum of its needs' hazards; each time it runs out one
    // need resolves, picked in proportion to the hazards (exact competing risks).
    float h_posted, h_unposted;           // hazards over the step
    double solve_posted, solve_unposted;  // chance that a resolution is a solution
    float arrive[2];                      // need arrivals expected over the step: [tech]
    bool library;                         // needs can be posted
    double post_unaware, post_aware;      // chance that a new need is posted, at awareness 0 and 1
    static needs_step of(const engine::step_context& c);
};

// The rare branches, out of line (needs.cpp).
void resolve_event(const needs_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step, double left);
void arrival_event(const needs_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step, double left);

KCSIM_ALWAYS_INLINE void firm_needs(const needs_step& x, const firm_columns& f, std::size_t i, rng::key key,
                                    std::uint64_t step) {
    const std::size_t d = f.district[i];
    f.awareness[i] = scalar::drift(f.awareness[i], x.target[d], x.keep[d]);
    // No test for open needs first: without any the hazard is 0 and the clock stays as it was
    // (exactly), and a test would be a branch the CPU cannot predict.
    const std::uint32_t po = f.needs_posted[i], un = f.needs_unposted[i];
    const float left_resolve =
        scalar::run_down(f.clock_resolve[i], scalar::needs_hazard(po, un, x.h_posted, x.h_unposted));
    if (scalar::runs_out(left_resolve, scalar::has_open_needs(po, un))) {
        resolve_event(x, f, i, key, step, left_resolve);
    } else {
        f.clock_resolve[i] = left_resolve;
    }
    const float left = scalar::run_down(f.clock_need[i], scalar::arrival_hazard(f.tech(i), x.arrive[0], x.arrive[1]));
    if (scalar::runs_out(left)) {
        arrival_event(x, f, i, key, step, left);
    } else {
        f.clock_need[i] = left;
    }
}

}  // namespace kcsim::model
