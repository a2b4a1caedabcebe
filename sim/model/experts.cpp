// Expert service teams (专家服务队) serve the open needs of firms in their districts: they take
// posted problems, and visit firms to diagnose needs not yet posted (outreach). Capacity is
// shared out in proportion to demand (a mean-field allocation: every need in a team's reach
// gets the same chance, weighted by sector fit), which keeps the firm pass parallel and exact.
// Here the chances are worked out from the open needs the first firm pass counted; the second
// pass (actions.cpp) draws each firm's services with serve_needs (experts.hpp).
#include "model/experts.hpp"

#include <algorithm>
#include <cmath>

#include "model/common.hpp"
#include "model/phases.hpp"
#include "model/teams.hpp"

namespace kcsim::model {

namespace {

constexpr std::uint8_t any_sector = 255;

struct service_unit {
    std::uint8_t sector;
    std::vector<std::uint16_t> districts;
    double capacity;   // services this step
    std::size_t team;  // index in w.t, or npos for visits and volunteers
};

}  // namespace

service_step service_step::of(const engine::step_context& c) {
    const auto& p = c.sc.p;
    const auto& d = c.w.d;
    service_step s{std::vector<float>(d.serve_chance.begin(), d.serve_chance.end()),
                   std::vector<float>(d.visit_chance.begin(), d.visit_chance.end()),
                   d.fit.data(),
                   c.sc.sectors.size(),
                   p.solve_prob * (platform_runs(p, c.w) ? 1.0 + p.talent_boost : 1.0),
                   platform_runs(p, c.w),
                   p.outreach_awareness,
                   false};
    for (std::size_t k = 0; k < d.serve_chance.size() && !s.any; ++k) {
        s.any = d.serve_chance[k] > 0 || d.visit_chance[k] > 0;
    }
    return s;
}

std::uint32_t serve_event(const service_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step,
                          double left) {
    std::uint32_t po = f.needs_posted[i], un = f.needs_unposted[i];
    const std::size_t k = f.district[i] * x.sectors + f.sector[i];
    const double hs = x.serve[k], hv = x.visit[k];
    const double solve = std::min(1.0, x.solve * (0.5 + 0.5 * f.absorptive[i]) * x.fit[k]);
    rng::stream s(key, f.id[i], step, rng::purpose::expert_service);
    std::uint32_t services = 0, solved_po = 0, solved_un = 0, newly_posted = 0;
    bool visited = false;
    const std::uint32_t most = po + un;
    while (left <= 0 && po * hs + un * hv > 0 && services < most) {
        ++services;
        if (s.uniform() * (po * hs + un * hv) < po * hs) {
            if (s.uniform() < solve) {
                --po;
                ++solved_po;
            }
        } else {
            visited = true;
            if (s.uniform() < solve) {
                --un;
                ++solved_un;
            } else if (x.libraries) {
                --un;
                ++po;
                ++newly_posted;  // diagnosed and entered into the problem library
            }
        }
        left += s.exp1();
    }
    if (left <= 0) left = s.exp1();
    f.clock_service[i] = static_cast<float>(left);
    f.needs_posted[i] = po;
    f.needs_unposted[i] = un;
    f.posted[i] = static_cast<std::uint16_t>(f.posted[i] + newly_posted);
    f.solved_posted[i] = static_cast<std::uint16_t>(f.solved_posted[i] + solved_po);
    f.solved_unposted[i] = static_cast<std::uint16_t>(f.solved_unposted[i] + solved_un);
    f.services[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(services, 65535));
    f.mark_flow(i);
    if (visited) f.awareness[i] += static_cast<float>(x.outreach_awareness * (1.0 - f.awareness[i]));
    return solved_po + solved_un;
}

void report_services(engine::step_context& c, double solved) {
    auto& w = c.w;
    if (platform_runs(c.sc.p, w)) w.cases += c.sc.p.case_share * solved;
    // Solutions in the team reports, split over every unit (teams, national visits, volunteers)
    // by its share of the services expected this step.
    const double total_services = w.services_expected;
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        w.t.solved[k] = total_services > 0 ? solved * w.t.services[k] / total_services : 0.0;
        // The weekly report (每周工作报告), kept for the output file.
        w.r.step.push_back(c.step);
        w.r.team.push_back(static_cast<std::int32_t>(k));
        w.r.district.push_back(w.t.districts[k].front());
        w.r.services.push_back(w.t.services[k]);
        w.r.solved.push_back(w.t.solved[k]);
    }
}

namespace phases {

void share_services(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    auto& dd = w.d;
    std::fill(dd.serve_chance.begin(), dd.serve_chance.end(), 0.0);
    std::fill(dd.visit_chance.begin(), dd.visit_chance.end(), 0.0);
    std::fill(dd.fit.begin(), dd.fit.end(), 0.0);
    std::fill(w.t.services.begin(), w.t.services.end(), 0.0);
    w.services_expected = 0;
    if (!p.programme) return;
    const std::size_t nd = dd.size(), ns = c.sc.sectors.size();
    const double weeks = c.years * 365.25 / 7.0;

    // A team serves as one unit per field of its experts: the experts of a field meet their own
    // sector's needs in full and the others' at experts.sector_mismatch.
    const auto field_capacity = team_field_capacity(w, ns);
    std::vector<service_unit> units;
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        for (std::size_t f = 0; f < ns; ++f) {
            // The share of the experts' time the budget paid for (budget.cpp) is what they work.
            const double cap = field_capacity[k * ns + f] * weeks * w.funded_teams;
            if (cap > 0) units.push_back({static_cast<std::uint8_t>(f), w.t.districts[k], cap, k});
        }
    }
    if (w.visit_district >= 0) {
        units.push_back({any_sector,
                         {static_cast<std::uint16_t>(w.visit_district)},
                         p.national_visit_services,
                         static_cast<std::size_t>(-1)});
    }
    std::vector<std::uint16_t> rural;
    for (std::size_t d = 0; d < nd; ++d) {
        if (c.sc.districts[d].region != scenario::subregion::metro) rural.push_back(static_cast<std::uint16_t>(d));
    }
    if (!rural.empty() && p.volunteer_services_per_week > 0) {
        units.push_back({any_sector, rural, p.volunteer_services_per_week * weeks, static_cast<std::size_t>(-1)});
    }

    // Per unit: its weighted demand, the share of it it can serve, and so each (district,
    // sector)'s chance that a need is served or visited this step.
    std::vector<double> miss_serve(nd * ns, 1.0), miss_visit(nd * ns, 1.0);
    auto serve = [&](const service_unit& u) {
        auto weight = [&](std::size_t s) { return u.sector == any_sector || u.sector == s ? 1.0 : p.sector_mismatch; };
        double demand_posted = 0, demand_visit = 0;
        for (auto d : u.districts) {
            const double ef = effort_factor(p, dd.effort[d]);
            for (std::size_t s = 0; s < ns; ++s) {
                demand_posted += weight(s) * dd.open_posted[d * ns + s];
                demand_visit += weight(s) * dd.open_unposted[d * ns + s] * ef;
            }
        }
        const double outreach = std::min(1.0, p.outreach_share);
        const double serve_rate = demand_posted > 0 ? std::min(1.0, u.capacity * (1 - outreach) / demand_posted) : 0.0;
        const double visit_rate = demand_visit > 0 ? std::min(1.0, u.capacity * outreach / demand_visit) : 0.0;
        for (auto d : u.districts) {
            const double ef = effort_factor(p, dd.effort[d]);
            for (std::size_t s = 0; s < ns; ++s) {
                const std::size_t k = d * ns + s;
                miss_serve[k] *= 1.0 - serve_rate * weight(s);
                miss_visit[k] *= 1.0 - std::min(1.0, visit_rate * weight(s) * ef);
                dd.fit[k] = std::max(dd.fit[k], weight(s));
            }
        }
        return serve_rate * demand_posted + visit_rate * demand_visit;  // services delivered (expected)
    };
    std::vector<double> own(w.t.size(), 0.0);
    w.services_expected = 0;
    for (const auto& u : units) {
        const double delivered = serve(u);
        w.services_expected += delivered;
        if (u.team != static_cast<std::size_t>(-1)) own[u.team] += delivered;
    }
    // What a team's own districts leave of its capacity serves the other districts of their
    // sub-regions, less the share lost to travel.
    std::vector<service_unit> neighbours;
    const double reach = 1.0 - std::min(1.0, p.neighbour_travel_cost);
    for (const auto& u : units) {
        if (u.team == static_cast<std::size_t>(-1) || !(reach > 0)) continue;
        const std::size_t k = u.team;
        double total = 0;
        for (std::size_t f = 0; f < ns; ++f) total += field_capacity[k * ns + f] * weeks;
        const double unused = std::max(0.0, total - own[k]);
        if (!(unused > 0)) continue;
        const auto& home = w.t.districts[k];
        service_unit n{u.sector, {}, unused * reach * u.capacity / total, k};
        for (std::size_t d = 0; d < nd; ++d) {
            const bool in_home = std::find(home.begin(), home.end(), d) != home.end();
            const bool same_region = std::any_of(home.begin(), home.end(), [&](std::uint16_t h) {
                return c.sc.districts[h].region == c.sc.districts[d].region;
            });
            if (!in_home && same_region) n.districts.push_back(static_cast<std::uint16_t>(d));
        }
        if (!n.districts.empty()) neighbours.push_back(std::move(n));
    }
    std::vector<double> away(w.t.size(), 0.0);
    for (const auto& u : neighbours) {
        const double delivered = serve(u);
        away[u.team] += delivered;
        w.services_expected += delivered;
    }
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        // The team's weekly report: services it delivers (expected); solutions come after the firm pass.
        w.t.services[k] = own[k] + away[k];
        double total = 0;
        for (std::size_t f = 0; f < ns; ++f) total += field_capacity[k * ns + f] * weeks;
        // The planner's review reads how much of the capacity its own districts used.
        w.t.quarter_services[k] += own[k];
        w.t.quarter_capacity[k] += total;
    }
    for (std::size_t k = 0; k < nd * ns; ++k) {
        dd.serve_chance[k] = 1.0 - miss_serve[k];
        dd.visit_chance[k] = 1.0 - miss_visit[k];
    }
}

}  // namespace phases
}  // namespace kcsim::model
