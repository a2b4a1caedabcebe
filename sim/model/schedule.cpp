#include "model/schedule.hpp"

#include "model/phases.hpp"

namespace kcsim::model {

const engine::schedule& default_schedule() {
    // clang-format off
    static const engine::schedule s = {
        {"apply_events",     phases::apply_events,     "scenario events dated in this step change district pilot status"},
        {"update_awareness", phases::update_awareness, "firms' awareness moves toward their district's programme exposure"},
        {"resolve_needs",    phases::resolve_needs,    "open needs are solved or abandoned (competing hazards)"},
        {"raise_needs",      phases::raise_needs,      "firms raise new technology needs (Poisson)"},
        {"post_needs",       phases::post_needs,       "new needs are posted to the problem library, more often by aware firms"},
        {"collect_metrics",  phases::collect_metrics,  "per-district metrics of the step, reduced in fixed blocks"},
        {"check_invariants", phases::check_invariants, "no NaN, infinite or negative values; names the agent and step"},
    };
    // clang-format on
    return s;
}

} // namespace kcsim::model
