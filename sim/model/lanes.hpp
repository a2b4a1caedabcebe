#pragma once
// Four firms at a time: the AVX2 helpers of the firm pass's vector kernels (quiet.cpp, collect.cpp).
// A kernel is built for AVX2 with KCSIM_AVX2 and chosen at run time by use_avx2(); without AVX2,
// or after use_portable_kernels(true), the portable code runs instead. Both give the same bits:
// there is no FMA contraction (-ffp-contract=off), vector arithmetic rounds as scalar arithmetic
// does, and every kernel keeps the order of the additions of the code it stands for.
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define KCSIM_HAS_AVX2_KERNELS 1
#define KCSIM_AVX2 [[gnu::target("avx2")]]
#endif

namespace kcsim::model {

// True if the AVX2 kernels are to run: the CPU has AVX2 and no test asked for the portable code.
bool use_avx2();
// For tests: run the portable code even where the CPU has AVX2.
void use_portable_kernels(bool on);

}  // namespace kcsim::model

#ifdef KCSIM_HAS_AVX2_KERNELS
namespace kcsim::model::lanes {

// Doubles in __m256d, floats and 32-bit integers in __m128/__m128i, masks as 4-bit ints.
KCSIM_AVX2 inline __m256d widen(__m128 v) { return _mm256_cvtps_pd(v); }
KCSIM_AVX2 inline __m128 narrow(__m256d v) { return _mm256_cvtpd_ps(v); }  // rounds as static_cast<float>
KCSIM_AVX2 inline int le0(__m256d v) { return _mm256_movemask_pd(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_LE_OQ)); }
KCSIM_AVX2 inline int gt0(__m256d v) { return _mm256_movemask_pd(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_GT_OQ)); }
KCSIM_AVX2 inline int bits(__m128i m) { return _mm_movemask_ps(_mm_castsi128_ps(m)); }
// A 4-bit mask as lane masks.
KCSIM_AVX2 inline __m128 lanes32(int m) {
    const __m128i bit = _mm_setr_epi32(1, 2, 4, 8);
    return _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(_mm_set1_epi32(m), bit), bit));
}
KCSIM_AVX2 inline __m256d lanes64(int m) {
    const __m256i bit = _mm256_setr_epi64x(1, 2, 4, 8);
    return _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(_mm256_set1_epi64x(m), bit), bit));
}
// The lanes whose `flag` bit is set, of four firms' flags.
KCSIM_AVX2 inline int flag_bits(__m128i flags, std::uint8_t flag) {
    const __m128i w = _mm_set1_epi32(flag);
    return bits(_mm_cmpeq_epi32(_mm_and_si128(flags, w), w));
}
// uint32 to double exactly, for all values: (x - 2^31 as int32) + 2^31.
KCSIM_AVX2 inline __m256d to_double(__m128i u) {
    const __m128i flip = _mm_xor_si128(u, _mm_set1_epi32(static_cast<int>(0x80000000u)));
    return _mm256_add_pd(_mm256_cvtepi32_pd(flip), _mm256_set1_pd(2147483648.0));
}
KCSIM_AVX2 inline __m128i load4(const std::uint32_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
KCSIM_AVX2 inline __m128i load4(const std::int32_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
KCSIM_AVX2 inline __m128i load4(const std::uint8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(v));
}
KCSIM_AVX2 inline __m128i load4(const std::uint16_t* p) {
    long long v;
    std::memcpy(&v, p, 8);
    return _mm_cvtepu16_epi32(_mm_cvtsi64_si128(v));
}
// table[index] per lane. The masked form: the plain one starts from an undefined register,
// which GCC 12 warns about.
KCSIM_AVX2 inline __m256d gather(const double* table, __m128i index) {
    const __m256d all = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    return _mm256_mask_i32gather_pd(_mm256_setzero_pd(), table, index, all, 8);
}

// table[index] per lane, for a table of 4 doubles in a register (index 0..3): one permute.
KCSIM_AVX2 inline __m256d lookup4(__m256d table, __m128i index) {
    const __m256i low = _mm256_slli_epi64(_mm256_cvtepu32_epi64(index), 1);  // 2 index, in the low half
    const __m256i high = _mm256_slli_epi64(_mm256_add_epi64(low, _mm256_set1_epi64x(1)), 32);
    return _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(table), _mm256_or_si256(low, high)));
}
// The same for 8 doubles in two registers (index 0..7).
KCSIM_AVX2 inline __m256d lookup8(__m256d lo, __m256d hi, __m128i index) {
    const __m128i low = _mm_and_si128(index, _mm_set1_epi32(3));
    const __m256d upper = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_cmpgt_epi32(index, _mm_set1_epi32(3))));
    return _mm256_blendv_pd(lookup4(lo, low), lookup4(hi, low), upper);
}
KCSIM_AVX2 inline __m256d lookup8(const double* table, __m128i index) {
    return lookup8(_mm256_loadu_pd(table), _mm256_loadu_pd(table + 4), index);
}

}  // namespace kcsim::model::lanes
#endif
