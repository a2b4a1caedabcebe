// District-level processes: the start of a step and dated policy events.
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

void begin_step(engine::step_context& c) {
    c.w.d.clear_flows();
    c.w.visit_district = -1;
    c.w.roadshows = 0;
}

void apply_events(engine::step_context& c) {
    if (!c.sc.p.programme) return;  // the counterfactual has no programme levers
    for (const auto& e : c.sc.events) {
        if (c.sc.cal.step_of(e.date) != c.step) continue;
        switch (e.type) {
        case scenario::event::kind::pilot: c.w.d.pilot[e.district] = static_cast<std::uint8_t>(e.level); break;
        case scenario::event::kind::team:
            c.w.t.sector.push_back(e.sector);
            c.w.t.districts.push_back(e.districts);
            c.w.t.experts.push_back(e.experts);
            c.w.t.formed_step.push_back(c.step);
            c.w.t.services.push_back(0);
            c.w.t.solved.push_back(0);
            break;
        case scenario::event::kind::offshore_base:
            if (c.sc.p.incubator) c.w.d.offshore_bases[e.district] += 1;
            break;
        }
    }
}

}  // namespace kcsim::model::phases
