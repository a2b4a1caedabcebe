#pragma once
// Counter-based random numbers (Random123 Philox4x64-10). Every number is a pure function of
// (seed, replicate) as the key and (agent, step, purpose, draw) as the counter, so results do
// not depend on threads, scheduling, ranks or the order agents are visited in.
#include <cmath>
#include <cstdint>

#include <Random123/philox.h>

#include "rng/streams.hpp"

namespace kcsim::rng {

using engine = r123::Philox4x64;

struct key {
    std::uint64_t seed = 0;
    std::uint64_t replicate = 0;
};

// [0, 1) with 53 random bits. Frozen: changing it changes every result (docs/determinism.md).
// The signed conversion avoids the branchy unsigned-to-double path on pre-AVX-512 CPUs.
inline double u01(std::uint64_t x) { return static_cast<double>(static_cast<std::int64_t>(x >> 11)) * 0x1.0p-53; }

// A short stream of uniforms for one (agent, step, purpose): four per Philox call.
class stream {
public:
    stream(key k, std::uint64_t agent, std::uint64_t step, purpose p)
        : key_{{k.seed, k.replicate}}, ctr_{{agent, step, static_cast<std::uint64_t>(p), 0}} {}

    double uniform() {
        if (used_ == 4) refill();
        return u01(block_.v[used_++]);
    }
    std::uint64_t bits() {
        if (used_ == 4) refill();
        return block_.v[used_++];
    }
    // Poisson by inversion: exact for the small means of per-agent, per-step counts.
    std::uint32_t poisson(double mean) { return mean > 0 ? poisson(mean, std::exp(-mean)) : 0; }
    // The same with exp(-mean) computed once by the caller, for a mean shared by many agents.
    std::uint32_t poisson(double mean, double exp_neg_mean) {
        if (!(mean > 0)) return 0;
        const double u = uniform();
        double p = exp_neg_mean;
        double cdf = p;
        std::uint32_t k = 0;
        while (u >= cdf && k < 1000) {
            ++k;
            p *= mean / k;
            cdf += p;
            if (p == 0) break;
        }
        return k;
    }
    bool bernoulli(double p) { return uniform() < p; }
    // Exponential with mean 1: the budget of an event clock (state/world.hpp).
    double exp1() { return -std::log(1.0 - uniform()); }
    // Standard normal by Box-Muller (two uniforms, one value): written here, not std::, so the
    // bits do not depend on the standard library's implementation.
    double normal() {
        const double u1 = 1.0 - uniform();  // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Lognormal with the given mean and log-sd.
    double lognormal(double mean, double sigma) {
        if (!(mean > 0)) return 0.0;
        return mean * std::exp(sigma * normal() - 0.5 * sigma * sigma);
    }

private:
    void refill() {
        block_ = engine{}(ctr_, key_);
        ++ctr_.v[3];
        used_ = 0;
    }
    engine::key_type key_;
    engine::ctr_type ctr_;
    engine::ctr_type block_{};
    int used_ = 4;
};

// Probability that an event with a yearly hazard `rate` happens within `years`: 1 - exp(-x).
// Small x (the common case per agent and week) uses the series, which agrees with expm1 to
// rounding and is several times cheaper; the choice depends on x only, so it is deterministic.
inline double hazard_prob(double rate, double years) {
    const double x = rate * years;
    if (x < 1e-3) return x * (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0))));
    return -std::expm1(-x);
}

}  // namespace kcsim::rng
