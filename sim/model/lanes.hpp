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

// Four firms: doubles in __m256d, floats and 32-bit integers in __m128/__m128i, masks as 4-bit ints.
KCSIM_AVX2 inline __m256d widen(__m128 v) { return _mm256_cvtps_pd(v); }
KCSIM_AVX2 inline __m128 narrow(__m256d v) { return _mm256_cvtpd_ps(v); }  // rounds as static_cast<float>
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

// Eight firms: floats in __m256, 32-bit integers in __m256i, masks as 8-bit ints.
KCSIM_AVX2 inline int bits(__m256i m) { return _mm256_movemask_ps(_mm256_castsi256_ps(m)); }
KCSIM_AVX2 inline int le0(__m256 v) { return _mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LE_OQ)); }
KCSIM_AVX2 inline int gt0(__m256 v) { return _mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ)); }
// An 8-bit mask as lane masks.
KCSIM_AVX2 inline __m256 lanes8(int m) {
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(m), bit), bit));
}
// The lanes whose `flag` bit is set, of eight firms' flags.
KCSIM_AVX2 inline int flag_bits(__m256i flags, std::uint8_t flag) {
    const __m256i w = _mm256_set1_epi32(flag);
    return bits(_mm256_cmpeq_epi32(_mm256_and_si256(flags, w), w));
}
// True if all eight lanes hold the first lane's value.
KCSIM_AVX2 inline bool same(__m256i v) {
    return bits(_mm256_cmpeq_epi32(v, _mm256_permutevar8x32_epi32(v, _mm256_setzero_si256()))) == 255;
}
KCSIM_AVX2 inline __m256i load8(const std::uint32_t* p) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
KCSIM_AVX2 inline __m256i load8(const std::int32_t* p) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
KCSIM_AVX2 inline __m256i load8(const std::uint8_t* p) {
    long long v;
    std::memcpy(&v, p, 8);
    return _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(v));
}
KCSIM_AVX2 inline __m256i load8(const std::uint16_t* p) {
    return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
// uint32 to float, rounded as static_cast<float> rounds it, for all values: the high and low 16
// bits are exact in float, and their sum is rounded once.
KCSIM_AVX2 inline __m256 to_float(__m256i u) {
    const __m256 high = _mm256_cvtepi32_ps(_mm256_srli_epi32(u, 16));
    const __m256 low = _mm256_cvtepi32_ps(_mm256_and_si256(u, _mm256_set1_epi32(0xffff)));
    return _mm256_add_ps(_mm256_mul_ps(high, _mm256_set1_ps(65536.0f)), low);
}
// table[index] per lane. The masked form: the plain one starts from an undefined register,
// which GCC 12 warns about.
KCSIM_AVX2 inline __m256 gather(const float* table, __m256i index) {
    const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), table, index, all, 4);
}

}  // namespace kcsim::model::lanes
#endif
