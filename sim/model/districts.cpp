// District-level processes: the start of a step and dated policy events.
#include "model/common.hpp"
#include "model/phases.hpp"
#include "model/teams.hpp"

namespace kcsim::model::phases {

void begin_step(engine::step_context& c) {
    c.w.d.clear_flows();
    c.w.visit_district = -1;
    c.w.roadshows = 0;
}

void apply_event(const scenario::scenario& sc, state::world& w, const scenario::event& e, int step) {
    if (!sc.p.programme) return;  // the counterfactual has no programme levers
    switch (e.type) {
    case scenario::event::kind::pilot: w.d.pilot[e.district] = static_cast<std::uint8_t>(e.level); break;
    case scenario::event::kind::team: form_team(sc, w, e, step); break;
    case scenario::event::kind::offshore_base:
        if (sc.p.incubator) w.d.offshore_bases[e.district] += 1;
        break;
    }
}

void apply_events(engine::step_context& c) {
    for (const auto& e : c.sc.events) {
        if (c.sc.cal.step_of(e.date) == c.step) apply_event(c.sc, c.w, e, c.step);
    }
}

}  // namespace kcsim::model::phases
