// Firms raise technology needs, post some to the problem library, and solve or abandon them.
#include <cmath>

#include "engine/execution.hpp"
#include "model/phases.hpp"

namespace kcsim::model::phases {

namespace {
constexpr std::size_t block = 16384;

double need_rate(const scenario::params& p, std::uint8_t flags) {
    return (flags & state::firm_flag::tech) ? p.need_rate : p.need_rate * p.other_need_factor;
}
} // namespace

void update_awareness(engine::step_context& c) {
    const auto& p = c.sc.p;
    // da/dt = e (1 - a) - delta a has the exact solution a* + (a - a*) exp(-(e + delta) dt):
    // per district, the target a* and the factor exp(-(e + delta) dt).
    const std::size_t nd = c.w.d.size();
    std::vector<double> target(nd), keep(nd);
    for (std::size_t d = 0; d < nd; ++d) {
        double e = 0;
        if (p.programme) {
            const auto level = static_cast<scenario::pilot_level>(c.w.d.pilot[d]);
            e = level == scenario::pilot_level::national    ? p.exposure_national
                : level == scenario::pilot_level::municipal ? p.exposure_municipal
                                                            : p.exposure_other;
        }
        const double h = e + p.awareness_decay;
        target[d] = h > 0 ? e / h : 0.0;
        keep[d] = std::exp(-h * c.years);
    }
    auto& f = c.w.f;
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            const std::size_t d = f.district[i];
            const double a = target[d] + (f.awareness[i] - target[d]) * keep[d];
            f.awareness[i] = static_cast<float>(a);
        }
    });
}

void resolve_needs(engine::step_context& c) {
    const auto& p = c.sc.p;
    // Competing hazards: solved (rate s) or abandoned (rate a); posted needs are solved faster.
    const double s_un = p.self_solve_rate;
    const double s_po = p.self_solve_rate * (1.0 + p.solve_boost_posted);
    const double h_un = s_un + p.abandon_rate;
    const double h_po = s_po + p.abandon_rate;
    const double any_un = rng::hazard_prob(h_un, c.years);
    const double any_po = rng::hazard_prob(h_po, c.years);
    const double solve_un = h_un > 0 ? s_un / h_un : 0.0;
    const double solve_po = h_po > 0 ? s_po / h_po : 0.0;
    auto& f = c.w.f;
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            std::uint32_t solved_po = 0, solved_un = 0, dropped = 0;
            if (f.needs_posted[i] + f.needs_unposted[i] > 0) {
                rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::need_resolution);
                for (std::uint32_t k = 0; k < f.needs_posted[i]; ++k) {
                    if (s.uniform() < any_po) (s.uniform() < solve_po ? solved_po : dropped) += 1;
                }
                const std::uint32_t dropped_po = dropped;
                for (std::uint32_t k = 0; k < f.needs_unposted[i]; ++k) {
                    if (s.uniform() < any_un) (s.uniform() < solve_un ? solved_un : dropped) += 1;
                }
                f.needs_posted[i] -= solved_po + dropped_po;
                f.needs_unposted[i] -= solved_un + (dropped - dropped_po);
            }
            f.solved_posted[i] = static_cast<std::uint16_t>(solved_po);
            f.solved_unposted[i] = static_cast<std::uint16_t>(solved_un);
            f.abandoned[i] = static_cast<std::uint16_t>(dropped);
        }
    });
}

void raise_needs(engine::step_context& c) {
    const auto& p = c.sc.p;
    auto& f = c.w.f;
    engine::for_blocks(f.size(), block, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            rng::stream s(c.key, f.id[i], static_cast<std::uint64_t>(c.step), rng::purpose::need_arrival);
            const std::uint32_t n = s.poisson(need_rate(p, f.flags[i]) * c.years);
            f.raised[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(n, 65535));
        }
    });
}

void post_needs(engine::step_context& c) {
    const auto& p = c.sc.p;
    const bool library = p.programme && p.problem_library;
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

} // namespace kcsim::model::phases
