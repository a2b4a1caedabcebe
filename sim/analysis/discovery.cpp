#include "analysis/discovery.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <tuple>
#include <utility>

#include "core/error.hpp"
#include "core/text.hpp"

namespace kcsim::analysis {

namespace {

constexpr double undefined = std::numeric_limits<double>::quiet_NaN();

double ratio(std::size_t a, std::size_t b) {
    return b == 0 ? undefined : static_cast<double>(a) / static_cast<double>(b);
}

// The shares of a box holding `points` points with `cases` cases, out of y with `all_cases` cases.
void set_counts(prim_box& box, std::size_t points, std::size_t cases, const std::vector<bool>& y,
                std::size_t all_cases) {
    box.points = points;
    box.cases = cases;
    box.coverage = ratio(cases, all_cases);
    box.density = ratio(cases, points);
    box.support = ratio(points, y.size());
    box.base_density = ratio(all_cases, y.size());
}

// Points and cases with lo <= x <= hi on every parameter.
std::pair<std::size_t, std::size_t> count_in_box(std::span<const double> x, std::size_t k, const std::vector<bool>& y,
                                                 const std::vector<double>& lo, const std::vector<double>& hi) {
    std::size_t points = 0, cases = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        bool in = true;
        for (std::size_t j = 0; j < k && in; ++j) in = lo[j] <= x[i * k + j] && x[i * k + j] <= hi[j];
        if (in) ++points;
        if (in && y[i]) ++cases;
    }
    return {points, cases};
}

// P(X >= h) for X ~ Binomial(t, p), summed in logs (no lgamma: glibc's writes a global).
double binomial_at_least(std::size_t h, std::size_t t, double p) {
    if (h == 0) return 1;
    if (h > t || p <= 0) return 0;
    if (p >= 1) return 1;
    const double lp = std::log(p), lq = std::log1p(-p);
    std::vector<double> terms;  // log of C(t, i) p^i q^(t-i) for i = h..t
    double log_choose = 0;      // log C(t, i), from i = 0 up
    for (std::size_t i = 0; i <= t; ++i) {
        if (i >= h) terms.push_back(log_choose + double(i) * lp + double(t - i) * lq);
        log_choose += std::log(double(t - i)) - std::log(double(i + 1));
    }
    const double top = *std::max_element(terms.begin(), terms.end());
    double sum = 0;
    for (double l : terms) sum += std::exp(l - top);
    return std::min(1.0, std::exp(top) * sum);
}

// The data's range per parameter (NaN without points): the sides of a box that restricts nothing.
std::pair<std::vector<double>, std::vector<double>> data_range(std::span<const double> x, std::size_t k,
                                                               std::size_t n) {
    std::vector<double> lo(k, n == 0 ? undefined : std::numeric_limits<double>::infinity());
    std::vector<double> hi(k, n == 0 ? undefined : -std::numeric_limits<double>::infinity());
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            lo[j] = std::min(lo[j], x[i * k + j]);
            hi[j] = std::max(hi[j], x[i * k + j]);
        }
    return {lo, hi};
}

// The quasi-p-value of the box's cases against the density of the box with bounds lo, hi (the
// box with a restriction lifted).
double quasi_p_against(const prim_box& box, std::span<const double> x, std::size_t k, const std::vector<bool>& y,
                       const std::vector<double>& lo, const std::vector<double>& hi) {
    const auto [points, cases] = count_in_box(x, k, y, lo, hi);
    return binomial_at_least(box.cases, box.points, ratio(cases, points));
}

// Each restricted parameter's quasi-p-value: against the box with that parameter set back to
// the data's range [min, max].
void set_quasi_p(prim_box& box, std::span<const double> x, std::size_t k, const std::vector<bool>& y,
                 const std::vector<double>& min, const std::vector<double>& max) {
    box.quasi_p.assign(k, undefined);
    for (std::size_t j = 0; j < k; ++j) {
        if (!box.restricted[j]) continue;
        auto lo = box.lo, hi = box.hi;
        lo[j] = min[j];
        hi[j] = max[j];
        box.quasi_p[j] = quasi_p_against(box, x, k, y, lo, hi);
    }
}

// x holds k finite values for each of the y.size() points; `fn` names the function for messages.
void check_points(const char* fn, std::span<const double> x, std::size_t k, const std::vector<bool>& y) {
    if (x.size() != y.size() * k)
        throw input_error(std::string(fn) + ": x has " + std::to_string(x.size()) + " values: expected " +
                          std::to_string(y.size()) + " points × " + std::to_string(k) + " parameters");
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!std::isfinite(x[i]))
            throw input_error(std::string(fn) + ": x of point " + std::to_string(i / k) + ", parameter " +
                              std::to_string(i % k) + " = " + core::exact_number(x[i]) + ": expected a finite value");
}

void check_share(const char* fn, const char* name, double value, bool open_at_zero, double top) {
    if (!((open_at_zero ? value > 0 : value >= 0) && value <= top))
        throw input_error(std::string(fn) + ": " + name + " = " + core::exact_number(value) + ": expected a share in " +
                          (open_at_zero ? "(0, " : "[0, ") + core::exact_number(top) + "]");
}

// A peel: parameter j, its low end or its high end, the new bound, and what the box then holds.
struct peel {
    std::size_t j = 0;
    bool low = true;
    double bound = 0;
    double density = 0;
};

// The bound between the last value peeled and the first kept: halfway, unless rounding puts
// the middle onto the peeled value (adjacent doubles), then the kept one.
double cut_between(double peeled, double kept) {
    const double mid = 0.5 * peeled + 0.5 * kept;
    return (peeled < kept ? mid > peeled : mid < peeled) ? mid : kept;
}

}  // namespace

std::vector<prim_box> prim_trajectory(std::span<const double> x, std::size_t k, const std::vector<bool>& y,
                                      double alpha, double min_support) {
    check_points("prim", x, k, y);
    check_share("prim", "alpha", alpha, true, 0.5);
    check_share("prim", "min_support", min_support, false, 1);
    const std::size_t n = y.size();
    const std::size_t all_cases = static_cast<std::size_t>(std::count(y.begin(), y.end(), true));

    prim_box box;
    std::tie(box.lo, box.hi) = data_range(x, k, n);
    const auto min = box.lo, max = box.hi;
    box.restricted.assign(k, false);
    std::vector<std::size_t> inside(n);
    std::iota(inside.begin(), inside.end(), std::size_t{0});
    set_counts(box, n, all_cases, y, all_cases);
    box.quasi_p.assign(k, undefined);
    std::vector<prim_box> trajectory{box};

    std::vector<std::pair<double, bool>> v;  // the box's values of one parameter, sorted, with y
    std::vector<std::size_t> cases_below;    // cases_below[t]: cases among the t lowest values
    for (;;) {
        const std::size_t m = inside.size();
        const std::size_t c = std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(alpha * double(m))));
        if (c >= m) break;
        peel best{.density = box.density};
        bool found = false;
        // A peel leaving `kept` points of which `kept_cases` are cases: the best yet if it keeps
        // the support and raises the density above every earlier candidate's (strictly, so ties
        // go to the earlier parameter and to the low end, which is tried first).
        auto consider = [&](std::size_t j, bool low, double bound, std::size_t kept, std::size_t kept_cases) {
            if (static_cast<double>(kept) < min_support * static_cast<double>(n)) return;
            const double density = ratio(kept_cases, kept);
            if (density > best.density) {
                best = {j, low, bound, density};
                found = true;
            }
        };
        for (std::size_t j = 0; j < k; ++j) {
            v.clear();
            for (std::size_t i : inside) v.emplace_back(x[i * k + j], y[i]);
            std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            cases_below.assign(m + 1, 0);
            for (std::size_t t = 0; t < m; ++t) cases_below[t + 1] = cases_below[t] + (v[t].second ? 1 : 0);
            // Low end: peel the t lowest, t >= c, moved up past values tied with the last peeled.
            std::size_t t = c;
            while (t < m && v[t].first == v[t - 1].first) ++t;
            if (t < m) consider(j, true, cut_between(v[t - 1].first, v[t].first), m - t, box.cases - cases_below[t]);
            // High end: peel the t highest likewise.
            t = c;
            while (t < m && v[m - t - 1].first == v[m - t].first) ++t;
            if (t < m) consider(j, false, cut_between(v[m - t].first, v[m - t - 1].first), m - t, cases_below[m - t]);
        }
        if (!found) break;
        (best.low ? box.lo : box.hi)[best.j] = best.bound;
        box.restricted[best.j] = true;
        std::erase_if(inside, [&](std::size_t i) {
            const double value = x[i * k + best.j];
            return best.low ? value < best.bound : value > best.bound;
        });
        const auto cases = std::count_if(inside.begin(), inside.end(), [&](std::size_t i) { return y[i]; });
        set_counts(box, inside.size(), static_cast<std::size_t>(cases), y, all_cases);
        set_quasi_p(box, x, k, y, min, max);
        trajectory.push_back(box);
    }
    return trajectory;
}

prim_box prim(std::span<const double> x, std::size_t k, const std::vector<bool>& y, double alpha, double min_support) {
    auto trajectory = prim_trajectory(x, k, y, alpha, min_support);
    std::size_t best = 0;
    for (std::size_t b = 1; b < trajectory.size(); ++b) {
        const prim_box &p = trajectory[b], &q = trajectory[best];
        if (p.density > q.density || (p.density == q.density && p.support > q.support)) best = b;
    }
    return std::move(trajectory[best]);
}

prim_box lift_weak_restrictions(prim_box box, std::span<const double> x, std::size_t k, const std::vector<bool>& y,
                                double level) {
    const std::size_t n = y.size();
    check_points("lift_weak_restrictions", x, k, y);
    check_share("lift_weak_restrictions", "level", level, false, 1);
    if (box.lo.size() != k || box.hi.size() != k || box.restricted.size() != k)
        throw input_error("lift_weak_restrictions: the box has " + std::to_string(box.lo.size()) +
                          " parameters: expected " + std::to_string(k));
    // Named copies, not structured bindings: lambdas may not capture those before Clang 16.
    const auto range = data_range(x, k, n);
    const auto& min = range.first;
    const auto& max = range.second;
    const std::size_t all_cases = static_cast<std::size_t>(std::count(y.begin(), y.end(), true));
    const auto recount = [&] {
        const auto [points, cases] = count_in_box(x, k, y, box.lo, box.hi);
        set_counts(box, points, cases, y, all_cases);
        set_quasi_p(box, x, k, y, min, max);
    };
    recount();
    for (;;) {
        // The weakest restricted side: the largest quasi-p-value of lifting that side alone.
        double weakest_p = level;
        std::size_t weakest = k;
        bool weakest_low = true;
        for (std::size_t j = 0; j < k; ++j)
            for (bool low : {true, false}) {
                if (low ? !(box.lo[j] > min[j]) : !(box.hi[j] < max[j])) continue;
                auto lo = box.lo, hi = box.hi;
                (low ? lo : hi)[j] = (low ? min : max)[j];
                const double p = quasi_p_against(box, x, k, y, lo, hi);
                if (p > weakest_p) std::tie(weakest_p, weakest, weakest_low) = std::tuple(p, j, low);
            }
        if (weakest == k) return box;
        (weakest_low ? box.lo : box.hi)[weakest] = (weakest_low ? min : max)[weakest];
        box.restricted[weakest] = box.lo[weakest] > min[weakest] || box.hi[weakest] < max[weakest];
        recount();
    }
}

namespace {

// Ranks 1..n of v, tied values sharing their average rank.
std::vector<double> average_ranks(std::span<const double> v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> rank(v.size());
    for (std::size_t s = 0; s < order.size();) {
        std::size_t e = s + 1;
        while (e < order.size() && v[order[e]] == v[order[s]]) ++e;
        const double average = 0.5 * static_cast<double>(s + 1 + e);  // mean of ranks s+1 .. e
        for (std::size_t i = s; i < e; ++i) rank[order[i]] = average;
        s = e;
    }
    return rank;
}

}  // namespace

double spearman(std::span<const double> a, std::span<const double> b) {
    if (a.size() != b.size())
        throw input_error("spearman: " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                          " values: expected pairs");
    const auto is_nan = [](double z) { return std::isnan(z); };
    if (a.size() < 2 || std::any_of(a.begin(), a.end(), is_nan) || std::any_of(b.begin(), b.end(), is_nan))
        return undefined;
    const auto ra = average_ranks(a), rb = average_ranks(b);
    const double mean = 0.5 * static_cast<double>(a.size() + 1);  // of ranks 1..n, ties or not
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double da = ra[i] - mean, db = rb[i] - mean;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    return saa == 0 || sbb == 0 ? undefined : sab / std::sqrt(saa * sbb);
}

namespace {

// A share in whole percent, except that only none is "0%" and only all is "100%".
std::string percent(double share) {
    if (share > 0 && share < 0.005) return "<1%";
    if (share < 1 && share >= 0.995) return ">99%";
    return std::to_string(std::llround(100 * share)) + "%";
}

std::string signed_2(double v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%+.2f", v);
    return buf;
}

// "need_rate above 0.31 and delay between 2 and 5": the box's restricted sides, beside the data's range.
std::string box_in_words(const discovery& r, const std::vector<double>& min, const std::vector<double>& max) {
    std::string words;
    for (std::size_t j = 0; j < r.parameters.size(); ++j) {
        if (!r.box.restricted[j]) continue;
        if (!words.empty()) words += " and ";
        const bool low = r.box.lo[j] > min[j], high = r.box.hi[j] < max[j];
        words += r.parameters[j];
        if (low && high)
            words += " between " + core::rounded_number(r.box.lo[j]) + " and " + core::rounded_number(r.box.hi[j]);
        else if (low)
            words += " above " + core::rounded_number(r.box.lo[j]);
        else
            words += " below " + core::rounded_number(r.box.hi[j]);
    }
    return words;
}

// The strongest rank correlations of the margin with the parameters, at most three.
std::string correlations_in_words(const discovery& r) {
    std::vector<std::size_t> order;
    for (std::size_t j = 0; j < r.spearman.size(); ++j)
        if (!std::isnan(r.spearman[j])) order.push_back(j);
    if (order.empty()) return "No parameter varies across these replicates.";
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return std::abs(r.spearman[a]) > std::abs(r.spearman[b]); });
    if (std::abs(r.spearman[order[0]]) < 0.1)
        return "No parameter is correlated with the margin (every rank correlation is below 0.1 in size).";
    std::string words = "Rank correlation of the margin (chosen minus runner-up) with the parameters, strongest first:";
    for (std::size_t s = 0; s < std::min<std::size_t>(3, order.size()); ++s)
        words += (s ? ", " : " ") + r.parameters[order[s]] + " " + signed_2(r.spearman[order[s]]);
    return words + " (negative: the chosen plan's lead shrinks as the parameter rises).";
}

std::string report_text(const discovery& r, const std::vector<double>& min, const std::vector<double>& max) {
    std::string text;
    const auto line = [&](const std::string& s) { text += s + "\n"; };
    const std::string left_out = r.left_out == 0 ? ""
                                                 : " (" + std::to_string(r.left_out) + " replicate" +
                                                       (r.left_out == 1 ? "" : "s") + " without a result left out)";
    if (r.replicates == 0) {
        line("No replicate has a result to compare" + left_out + ": there is nothing to discover.");
        return text;
    }
    const std::size_t n = r.replicates, wins = n - r.losses;
    line("The chosen plan loses to the runner-up in " + std::to_string(r.losses) + " of " + std::to_string(n) +
         " replicates (" + percent(ratio(r.losses, n)) + ")" + left_out + ".");
    if (r.parameters.empty()) {
        line("There are no uncertain parameters (every replicate ran with the same ones): what decides between "
             "the plans here is Monte Carlo noise only.");
        return text;
    }
    if (r.losses == 0)
        line("It never loses in these draws, so there is nothing to explain.");
    else if (wins == 0)
        line("It loses in every draw, so no region of the parameters saves it.");
    else if (r.losses < 5)
        line("There are too few losses to say what drives them.");
    else if (wins < 5)
        line("There are too few wins to say which parameters drive the losses.");
    else if (std::none_of(r.box.restricted.begin(), r.box.restricted.end(), [](bool b) { return b; }))
        line("No region of the parameters stands out: no box PRIM finds raises the chance of a loss clearly (a "
             "quasi-p-value below 0.05) above the " +
             percent(r.box.base_density) + " of all draws.");
    else
        line("The chosen plan loses in " + percent(r.box.density) + " of the draws with " + box_in_words(r, min, max) +
             " (" + percent(r.box.support) + " of the draws, " + percent(r.box.coverage) +
             " of its losses); elsewhere in " + percent(ratio(r.losses - r.box.cases, n - r.box.points)) + ".");
    line(correlations_in_words(r));
    if (n < 50)
        line("Caution: only " + std::to_string(n) +
             " replicates; a box or a correlation from so few draws is a hint, not a finding (the box is fitted to "
             "the same draws it is measured on).");
    return text;
}

}  // namespace

discovery discover(std::span<const double> x, const std::vector<std::string>& parameters, std::span<const double> d) {
    const std::size_t k = parameters.size();
    if (x.size() != d.size() * k)
        throw input_error("discover: x has " + std::to_string(x.size()) + " values: expected " +
                          std::to_string(d.size()) + " replicates × " + std::to_string(k) + " parameters");
    discovery r;
    r.parameters = parameters;
    // The replicates with a result: a finite margin and finite parameters.
    std::vector<double> xs, ds;
    std::vector<bool> loses;
    for (std::size_t i = 0; i < d.size(); ++i) {
        const auto row = x.subspan(i * k, k);
        if (!std::isfinite(d[i]) || !std::all_of(row.begin(), row.end(), [](double v) { return std::isfinite(v); })) {
            ++r.left_out;
            continue;
        }
        xs.insert(xs.end(), row.begin(), row.end());
        ds.push_back(d[i]);
        loses.push_back(d[i] < 0);
    }
    r.replicates = ds.size();
    r.losses = static_cast<std::size_t>(std::count(loses.begin(), loses.end(), true));

    std::vector<double> column(ds.size());
    for (std::size_t j = 0; j < k; ++j) {
        for (std::size_t i = 0; i < ds.size(); ++i) column[i] = xs[i * k + j];
        r.spearman.push_back(spearman(column, ds));
    }
    r.box = lift_weak_restrictions(prim(xs, k, loses), xs, k, loses);
    const auto [min, max] = data_range(xs, k, ds.size());
    r.text = report_text(r, min, max);
    return r;
}

}  // namespace kcsim::analysis
