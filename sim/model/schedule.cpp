#include "model/schedule.hpp"

#include "model/phases.hpp"

namespace kcsim::model {

const engine::schedule& default_schedule() {
    // clang-format off
    static const engine::schedule s = {
        {"begin_step",            phases::begin_step,            "clear the districts' flows of the step"},
        {"apply_events",          phases::apply_events,          "dated scenario events: pilot designations, new expert teams, offshore bases"},
        {"review_teams",          phases::review_teams,          "every review period (a quarter) the planner reads the teams' weekly reports and moves placed teams that had too little to do, or whose demand moved, to the district with most uncovered demand"},
        {"programme_calendar",    phases::programme_calendar,    "the budget pays its running lines; forums and annual events, national visits, fairs, roadshows, consortia, workstations, each done only if paid"},
        {"share_services",        phases::share_services,        "teams, national visits and volunteers share their capacity over the needs open at the end of the last step: each district and sector's expected services and visits per open need"},
        {"offer_matches",         phases::offer_matches,         "each district's chance that the project library or a matching fair matches a posted need"},
        {"open_roadshows",        phases::open_roadshows,        "the chance that a firm or start-up that may pitch does so at this step's roadshows"},
        {"firm_step",             phases::firm_step,             "the firm pass, each firm in turn: awareness drift, market resolution of open needs, new needs and posting, expert services and visits, matches into contracts, consortium membership, roadshow pitches, innovation, growth, certification, exit; its metrics, reduced in fixed blocks; its state checked; open needs counted for the next step"},
        {"startup_deals",         phases::startup_deals,         "active start-ups pitch at the roadshows; some get deals"},
        {"incubator",             phases::incubator,             "start-ups fail or graduate; the incubator and offshore bases admit new ones"},
        {"births",                phases::births,                "graduates and newborn firms join the population with new ids; their metrics are added"},
        {"funding",               phases::funding,               "city-wide costs spread over districts, effort paid from purses; at year end the 以奖代补 evaluation and each pilot's effort choice"},
        {"collect_metrics",       phases::collect_metrics,       "the district-level metrics of the step, next to the firms'"},
        {"check_invariants",      phases::check_invariants,      "no NaN, infinite or negative metric; the ledger balances; names the district and step"},
        {"compact",               phases::compact,               "at a year end, firms that exited are removed (ids unchanged)"},
    };
    // clang-format on
    return s;
}

}  // namespace kcsim::model
