#pragma once
// Scenario discovery (the EMA Workbench idea, in-tool): over replicates that each ran with their
// own posterior draw, which uncertain parameters make a chosen plan lose to its runner-up. PRIM
// boxes (Friedman & Fisher 1999, peeling only) and Spearman rank correlations.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace kcsim::analysis {

// A box in parameter space and what it holds. A ratio whose denominator is zero (no points, or
// no cases of interest at all) is NaN.
struct prim_box {
    std::vector<double> lo, hi;         // per parameter; a side not restricted keeps the data's min/max
    std::vector<bool> restricted;       // which parameters the box restricts
    double coverage = 0;                // share of all cases of interest (y true) inside the box
    double density = 0;                 // share of the points inside the box that are cases of interest
    double support = 0;                 // share of all points inside the box
    double base_density = 0;            // share of cases of interest among all points
    std::size_t points = 0, cases = 0;  // inside the box
    // Per restricted parameter, the quasi-p-value of its restriction (Bryant & Lempert 2010, as
    // the EMA Workbench): the chance of at least `cases` cases among the box's `points` if they
    // had the density of the box with that restriction lifted (binomial, one-sided). A small
    // value: the restriction matters; NaN for a parameter not restricted.
    std::vector<double> quasi_p;
};

// PRIM's peeling trajectory: x is [point][parameter] row-major with `k` parameters, y the
// case-of-interest flags (one per point). Box 0 holds every point; each next box peels about
// alpha of the remaining points (at least one; more where values tie at the cut) from the low
// or high end of one parameter, the peel that gives the highest density among those that keep
// support >= min_support; ties go to the earlier parameter, then the low end. The peeling stops
// when no such peel raises the density. A peeled side's bound lies halfway between the last
// point peeled and the first kept, so points with lo <= x <= hi on every parameter are exactly
// the box's. Deterministic. Throws input_error for sizes that do not fit, a non-finite x, alpha
// outside (0, 0.5] or min_support outside [0, 1].
std::vector<prim_box> prim_trajectory(std::span<const double> x, std::size_t k, const std::vector<bool>& y,
                                      double alpha = 0.05, double min_support = 0.1);

// The box of the trajectory with the highest density (ties: larger support). As peeling only
// goes on while the density rises, that is its last box.
prim_box prim(std::span<const double> x, std::size_t k, const std::vector<bool>& y, double alpha = 0.05,
              double min_support = 0.1);

// The box with its weak restrictions lifted: while lifting one restricted side (setting it back
// to the data's min or max) alone gives a quasi-p-value above `level`, the side with the largest
// (the earlier parameter, then the low end, on ties) is lifted and the box counted again. PRIM's
// greedy peels pick up restrictions that only trim noise (a few points off a parameter that
// does not matter, or off the far end of one that does); this drops them. Sides, not whole
// parameters, so that "x above 0.7" does not stay "x between 0.7 and 0.99". The counts, shares
// and quasi-p-values are worked out again from the box's bounds, so any box may be passed.
prim_box lift_weak_restrictions(prim_box box, std::span<const double> x, std::size_t k, const std::vector<bool>& y,
                                double level = 0.05);

// Spearman's rank correlation of a and b (same length; ties get their average rank). NaN when
// either is constant or holds a NaN, or there are fewer than two pairs.
double spearman(std::span<const double> a, std::span<const double> b);

// The discovery report for one contrast: d[r] = objective(chosen) - objective(runner-up) in
// replicate r, x[r] (row r of a row-major [replicate][parameter] table) the parameters of the
// posterior draw replicate r ran with. Cases of interest: d[r] < 0 (the chosen plan loses).
// Replicates whose d or parameters are not finite (a failed replicate) are left out.
struct discovery {
    std::vector<std::string> parameters;
    std::vector<double> spearman;  // rank correlation of each parameter with d (NaN if constant)
    // PRIM on (x, d < 0) with the default alpha and min_support, its weak restrictions lifted
    // (lift_weak_restrictions at 0.05): what the text describes.
    prim_box box;
    std::size_t replicates = 0, losses = 0;  // the replicates used, and those where d < 0
    std::size_t left_out = 0;                // replicates without a finite d or finite parameters
    // Lines a planner can read: how often the chosen plan loses; the box in words ("loses in 62%
    // of the draws with enterprise.need_rate above 0.31 (18% of the draws, 40% of its losses);
    // elsewhere in 20%"); the strongest rank correlations; a caution under 50 replicates, and
    // "too few losses" (or wins) under 5. With no parameters: Monte Carlo noise only.
    std::string text;
};

// Throws input_error when x does not hold parameters.size() values per element of d.
discovery discover(std::span<const double> x, const std::vector<std::string>& parameters, std::span<const double> d);

}  // namespace kcsim::analysis
