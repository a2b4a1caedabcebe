// The quiet pass (quiet.hpp), eight firms at a time with AVX2. It restates no process: every
// value it computes comes from the functions of firm_arithmetic.inc in their eight-firm form
// (lanes.hpp), the functions the processes call for one firm. What is here is only the kernel's
// own work: loading eight firms' columns, looking up their districts' rates, keeping the new
// values of the firms to which nothing happens, and listing the others. Without AVX2 every living
// firm is listed and the processes do all of it.
#include "model/quiet.hpp"

#include "model/lanes.hpp"

namespace kcsim::model {

quiet_step quiet_step::of(const needs_step& n, const service_step& s, const match_step& m, const consortium_step& c,
                          const finance_step& p, const life_step& l, rng::key key) {
    quiet_step x{};
    x.target = n.target.data();
    x.keep = n.keep.data();
    x.h_posted = n.h_posted;
    x.h_unposted = n.h_unposted;
    x.arrive[0] = n.arrive[0];
    x.arrive[1] = n.arrive[1];
    x.services = s.any;
    x.serve = s.serve.data();
    x.visit = s.visit.data();
    x.sectors = s.sectors;
    x.matches = m.any;
    x.match = m.hazard.data();
    x.consortia = c.any;
    for (const std::uint8_t stays : c.stays) x.dissolved = x.dissolved || stays == 0;
    x.join = c.join.data();
    x.leave = c.leave;
    x.finance = p;
    x.key = key;
    x.exit = l.exit;
    x.innovate = l.innovate;
    x.certify = l.certify;
    x.certify_aware = l.certify_aware;
    x.growth = l.growth;
    x.step = l.step;
    if (s.sectors <= 8) {
        const std::size_t nd = n.target.size();
        x.by_sector.assign(nd * 3 * 8, 0.0f);
        for (std::size_t d = 0; d < nd; ++d) {
            for (std::size_t k = 0; k < s.sectors; ++k) {
                x.by_sector[(d * 3 + 0) * 8 + k] = s.serve[d * s.sectors + k];
                x.by_sector[(d * 3 + 1) * 8 + k] = s.visit[d * s.sectors + k];
                x.by_sector[(d * 3 + 2) * 8 + k] = c.join[d * s.sectors + k];
            }
        }
    }
    return x;
}

namespace {

// Every living firm of [b, e) from `from` on, for the processes.
std::size_t list_alive(const firm_columns& f, std::size_t from, std::size_t e, std::uint32_t* busy) {
    std::size_t n = 0;
    for (std::size_t i = from; i < e; ++i) {
        busy[n] = static_cast<std::uint32_t>(i);
        n += f.alive(i) ? 1u : 0u;
    }
    return n;
}

#ifdef KCSIM_HAS_AVX2_KERNELS
// Finds the firms with events 32 at a time.
KCSIM_AVX2 void clear_avx2(const firm_columns& f, std::size_t b, std::size_t e) {
    std::size_t i = b;
    for (; i + 32 <= e; i += 32) {
        const __m256i ev = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(f.events + i));
        auto some = ~static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(ev, _mm256_setzero_si256())));
        for (; some != 0; some &= some - 1) f.clear_flows(i + static_cast<std::size_t>(__builtin_ctz(some)));
    }
    for (; i < e; ++i) {
        if (f.events[i] != 0) f.clear_flows(i);
    }
}

KCSIM_AVX2 std::size_t quiet_avx2(const quiet_step& x, const firm_columns& f, std::size_t b, std::size_t e,
                                  std::uint32_t* busy) {
    namespace flag = state::firm_flag;
    using namespace avx2;
    const f32 h_posted = splat(x.h_posted), h_unposted = splat(x.h_unposted);
    const float* by_sector = x.by_sector.empty() ? nullptr : x.by_sector.data();
    const auto sectors = static_cast<std::int32_t>(x.sectors);
    const bool pitch = x.finance.pitch > 0, dissolved = x.consortia && x.dissolved;
    const auto step = static_cast<std::uint64_t>(x.step);

    std::size_t n = 0, i = b;
    for (; i + 8 <= e; i += 8) {
        const i32 fl = load(f.flags + i);
        const int alive = bits(has_flag(fl, flag::alive));
        if (alive == 0) continue;
        const mask tech = has_flag(fl, flag::tech), high = has_flag(fl, flag::high_tech);
        const mask workstation = has_flag(fl, flag::workstation);
        // The rates of the firms' districts and sectors: eight firms of one district (the usual
        // case, firms are stored district by district) look them up in registers.
        const i32 d = load(f.district + i), sector = load(f.sector + i);
        f32 target, keep, match, serve, visit, join;
        if (by_sector != nullptr && same(d)) {
            const auto d0 = static_cast<std::size_t>(d[0]);
            target = splat(x.target[d0]);
            keep = splat(x.keep[d0]);
            match = splat(x.match[d0]);
            const float* row = by_sector + d0 * 3 * 8;
            serve = lookup8(row, sector);
            visit = lookup8(row + 8, sector);
            join = lookup8(row + 16, sector);
        } else {
            const i32 k = d * sectors + sector;
            target = gather(x.target, d);
            keep = gather(x.keep, d);
            match = gather(x.match, d);
            serve = gather(x.serve, k);
            visit = gather(x.visit, k);
            join = gather(x.join, k);
        }
        const u32 po = load(f.needs_posted + i), un = load(f.needs_unposted + i);
        const mask open = has_open_needs(po, un), posted = po > 0;

        // needs.hpp
        const f32 a0 = load(f.awareness + i), a = drift(a0, target, keep);
        const f32 resolve0 = load(f.clock_resolve + i);
        const f32 left_resolve = run_down(resolve0, needs_hazard(po, un, h_posted, h_unposted));
        mask event = runs_out(left_resolve, open);
        const f32 need0 = load(f.clock_need + i);
        const f32 left_need = run_down(need0, arrival_hazard(tech, x.arrive[0], x.arrive[1]));
        event = event || runs_out(left_need);

        // experts.hpp and matching.hpp
        const f32 service0 = load(f.clock_service + i);
        const f32 left_service = run_down(service0, needs_hazard(po, un, serve, visit));
        if (x.services) event = event || runs_out(left_service, open);
        const f32 match0 = load(f.clock_match + i);
        const f32 left_match = run_down(match0, match_hazard(po, match));
        if (x.matches) event = event || runs_out(left_match, posted);

        // consortia.hpp: a member of a dissolved consortium leaves (the processes say which).
        const mask member = load(f.consortium + i) >= 0;
        if (dissolved) event = event || member;
        const f32 h_member = membership_hazard(member, tech, join, a, x.leave);
        const f32 member0 = load(f.clock_consortium + i);
        const f32 left_member = run_down(member0, h_member);
        if (x.consortia) event = event || runs_out(left_member, h_member > 0);

        // finance.hpp: a firm that may pitch draws its pitch (below).
        const int pitching = pitch ? bits(may_pitch(tech, a, x.finance.reach_f)) : 0;

        // firms.hpp
        const mask financed = load(f.financed_until + i) >= x.step;
        const f32 exit0 = load(f.clock_exit + i);
        const f32 clock_exit = run_down(exit0, exit_hazard(x.exit, tech, financed));
        event = event || runs_out(clock_exit);
        const f32 level = load(f.tech_level + i);
        const f32 innovate0 = load(f.clock_innovate + i);
        const f32 left_innovate =
            run_down(innovate0, innovation_hazard(x.innovate, member, workstation, financed, level));
        event = event || exhausted(left_innovate);
        const f32 output0 = load(f.output + i), output = grown(output0, x.growth);
        const f32 h_certify = certification_hazard(x.certify, x.certify_aware, tech, high, level, a);
        const f32 certify0 = load(f.clock_certify + i);
        const f32 left_certify = run_down(certify0, h_certify);
        event = event || runs_out(left_certify, h_certify > 0);

        // Quiet living firms take the new values; the others keep theirs and are listed.
        // A quiet firm that pitches stays quiet if its pitch comes to nothing (the processes draw
        // the same numbers again for one whose pitch becomes a deal).
        int quiet = alive & ~bits(event);
        for (int rest = quiet & pitching; rest != 0; rest &= rest - 1) {
            const int j = __builtin_ctz(static_cast<unsigned>(rest));
            const std::size_t firm = i + static_cast<std::size_t>(j);
            rng::stream s(x.key, f.id[firm], step, rng::purpose::finance);
            if (pitch_succeeds(x.finance, f, firm, a[j], s)) quiet &= ~(1 << j);
        }
        const mask q = lanes(quiet);
        store(f.awareness + i, select(q, a, a0));
        store(f.clock_resolve + i, select(q, left_resolve, resolve0));
        store(f.clock_need + i, select(q, left_need, need0));
        if (x.services) store(f.clock_service + i, select(q, left_service, service0));
        if (x.matches) store(f.clock_match + i, select(q, left_match, match0));
        if (x.consortia) store(f.clock_consortium + i, select(q, left_member, member0));
        store(f.clock_exit + i, select(q, clock_exit, exit0));
        store(f.clock_innovate + i, select(q, left_innovate, innovate0));
        store(f.output + i, select(q, output, output0));
        store(f.clock_certify + i, select(q, left_certify, certify0));
        // Listed without branches: which lanes are busy differs from group to group.
        const auto listed = static_cast<unsigned>(alive & ~quiet);
        for (unsigned j = 0; j < 8; ++j) {
            busy[n] = static_cast<std::uint32_t>(i + j);
            n += (listed >> j) & 1u;
        }
    }
    return n + list_alive(f, i, e, busy + n);  // the last few firms of the block
}
#endif

}  // namespace

void clear_last_flows(const firm_columns& f, std::size_t b, std::size_t e) {
#ifdef KCSIM_HAS_AVX2_KERNELS
    if (use_avx2()) return clear_avx2(f, b, e);
#endif
    f.clear_flows(b, e);  // the portable code does it all, as the reference the kernels must match
}

std::size_t quiet_firms(const quiet_step& x, const firm_columns& f, std::size_t b, std::size_t e, std::uint32_t* busy) {
#ifdef KCSIM_HAS_AVX2_KERNELS
    if (use_avx2()) return quiet_avx2(x, f, b, e, busy);
#endif
    (void)x;
    return list_alive(f, b, e, busy);
}

}  // namespace kcsim::model
