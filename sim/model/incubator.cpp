// The 菁英 incubation centre and the offshore talent bases: start-up teams are admitted, fail or
// graduate; graduates become firms (births.cpp adds them).
#include <algorithm>

#include "model/budget.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

namespace {
void admit(state::world& w, std::uint16_t district, std::uint8_t sector, bool incubated, int step) {
    w.s.id.push_back(w.next_startup_id++);
    w.s.district.push_back(district);
    w.s.sector.push_back(sector);
    w.s.status.push_back(state::startup_status::active);
    w.s.incubated.push_back(incubated ? 1 : 0);
    w.s.admitted_step.push_back(step);
    w.s.ended_step.push_back(-1);
    w.s.financed_until.push_back(-1);
    w.d.startups_admitted[district] += 1;
}
}  // namespace

void incubator(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    // Fates of the start-ups already in, in id order (each has its own stream).
    for (std::size_t k = 0; k < w.s.size(); ++k) {
        if (w.s.status[k] != state::startup_status::active) continue;
        const bool financed = w.s.financed_until[k] >= c.step;
        // Incubation support works as far as its places are paid (budget.cpp).
        const double support = 1.0 - w.funded_incubator * (1.0 - p.incubation_hazard_ratio);
        const double fail =
            p.startup_failure_rate * (w.s.incubated[k] ? support : 1.0) * (financed ? p.finance_survival : 1.0);
        const double h = fail + p.graduation_rate;
        rng::stream s(c.key, rng::startup_agent(w.s.id[k]), static_cast<std::uint64_t>(c.step), rng::purpose::startup);
        if (s.uniform() < rng::hazard_prob(h, c.years)) {
            const std::size_t d = w.s.district[k];
            w.s.ended_step[k] = c.step;
            if (s.uniform() < p.graduation_rate / h) {
                w.s.status[k] = state::startup_status::graduated;
                w.d.startups_graduated[d] += 1;
            } else {
                w.s.status[k] = state::startup_status::failed;
                w.d.startups_failed[d] += 1;
            }
        }
    }
    if (!p.programme || !p.incubator) return;
    const auto cdf = sector_cdf(c.sc);
    rng::stream s(c.key, rng::programme_agent + 5, static_cast<std::uint64_t>(c.step), rng::purpose::programme);
    const std::uint32_t intake = s.poisson(p.intake_per_year * c.years);
    // A team is admitted only to a place the budget can pay for the rest of the year.
    const double place = p.cost_per_startup_year * std::max(c.years, budget::years_after(c));
    double room = w.funded_incubator >= 1.0 ? budget::available(c, budget::line::incubator) : 0.0;
    for (std::uint32_t k = 0; k < intake; ++k) {
        const std::uint8_t sector = draw_sector(cdf, s.uniform());
        if (room < place) {
            budget::record_not_done(c, budget::line::incubator, place);
            continue;
        }
        room -= place;
        admit(w, c.sc.incubator_district, sector, true, c.step);
    }
    for (std::size_t d = 0; d < w.d.size(); ++d) {
        if (w.d.offshore_bases[d] == 0) continue;
        rng::stream ds(c.key, rng::district_agent(d), static_cast<std::uint64_t>(c.step),
                       rng::purpose::offshore_startups);
        const std::uint32_t n = ds.poisson(w.d.offshore_bases[d] * p.offshore_startups_per_base * c.years);
        for (std::uint32_t k = 0; k < n; ++k)
            admit(w, static_cast<std::uint16_t>(d), draw_sector(cdf, ds.uniform()), false, c.step);
    }
}

}  // namespace kcsim::model::phases
