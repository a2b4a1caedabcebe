// New firms: graduated start-ups, then births in each district (as non-certified firms).
// Numbered after the parallel phases, in a fixed order (graduates by start-up id, then districts
// in order), so ids never depend on scheduling. Dead firms are compacted away at each year end.
#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "engine/execution.hpp"
#include "model/collect.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

namespace {

// A firm to be born this step.
struct newborn {
    std::uint16_t district;
    bool tech, graduate;
    std::uint8_t sector;  // a graduate's (others draw theirs)
};

// Newborns per parallel task: each draws only from its own stream and writes only its own entries.
constexpr std::size_t birth_block = 64;

}  // namespace

void births(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& w = c.w;
    // Who is born, in the fixed order; then all are numbered, and drawn in parallel.
    std::vector<newborn> born;
    for (std::size_t k = 0; k < w.s.size(); ++k) {
        if (w.s.status[k] != state::startup_status::graduated || w.s.ended_step[k] != c.step) continue;
        rng::stream s(c.key, rng::startup_agent(w.s.id[k]), static_cast<std::uint64_t>(c.step),
                      rng::purpose::birth_init);
        born.push_back({w.s.district[k], s.uniform() < p.graduate_tech_share, true, w.s.sector[k]});
    }
    if (p.birth_rate > 0) {
        for (std::size_t d = 0; d < w.d.size(); ++d) {
            // Living firms after this step's exits: the firm pass has counted them.
            const double firms = c.row[d * n_metrics + index(metric::firms)];
            rng::stream s(c.key, rng::district_agent(d), static_cast<std::uint64_t>(c.step),
                          rng::purpose::district_births);
            const std::uint32_t n = s.poisson(p.birth_rate * firms * c.years);
            born.insert(born.end(), n, newborn{static_cast<std::uint16_t>(d), false, false, 0});
        }
    }
    if (born.empty()) return;
    auto& f = w.f;
    const std::size_t first = f.size();
    // Births that outpace exits grow the population without bound (and then exhaust memory): a
    // replicate stops with a model error well before, at 64 times the starting population.
    const double start = static_cast<double>(p.tech_firms + p.other_firms);
    const double limit = 64.0 * std::max(start, 1000.0);
    if (static_cast<double>(first + born.size()) > limit) {
        throw model_error("the firm population would grow to " + std::to_string(first + born.size()) +
                          " agents at step " + std::to_string(c.step) + ", more than 64 times the " +
                          std::to_string(static_cast<long long>(start)) +
                          " it started with: births (enterprise.birth_rate = " + std::to_string(p.birth_rate) +
                          " per firm per year) outpace exits for too long; lower the birth rate or shorten the "
                          "calendar");
    }
    f.resize(first + born.size());  // flows start at zero
    for (std::size_t k = 0; k < born.size(); ++k) {
        f.id[first + k] = w.next_firm_id++;
        f.district[first + k] = born[k].district;
    }
    const auto cdfs = district_sector_cdfs(c.sc);
    engine::for_blocks(born.size(), birth_block, [&](std::size_t b, std::size_t e) {
        for (std::size_t k = b; k < e; ++k) {
            const std::size_t i = first + k;
            const newborn& x = born[k];
            rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::birth_init);
            init_firm(c.sc, cdfs[x.district], f, i, x.tech, c.sc.districts[x.district], s);
            if (x.graduate) {
                f.sector[i] = x.sector;
                f.flags[i] |= state::firm_flag::graduate;
            }
            f.awareness[i] = static_cast<float>(x.graduate ? p.graduate_awareness : p.awareness_initial);
            f.events[i] = state::firm_event::born;
        }
    });
    // The newborns' part of the step's metrics (the firm pass saw the others).
    const auto metrics = metric_step::of(c);
    const firm_columns cols = columns(f);
    for (std::size_t i = first; i < f.size(); ++i) {
        add_flows(cols, i, c.row.data());
        // One newborn at a time: each is added to its row on its own, as it always was.
        const auto counts = add_stocks(metrics, cols, i, i + 1, c.row.data());
        if (counts.bad != stock_counts::none) impossible_state(c, counts.bad);
        w.pitch_eligible += static_cast<std::int64_t>(counts.pitchers);
    }
}

void compact(engine::step_context& c) {
    // After the metrics: dead firms are gone from next year's state; ids stay as they were.
    // A column per task: each is filtered on its own.
    if (!year_end(c.sc.cal, c.step)) return;
    c.w.f.erase_dead([](std::size_t n, const std::function<void(std::size_t)>& job) {
        engine::for_blocks(n, 1, [&](std::size_t b, std::size_t e) {
            for (std::size_t k = b; k < e; ++k) job(k);
        });
    });
}

}  // namespace kcsim::model::phases
