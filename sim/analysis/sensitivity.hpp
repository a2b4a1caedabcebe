#pragma once
// Global sensitivity analysis of model outputs run on the designs of analysis/designs.hpp:
// variance-based Sobol' indices and Morris elementary effects, as SALib computes them.
#include <cstdint>
#include <span>
#include <vector>

#include "analysis/designs.hpp"

namespace kcsim::analysis {

// Per factor: first-order indices (Saltelli et al. 2010 estimator) and total-effect indices
// (Jansen 1999), each with a 95% bootstrap percentile interval (lo, hi).
struct sobol_indices {
    std::vector<double> s1, s1_lo, s1_hi, st, st_lo, st_hi;
};

// y: one output per row of d.points, in that order. The interval resamples the n rows of A, B
// and the AB_i together, `bootstrap` times, from rng::purpose::design with this seed; with
// bootstrap = 0 the intervals are NaN. A constant output has no variance to share: all NaN.
sobol_indices sobol_analyze(const saltelli_design& d, std::span<const double> y, std::size_t bootstrap,
                            std::uint64_t seed);

// Per factor, over the r elementary effects EE = dy / dx (x in unit-cube coordinates): their
// mean, mean absolute value, and standard deviation (n - 1 divisor; NaN when r = 1).
struct morris_indices {
    std::vector<double> mu, mu_star, sigma;
};

// y: one output per row of d.points, in that order.
morris_indices morris_analyze(const morris_design& d, std::span<const double> y);

}  // namespace kcsim::analysis
