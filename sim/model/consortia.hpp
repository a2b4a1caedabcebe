#pragma once
// Firms join and leave innovation consortia (创新创业共同体), in the second firm pass
// (actions.cpp): aware tech firms in pilot districts join one of their sector; members leave,
// and all leave a dissolved consortium.
#include <algorithm>
#include <vector>

#include "core/inline.hpp"
#include "model/common.hpp"
#include "model/firm_columns.hpp"
#include "model/lanes.hpp"

namespace kcsim::model {

struct consortium_step {
    bool any;     // some consortium exists
    float leave;  // hazard over the step of a member leaving (float: see needs_step)
    std::size_t sectors;
    std::vector<float> join;  // [district][sector]: hazard over the step of a tech firm joining, per unit of awareness
    std::vector<std::uint8_t> stays;  // [consortium]: 1 if its members stay (active, consortia on)
    std::vector<std::size_t> first;   // [sector]: the active consortia of sector s are open[first[s] .. first[s+1])
    std::vector<std::int32_t> open;
    static consortium_step of(const engine::step_context& c);
};

// The rare branches, out of line (consortia.cpp): the clock ran out, so a member leaves or a
// firm joins one of the open consortia of its sector.
void consortium_event(const consortium_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step,
                      double left);

KCSIM_ALWAYS_INLINE void consortium_membership(const consortium_step& x, const firm_columns& f, std::size_t i,
                                               rng::key key, std::uint64_t step) {
    // Members leave at the leave rate, and at once if their consortium was dissolved; aware tech
    // firms in pilots join where their sector has a consortium.
    const std::int32_t k = f.consortium[i];
    const bool member = k >= 0;
    if (member & (x.stays[member ? static_cast<std::size_t>(k) : 0] == 0)) {
        f.consortium[i] = -1;
        return;
    }
    const float h = scalar::membership_hazard(member, f.tech(i), x.join[f.district[i] * x.sectors + f.sector[i]],
                                              f.awareness[i], x.leave);
    const float left = scalar::run_down(f.clock_consortium[i], h);
    if (scalar::runs_out(left, h > 0)) {
        consortium_event(x, f, i, key, step, left);
    } else {
        f.clock_consortium[i] = left;
    }
}

}  // namespace kcsim::model
