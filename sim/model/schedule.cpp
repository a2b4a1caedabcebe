#include "model/schedule.hpp"

#include "model/phases.hpp"

namespace kcsim::model {

const engine::schedule& default_schedule() {
    // clang-format off
    static const engine::schedule s = {
        {"begin_step",            phases::begin_step,            "clear the districts' flows of the step"},
        {"apply_events",          phases::apply_events,          "dated scenario events: pilot designations, new expert teams, offshore bases"},
        {"programme_calendar",    phases::programme_calendar,    "forums and annual events, national visits, fairs, roadshows, consortia, workstations"},
        {"update_awareness",      phases::update_awareness,      "awareness moves toward the district's programme exposure (times effort) and published cases"},
        {"resolve_needs",         phases::resolve_needs,         "open needs are solved on the market or abandoned (competing hazards)"},
        {"raise_needs",           phases::raise_needs,           "firms raise new technology needs (Poisson)"},
        {"post_needs",            phases::post_needs,            "new needs are posted to the problem library, more often by aware firms"},
        {"expert_services",       phases::expert_services,       "teams, national visits and volunteers serve posted needs and visit firms to diagnose others"},
        {"match_needs",           phases::match_needs,           "project library and matching fairs turn posted needs into technology contracts"},
        {"consortium_membership", phases::consortium_membership, "aware tech firms in pilots join consortia of their sector; members leave"},
        {"finance_deals",         phases::finance_deals,         "roadshow pitches by aware tech firms and start-ups become deals"},
        {"firm_dynamics",         phases::firm_dynamics,         "innovation, output growth, certification as tech-based or high-tech, exit"},
        {"incubator",             phases::incubator,             "start-ups fail or graduate; the incubator and offshore bases admit new ones"},
        {"births",                phases::births,                "graduates and newborn firms join the population with new ids"},
        {"funding",               phases::funding,               "operating costs against the year's funds; at year end the 以奖代补 evaluation"},
        {"collect_metrics",       phases::collect_metrics,       "per-district metrics of the step, reduced in fixed blocks"},
        {"check_invariants",      phases::check_invariants,      "no NaN, infinite or negative values; the ledger balances; names the agent and step"},
        {"compact",               phases::compact,               "at a year end, firms that exited are removed (ids unchanged)"},
    };
    // clang-format on
    return s;
}

}  // namespace kcsim::model
