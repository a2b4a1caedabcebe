#pragma once
// Lanes: the per-firm arithmetic of the firm pass (firm_arithmetic.inc) is written once and
// compiled for two lane types, the way Highway compiles one source per target:
//   - kcsim::model::scalar: one firm, plain float, int and bool. The processes (needs.hpp ...
//     firms.hpp) call it for the firms to which something happens, and it is the portable code.
//   - kcsim::model::avx2: eight firms in AVX2 registers (GCC/Clang vector types), for the quiet
//     pass (quiet.cpp), the stock sums (collect.cpp) and the awareness pulses (programme.cpp).
// firm_arithmetic.inc is included once into each namespace; the AVX2 copy is compiled with the
// target "avx2" (a pragma, not a flag: the rest of the program still runs on any x86-64) and is
// chosen at run time by use_avx2(). Both give the same bits: there is no FMA contraction
// (-ffp-contract=off, and "avx2" does not enable FMA), vector arithmetic rounds as scalar
// arithmetic does, and the two copies are the same expressions in the same order.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/inline.hpp"

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

// The least float >= v: a float x is >= it exactly when (double)x >= v, so a threshold test can
// be made in float.
inline float float_at_least(double v) {
    const float f = static_cast<float>(v);
    return static_cast<double>(f) < v ? std::nextafter(f, HUGE_VALF) : f;
}

// The most output (million yuan per year) one firm reaches by growth and innovation: 10^18 yuan,
// far beyond any firm, so it never binds near the documented defaults. Over the documented
// parameter ranges compounding alone (enterprise.growth_rate, innovation_rate times its boosts
// times innovation_output_gain, for up to 110 years) would pass the largest float and make the
// metrics infinite; output held here stays finite (tests/python/test_parameter_box.py).
inline constexpr float max_output = 1e12f;

// One firm: the lane types are plain scalars; a mask is a bool.
namespace scalar {
using f32 = float;
using f64 = double;
using i32 = std::int32_t;
using u32 = std::uint32_t;
using mask = bool;
KCSIM_ALWAYS_INLINE f32 splat(float v) { return v; }
KCSIM_ALWAYS_INLINE i32 splat_i(std::int32_t v) { return v; }
KCSIM_ALWAYS_INLINE f32 to_f32(u32 v) { return static_cast<float>(v); }
KCSIM_ALWAYS_INLINE f32 to_f32(f64 v) { return static_cast<float>(v); }
KCSIM_ALWAYS_INLINE f64 to_f64(f32 v) { return v; }
// table[index], for a table of eight (index 0..7).
KCSIM_ALWAYS_INLINE f32 lookup8(const float* table, i32 index) { return table[index]; }
KCSIM_ALWAYS_INLINE f64 lookup8(const double* table, i32 index) { return table[index]; }
#include "model/firm_arithmetic.inc"
}  // namespace scalar

}  // namespace kcsim::model

#ifdef KCSIM_HAS_AVX2_KERNELS
// Everything up to the matching pop is compiled for AVX2 (functions only: types are shared).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
namespace kcsim::model::avx2 {

// Eight firms: GCC/Clang vector types, whose operators work lane by lane; comparisons give a
// lane mask of 32-bit integers (-1 true, 0 false), which &&, ||, ! and ?: take as masks.
typedef float f32 __attribute__((vector_size(32)));
typedef std::int32_t i32 __attribute__((vector_size(32)));
typedef std::uint32_t u32 __attribute__((vector_size(32)));
using mask = i32;
typedef double f64x4 __attribute__((vector_size(32)));
typedef std::int64_t i64x4 __attribute__((vector_size(32)));
// Eight doubles: two registers (a 64-byte vector type would need AVX-512's calling convention).
struct f64 {
    f64x4 low, high;  // lanes 0-3 and 4-7
};
KCSIM_ALWAYS_INLINE f64 operator*(f64 a, f64 b) { return {a.low * b.low, a.high * b.high}; }
KCSIM_ALWAYS_INLINE f64 operator*(f64 a, double b) { return {a.low * b, a.high * b}; }
KCSIM_ALWAYS_INLINE f64 operator*(double a, f64 b) { return {a * b.low, a * b.high}; }
KCSIM_ALWAYS_INLINE f64 operator-(double a, f64 b) { return {a - b.low, a - b.high}; }

KCSIM_ALWAYS_INLINE f32 splat(float v) { return f32{v, v, v, v, v, v, v, v}; }
KCSIM_ALWAYS_INLINE i32 splat_i(std::int32_t v) { return i32{v, v, v, v, v, v, v, v}; }
// uint32 to float rounds as static_cast<float> does, for all values (tests/cpp/test_kernels.cpp).
KCSIM_ALWAYS_INLINE f32 to_f32(u32 v) { return __builtin_convertvector(v, f32); }
// Rounded as static_cast<float> rounds a double.
KCSIM_ALWAYS_INLINE f32 to_f32(f64 v) {
    return reinterpret_cast<f32>(_mm256_set_m128(_mm256_cvtpd_ps(reinterpret_cast<__m256d>(v.high)),
                                                 _mm256_cvtpd_ps(reinterpret_cast<__m256d>(v.low))));
}
KCSIM_ALWAYS_INLINE f64 to_f64(f32 v) {
    const auto x = reinterpret_cast<__m256>(v);
    return {reinterpret_cast<f64x4>(_mm256_cvtps_pd(_mm256_castps256_ps128(x))),
            reinterpret_cast<f64x4>(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)))};
}
KCSIM_ALWAYS_INLINE f32 lookup8(const float* table, i32 index) {
    return reinterpret_cast<f32>(_mm256_permutevar8x32_ps(_mm256_loadu_ps(table), reinterpret_cast<__m256i>(index)));
}
// table[index] per lane, for a table of 4 doubles in a register (index 0..3): one permute.
KCSIM_ALWAYS_INLINE __m256d lookup4(__m256d table, __m128i index) {
    const __m256i low = _mm256_slli_epi64(_mm256_cvtepu32_epi64(index), 1);  // 2 index, in the low half
    const __m256i high = _mm256_slli_epi64(_mm256_add_epi64(low, _mm256_set1_epi64x(1)), 32);
    return _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(table), _mm256_or_si256(low, high)));
}
// The same for 8 doubles in two registers (index 0..7), four lanes.
KCSIM_ALWAYS_INLINE __m256d lookup8(__m256d lo, __m256d hi, __m128i index) {
    const __m128i low = _mm_and_si128(index, _mm_set1_epi32(3));
    const __m256d upper = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_cmpgt_epi32(index, _mm_set1_epi32(3))));
    return _mm256_blendv_pd(lookup4(lo, low), lookup4(hi, low), upper);
}
KCSIM_ALWAYS_INLINE f64 lookup8(const double* table, i32 index) {
    const __m256d lo = _mm256_loadu_pd(table), hi = _mm256_loadu_pd(table + 4);
    const auto i = reinterpret_cast<__m256i>(index);
    return {reinterpret_cast<f64x4>(lookup8(lo, hi, _mm256_castsi256_si128(i))),
            reinterpret_cast<f64x4>(lookup8(lo, hi, _mm256_extracti128_si256(i, 1)))};
}

#include "model/firm_arithmetic.inc"

// Loading eight firms' columns as lanes.
KCSIM_ALWAYS_INLINE f32 load(const float* p) {
    f32 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
KCSIM_ALWAYS_INLINE void store(float* p, f32 v) { std::memcpy(p, &v, sizeof v); }
KCSIM_ALWAYS_INLINE i32 load(const std::int32_t* p) {
    i32 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
KCSIM_ALWAYS_INLINE u32 load(const std::uint32_t* p) {
    u32 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
KCSIM_ALWAYS_INLINE i32 load(const std::uint8_t* p) {
    long long v;
    std::memcpy(&v, p, 8);
    return reinterpret_cast<i32>(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(v)));
}
KCSIM_ALWAYS_INLINE i32 load(const std::uint16_t* p) {
    return reinterpret_cast<i32>(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
}
// A lane mask as eight bits (lane j in bit j), and back.
KCSIM_ALWAYS_INLINE int bits(mask m) { return _mm256_movemask_ps(reinterpret_cast<__m256>(m)); }
KCSIM_ALWAYS_INLINE mask lanes(int m) {
    const i32 bit = {1, 2, 4, 8, 16, 32, 64, 128};
    return (splat_i(m) & bit) == bit;
}
// The sum of the lanes, for counts (non-negative).
KCSIM_ALWAYS_INLINE std::uint64_t total(i32 v) {
    std::uint64_t t = 0;
    for (int j = 0; j < 8; ++j) t += static_cast<std::uint32_t>(v[j]);
    return t;
}
KCSIM_ALWAYS_INLINE std::uint64_t total(i64x4 v) {
    std::uint64_t t = 0;
    for (int j = 0; j < 4; ++j) t += static_cast<std::uint64_t>(v[j]);
    return t;
}
// Eight counts added pairwise (lane j with j + 4) into four 64-bit lanes.
KCSIM_ALWAYS_INLINE i64x4 wide_pairs(u32 v) {
    const auto x = reinterpret_cast<__m256i>(v);
    return reinterpret_cast<i64x4>(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(x))) +
           reinterpret_cast<i64x4>(_mm256_cvtepu32_epi64(_mm256_extracti128_si256(x, 1)));
}
// True if all eight lanes hold the first lane's value.
KCSIM_ALWAYS_INLINE bool same(i32 v) { return bits(v == splat_i(v[0])) == 255; }
// table[index] per lane. The masked form: the plain one starts from an undefined register,
// which GCC 12 warns about.
KCSIM_ALWAYS_INLINE f32 gather(const float* table, i32 index) {
    const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    return reinterpret_cast<f32>(
        _mm256_mask_i32gather_ps(_mm256_setzero_ps(), table, reinterpret_cast<__m256i>(index), all, 4));
}

}  // namespace kcsim::model::avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
