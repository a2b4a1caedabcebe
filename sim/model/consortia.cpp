// Consortium membership: the step's open consortia by sector, for the firm pass (consortia.hpp).
#include "model/consortia.hpp"

#include <algorithm>

namespace kcsim::model {

consortium_step consortium_step::of(const engine::step_context& c) {
    const auto& p = c.sc.p;
    const auto& con = c.w.c;
    const std::size_t ns = c.sc.sectors.size();
    const bool on = p.programme && p.consortia;
    const std::size_t nd = c.w.d.size();
    consortium_step x{con.size() > 0,
                      static_cast<float>(p.leave_rate * c.years),
                      ns,
                      std::vector<float>(nd * ns, 0.0f),
                      {},
                      std::vector<std::size_t>(ns + 1, 0),
                      {}};
    for (std::size_t k = 0; k < con.size(); ++k) x.stays.push_back(on && con.active[k] ? 1 : 0);
    for (std::size_t s = 0; s < ns; ++s) {
        for (std::size_t k = 0; k < con.size(); ++k) {
            if (con.active[k] && con.sector[k] == s) x.open.push_back(static_cast<std::int32_t>(k));
        }
        x.first[s + 1] = x.open.size();
    }
    // Tech firms in pilot districts join where their sector has an active consortium.
    for (std::size_t d = 0; d < nd; ++d) {
        for (std::size_t s = 0; s < ns; ++s) {
            const bool open = on && c.w.d.pilot[d] != 0 && x.first[s + 1] > x.first[s];
            x.join[d * ns + s] = open ? static_cast<float>(p.join_rate * c.years) : 0.0f;
        }
    }
    return x;
}

void consortium_event(const consortium_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step,
                      double left) {
    rng::stream s(key, f.id[i], step, rng::purpose::consortium);
    clock_events(f.clock_consortium[i], left, 1, s);  // one change a step
    if (f.consortium[i] >= 0) {
        f.consortium[i] = -1;
        return;
    }
    const std::size_t lo = x.first[f.sector[i]], n = x.first[f.sector[i] + 1u] - lo;
    rng::stream pick_s(key, f.id[i], step, rng::purpose::consortium_pick);
    const auto pick = static_cast<std::size_t>(pick_s.uniform() * static_cast<double>(n));
    f.consortium[i] = x.open[lo + std::min(pick, n - 1)];
    f.events[i] |= state::firm_event::joined;
}

}  // namespace kcsim::model
