#pragma once
// Statistics for comparing scenarios run on common random numbers: replicate r of every
// scenario shares its random streams, so differences are paired replicate by replicate.
#include <span>
#include <vector>

namespace kcsim::analysis {

struct summary {
    double mean = 0, lo = 0, hi = 0;  // lo/hi: 5% and 95% quantiles (a 90% interval)
};

struct paired_difference {
    double mean = 0;        // mean of (b - a) over replicates
    double lo = 0, hi = 0;  // 95% confidence interval of that mean (Student t)
    double p_better = 0;    // share of replicates where b > a (ties count half)
};

summary describe(std::span<const double> values);
// Quantile p of the values, linear between order statistics (numpy's default); NaN if empty.
double quantile(std::span<const double> values, double p);
paired_difference paired(std::span<const double> a, std::span<const double> b);
// The same interval computed as if a and b were independent samples (Welch): what pairing saves.
paired_difference unpaired(std::span<const double> a, std::span<const double> b);

// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
double t975(double df);

}  // namespace kcsim::analysis
