// Firms raise technology needs, post some to the problem library, and solve or abandon them
// on their own (the market); the programme's routes to a solution are in experts.cpp and
// matching.cpp.
#include <cmath>

#include "engine/execution.hpp"
#include "model/common.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

void update_awareness(engine::step_context& c) {
    const auto& p = c.sc.p;
    // da/dt = e (1 - a) - delta a has the exact solution a* + (a - a*) exp(-(e + delta) dt):
    // per district, the target a* and the factor exp(-(e + delta) dt).
    const std::size_t nd = c.w.d.size();
    std::vector<double> target(nd), keep(nd);
    double firms = 0;
    for (std::size_t i = 0; i < c.w.f.size(); ++i) firms += alive(c.w.f, i) ? 1 : 0;
    // Published cases reach every firm (the case library's imitation effect).
    const double cases = p.programme && p.libraries && firms > 0 ? p.case_exposure * c.w.cases / (firms / 1000.0) : 0.0;
    for (std::size_t d = 0; d < nd; ++d) {
        const auto level = static_cast<scenario::pilot_level>(c.w.d.pilot[d]);
        const double e = exposure_rate(p, level) * effort_factor(p, c.w.d.effort[d]) + cases;
        const double h = e + p.awareness_decay;
        target[d] = h > 0 ? e / h : 0.0;
        keep[d] = std::exp(-h * c.years);
    }
    auto& f = c.w.f;
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            const std::size_t d = f.district[i];
            f.awareness[i] = static_cast<float>(target[d] + (f.awareness[i] - target[d]) * keep[d]);
        }
    });
}

void resolve_needs(engine::step_context& c) {
    const auto& p = c.sc.p;
    // Each open need is solved (rate s) or abandoned (rate a), posted ones solved faster: the
    // firm's resolution clock runs at the sum of its needs' hazards, and each time it runs out
    // one need resolves, picked in proportion to the hazards (exact competing risks).
    const double s_un = p.self_solve_rate;
    const double s_po = p.self_solve_rate * (1.0 + p.solve_boost_posted);
    const double h_un = s_un + p.abandon_rate;
    const double h_po = s_po + p.abandon_rate;
    const double solve_un = h_un > 0 ? s_un / h_un : 0.0;
    const double solve_po = h_po > 0 ? s_po / h_po : 0.0;
    auto& f = c.w.f;
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            std::uint32_t solved_po = 0, solved_un = 0, dropped = 0;
            std::uint32_t po = f.needs_posted[i], un = f.needs_unposted[i];
            if (po + un > 0) {
                double left = f.clock_resolve[i] - (po * h_po + un * h_un) * c.years;
                if (left <= 0) {
                    rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::need_resolution);
                    while (left <= 0 && po + un > 0) {
                        const double total = po * h_po + un * h_un;
                        if (s.uniform() * total < po * h_po) {
                            --po;
                            (s.uniform() < solve_po ? solved_po : dropped) += 1;
                        } else {
                            --un;
                            (s.uniform() < solve_un ? solved_un : dropped) += 1;
                        }
                        left += s.exp1();
                    }
                    if (left <= 0) left = s.exp1();
                    f.needs_posted[i] = po;
                    f.needs_unposted[i] = un;
                }
                f.clock_resolve[i] = static_cast<float>(left);
            }
            // This phase starts the step's need flows; later phases add to them.
            f.solved_posted[i] = static_cast<std::uint16_t>(solved_po);
            f.solved_unposted[i] = static_cast<std::uint16_t>(solved_un);
            f.abandoned[i] = static_cast<std::uint16_t>(dropped);
            f.services[i] = 0;
            f.contracts[i] = 0;
            f.contract_value[i] = 0;
            f.deal_amount[i] = 0;
            f.innovations[i] = 0;
            f.events[i] = 0;
        }
    });
}

void raise_needs(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& f = c.w.f;
    // Needs arrive as a Poisson process: the need clock runs down at the need rate.
    const double used_tech = p.need_rate * c.years, used_other = p.need_rate * p.other_need_factor * c.years;
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            std::uint32_t n = 0;
            if (alive(f, i)) {
                n = run_clock(f.clock_need[i], is_tech(f, i) ? used_tech : used_other, 65535, [&] {
                    return rng::stream(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::need_arrival);
                });
            }
            f.raised[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(n, 65535));
        }
    });
}

void post_needs(engine::step_context& c) {
    const auto& p = c.sc.p;
    const bool library = p.programme && p.libraries;
    auto& f = c.w.f;
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            std::uint32_t posted = 0;
            if (library && f.raised[i] > 0) {
                const double q = p.post_share_unaware + (p.post_share_aware - p.post_share_unaware) * f.awareness[i];
                rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::need_posting);
                for (std::uint32_t k = 0; k < f.raised[i]; ++k) posted += s.uniform() < q ? 1u : 0u;
            }
            f.posted[i] = static_cast<std::uint16_t>(posted);
            f.needs_posted[i] += posted;
            f.needs_unposted[i] += static_cast<std::uint32_t>(f.raised[i]) - posted;
        }
    });
}

}  // namespace kcsim::model::phases
