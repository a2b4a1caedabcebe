// The quiet pass (quiet.hpp), four firms at a time with AVX2. Every expression below repeats one
// of a process's inline functions (needs.hpp ... firms.hpp) term for term and in the same order,
// so a quiet firm gets the same bits here as there: change them together (the test "the quiet
// pass gives the same bits as the processes" in tests/cpp/test_quiet.cpp checks it). Without
// AVX2 every living firm is listed and the processes do all of it.
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
    x.serve = s.serve;
    x.visit = s.visit;
    x.sectors = s.sectors;
    x.matches = m.any;
    x.match = m.hazard.data();
    x.consortia = c.any;
    for (const std::uint8_t stays : c.stays) x.dissolved = x.dissolved || stays == 0;
    x.join = c.join.data();
    x.leave = c.leave;
    x.finance = p;
    x.key = key;
    for (int k = 0; k < 4; ++k) x.exit[k] = static_cast<float>(l.exit[k]);
    for (int k = 0; k < 8; ++k) x.innovate[k] = l.innovate[k];
    for (int k = 0; k < 3; ++k) {
        x.certify[k] = l.certify[k];
        x.certify_aware[k] = l.certify_aware[k];
    }
    x.growth = l.growth;
    x.step = l.step;
    if (s.sectors <= 8) {
        const std::size_t nd = n.target.size();
        x.by_sector.assign(nd * 3 * 8, 0.0);
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
    const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    const __m256d h_posted = _mm256_set1_pd(x.h_posted), h_unposted = _mm256_set1_pd(x.h_unposted);
    const __m256d arrive_other = _mm256_set1_pd(x.arrive[0]), arrive_tech = _mm256_set1_pd(x.arrive[1]);
    const __m256d leave = _mm256_set1_pd(x.leave), least = _mm256_set1_pd(x.finance.least),
                  growth = _mm256_set1_pd(x.growth);
    const __m128 exit[4] = {_mm_set1_ps(x.exit[0]), _mm_set1_ps(x.exit[1]), _mm_set1_ps(x.exit[2]),
                            _mm_set1_ps(x.exit[3])};
    const __m128i sectors = _mm_set1_epi32(static_cast<int>(x.sectors));
    const __m128i step_before = _mm_set1_epi32(x.step - 1);
    const auto step = static_cast<std::uint64_t>(x.step);
    const __m256d innovate_lo = _mm256_loadu_pd(x.innovate), innovate_hi = _mm256_loadu_pd(x.innovate + 4);
    const __m256d certify = _mm256_loadu_pd(x.certify), certify_aware = _mm256_loadu_pd(x.certify_aware);
    const double* by_sector = x.by_sector.empty() ? nullptr : x.by_sector.data();
    const int services = x.services ? 15 : 0, matches = x.matches ? 15 : 0, consortia = x.consortia ? 15 : 0;
    const int dissolved = x.consortia && x.dissolved ? 15 : 0, pitch = x.finance.pitch > 0 ? 15 : 0;

    std::size_t n = 0, i = b;
    for (; i + 4 <= e; i += 4) {
        const __m128i fl = load4(f.flags + i);
        const int alive = flag_bits(fl, flag::alive);
        if (alive == 0) continue;
        const int tech = flag_bits(fl, flag::tech), high = flag_bits(fl, flag::high_tech);
        const int workstation = flag_bits(fl, flag::workstation);
        const __m256d tech64 = lanes64(tech);
        // The rates of the firms' districts and sectors: four firms of one district (the usual
        // case, firms are stored district by district) look them up in registers.
        const __m128i d = load4(f.district + i), sector = load4(f.sector + i);
        const __m128i k = _mm_add_epi32(_mm_mullo_epi32(d, sectors), sector);
        __m256d target, keep, match, serve, visit, join;
        if (bits(_mm_cmpeq_epi32(d, _mm_shuffle_epi32(d, 0))) == 15) {
            const auto d0 = static_cast<std::size_t>(_mm_cvtsi128_si32(d));
            target = _mm256_set1_pd(x.target[d0]);
            keep = _mm256_set1_pd(x.keep[d0]);
            match = _mm256_set1_pd(x.match[d0]);
            if (by_sector) {
                const double* row = by_sector + d0 * 3 * 8;
                serve = lookup8(row, sector);
                visit = lookup8(row + 8, sector);
                join = lookup8(row + 16, sector);
            } else {
                serve = gather(x.serve, k);
                visit = gather(x.visit, k);
                join = gather(x.join, k);
            }
        } else {
            target = gather(x.target, d);
            keep = gather(x.keep, d);
            match = gather(x.match, d);
            serve = gather(x.serve, k);
            visit = gather(x.visit, k);
            join = gather(x.join, k);
        }
        const __m128i po = load4(f.needs_posted + i), un = load4(f.needs_unposted + i);
        const __m256d po_d = to_double(po), un_d = to_double(un);
        const int open = 15 & ~bits(_mm_cmpeq_epi32(_mm_add_epi32(po, un), _mm_setzero_si128()));
        const int posted = 15 & ~bits(_mm_cmpeq_epi32(po, _mm_setzero_si128()));

        // needs.hpp: awareness, market resolution, arrivals.
        const __m128 a0 = _mm_loadu_ps(f.awareness + i);
        const __m128 a = narrow(_mm256_add_pd(target, _mm256_mul_pd(_mm256_sub_pd(widen(a0), target), keep)));
        const __m256d a_d = widen(a);
        const __m128 resolve0 = _mm_loadu_ps(f.clock_resolve + i);
        const __m256d left_resolve = _mm256_sub_pd(
            widen(resolve0), _mm256_add_pd(_mm256_mul_pd(po_d, h_posted), _mm256_mul_pd(un_d, h_unposted)));
        int event = le0(left_resolve) & open;
        const __m128 need0 = _mm_loadu_ps(f.clock_need + i);
        const __m256d left_need = _mm256_sub_pd(widen(need0), _mm256_blendv_pd(arrive_other, arrive_tech, tech64));
        event |= le0(left_need);

        // experts.hpp and matching.hpp
        const __m128 service0 = _mm_loadu_ps(f.clock_service + i);
        const __m256d left_service =
            _mm256_sub_pd(widen(service0), _mm256_add_pd(_mm256_mul_pd(po_d, serve), _mm256_mul_pd(un_d, visit)));
        event |= services & le0(left_service) & open;
        const __m128 match0 = _mm_loadu_ps(f.clock_match + i);
        const __m256d left_match = _mm256_sub_pd(widen(match0), _mm256_mul_pd(po_d, match));
        event |= matches & le0(left_match) & posted;

        // consortia.hpp
        const __m128i member32 = _mm_cmpgt_epi32(load4(f.consortium + i), _mm_set1_epi32(-1));
        const int member = bits(member32);
        event |= dissolved & member;
        const __m256d join_h = _mm256_mul_pd(_mm256_mul_pd(join, a_d), _mm256_blendv_pd(zero, one, tech64));
        const __m256d h_member = _mm256_blendv_pd(join_h, leave, lanes64(member));
        const __m128 member0 = _mm_loadu_ps(f.clock_consortium + i);
        const __m256d left_member = _mm256_sub_pd(widen(member0), h_member);
        event |= consortia & le0(left_member) & gt0(h_member);

        // finance.hpp: a firm that may pitch draws its pitch (below).
        const int pitching = pitch & tech & _mm256_movemask_pd(_mm256_cmp_pd(a_d, least, _CMP_GE_OQ));

        // firms.hpp: exit, own research, output, certification.
        const __m128i financed32 = _mm_cmpgt_epi32(load4(f.financed_until + i), step_before);
        const __m128 financed = _mm_castsi128_ps(financed32), tech32 = lanes32(tech);
        const __m128 exit_h =
            _mm_blendv_ps(_mm_blendv_ps(exit[0], exit[1], financed), _mm_blendv_ps(exit[2], exit[3], financed), tech32);
        const __m128 exit0 = _mm_loadu_ps(f.clock_exit + i);
        const __m128 clock_exit = _mm_sub_ps(exit0, exit_h);
        event |= _mm_movemask_ps(_mm_cmple_ps(clock_exit, _mm_setzero_ps()));
        const __m128 level = _mm_loadu_ps(f.tech_level + i);
        const __m256d level_d = widen(level);
        const __m128i kind =
            _mm_or_si128(_mm_or_si128(_mm_and_si128(member32, _mm_set1_epi32(4)),
                                      _mm_and_si128(_mm_castps_si128(lanes32(workstation)), _mm_set1_epi32(2))),
                         _mm_and_si128(financed32, _mm_set1_epi32(1)));
        const __m128 innovate0 = _mm_loadu_ps(f.clock_innovate + i);
        const __m256d left_innovate =
            _mm256_sub_pd(widen(innovate0), _mm256_mul_pd(lookup8(innovate_lo, innovate_hi, kind), level_d));
        event |= _mm256_movemask_pd(_mm256_cmp_pd(left_innovate, zero, _CMP_NGT_UQ));  // !(left > 0)
        const __m128 output0 = _mm_loadu_ps(f.output + i);
        const __m128 output = narrow(_mm256_mul_pd(widen(output0), growth));
        const __m128i level3 = _mm_add_epi32(_mm_and_si128(_mm_castps_si128(tech32), _mm_set1_epi32(1)),
                                             _mm_and_si128(_mm_castps_si128(lanes32(high)), _mm_set1_epi32(1)));
        const __m256d h_certify = _mm256_mul_pd(_mm256_mul_pd(lookup4(certify, level3), level_d),
                                                _mm256_add_pd(one, _mm256_mul_pd(lookup4(certify_aware, level3), a_d)));
        const __m128 certify0 = _mm_loadu_ps(f.clock_certify + i);
        const __m256d left_certify = _mm256_sub_pd(widen(certify0), h_certify);
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
        const __m128 q = lanes32(quiet);
        _mm_storeu_ps(f.awareness + i, _mm_blendv_ps(a0, a, q));
        _mm_storeu_ps(f.clock_resolve + i, _mm_blendv_ps(resolve0, narrow(left_resolve), q));
        _mm_storeu_ps(f.clock_need + i, _mm_blendv_ps(need0, narrow(left_need), q));
        if (services) _mm_storeu_ps(f.clock_service + i, _mm_blendv_ps(service0, narrow(left_service), q));
        if (matches) _mm_storeu_ps(f.clock_match + i, _mm_blendv_ps(match0, narrow(left_match), q));
        if (consortia) _mm_storeu_ps(f.clock_consortium + i, _mm_blendv_ps(member0, narrow(left_member), q));
        _mm_storeu_ps(f.clock_exit + i, _mm_blendv_ps(exit0, clock_exit, q));
        _mm_storeu_ps(f.clock_innovate + i, _mm_blendv_ps(innovate0, narrow(left_innovate), q));
        _mm_storeu_ps(f.output + i, _mm_blendv_ps(output0, output, q));
        _mm_storeu_ps(f.clock_certify + i, _mm_blendv_ps(certify0, narrow(left_certify), q));
        // Listed without branches: which lanes are busy differs from group to group.
        const auto listed = static_cast<unsigned>(alive & ~quiet);
        for (unsigned j = 0; j < 4; ++j) {
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
