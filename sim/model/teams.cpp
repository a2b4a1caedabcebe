// Expert service teams made of expert agents (teams.hpp). Formation and the review are
// deterministic (largest-remainder shares, ties to the lower index): they need no random numbers,
// so a mid-run lever (Python's add_team) forms the same team a dated event would.
#include "model/teams.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "model/phases.hpp"

namespace kcsim::model {

namespace {

// n split over the weights in proportion (Hamilton's largest remainder; ties to the lower index).
std::vector<int> apportion(int n, const std::vector<double>& weights) {
    std::vector<int> out(weights.size(), 0);
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (n <= 0 || weights.empty()) return out;
    if (!(total > 0)) {
        out[0] = n;
        return out;
    }
    std::vector<double> rest(weights.size());
    int given = 0;
    for (std::size_t k = 0; k < weights.size(); ++k) {
        const double exact = n * weights[k] / total;
        out[k] = static_cast<int>(std::floor(exact));
        rest[k] = exact - out[k];
        given += out[k];
    }
    std::vector<std::size_t> order(weights.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rest[a] > rest[b]; });
    for (std::size_t k = 0; given < n; k = (k + 1) % order.size(), ++given) ++out[order[k]];
    return out;
}

double expert_capacity(const scenario::params& p, std::uint8_t home) {
    return p.services_per_expert_week * (home == state::expert_home::firm ? p.firm_expert_time : 1.0);
}

// The district with most uncovered demand for these field capacities (the lowest index on a tie).
std::uint16_t best_district(const scenario::scenario& sc, const state::world& w, const std::vector<double>& fields,
                            std::size_t skip) {
    std::uint16_t best = 0;
    double most = -std::numeric_limits<double>::infinity();
    for (std::size_t d = 0; d < sc.districts.size(); ++d) {
        const double u = uncovered_demand(sc, w, fields, d, skip);
        if (u > most) most = u, best = static_cast<std::uint16_t>(d);
    }
    return best;
}

}  // namespace

std::vector<double> team_field_capacity(const state::world& w, std::size_t sectors) {
    std::vector<double> cap(w.t.size() * sectors, 0.0);
    for (std::size_t k = 0; k < w.x.size(); ++k) {
        cap[static_cast<std::size_t>(w.x.team[k]) * sectors + w.x.field[k]] += w.x.capacity[k];
    }
    return cap;
}

double uncovered_demand(const scenario::scenario& sc, const state::world& w, const std::vector<double>& field_capacity,
                        std::size_t d, std::size_t skip) {
    const auto& p = sc.p;
    const std::size_t ns = sc.sectors.size();
    const double total = std::accumulate(field_capacity.begin(), field_capacity.end(), 0.0);
    // The problem library's open needs; without libraries, the needs firms hold unposted.
    const auto& open = p.libraries ? w.d.open_posted : w.d.open_unposted;
    double demand = 0;
    for (std::size_t s = 0; s < ns; ++s) {
        // The needs of sector s, weighted by how well the team's fields meet them.
        double fit = 0;
        for (std::size_t f = 0; f < ns; ++f) {
            fit += (total > 0 ? field_capacity[f] / total : 1.0 / static_cast<double>(ns)) *
                   (f == s ? 1.0 : p.sector_mismatch);
        }
        demand += fit * open[d * ns + s];
    }
    const auto cap = team_field_capacity(w, ns);
    double cover = 0;
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        const auto& ds = w.t.districts[k];
        if (k == skip || std::find(ds.begin(), ds.end(), d) == ds.end()) continue;
        const double weekly = std::accumulate(cap.begin() + static_cast<std::ptrdiff_t>(k * ns),
                                              cap.begin() + static_cast<std::ptrdiff_t>((k + 1) * ns), 0.0);
        cover += weekly * static_cast<double>(p.review_weeks) / static_cast<double>(ds.size());
    }
    return demand - cover;
}

void form_team(const scenario::scenario& sc, state::world& w, const scenario::event& e, int step) {
    const auto& p = sc.p;
    const std::size_t ns = sc.sectors.size();
    const auto team = static_cast<std::int32_t>(w.t.size());
    const bool placed = e.districts.empty();
    std::vector<std::uint16_t> districts = e.districts;
    if (placed) {
        // Placed for its named field, or (fields to follow demand) for any field alike.
        std::vector<double> fields(ns, 0.0);
        if (e.sector == scenario::event::any_sector)
            std::fill(fields.begin(), fields.end(), 1.0);
        else
            fields[e.sector] = 1.0;
        districts = {best_district(sc, w, fields, static_cast<std::size_t>(-1))};
    }
    // Fields: the named sector, or shared in proportion to the open needs of its districts (the
    // scenario's sector shares where none are open yet).
    std::vector<int> by_field(ns, 0);
    if (e.sector != scenario::event::any_sector) {
        by_field[e.sector] = e.experts;
    } else {
        std::vector<double> open(ns, 0.0);
        for (auto d : districts) {
            for (std::size_t s = 0; s < ns; ++s) open[s] += w.d.open_posted[d * ns + s] + w.d.open_unposted[d * ns + s];
        }
        if (!(std::accumulate(open.begin(), open.end(), 0.0) > 0)) {
            for (std::size_t s = 0; s < ns; ++s) open[s] = sc.sectors[s].share;
        }
        by_field = apportion(e.experts, open);
    }
    // Homes: the scenario's shares, the rest firm experts (none if the three pass 1: apportion
    // then shares the experts in proportion to the three).
    const double firm_share = std::max(0.0, 1.0 - p.share_university - p.share_institute - p.share_society);
    const auto by_home = apportion(e.experts, {p.share_university, p.share_institute, p.share_society, firm_share});
    // Experts field by field; homes dealt out evenly (each expert gets the home furthest behind
    // its share so far), so every field gets about its share of each home.
    std::vector<std::uint8_t> homes;
    std::vector<int> dealt(by_home.size(), 0);
    for (int k = 0; k < e.experts; ++k) {
        std::size_t pick = 0;
        double most = -1e300;
        for (std::size_t h = 0; h < by_home.size(); ++h) {
            const double behind = by_home[h] * (k + 1.0) / e.experts - dealt[h];
            if (dealt[h] < by_home[h] && behind > most) most = behind, pick = h;
        }
        ++dealt[pick];
        homes.push_back(static_cast<std::uint8_t>(pick));
    }
    std::size_t next = 0;
    for (std::size_t f = 0; f < ns; ++f) {
        for (int k = 0; k < by_field[f]; ++k) {
            const std::uint8_t home = homes[next++];
            w.x.field.push_back(static_cast<std::uint8_t>(f));
            w.x.home.push_back(home);
            w.x.capacity.push_back(static_cast<float>(expert_capacity(p, home)));
            w.x.district.push_back(districts.front());  // they live where the team is based
            w.x.team.push_back(team);
        }
    }
    const auto lead = static_cast<std::size_t>(std::max_element(by_field.begin(), by_field.end()) - by_field.begin());
    w.t.sector.push_back(static_cast<std::uint8_t>(lead));
    w.t.districts.push_back(districts);
    w.t.experts.push_back(e.experts);
    w.t.formed_step.push_back(step);
    w.t.placed.push_back(placed ? 1 : 0);
    w.t.quarter_services.push_back(0);
    w.t.quarter_capacity.push_back(0);
    w.t.services.push_back(0);
    w.t.solved.push_back(0);
}

const std::array<std::string_view, 2>& team_report_items() {
    static const std::array<std::string_view, 2> items = {"services", "needs_solved"};
    return items;
}

std::size_t team_slots(const scenario::scenario& sc) {
    return static_cast<std::size_t>(std::count_if(sc.events.begin(), sc.events.end(), [](const scenario::event& e) {
        return e.type == scenario::event::kind::team;
    }));
}

std::vector<double> team_report_table(const state::world& w, const scenario::scenario& sc) {
    const std::size_t T = static_cast<std::size_t>(sc.cal.steps()), K = team_slots(sc), I = team_report_items().size();
    std::vector<double> out(T * K * I, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t r = 0; r < w.r.size(); ++r) {
        const auto t = static_cast<std::size_t>(w.r.step[r]), k = static_cast<std::size_t>(w.r.team[r]);
        if (t >= T || k >= K) continue;  // a fork's trunk may have formed teams this scenario has no event for
        out[(t * K + k) * I + 0] = w.r.services[r];
        out[(t * K + k) * I + 1] = w.r.solved[r];
    }
    return out;
}

namespace phases {

void review_teams(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    if (!p.programme || c.step == 0 || c.step % p.review_weeks != 0) return;
    const std::size_t ns = c.sc.sectors.size();
    if (p.reallocate) {
        // In team order: each move changes the cover the next team sees.
        for (std::size_t k = 0; k < w.t.size(); ++k) {
            if (!w.t.placed[k] || !(w.t.quarter_capacity[k] > 0)) continue;
            const bool idle = w.t.quarter_services[k] < p.reallocate_below * w.t.quarter_capacity[k];
            const auto cap = team_field_capacity(w, ns);
            const std::vector<double> fields(cap.begin() + static_cast<std::ptrdiff_t>(k * ns),
                                             cap.begin() + static_cast<std::ptrdiff_t>((k + 1) * ns));
            const std::uint16_t here = w.t.districts[k].front();
            const std::uint16_t there = best_district(c.sc, w, fields, k);
            // It moves when it had too little to do where it is, or when demand elsewhere is
            // clearly larger than here; never to a district with less uncovered demand.
            const double gain = uncovered_demand(c.sc, w, fields, there, k),
                         stay = uncovered_demand(c.sc, w, fields, here, k);
            if (gain > stay && (idle || gain > (1 + p.reallocate_margin) * std::max(stay, 0.0))) {
                w.t.districts[k] = {there};
            }
        }
    }
    std::fill(w.t.quarter_services.begin(), w.t.quarter_services.end(), 0.0);
    std::fill(w.t.quarter_capacity.begin(), w.t.quarter_capacity.end(), 0.0);
}

}  // namespace phases
}  // namespace kcsim::model
