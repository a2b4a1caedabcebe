// New firms: graduated start-ups, then births in each district (as non-certified firms).
// Numbered after the parallel phases, in a fixed order (graduates by start-up id, then districts
// in order), so ids never depend on scheduling. Dead firms are compacted away at each year end.
#include <algorithm>

#include "engine/execution.hpp"
#include "model/collect.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

namespace {
void add_firm(engine::step_context& c, const std::vector<double>& cdf, std::uint16_t district, bool tech, bool graduate,
              std::uint8_t sector) {
    auto& w = c.w;
    auto& f = w.f;
    const std::size_t i = f.size();
    f.resize(i + 1);  // flows start at zero
    f.id[i] = w.next_firm_id++;
    f.district[i] = district;
    rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::birth_init);
    init_firm(c.sc, cdf, f, i, tech, c.sc.districts[district].high_tech_share, s);
    if (graduate) {
        f.sector[i] = sector;
        f.flags[i] |= state::firm_flag::graduate;
    }
    f.awareness[i] = static_cast<float>(graduate ? c.sc.p.graduate_awareness : c.sc.p.awareness_initial);
    f.events[i] = state::firm_event::born;
}
}  // namespace

void births(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    const auto cdf = sector_cdf(c.sc);
    const std::size_t first = w.f.size();
    for (std::size_t k = 0; k < w.s.size(); ++k) {
        if (w.s.status[k] != state::startup_status::graduated || w.s.ended_step[k] != c.step) continue;
        rng::stream s(c.key, rng::startup_agent(w.s.id[k]), static_cast<std::uint64_t>(c.step),
                      rng::purpose::birth_init);
        add_firm(c, cdf, w.s.district[k], s.uniform() < p.graduate_tech_share, true, w.s.sector[k]);
    }
    if (p.birth_rate > 0) {
        for (std::size_t d = 0; d < w.d.size(); ++d) {
            // Living firms after this step's exits: the firm pass has counted them.
            const double firms = c.row[d * n_metrics + index(metric::firms)];
            rng::stream s(c.key, rng::district_agent(d), static_cast<std::uint64_t>(c.step),
                          rng::purpose::district_births);
            const std::uint32_t n = s.poisson(p.birth_rate * firms * c.years);
            for (std::uint32_t k = 0; k < n; ++k) add_firm(c, cdf, static_cast<std::uint16_t>(d), false, false, 0);
        }
    }
    // The newborns' part of the step's metrics (the firm pass saw the others).
    const auto metrics = metric_step::of(c);
    const firm_columns f = columns(w.f);
    for (std::size_t i = first; i < w.f.size(); ++i) {
        add_flows(f, i, c.row.data());
        // One newborn at a time: each is added to its row on its own, as it always was.
        const auto counts = add_stocks(metrics, f, i, i + 1, c.row.data());
        if (counts.bad != stock_counts::none) impossible_state(c, counts.bad);
        w.pitch_eligible += static_cast<std::int64_t>(counts.pitchers);
    }
}

void compact(engine::step_context& c) {
    // After the metrics: dead firms are gone from next year's state; ids stay as they were.
    if (year_end(c.sc.cal, c.step)) c.w.f.erase_dead();
}

}  // namespace kcsim::model::phases
