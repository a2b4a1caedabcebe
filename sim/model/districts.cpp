// District-level processes: dated policy events (pilot designations).
#include "model/phases.hpp"

namespace kcsim::model::phases {

void apply_events(engine::step_context& c) {
    if (!c.sc.p.programme) return; // the counterfactual has no programme levers
    for (const auto& e : c.sc.events) {
        if (c.sc.cal.step_of(e.date) != c.step) continue;
        switch (e.type) {
        case scenario::event::kind::pilot: c.w.d.pilot[e.district] = static_cast<std::uint8_t>(e.level); break;
        }
    }
}

} // namespace kcsim::model::phases
