// Firms' technology needs: the step's rates (needs.hpp has the per-firm part).
#include "model/needs.hpp"

#include <cmath>

#include "engine/execution.hpp"

namespace kcsim::model {

needs_step needs_step::of(const engine::step_context& c) {
    const auto& p = c.sc.p;
    const auto& w = c.w;
    const std::size_t nd = w.d.size();
    needs_step x{};
    // The living firms, counted block by block in parallel (integers: exact in any order).
    const std::size_t nb = engine::block_count(w.f.size(), block);
    std::vector<std::size_t> alive_in(nb, 0);
    engine::for_blocks(w.f.size(), block, [&](std::size_t b, std::size_t e) {
        std::size_t n = 0;
        for (std::size_t i = b; i < e; ++i) n += (w.f.flags[i] & state::firm_flag::alive) ? 1u : 0u;
        alive_in[b / block] = n;
    });
    std::size_t firms = 0;
    for (const std::size_t n : alive_in) firms += n;
    // Published cases reach every firm (the case library's imitation effect).
    const double cases =
        platform_runs(p, w) && firms > 0 ? p.case_exposure * w.cases / (static_cast<double>(firms) / 1000.0) : 0.0;
    x.target.resize(nd);
    x.keep.resize(nd);
    for (std::size_t d = 0; d < nd; ++d) {
        const auto level = static_cast<scenario::pilot_level>(w.d.pilot[d]);
        // A pilot's uptake speed scales with its readiness (scenario/districts.cpp).
        const double uptake = level != scenario::pilot_level::none ? c.sc.districts[d].uptake : 1.0;
        const double e = exposure_rate(p, level) * uptake * effort_factor(p, w.d.effort[d]) + cases;
        const double h = e + p.awareness_decay;
        x.target[d] = static_cast<float>(h > 0 ? e / h : 0.0);
        x.keep[d] = static_cast<float>(std::exp(-h * c.years));
    }
    const double s_un = p.self_solve_rate;
    const double s_po = p.self_solve_rate * (1.0 + p.solve_boost_posted);
    const double h_un = s_un + p.abandon_rate;
    // A posted need also expires: the problem library withdraws it after a mean of
    // libraries.need_lifetime years (it is then abandoned, unsolved).
    const double withdraw = p.need_lifetime > 0 ? 1.0 / p.need_lifetime : 0.0;
    const double h_po = s_po + p.abandon_rate + withdraw;
    x.h_posted = static_cast<float>(h_po * c.years);
    x.h_unposted = static_cast<float>(h_un * c.years);
    x.solve_unposted = h_un > 0 ? s_un / h_un : 0.0;
    x.solve_posted = h_po > 0 ? s_po / h_po : 0.0;
    x.arrive[0] = static_cast<float>(p.need_rate * p.other_need_factor * c.years);
    x.arrive[1] = static_cast<float>(p.need_rate * c.years);
    x.library = platform_runs(p, w);
    x.post_unaware = p.post_share_unaware;
    x.post_aware = p.post_share_aware;
    return x;
}

void resolve_event(const needs_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step, double left) {
    std::uint32_t po = f.needs_posted[i], un = f.needs_unposted[i];
    std::uint32_t solved_po = 0, solved_un = 0, dropped = 0;
    rng::stream s(key, f.id[i], step, rng::purpose::need_resolution);
    while (left <= 0 && po + un > 0) {
        const double total = po * double{x.h_posted} + un * double{x.h_unposted};
        if (s.uniform() * total < po * double{x.h_posted}) {
            --po;
            (s.uniform() < x.solve_posted ? solved_po : dropped) += 1;
        } else {
            --un;
            (s.uniform() < x.solve_unposted ? solved_un : dropped) += 1;
        }
        left += s.exp1();
    }
    if (left <= 0) left = s.exp1();
    f.clock_resolve[i] = static_cast<float>(left);
    f.needs_posted[i] = po;
    f.needs_unposted[i] = un;
    f.solved_posted[i] = static_cast<std::uint16_t>(solved_po);
    f.solved_unposted[i] = static_cast<std::uint16_t>(solved_un);
    f.abandoned[i] = static_cast<std::uint16_t>(dropped);
    f.mark_flow(i);
}

void arrival_event(const needs_step& x, firm_columns f, std::size_t i, rng::key key, std::uint64_t step, double left) {
    // Needs arrive as a Poisson process: each arrival draws the need clock's next budget.
    rng::stream s(key, f.id[i], step, rng::purpose::need_arrival);
    const std::uint32_t raised = clock_events(f.clock_need[i], left, 65535, s);
    std::uint32_t posted = 0;
    if (x.library) {
        const double q = x.post_unaware + (x.post_aware - x.post_unaware) * f.awareness[i];
        rng::stream sp(key, f.id[i], step, rng::purpose::need_posting);
        for (std::uint32_t k = 0; k < raised; ++k) posted += sp.uniform() < q ? 1u : 0u;
    }
    f.needs_posted[i] += posted;
    f.needs_unposted[i] += raised - posted;
    f.raised[i] = static_cast<std::uint16_t>(raised);
    f.posted[i] = static_cast<std::uint16_t>(posted);
    f.mark_flow(i);
}

}  // namespace kcsim::model
