#include "analysis/designs.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.hpp"
#include "rng/philox.hpp"

namespace kcsim::analysis {

namespace {

void require(bool ok, const char* fn, const char* arg, std::size_t value, const std::string& expected) {
    if (!ok) throw input_error(std::string(fn) + ": " + arg + " = " + std::to_string(value) + ": expected " + expected);
}

// Sobol' direction numbers of Joe & Kuo (2008), "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30, 2635-2654: the first rows of their
// file new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/), dimensions 2 .. 128.
// Each row: degree s of the primitive polynomial, its inner coefficients a, initial m_1 .. m_s.
// Dimension 1 (van der Corput) has no row.
struct jk_row {
    unsigned s, a;
    std::array<std::uint16_t, 10> m;
};
constexpr std::array<jk_row, sobol_max_dimensions - 1> joe_kuo = {{
    {1, 0, {1}},                                          // 2
    {2, 1, {1, 3}},                                       // 3
    {3, 1, {1, 3, 1}},                                    // 4
    {3, 2, {1, 1, 1}},                                    // 5
    {4, 1, {1, 1, 3, 3}},                                 // 6
    {4, 4, {1, 3, 5, 13}},                                // 7
    {5, 2, {1, 1, 5, 5, 17}},                             // 8
    {5, 4, {1, 1, 5, 5, 5}},                              // 9
    {5, 7, {1, 1, 7, 11, 19}},                            // 10
    {5, 11, {1, 1, 5, 1, 1}},                             // 11
    {5, 13, {1, 1, 1, 3, 11}},                            // 12
    {5, 14, {1, 3, 5, 5, 31}},                            // 13
    {6, 1, {1, 3, 3, 9, 7, 49}},                          // 14
    {6, 13, {1, 1, 1, 15, 21, 21}},                       // 15
    {6, 16, {1, 3, 1, 13, 27, 49}},                       // 16
    {6, 19, {1, 1, 1, 15, 7, 5}},                         // 17
    {6, 22, {1, 3, 1, 15, 13, 25}},                       // 18
    {6, 25, {1, 1, 5, 5, 19, 61}},                        // 19
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},                   // 20
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},                    // 21
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},                     // 22
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},                      // 23
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},                   // 24
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},                    // 25
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},                   // 26
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},                     // 27
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},                     // 28
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},                    // 29
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},                    // 30
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},                    // 31
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},                    // 32
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},                     // 33
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},                    // 34
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},                    // 35
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},                    // 36
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},                     // 37
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},              // 38
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},               // 39
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},              // 40
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},                // 41
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},               // 42
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},                // 43
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},                // 44
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},               // 45
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},               // 46
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},                 // 47
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},              // 48
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},               // 49
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},               // 50
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},               // 51
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},             // 52
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},              // 53
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},           // 54
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},             // 55
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},            // 56
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},          // 57
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},         // 58
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},          // 59
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},           // 60
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},          // 61
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},          // 62
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},          // 63
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},          // 64
    {9, 67, {1, 1, 1, 11, 21, 53, 125, 249, 293}},        // 65
    {9, 74, {1, 1, 7, 11, 11, 7, 57, 79, 323}},           // 66
    {9, 81, {1, 1, 5, 5, 17, 13, 81, 3, 131}},            // 67
    {9, 82, {1, 1, 7, 13, 23, 7, 65, 251, 475}},          // 68
    {9, 87, {1, 3, 5, 1, 9, 43, 3, 149, 11}},             // 69
    {9, 91, {1, 1, 3, 13, 31, 13, 13, 255, 487}},         // 70
    {9, 94, {1, 3, 3, 1, 5, 63, 89, 91, 127}},            // 71
    {9, 103, {1, 1, 3, 3, 1, 19, 123, 127, 237}},         // 72
    {9, 104, {1, 1, 5, 7, 23, 31, 37, 243, 289}},         // 73
    {9, 109, {1, 1, 5, 11, 17, 53, 117, 183, 491}},       // 74
    {9, 122, {1, 1, 1, 5, 1, 13, 13, 209, 345}},          // 75
    {9, 124, {1, 1, 3, 15, 1, 57, 115, 7, 33}},           // 76
    {9, 137, {1, 3, 1, 11, 7, 43, 81, 207, 175}},         // 77
    {9, 138, {1, 3, 1, 1, 15, 27, 63, 255, 49}},          // 78
    {9, 143, {1, 3, 5, 3, 27, 61, 105, 171, 305}},        // 79
    {9, 145, {1, 1, 5, 3, 1, 3, 57, 249, 149}},           // 80
    {9, 152, {1, 1, 3, 5, 5, 57, 15, 13, 159}},           // 81
    {9, 157, {1, 1, 1, 11, 7, 11, 105, 141, 225}},        // 82
    {9, 167, {1, 3, 3, 5, 27, 59, 121, 101, 271}},        // 83
    {9, 173, {1, 3, 5, 9, 11, 49, 51, 59, 115}},          // 84
    {9, 176, {1, 1, 7, 1, 23, 45, 125, 71, 419}},         // 85
    {9, 181, {1, 1, 3, 5, 23, 5, 105, 109, 75}},          // 86
    {9, 182, {1, 1, 7, 15, 7, 11, 67, 121, 453}},         // 87
    {9, 185, {1, 3, 7, 3, 9, 13, 31, 27, 449}},           // 88
    {9, 191, {1, 3, 1, 15, 19, 39, 39, 89, 15}},          // 89
    {9, 194, {1, 1, 1, 1, 1, 33, 73, 145, 379}},          // 90
    {9, 199, {1, 3, 1, 15, 15, 43, 29, 13, 483}},         // 91
    {9, 218, {1, 1, 7, 3, 19, 27, 85, 131, 431}},         // 92
    {9, 220, {1, 3, 3, 3, 5, 35, 23, 195, 349}},          // 93
    {9, 227, {1, 3, 3, 7, 9, 27, 39, 59, 297}},           // 94
    {9, 229, {1, 1, 3, 9, 11, 17, 13, 241, 157}},         // 95
    {9, 230, {1, 3, 7, 15, 25, 57, 33, 189, 213}},        // 96
    {9, 234, {1, 1, 7, 1, 9, 55, 73, 83, 217}},           // 97
    {9, 236, {1, 3, 3, 13, 19, 27, 23, 113, 249}},        // 98
    {9, 241, {1, 3, 5, 3, 23, 43, 3, 253, 479}},          // 99
    {9, 244, {1, 1, 5, 5, 11, 5, 45, 117, 217}},          // 100
    {9, 253, {1, 3, 3, 7, 29, 37, 33, 123, 147}},         // 101
    {10, 4, {1, 3, 1, 15, 5, 5, 37, 227, 223, 459}},      // 102
    {10, 13, {1, 1, 7, 5, 5, 39, 63, 255, 135, 487}},     // 103
    {10, 19, {1, 3, 1, 7, 9, 7, 87, 249, 217, 599}},      // 104
    {10, 22, {1, 1, 3, 13, 9, 47, 7, 225, 363, 247}},     // 105
    {10, 50, {1, 3, 7, 13, 19, 13, 9, 67, 9, 737}},       // 106
    {10, 55, {1, 3, 5, 5, 19, 59, 7, 41, 319, 677}},      // 107
    {10, 64, {1, 1, 5, 3, 31, 63, 15, 43, 207, 789}},     // 108
    {10, 69, {1, 1, 7, 9, 13, 39, 3, 47, 497, 169}},      // 109
    {10, 98, {1, 3, 1, 7, 21, 17, 97, 19, 415, 905}},     // 110
    {10, 107, {1, 3, 7, 1, 3, 31, 71, 111, 165, 127}},    // 111
    {10, 115, {1, 1, 5, 11, 1, 61, 83, 119, 203, 847}},   // 112
    {10, 121, {1, 3, 3, 13, 9, 61, 19, 97, 47, 35}},      // 113
    {10, 127, {1, 1, 7, 7, 15, 29, 63, 95, 417, 469}},    // 114
    {10, 134, {1, 3, 1, 9, 25, 9, 71, 57, 213, 385}},     // 115
    {10, 140, {1, 3, 5, 13, 31, 47, 101, 57, 39, 341}},   // 116
    {10, 145, {1, 1, 3, 3, 31, 57, 125, 173, 365, 551}},  // 117
    {10, 152, {1, 3, 7, 1, 13, 57, 67, 157, 451, 707}},   // 118
    {10, 158, {1, 1, 1, 7, 21, 13, 105, 89, 429, 965}},   // 119
    {10, 161, {1, 1, 5, 9, 17, 51, 45, 119, 157, 141}},   // 120
    {10, 171, {1, 3, 7, 7, 13, 45, 91, 9, 129, 741}},     // 121
    {10, 181, {1, 3, 7, 1, 23, 57, 67, 141, 151, 571}},   // 122
    {10, 194, {1, 1, 3, 11, 17, 47, 93, 107, 375, 157}},  // 123
    {10, 199, {1, 3, 3, 5, 11, 21, 43, 51, 169, 915}},    // 124
    {10, 203, {1, 1, 5, 3, 15, 55, 101, 67, 455, 625}},   // 125
    {10, 208, {1, 3, 5, 9, 1, 23, 29, 47, 345, 595}},     // 126
    {10, 227, {1, 3, 7, 7, 5, 49, 29, 155, 323, 589}},    // 127
    {10, 242, {1, 3, 3, 7, 5, 41, 127, 61, 261, 717}},    // 128
}};

using directions = std::array<std::uint32_t, 32>;

// v_b = m_b / 2^(b+1) as 32-bit fractions, extended by the recurrence of Bratley & Fox (1988).
directions direction_numbers(std::size_t dim) {
    directions v{};
    if (dim == 0) {
        for (unsigned b = 0; b < 32; ++b) v[b] = std::uint32_t{1} << (31 - b);
        return v;
    }
    const jk_row& row = joe_kuo[dim - 1];
    for (unsigned b = 0; b < 32; ++b) {
        if (b < row.s) {
            v[b] = static_cast<std::uint32_t>(row.m[b]) << (31 - b);
            continue;
        }
        std::uint32_t x = v[b - row.s] ^ (v[b - row.s] >> row.s);
        for (unsigned l = 1; l < row.s; ++l)
            if ((row.a >> (row.s - 1 - l)) & 1u) x ^= v[b - l];
        v[b] = x;
    }
    return v;
}

// Points skip .. skip + n - 1 of the sequence as 32-bit fractions, row-major [n][k].
std::vector<std::uint32_t> sobol_bits(const char* fn, std::size_t n, std::size_t k, std::size_t skip) {
    constexpr std::uint64_t limit = std::uint64_t{1} << 32;
    require(n >= 1, fn, "n", n, "at least 1 point");
    require(k >= 1, fn, "k", k, "at least 1 dimension");
    require(k <= sobol_max_dimensions, fn, "k", k,
            "at most " + std::to_string(sobol_max_dimensions) + " dimensions (the Joe & Kuo table kept here)");
    require(skip < limit && n <= limit - skip, fn, "skip + n", skip + n, "at most 2^32 points (32-bit Sobol')");
    std::vector<directions> v(k);
    for (std::size_t j = 0; j < k; ++j) v[j] = direction_numbers(j);
    // Point i is the XOR of the direction numbers at the set bits of its Gray code i ^ (i >> 1),
    // so the first point is computed directly and each next one flips a single direction number.
    std::vector<std::uint32_t> x(k, 0), out(n * k);
    const std::uint64_t gray = skip ^ (skip >> 1);
    for (std::size_t j = 0; j < k; ++j)
        for (unsigned b = 0; b < 32; ++b)
            if ((gray >> b) & 1u) x[j] ^= v[j][b];
    for (std::size_t i = 0; i < n; ++i) {
        std::copy(x.begin(), x.end(), out.begin() + static_cast<std::ptrdiff_t>(i * k));
        const auto c = static_cast<unsigned>(std::countr_one(static_cast<std::uint64_t>(skip + i)));
        if (c < 32)
            for (std::size_t j = 0; j < k; ++j) x[j] ^= v[j][c];
    }
    return out;
}

double fraction(std::uint32_t x) { return static_cast<double>(x) * 0x1.0p-32; }

// Sample indices ordered by a random key per sample (ties by index): a uniformly random
// permutation, with each key drawn from its own sample's stream.
std::vector<std::size_t> rank_order(const std::vector<std::uint64_t>& keys) {
    std::vector<std::size_t> order(keys.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return keys[a] != keys[b] ? keys[a] < keys[b] : a < b; });
    return order;
}

}  // namespace

std::vector<double> full_factorial(const std::vector<std::size_t>& levels_per_factor) {
    const char* fn = "full_factorial";
    require(!levels_per_factor.empty(), fn, "levels_per_factor.size()", 0, "at least 1 factor");
    const std::size_t k = levels_per_factor.size();
    std::size_t rows = 1;
    for (std::size_t j = 0; j < k; ++j) {
        const std::size_t l = levels_per_factor[j];
        const std::string arg = "levels_per_factor[" + std::to_string(j) + "]";
        require(l >= 1, fn, arg.c_str(), l, "at least 1 level");
        require(rows <= std::vector<double>().max_size() / k / l, fn, arg.c_str(), l,
                "a design small enough to hold in memory");
        rows *= l;
    }
    std::vector<double> out(rows * k);
    std::vector<std::size_t> idx(k, 0);
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < k; ++j) out[i * k + j] = static_cast<double>(idx[j]);
        // Odometer: the last factor turns fastest.
        for (std::size_t j = k; j-- > 0;) {
            if (++idx[j] < levels_per_factor[j]) break;
            idx[j] = 0;
        }
    }
    return out;
}

std::vector<double> latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed) {
    const char* fn = "latin_hypercube";
    require(n >= 1, fn, "n", n, "at least 1 point");
    require(k >= 1, fn, "k", k, "at least 1 dimension");
    const double nd = static_cast<double>(n);
    std::vector<double> out(n * k), jitter(n);
    std::vector<std::uint64_t> keys(n);
    for (std::size_t j = 0; j < k; ++j) {
        for (std::size_t i = 0; i < n; ++i) {
            rng::stream s(rng::key{seed, 0}, i, j, rng::purpose::design);
            keys[i] = s.bits();
            jitter[i] = s.uniform();
        }
        const auto order = rank_order(keys);
        for (std::size_t r = 0; r < n; ++r) {
            const std::size_t i = order[r];
            const double rd = static_cast<double>(r);
            double x = (rd + jitter[i]) / nd;
            // Rounding can put x on the next stratum's edge (or on 1): nudge it back so that
            // floor(x * n) == r holds exactly. x -> floor(x * n) is monotone, so this ends.
            while (std::floor(x * nd) > rd) x = std::nextafter(x, 0.0);
            while (std::floor(x * nd) < rd) x = std::nextafter(x, 1.0);
            out[i * k + j] = x;
        }
    }
    return out;
}

std::vector<double> sobol_sequence(std::size_t n, std::size_t k, std::size_t skip) {
    const auto bits = sobol_bits("sobol_sequence", n, k, skip);
    std::vector<double> out(bits.size());
    std::transform(bits.begin(), bits.end(), out.begin(), fraction);
    return out;
}

saltelli_design saltelli(std::size_t n, std::size_t k, std::uint64_t seed) {
    const char* fn = "saltelli";
    require(k >= 1, fn, "k", k, "at least 1 factor");
    require(k <= sobol_max_dimensions / 2, fn, "k", k,
            "at most " + std::to_string(sobol_max_dimensions / 2) + " factors (A and B need 2k Sobol' dimensions)");
    // Skip the origin: mapped to parameter ranges it is the corner of every lower bound.
    auto bits = sobol_bits(fn, n, 2 * k, 1);
    if (seed != 0) {
        for (std::size_t c = 0; c < 2 * k; ++c) {
            rng::stream s(rng::key{seed, 0}, 0, c, rng::purpose::design);
            const auto shift = static_cast<std::uint32_t>(s.bits() >> 32);
            for (std::size_t i = 0; i < n; ++i) bits[i * 2 * k + c] ^= shift;
        }
    }
    saltelli_design d;
    d.n = n;
    d.k = k;
    d.points.resize((k + 2) * n * k);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t* row = bits.data() + i * 2 * k;
        for (std::size_t j = 0; j < k; ++j) {
            const double a = fraction(row[j]), b = fraction(row[k + j]);
            d.points[i * k + j] = a;
            d.points[(n + i) * k + j] = b;
            for (std::size_t m = 0; m < k; ++m) d.points[((2 + m) * n + i) * k + j] = m == j ? b : a;
        }
    }
    return d;
}

morris_design morris(std::size_t r, std::size_t k, std::size_t levels, std::uint64_t seed) {
    const char* fn = "morris";
    require(r >= 1, fn, "r", r, "at least 1 trajectory");
    require(k >= 1, fn, "k", k, "at least 1 factor");
    require(levels >= 2 && levels % 2 == 0, fn, "levels", levels, "an even number of levels, at least 2");
    // delta = levels / (2 (levels - 1)) is h grid steps; a trajectory's lower value of each
    // factor is one of the h grid points {0 .. h-1} (SALib's generate_x_star).
    const std::size_t h = levels / 2;
    const double hd = static_cast<double>(h), step = 1.0 / static_cast<double>(levels - 1);
    morris_design d;
    d.r = r;
    d.k = k;
    d.levels = levels;
    d.points.resize(r * (k + 1) * k);
    std::vector<std::size_t> idx(k);
    std::vector<bool> up(k);
    std::vector<std::uint64_t> keys(k);
    for (std::size_t t = 0; t < r; ++t) {
        for (std::size_t j = 0; j < k; ++j) {
            rng::stream s(rng::key{seed, 0}, t, j, rng::purpose::design);
            const auto low = std::min(h - 1, static_cast<std::size_t>(std::floor(s.uniform() * hd)));
            up[j] = s.uniform() < 0.5;
            keys[j] = s.bits();
            idx[j] = up[j] ? low : low + h;  // a factor that moves down starts at the top
        }
        const auto order = rank_order(keys);  // the order the factors move in
        double* out = d.points.data() + t * (k + 1) * k;
        for (std::size_t j = 0; j < k; ++j) out[j] = static_cast<double>(idx[j]) * step;
        for (std::size_t l = 0; l < k; ++l) {
            const std::size_t j = order[l];
            idx[j] = up[j] ? idx[j] + h : idx[j] - h;
            double* row = out + (l + 1) * k;
            std::copy(row - k, row, row);
            row[j] = static_cast<double>(idx[j]) * step;
        }
    }
    return d;
}

}  // namespace kcsim::analysis
