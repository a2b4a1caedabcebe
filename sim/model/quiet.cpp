// The quiet pass (quiet.hpp), eight firms at a time with AVX2. Every expression below repeats one
// of a process's inline functions (needs.hpp ... firms.hpp) term for term and in the same order,
// so a quiet firm gets the same bits here as there: change them together (the test "the AVX2
// kernels give the same bits as the portable code" in tests/cpp/test_kernels.cpp checks it). Without
// AVX2 every living firm is listed and the processes do all of it.
#include "model/quiet.hpp"

#include "model/collect.hpp"
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
    x.least = float_at_least(p.least);
    x.key = key;
    for (int k = 0; k < 4; ++k) x.exit[k] = l.exit[k];
    for (int k = 0; k < 8; ++k) x.innovate[k] = l.innovate[k];
    for (int k = 0; k < 3; ++k) {
        x.certify[k] = l.certify[k];
        x.certify_aware[k] = l.certify_aware[k];
    }
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
    using namespace lanes;
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    const __m256 h_posted = _mm256_set1_ps(x.h_posted), h_unposted = _mm256_set1_ps(x.h_unposted);
    const __m256 arrive_other = _mm256_set1_ps(x.arrive[0]), arrive_tech = _mm256_set1_ps(x.arrive[1]);
    const __m256 leave = _mm256_set1_ps(x.leave), least = _mm256_set1_ps(x.least);
    const __m256d growth = _mm256_set1_pd(x.growth);
    const __m256 exit[4] = {_mm256_set1_ps(x.exit[0]), _mm256_set1_ps(x.exit[1]), _mm256_set1_ps(x.exit[2]),
                            _mm256_set1_ps(x.exit[3])};
    const __m256i sectors = _mm256_set1_epi32(static_cast<int>(x.sectors));
    const __m256i step_before = _mm256_set1_epi32(x.step - 1), none = _mm256_set1_epi32(-1);
    const auto step = static_cast<std::uint64_t>(x.step);
    const __m256 innovate = _mm256_loadu_ps(x.innovate);
    const __m256 certify = _mm256_loadu_ps(x.certify), certify_aware = _mm256_loadu_ps(x.certify_aware);
    const float* by_sector = x.by_sector.empty() ? nullptr : x.by_sector.data();
    const int services = x.services ? 255 : 0, matches = x.matches ? 255 : 0, consortia = x.consortia ? 255 : 0;
    const int dissolved = x.consortia && x.dissolved ? 255 : 0, pitch = x.finance.pitch > 0 ? 255 : 0;

    std::size_t n = 0, i = b;
    for (; i + 8 <= e; i += 8) {
        const __m256i fl = load8(f.flags + i);
        const int alive = flag_bits(fl, flag::alive);
        if (alive == 0) continue;
        const int tech = flag_bits(fl, flag::tech), high = flag_bits(fl, flag::high_tech);
        const int workstation = flag_bits(fl, flag::workstation);
        const __m256 tech_mask = lanes8(tech);
        // The rates of the firms' districts and sectors: eight firms of one district (the usual
        // case, firms are stored district by district) look them up in registers.
        const __m256i d = load8(f.district + i), sector = load8(f.sector + i);
        __m256 target, keep, match, serve, visit, join;
        if (by_sector != nullptr && same(d)) {
            const auto d0 = static_cast<std::size_t>(_mm256_cvtsi256_si32(d));
            target = _mm256_set1_ps(x.target[d0]);
            keep = _mm256_set1_ps(x.keep[d0]);
            match = _mm256_set1_ps(x.match[d0]);
            const float* row = by_sector + d0 * 3 * 8;
            serve = _mm256_permutevar8x32_ps(_mm256_loadu_ps(row), sector);
            visit = _mm256_permutevar8x32_ps(_mm256_loadu_ps(row + 8), sector);
            join = _mm256_permutevar8x32_ps(_mm256_loadu_ps(row + 16), sector);
        } else {
            const __m256i k = _mm256_add_epi32(_mm256_mullo_epi32(d, sectors), sector);
            target = gather(x.target, d);
            keep = gather(x.keep, d);
            match = gather(x.match, d);
            serve = gather(x.serve, k);
            visit = gather(x.visit, k);
            join = gather(x.join, k);
        }
        const __m256i po = load8(f.needs_posted + i), un = load8(f.needs_unposted + i);
        const __m256 po_f = to_float(po), un_f = to_float(un);
        const int open = 255 & ~bits(_mm256_cmpeq_epi32(_mm256_add_epi32(po, un), _mm256_setzero_si256()));
        const int posted = 255 & ~bits(_mm256_cmpeq_epi32(po, _mm256_setzero_si256()));

        // needs.hpp: awareness, market resolution, arrivals.
        const __m256 a0 = _mm256_loadu_ps(f.awareness + i);
        const __m256 a = _mm256_add_ps(target, _mm256_mul_ps(_mm256_sub_ps(a0, target), keep));
        const __m256 resolve0 = _mm256_loadu_ps(f.clock_resolve + i);
        const __m256 left_resolve =
            _mm256_sub_ps(resolve0, _mm256_add_ps(_mm256_mul_ps(po_f, h_posted), _mm256_mul_ps(un_f, h_unposted)));
        int event = le0(left_resolve) & open;
        const __m256 need0 = _mm256_loadu_ps(f.clock_need + i);
        const __m256 left_need = _mm256_sub_ps(need0, _mm256_blendv_ps(arrive_other, arrive_tech, tech_mask));
        event |= le0(left_need);

        // experts.hpp and matching.hpp
        const __m256 service0 = _mm256_loadu_ps(f.clock_service + i);
        const __m256 left_service =
            _mm256_sub_ps(service0, _mm256_add_ps(_mm256_mul_ps(po_f, serve), _mm256_mul_ps(un_f, visit)));
        event |= services & le0(left_service) & open;
        const __m256 match0 = _mm256_loadu_ps(f.clock_match + i);
        const __m256 left_match = _mm256_sub_ps(match0, _mm256_mul_ps(po_f, match));
        event |= matches & le0(left_match) & posted;

        // consortia.hpp
        const __m256i member32 = _mm256_cmpgt_epi32(load8(f.consortium + i), none);
        const int member = bits(member32);
        event |= dissolved & member;
        const __m256 join_h = _mm256_mul_ps(_mm256_mul_ps(join, a), _mm256_blendv_ps(zero, one, tech_mask));
        const __m256 h_member = _mm256_blendv_ps(join_h, leave, _mm256_castsi256_ps(member32));
        const __m256 member0 = _mm256_loadu_ps(f.clock_consortium + i);
        const __m256 left_member = _mm256_sub_ps(member0, h_member);
        event |= consortia & le0(left_member) & gt0(h_member);

        // finance.hpp: a firm that may pitch draws its pitch (below).
        const int pitching = pitch & tech & _mm256_movemask_ps(_mm256_cmp_ps(a, least, _CMP_GE_OQ));

        // firms.hpp: exit, own research, output, certification.
        const __m256i financed32 = _mm256_cmpgt_epi32(load8(f.financed_until + i), step_before);
        const __m256 financed = _mm256_castsi256_ps(financed32);
        const __m256 exit_h = _mm256_blendv_ps(_mm256_blendv_ps(exit[0], exit[1], financed),
                                               _mm256_blendv_ps(exit[2], exit[3], financed), tech_mask);
        const __m256 exit0 = _mm256_loadu_ps(f.clock_exit + i);
        const __m256 clock_exit = _mm256_sub_ps(exit0, exit_h);
        event |= le0(clock_exit);
        const __m256 level = _mm256_loadu_ps(f.tech_level + i);
        const __m256i kind = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(member32, _mm256_set1_epi32(4)),
                            _mm256_and_si256(_mm256_castps_si256(lanes8(workstation)), _mm256_set1_epi32(2))),
            _mm256_and_si256(financed32, _mm256_set1_epi32(1)));
        const __m256 innovate0 = _mm256_loadu_ps(f.clock_innovate + i);
        const __m256 left_innovate =
            _mm256_sub_ps(innovate0, _mm256_mul_ps(_mm256_permutevar8x32_ps(innovate, kind), level));
        event |= _mm256_movemask_ps(_mm256_cmp_ps(left_innovate, zero, _CMP_NGT_UQ));  // !(left > 0)
        // Output grows in double, as firm_life does it: growth rounded to float would bias it.
        const __m256 output0 = _mm256_loadu_ps(f.output + i);
        const __m256 output = _mm256_set_m128(narrow(_mm256_mul_pd(widen(_mm256_extractf128_ps(output0, 1)), growth)),
                                              narrow(_mm256_mul_pd(widen(_mm256_castps256_ps128(output0)), growth)));
        const __m256i level3 =
            _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_add_epi32(_mm256_castps_si256(tech_mask),
                                                                      _mm256_castps_si256(lanes8(high))));  // 0, 1, 2
        const __m256 h_certify =
            _mm256_mul_ps(_mm256_mul_ps(_mm256_permutevar8x32_ps(certify, level3), level),
                          _mm256_add_ps(one, _mm256_mul_ps(_mm256_permutevar8x32_ps(certify_aware, level3), a)));
        const __m256 certify0 = _mm256_loadu_ps(f.clock_certify + i);
        const __m256 left_certify = _mm256_sub_ps(certify0, h_certify);
        event |= le0(left_certify) & gt0(h_certify);

        // Quiet living firms take the new values; the others keep theirs and are listed.
        // A quiet firm that pitches stays quiet if its pitch comes to nothing (the processes draw
        // the same numbers again for one whose pitch becomes a deal).
        int quiet = alive & ~event;
        for (int rest = quiet & pitching; rest != 0; rest &= rest - 1) {
            const int j = __builtin_ctz(static_cast<unsigned>(rest));
            const std::size_t firm = i + static_cast<std::size_t>(j);
            rng::stream s(x.key, f.id[firm], step, rng::purpose::finance);
            if (pitch_succeeds(x.finance, f, firm, s)) quiet &= ~(1 << j);
        }
        const __m256 q = lanes8(quiet);
        _mm256_storeu_ps(f.awareness + i, _mm256_blendv_ps(a0, a, q));
        _mm256_storeu_ps(f.clock_resolve + i, _mm256_blendv_ps(resolve0, left_resolve, q));
        _mm256_storeu_ps(f.clock_need + i, _mm256_blendv_ps(need0, left_need, q));
        if (services) _mm256_storeu_ps(f.clock_service + i, _mm256_blendv_ps(service0, left_service, q));
        if (matches) _mm256_storeu_ps(f.clock_match + i, _mm256_blendv_ps(match0, left_match, q));
        if (consortia) _mm256_storeu_ps(f.clock_consortium + i, _mm256_blendv_ps(member0, left_member, q));
        _mm256_storeu_ps(f.clock_exit + i, _mm256_blendv_ps(exit0, clock_exit, q));
        _mm256_storeu_ps(f.clock_innovate + i, _mm256_blendv_ps(innovate0, left_innovate, q));
        _mm256_storeu_ps(f.output + i, _mm256_blendv_ps(output0, output, q));
        _mm256_storeu_ps(f.clock_certify + i, _mm256_blendv_ps(certify0, left_certify, q));
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
