#pragma once
// Calibration against observed targets (scenario::observation_set): history matching in waves
// on direct simulation, then ABC with regression adjustment inside the non-implausible region,
// and the identifiability report. Pure functions of the runs' figures; kcsim calibrate runs the
// simulations (docs/calibration.md).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scenario/observations.hpp"
#include "scenario/scenario.hpp"
#include "scenario/sweep.hpp"

namespace kcsim::analysis {

// The metric index of each target (among model::metric_names()). Throws input_error at the
// target's file and line for an unknown metric, a flow given a date or a stock given a period,
// or a date outside the scenario's calendar.
std::vector<std::size_t> check_observations(const scenario::observation_set& obs, const scenario::scenario& sc);

// The model's value of each target in one replicate ([steps][districts][metrics]): a stock or
// state at the last step ending on or before its date; a flow summed over the steps whose last
// day is in [from, to].
std::vector<double> target_values(const scenario::scenario& sc, std::span<const double> metrics,
                                  const scenario::observation_set& obs, const std::vector<std::size_t>& metric_index);

// The scenario cut after the step that holds the last target date: runs stop there.
scenario::scenario_ptr until_last_target(const scenario::scenario& sc, const scenario::observation_set& obs);

// One history-matching wave: its box, its design points and what the runs gave.
struct wave {
    std::vector<double> lo, hi;              // the box sampled [k]
    std::vector<double> points;              // [n][k]
    std::vector<double> mean, var;           // [n][targets]: mean and variance over replicates
    std::vector<double> implausibility;      // [n][targets]
    std::vector<double> max_implausibility;  // [n]: over the calibrate targets
    std::vector<std::uint8_t> plausible;     // [n]: max_implausibility <= cutoff
    double fraction = 0;                     // share of the points that are non-implausible
    bool fallback = false;                   // no point was: the next box came from the best 5%
};

// n points of a Latin hypercube in [lo, hi] (integer parameters rounded), for wave `index`.
std::vector<double> wave_design(const scenario::sweep& prior, const std::vector<double>& lo,
                                const std::vector<double>& hi, std::size_t n, std::size_t index);

// Implausibility of every target at every point: |z - mean| / sqrt(sd^2 + discrepancy^2 +
// var (1 + 1/R)), var the ensemble variance of one run (at least the median over the wave's
// points, since a few replicates estimate it poorly) and var/R that of the mean of R.
// `runs` holds [n][replicates][targets].
void assess(wave& w, std::span<const double> runs, std::size_t replicates, const scenario::observation_set& obs,
            double cutoff);

// The box of the next wave: the bounds of the non-implausible points, widened on each side by
// half the typical spacing of the design (n^(-1/k) of the box) and kept inside the prior. No
// non-implausible point: the same box again (w.fallback is set), sampled by a new hypercube.
void next_box(wave& w, const scenario::sweep& prior, std::vector<double>& lo, std::vector<double>& hi);

// ABC with local-linear regression adjustment (Beaumont, Zhang & Balding 2002): the `accept`
// share of the draws nearest to the calibrate targets are kept (each draw's values plus a
// normal error of the targets' sd and discrepancy, drawn from the calibration stream: noisy
// ABC, so the posterior carries measurement error and model discrepancy; distance scaled by
// them), weighted by the Epanechnikov kernel, and their parameters adjusted by the weighted
// regression of parameter on summary, on the logit scale of the prior's range (so adjusted
// values stay inside it).
struct abc_result {
    std::vector<double> points;         // [n][k] the draws
    std::vector<double> stats;          // [n][targets]
    std::vector<double> distance;       // [n]
    std::vector<std::size_t> accepted;  // indices into the draws, nearest first
    std::vector<double> adjusted;       // [accepted][k]
    std::vector<double> weights;        // [accepted], summing to 1
    double epsilon = 0, acceptance = 0, ess = 0;
};
abc_result abc_regression(std::span<const double> points, std::span<const double> stats, std::size_t k,
                          const scenario::observation_set& obs, const scenario::sweep& prior, double accept,
                          std::uint64_t seed);

// n equally weighted draws from a weighted sample (systematic resampling, one uniform from the
// calibration stream of `seed`): indices into the sample.
std::vector<std::size_t> resample(std::span<const double> weights, std::size_t n, std::uint64_t seed);

// Weighted quantile q of xs.
double weighted_quantile(std::vector<double> xs, std::vector<double> ws, double q);

// What the targets constrain, per parameter: the posterior's 90% interval against the prior's
// range (width ratio), with a verdict.
struct identifiability {
    std::vector<double> prior_lo, prior_hi, post_q05, post_q50, post_q95, width_ratio;
    std::vector<std::string> verdict;              // "constrained", "weakly constrained", "not constrained"
    double plan_fraction = 0, null_fraction = -1;  // non-implausible shares of the first wave's design
    bool effect_identified = false;                // the null (no programme) is ruled out
    std::string text;                              // the report, as printed
};
identifiability identify(const scenario::sweep& prior, const abc_result& abc, double plan_fraction,
                         double null_fraction);

// A whole calibration, as kcsim calibrate writes it (io::run_store::write_calibration).
struct calibration {
    const scenario::sweep* prior = nullptr;
    const scenario::observation_set* targets = nullptr;
    std::string scenario_end;  // the last day simulated (until_last_target)
    std::size_t replicates = 1, abc_batch = 1;
    double cutoff = 3, accept = 0.1;
    std::vector<wave> waves;
    std::vector<double> null_max_implausibility;  // the first wave's points without the programme
    abc_result abc;
    std::vector<std::uint64_t> abc_replicate;  // the random-stream replicate of each ABC draw
    std::vector<std::size_t> draws;            // the posterior draws: indices into abc.accepted
    identifiability id;
    std::vector<double> predicted_q05, predicted_q50, predicted_q95;  // per target, over the posterior
    std::size_t runs = 0;
    double seconds = 0;
};

// Per target, the weighted 5%, 50% and 95% quantiles of the accepted ABC draws' values (the
// posterior predictive; for the held-out targets, the validation).
void predict(calibration& c);

// The held-out (and calibrate) targets against the posterior predictive, as printed.
std::string validation_text(const calibration& c);

}  // namespace kcsim::analysis
