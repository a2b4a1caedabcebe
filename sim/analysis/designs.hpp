#pragma once
// Experimental designs for sensitivity analysis: which parameter points to run. Every design is
// a row-major [n][k] array of points in the unit cube; the caller maps each column to its
// parameter's range. Random designs draw from rng::purpose::design with agent = sample (or
// trajectory) and step = dimension, so a design is a pure function of its arguments.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kcsim::analysis {

// Every combination of levels: rows in lexicographic order, the last factor fastest. Values are
// level indices (0 .. L-1) as doubles, not unit-cube coordinates.
std::vector<double> full_factorial(const std::vector<std::size_t>& levels_per_factor);

// Latin hypercube: in each dimension, exactly one of the n points in each stratum
// [j/n, (j+1)/n) (as floor(x * n) == j), at a random place within it.
std::vector<double> latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed);

// The Sobol' sequence (Gray-code order, as Joe & Kuo's and SciPy's unscrambled generators),
// points skip .. skip + n - 1. Point 0 is the origin. 32-bit, so skip + n <= 2^32.
inline constexpr std::size_t sobol_max_dimensions = 128;
std::vector<double> sobol_sequence(std::size_t n, std::size_t k, std::size_t skip = 0);

// Saltelli's design for Sobol' indices: the matrices A, B, AB_1 .. AB_k stacked, n rows of k
// each, (k + 2) * n rows in all; AB_i is A with column i taken from B.
struct saltelli_design {
    std::size_t n = 0, k = 0;
    std::vector<double> points;
};

// A and B are the first and last k columns of the 2k-dimensional Sobol' sequence, skipping its
// first point (the origin). seed = 0 keeps the plain Sobol' points (as SALib); any other seed
// XORs each of the 2k columns with a random 32-bit digital shift, which keeps the sequence's
// stratification and gives independent randomised replicates of the design. k <= 64.
saltelli_design saltelli(std::size_t n, std::size_t k, std::uint64_t seed = 0);

// Morris (1991) elementary-effects design, as SALib's morris.sample without optimisation: r
// trajectories of k + 1 points on the grid {0, 1/(levels-1), .., 1} (1 included), each move
// changing one factor, in random order, by +-delta = levels / (2 (levels - 1)). levels must be
// even so that delta is a whole number of grid steps.
struct morris_design {
    std::size_t r = 0, k = 0, levels = 0;
    std::vector<double> points;  // r * (k + 1) rows of k
};

morris_design morris(std::size_t r, std::size_t k, std::size_t levels, std::uint64_t seed);

}  // namespace kcsim::analysis
