// Consortium membership: the step's open consortia by sector, for the firm pass (consortia.hpp).
#include "model/consortia.hpp"

#include <algorithm>

namespace kcsim::model {

consortium_step consortium_step::of(const engine::step_context& c) {
    const auto& p = c.sc.p;
    const auto& con = c.w.c;
    const std::size_t ns = c.sc.sectors.size();
    consortium_step x{con.size() > 0,
                      p.programme && p.consortia,
                      p.leave_rate * c.years,
                      p.join_rate * c.years,
                      con.active.data(),
                      c.w.d.pilot.data(),
                      std::vector<std::size_t>(ns + 1, 0),
                      {}};
    for (std::size_t s = 0; s < ns; ++s) {
        for (std::size_t k = 0; k < con.size(); ++k) {
            if (con.active[k] && con.sector[k] == s) x.open.push_back(static_cast<std::int32_t>(k));
        }
        x.first[s + 1] = x.open.size();
    }
    return x;
}

void consortium_event(const consortium_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step,
                      double left) {
    rng::stream s(key, f.id[i], step, rng::purpose::consortium);
    left += s.exp1();  // one change a step: if that budget is used up too, the clock restarts
    if (left <= 0) left = s.exp1();
    f.clock_consortium[i] = static_cast<float>(left);
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
