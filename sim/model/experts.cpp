// Expert service teams (专家服务队) serve the open needs of firms in their districts: they take
// posted problems, and visit firms to diagnose needs not yet posted (outreach). Capacity is
// shared out in proportion to demand (a mean-field allocation: every need in a team's reach
// gets the same chance, weighted by sector fit), which keeps the phase parallel and exact.
#include <algorithm>
#include <cmath>

#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

namespace {

constexpr std::uint8_t any_sector = 255;

struct service_unit {
    std::uint8_t sector;
    std::vector<std::uint16_t> districts;
    double capacity;   // services this step
    std::size_t team;  // index in w.t, or npos for visits and volunteers
};

}  // namespace

void expert_services(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    auto& f = w.f;
    if (!p.programme) return;
    const std::size_t nd = w.d.size(), ns = c.sc.sectors.size();
    const double weeks = c.years * 365.25 / 7.0;

    std::vector<service_unit> units;
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        units.push_back({w.t.sector[k], w.t.districts[k], w.t.experts[k] * p.services_per_expert_week * weeks, k});
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
    if (units.empty()) return;

    // Open needs by district and sector: posted (to solve) and unposted (to diagnose).
    const std::size_t nb = (f.size() + block - 1) / block;
    std::vector<double> partial(std::max<std::size_t>(nb, 1) * nd * ns * 2, 0.0);
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        double* part = partial.data() + (b / block) * nd * ns * 2;
        for (std::size_t i = b; i < e; ++i) {
            const std::size_t k = (f.district[i] * ns + f.sector[i]) * 2;
            part[k] += f.needs_posted[i];
            part[k + 1] += f.needs_unposted[i];
        }
    });
    std::vector<double> posted(nd * ns, 0.0), unposted(nd * ns, 0.0);
    for (std::size_t b = 0; b < nb; ++b) {
        const double* part = partial.data() + b * nd * ns * 2;
        for (std::size_t k = 0; k < nd * ns; ++k) {
            posted[k] += part[2 * k];
            unposted[k] += part[2 * k + 1];
        }
    }

    // Per unit: its weighted demand, the share of it it can serve, and so each (district,
    // sector)'s chance that a need is served or visited this step.
    std::vector<double> miss_serve(nd * ns, 1.0), miss_visit(nd * ns, 1.0), fit(nd * ns, 0.0);
    for (auto& u : units) {
        auto weight = [&](std::size_t s) { return u.sector == any_sector || u.sector == s ? 1.0 : p.sector_mismatch; };
        double demand_posted = 0, demand_visit = 0;
        for (auto d : u.districts) {
            const double ef = effort_factor(p, w.d.effort[d]);
            for (std::size_t s = 0; s < ns; ++s) {
                demand_posted += weight(s) * posted[d * ns + s];
                demand_visit += weight(s) * unposted[d * ns + s] * ef;
            }
        }
        const double outreach = std::min(1.0, p.outreach_share);
        const double serve_rate = demand_posted > 0 ? std::min(1.0, u.capacity * (1 - outreach) / demand_posted) : 0.0;
        const double visit_rate = demand_visit > 0 ? std::min(1.0, u.capacity * outreach / demand_visit) : 0.0;
        for (auto d : u.districts) {
            const double ef = effort_factor(p, w.d.effort[d]);
            for (std::size_t s = 0; s < ns; ++s) {
                const std::size_t k = d * ns + s;
                miss_serve[k] *= 1.0 - serve_rate * weight(s);
                miss_visit[k] *= 1.0 - std::min(1.0, visit_rate * weight(s) * ef);
                fit[k] = std::max(fit[k], weight(s));
            }
        }
        if (u.team != static_cast<std::size_t>(-1)) {
            // The team's weekly report: services it delivered (expected), and solutions.
            w.t.services[u.team] = serve_rate * demand_posted + visit_rate * demand_visit;
        }
    }

    const double boost = p.libraries ? 1.0 + p.talent_boost : 1.0;
    std::vector<double> solved_by_block(std::max<std::size_t>(nb, 1), 0.0);
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        double solved_here = 0;
        for (std::size_t i = b; i < e; ++i) {
            if (!alive(f, i) || f.needs_posted[i] + f.needs_unposted[i] == 0) continue;
            const std::size_t k = f.district[i] * ns + f.sector[i];
            const double serve = 1.0 - miss_serve[k], visit = 1.0 - miss_visit[k];
            if (serve <= 0 && visit <= 0) continue;
            const double solve = std::min(1.0, p.solve_prob * (0.5 + 0.5 * f.absorptive[i]) * boost * fit[k]);
            rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::expert_service);
            std::uint32_t services = 0, solved_po = 0, solved_un = 0, newly_posted = 0;
            bool visited = false;
            for (std::uint32_t n = 0; n < f.needs_posted[i]; ++n) {
                if (s.uniform() < serve) {
                    ++services;
                    if (s.uniform() < solve) ++solved_po;
                }
            }
            for (std::uint32_t n = 0; n < f.needs_unposted[i]; ++n) {
                if (s.uniform() < visit) {
                    ++services;
                    visited = true;
                    if (s.uniform() < solve) {
                        ++solved_un;
                    } else if (p.libraries) {
                        ++newly_posted;  // diagnosed and entered into the problem library
                    }
                }
            }
            f.needs_posted[i] += newly_posted;
            f.needs_posted[i] -= solved_po;
            f.needs_unposted[i] -= solved_un + newly_posted;
            f.posted[i] = static_cast<std::uint16_t>(f.posted[i] + newly_posted);
            f.solved_posted[i] = static_cast<std::uint16_t>(f.solved_posted[i] + solved_po);
            f.solved_unposted[i] = static_cast<std::uint16_t>(f.solved_unposted[i] + solved_un);
            f.services[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(services, 65535));
            if (visited) f.awareness[i] += static_cast<float>(p.outreach_awareness * (1.0 - f.awareness[i]));
            solved_here += solved_po + solved_un;
        }
        solved_by_block[b / block] = solved_here;
    });
    double solved = 0;
    for (double x : solved_by_block) solved += x;
    if (p.libraries) w.cases += p.case_share * solved;
    // Solutions in the team reports, split over teams by their share of services.
    double total_services = 0;
    for (double x : w.t.services) total_services += x;
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        w.t.solved[k] = total_services > 0 ? solved * w.t.services[k] / total_services : 0.0;
    }
}

}  // namespace kcsim::model::phases
