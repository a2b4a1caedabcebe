#pragma once
// Expert services to one firm in the second firm pass (actions.cpp), from the chances that
// phases::share_services (experts.cpp) worked out for its district and sector.
#include <algorithm>
#include <vector>

#include "core/inline.hpp"
#include "engine/schedule.hpp"
#include "model/firm_columns.hpp"
#include "model/lanes.hpp"

namespace kcsim::model {

struct service_step {
    // [district][sector]: the expected services to one posted need and visits about one
    // unposted need in the step, as share_services set them; the clock uses them as hazards over
    // the step, so services spread a team's capacity as it was shared out.
    std::vector<float> serve, visit;  // (in float: see needs_step)
    const double* fit;
    std::size_t sectors;
    double solve;  // chance that a service solves the need, before the firm's absorptive capacity and fit
    bool libraries;
    double outreach_awareness;
    bool any;  // some need has a chance of a service this step
    static service_step of(const engine::step_context& c);
};

// Serves firm i's open needs on its service clock (state/world.hpp): the clock runs at the sum
// of its needs' hazards, and each time it runs out one need gets a service, picked in
// proportion to the hazards. A posted need served may be solved; an unposted one visited may be
// solved, or diagnosed into the problem library. At most as many services in a step as the
// firm had open needs. Returns the needs solved. A firm draws random numbers only when it gets a
// service (serve_event, experts.cpp, out of line: the loop stays small).
std::uint32_t serve_event(const service_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step,
                          double left);

KCSIM_ALWAYS_INLINE std::uint32_t serve_needs(const service_step& x, const firm_columns& f, std::size_t i, rng::key key,
                                              std::uint64_t step) {
    // Without open needs the hazard is 0 and the clock stays as it was: no test needed first.
    const std::uint32_t po = f.needs_posted[i], un = f.needs_unposted[i];
    const std::size_t k = f.district[i] * x.sectors + f.sector[i];
    const float left = scalar::run_down(f.clock_service[i], scalar::needs_hazard(po, un, x.serve[k], x.visit[k]));
    if (scalar::runs_out(left, scalar::has_open_needs(po, un))) return serve_event(x, f, i, key, step, left);
    f.clock_service[i] = left;
    return 0;
}

// After the firm pass: solutions feed the case library and the teams' weekly reports.
void report_services(engine::step_context& c, double solved);

}  // namespace kcsim::model
