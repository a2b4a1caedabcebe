#pragma once
// Every column of the world, by name, for code that must touch them all (saving and loading
// state files). A test saves and reloads a world and compares it with ==, so a column added to
// world.hpp but not here fails that test instead of silently not being saved.
#include "state/world.hpp"

namespace kcsim::state {

// f(name, vector&) for every plain column; W is world or const world.
template <class W, class F> void for_each_column(W& w, F&& f) {
    auto& a = w.f;
    f("firms/id", a.id), f("firms/district", a.district), f("firms/sector", a.sector), f("firms/flags", a.flags);
    f("firms/awareness", a.awareness), f("firms/tech_level", a.tech_level), f("firms/absorptive", a.absorptive);
    f("firms/output", a.output), f("firms/consortium", a.consortium), f("firms/financed_until", a.financed_until);
    f("firms/clock_need", a.clock_need), f("firms/clock_exit", a.clock_exit),
        f("firms/clock_innovate", a.clock_innovate);
    f("firms/clock_certify", a.clock_certify), f("firms/clock_consortium", a.clock_consortium);
    f("firms/clock_resolve", a.clock_resolve), f("firms/clock_service", a.clock_service);
    f("firms/clock_match", a.clock_match);
    f("firms/needs_unposted", a.needs_unposted);
    f("firms/needs_posted", a.needs_posted), f("firms/raised", a.raised), f("firms/posted", a.posted);
    f("firms/solved_posted", a.solved_posted), f("firms/solved_unposted", a.solved_unposted);
    f("firms/abandoned", a.abandoned), f("firms/services", a.services), f("firms/contracts", a.contracts);
    f("firms/contract_value", a.contract_value), f("firms/deal_amount", a.deal_amount);
    f("firms/innovations", a.innovations), f("firms/events", a.events);
    auto& t = w.t;
    f("teams/sector", t.sector), f("teams/experts", t.experts), f("teams/formed_step", t.formed_step);
    f("teams/services", t.services), f("teams/solved", t.solved), f("teams/placed", t.placed);
    f("teams/quarter_services", t.quarter_services), f("teams/quarter_capacity", t.quarter_capacity);
    auto& x = w.x;
    f("experts/field", x.field), f("experts/home", x.home), f("experts/capacity", x.capacity);
    f("experts/district", x.district), f("experts/team", x.team);
    auto& r = w.r;
    f("reports/step", r.step), f("reports/team", r.team), f("reports/district", r.district);
    f("reports/services", r.services), f("reports/solved", r.solved);
    auto& c = w.c;
    f("consortia/sector", c.sector), f("consortia/anchor", c.anchor), f("consortia/active", c.active);
    f("consortia/formed_step", c.formed_step);
    auto& s = w.s;
    f("startups/id", s.id), f("startups/district", s.district), f("startups/sector", s.sector),
        f("startups/status", s.status);
    f("startups/incubated", s.incubated), f("startups/admitted_step", s.admitted_step),
        f("startups/ended_step", s.ended_step);
    f("startups/financed_until", s.financed_until);
    auto& d = w.d;
    f("districts/pilot", d.pilot), f("districts/effort", d.effort), f("districts/purse", d.purse),
        f("districts/offshore_bases", d.offshore_bases);
    f("districts/workstations", d.workstations), f("districts/forum_viewers", d.forum_viewers),
        f("districts/spend", d.spend);
    f("districts/reward", d.reward), f("districts/contracts", d.contracts),
        f("districts/contract_value", d.contract_value);
    f("districts/services", d.services), f("districts/startups_admitted", d.startups_admitted);
    f("districts/startups_graduated", d.startups_graduated), f("districts/startups_failed", d.startups_failed);
    f("districts/deals", d.deals), f("districts/deal_amount", d.deal_amount), f("districts/fair", d.fair);
    f("districts/year_solved", d.year_solved), f("districts/year_contracts", d.year_contracts);
    f("districts/year_certified", d.year_certified);
    f("districts/open_posted", d.open_posted), f("districts/open_unposted", d.open_unposted);
    f("districts/serve_chance", d.serve_chance), f("districts/visit_chance", d.visit_chance);
    f("districts/fit", d.fit), f("districts/match_chance", d.match_chance);
}

// f(name, scalar&) for every scalar of the world.
template <class W, class F> void for_each_scalar(W& w, F&& f) {
    f("step", w.step), f("next_firm_id", w.next_firm_id), f("next_startup_id", w.next_startup_id);
    f("forums_held", w.forums_held), f("consortia_formed", w.consortia_formed), f("cases", w.cases);
    f("visit_district", w.visit_district), f("roadshows", w.roadshows), f("pitch_chance", w.pitch_chance);
    f("pitch_eligible", w.pitch_eligible), f("services_expected", w.services_expected);
    f("funded_platform", w.funded_platform);
    f("funded_teams", w.funded_teams), f("funded_incubator", w.funded_incubator);
    f("funded_consortia", w.funded_consortia), f("citywide_spend", w.citywide_spend);
}

}  // namespace kcsim::state
