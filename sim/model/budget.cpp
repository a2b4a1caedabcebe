// The budget: a year's funds paid out line by line in priority order (budget.hpp).
#include "model/budget.hpp"

#include <algorithm>

#include "model/common.hpp"

namespace kcsim::model::budget {

const std::array<std::string_view, state::budget_lines>& line_names() {
    static const std::array<std::string_view, state::budget_lines> n = {
        "platform", "teams", "incubator", "consortia", "forums", "roadshows", "fairs"};
    return n;
}

namespace {

std::size_t at(line l) { return static_cast<std::size_t>(l); }

// The reward pool not yet paid this year: set aside before any line.
double pool_left(const engine::step_context& c, const state::ledger_year& y) {
    return std::max(0.0, c.sc.p.reward_share * y.funds_in - y.rewards);
}

// What the lines before l will cost in the rest of the year after this step.
double reserve_before(const engine::step_context& c, line l) {
    const double later = years_after(c);
    double r = 0;
    for (std::size_t k = 0; k < at(l); ++k) r += rate(c, static_cast<line>(k)) * later;
    return r;
}

void charge(engine::step_context& c, state::ledger_year& y, double paid, int district) {
    y.operations += paid;
    y.unspent = y.funds_in + y.cofunding - y.operations - y.rewards;
    if (district >= 0)
        c.w.d.spend[static_cast<std::size_t>(district)] += paid;
    else
        c.w.citywide_spend += paid;
}

// The share of `cost` that `money` pays; within rounding of the whole cost, all of it (a line
// paid to the last step of a year would otherwise leave a remainder of 1e-14 "not done").
double share_paid(double money, double cost) {
    if (!(cost > 0) || money >= cost * (1 - 1e-9)) return 1.0;
    return std::max(0.0, money / cost);
}

void not_done(state::ledger_year& y, line l, double cost) {
    y.unfunded += cost;
    y.not_done[at(l)] += cost;
}

}  // namespace

double years_after(const engine::step_context& c) {
    const int year = year_of(c.sc.cal, c.step);
    int t = c.step + 1;
    while (t < c.sc.cal.steps() && year_of(c.sc.cal, t) == year) ++t;
    return static_cast<double>(t - c.step - 1) * c.years;
}

void record_not_done(engine::step_context& c, line l, double cost) { not_done(ledger_of_step(c), l, cost); }

state::ledger_year& ledger_of_step(engine::step_context& c) {
    const int year = year_of(c.sc.cal, c.step);
    auto& l = c.w.ledger;
    if (l.empty() || l.back().year != year) {
        const auto& p = c.sc.p;
        state::ledger_year y;
        y.year = year;
        const double share = year_fraction(c.sc.cal, year);
        y.funds_in = p.programme ? p.annual_budget * share : 0.0;
        const auto pilots = pilot_districts(c.w.d);
        y.cofunding = p.programme ? p.district_cofunding * static_cast<double>(pilots.size()) * share : 0.0;
        y.unspent = y.funds_in + y.cofunding;
        l.push_back(y);
    }
    return l.back();
}

double rate(const engine::step_context& c, line l) {
    const auto& p = c.sc.p;
    const auto& w = c.w;
    if (!p.programme) return 0.0;
    switch (l) {
    case line::platform: return p.libraries ? p.platform_cost_year : 0.0;
    case line::teams: {
        double experts = 0;
        for (std::size_t k = 0; k < w.t.size(); ++k) experts += w.t.experts[k];
        return experts * p.cost_per_expert_year;
    }
    case line::incubator: {
        double places = 0;
        for (std::size_t k = 0; k < w.s.size(); ++k)
            places += (w.s.status[k] == state::startup_status::active && w.s.incubated[k]) ? 1 : 0;
        return places * p.cost_per_startup_year;
    }
    case line::consortia: {
        double active = 0;
        for (std::size_t k = 0; k < w.c.size(); ++k) active += w.c.active[k] ? 1 : 0;
        return p.consortia ? active * p.consortium_cost_year : 0.0;
    }
    case line::forums: return p.forums ? p.forums_per_year * p.cost_per_forum : 0.0;
    case line::roadshows: return p.finance ? p.roadshows_per_year * p.cost_per_roadshow : 0.0;
    case line::fairs: return 0.0;  // the last line: nothing after it needs a reserve
    }
    return 0.0;
}

double available(engine::step_context& c, line l) {
    const auto& y = ledger_of_step(c);
    return std::max(0.0, y.unspent - pool_left(c, y) - reserve_before(c, l));
}

bool pay(engine::step_context& c, line l, double cost, int district) {
    auto& y = ledger_of_step(c);
    if (!(cost > 0)) return true;
    if (share_paid(available(c, l), cost) >= 1) {
        charge(c, y, cost, district);
        return true;
    }
    not_done(y, l, cost);
    return false;
}

void pay_running(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    auto& y = ledger_of_step(c);
    // The platform: all or nothing (a platform half paid for is not run).
    const double platform = rate(c, line::platform) * c.years;
    w.funded_platform = pay(c, line::platform, platform, -1) ? 1.0 : 0.0;
    // Team operations: a share of the experts' time is paid, by team, each team's cost spread
    // over its districts.
    const double teams = rate(c, line::teams) * c.years;
    const double team_share = share_paid(available(c, line::teams), teams);
    w.funded_teams = team_share;
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        const double cost = w.t.experts[k] * p.cost_per_expert_year * c.years * team_share;
        for (auto d : w.t.districts[k]) charge(c, y, cost / static_cast<double>(w.t.districts[k].size()), d);
    }
    if (team_share < 1) not_done(y, line::teams, teams * (1 - team_share));
    // Incubator places, charged to the incubator's district.
    const double places = rate(c, line::incubator) * c.years;
    const double place_share = share_paid(available(c, line::incubator), places);
    w.funded_incubator = place_share;
    charge(c, y, places * place_share, static_cast<int>(c.sc.incubator_district));
    if (place_share < 1) not_done(y, line::incubator, places * (1 - place_share));
    // Consortium support, charged to each consortium's anchor district.
    const double support = rate(c, line::consortia) * c.years;
    const double support_share = share_paid(available(c, line::consortia), support);
    w.funded_consortia = support_share;
    if (p.consortia) {
        for (std::size_t k = 0; k < w.c.size(); ++k) {
            if (w.c.active[k]) charge(c, y, p.consortium_cost_year * c.years * support_share, w.c.anchor[k]);
        }
    }
    if (support_share < 1) not_done(y, line::consortia, support * (1 - support_share));
}

}  // namespace kcsim::model::budget
