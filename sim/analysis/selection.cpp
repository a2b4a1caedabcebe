// The search of kcsim select (selection.hpp): the rows a run keeps, the units of a batch, and
// the driver (screening, pool, successive halving with a guard, bootstrap of the best).
#include "analysis/selection.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "analysis/paired.hpp"
#include "analysis/posterior.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "engine/ensemble.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "rng/philox.hpp"
#include "rng/streams.hpp"
#include "scenario/load.hpp"

namespace kcsim::analysis {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint16_t reference_key = 0xFFFF;

std::string fmt(double v, int digits = 3) {
    if (!std::isfinite(v)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}
std::string fixed(double v, int decimals = 1) {
    if (!std::isfinite(v)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
}  // namespace

std::vector<std::size_t> objective_metrics(const scenario::decision& d) {
    const auto names = model::metric_names();
    std::vector<std::size_t> out;
    for (const auto& t : d.terms) {
        const auto it = std::find(names.begin(), names.end(), t.metric);
        if (it == names.end()) {
            const std::string hint = core::closest_match(t.metric, names);
            throw input_error(d.source + ":" + std::to_string(t.line) + ":" + std::to_string(t.column) +
                              ": objective.metrics: '" + t.metric + "' is no metric" +
                              (hint.empty() ? "" : "; did you mean '" + hint + "'?") + " (kcsim metrics lists them)");
        }
        out.push_back(static_cast<std::size_t>(it - names.begin()));
    }
    return out;
}

std::vector<double> selection_row(const scenario::decision& d, const std::vector<std::size_t>& metric_index,
                                  std::span<const double> metrics) {
    const auto& sc = *d.base;
    const auto steps = static_cast<std::size_t>(sc.cal.steps()), D = sc.districts.size();
    auto value = [&](const model::city_figures& f) {
        double v = 0;
        for (std::size_t i = 0; i < metric_index.size(); ++i) v += d.terms[i].weight * f.value[metric_index[i]];
        return v;
    };
    std::vector<double> row(row_width, 0.0);
    const auto city = model::city_summary(metrics, steps, D);
    row[row_city] = value(city);
    row[row_firms] = city.value[static_cast<std::size_t>(model::metric::firms)];
    row[row_spend] = city.value[static_cast<std::size_t>(model::metric::programme_spend)] +
                     city.value[static_cast<std::size_t>(model::metric::reward_funds)];
    row[row_needs_solved] = city.value[static_cast<std::size_t>(model::metric::needs_solved)];
    row[row_tech_firms] = city.value[static_cast<std::size_t>(model::metric::tech_firms)];
    for (std::size_t g = 0; g < 3; ++g) {
        std::vector<std::size_t> ds;
        for (std::size_t i = 0; i < D; ++i)
            if (static_cast<std::size_t>(sc.districts[i].region) == g) ds.push_back(i);
        if (ds.empty()) continue;
        const auto f = model::area_summary(metrics, steps, D, ds);
        row[row_region + g] = value(f);
        row[row_region_firms + g] = f.value[static_cast<std::size_t>(model::metric::firms)];
    }
    return row;
}

std::string label_of(const scenario::decision& d, const batch_entry& e) {
    if (e.reference) return d.reference ? d.reference->name : "reference";
    if (e.set.empty()) return d.base->name;
    std::string s;
    for (auto p : e.set) s += (s.empty() ? "" : "+") + d.base->districts[d.candidates[p]].id;
    return s;
}

namespace {
// A portfolio's scenario name: its label with '.' for '+' (a scenario name allows no '+'), made
// short with a hash when it would pass the 64 characters a name may have.
std::string scenario_name(const scenario::decision& d, const batch_entry& e) {
    std::string n = label_of(d, e);
    std::replace(n.begin(), n.end(), '+', '.');
    if (n.size() > 64) n = n.substr(0, 55) + "." + core::sha256_hex(n).substr(0, 8);
    return n;
}
}  // namespace

scenario::scenario_ptr entry_scenario(const scenario::decision& d, const batch_entry& e,
                                      const std::vector<std::string>& keys, std::span<const double> draws,
                                      std::size_t r) {
    const std::string over = keys.empty() ? std::string() : draw_overrides(keys, draws, r);
    if (e.reference) return over.empty() ? d.reference : scenario::derive(*d.reference, over, d.reference->name);
    // One derive per run: the portfolio's events and the draw's parameters together.
    const std::string text = scenario::portfolio_events(d, e.set) + over;
    return text.empty() ? d.base : scenario::derive(*d.base, text, scenario_name(d, e));
}

std::vector<double> selection_unit(const scenario::decision& d, const std::vector<std::size_t>& metric_index,
                                   const std::vector<batch_entry>& entries, std::uint64_t r, int fork_step,
                                   const std::vector<std::string>& keys, std::span<const double> draws,
                                   engine::execution_context& ctx, const std::atomic<bool>* cancel,
                                   std::string& failure) {
    std::vector<double> rows;
    rows.reserve(entries.size() * row_width);
    auto keep = [&](const engine::replicate_result& res, const std::string& name) {
        if (!res.ok) {
            if (failure.empty()) failure = "replicate " + std::to_string(r) + " of " + name + ": " + res.message;
            rows.insert(rows.end(), row_width, nan);
            return;
        }
        const auto row = selection_row(d, metric_index, res.metrics);
        rows.insert(rows.end(), row.begin(), row.end());
    };
    engine::paired_options opt{.seed = d.seed, .replicates = r + 1, .fork_step = fork_step, .cancel = cancel};
    engine::run_replicate_each(
        entries.size(), [&](std::size_t i) { return entry_scenario(d, entries[i], keys, draws, r); }, opt, r, ctx,
        [&](std::size_t i, engine::replicate_result&& res) { keep(res, label_of(d, entries[i])); });
    return rows;
}

core::date first_decision_date(const scenario::decision& d) {
    core::date first = d.dates.front();
    for (const auto day : d.team_dates) first = std::min(first, day);
    return first;
}

namespace {

// The search's memory: every run's row, by portfolio and replicate.
class search_state {
public:
    search_state(const scenario::decision& d, const run_batch& run) : d_(d), run_(run) {}

    // Runs `entries` (the base is added first) on replicates up to n, from the fewest any has.
    void ensure(const std::string& tag, const std::vector<batch_entry>& entries, std::size_t n) {
        std::vector<batch_entry> all{batch_entry{}};
        std::size_t from = n;
        for (const auto& e : entries) {
            const std::size_t have = rows_[key(e)].size();
            if (have < n) {
                all.push_back(e);
                from = std::min(from, have);
            }
        }
        if (all.size() == 1) return;
        from = std::min(from, rows_[key(all[0])].size());
        const auto v = run_(tag, all, from, n - from);
        runs += all.size() * (n - from);
        const std::size_t E = all.size();
        if (v.size() != (n - from) * E * row_width)
            throw internal_error("select: a batch returned rows of the wrong size");
        for (std::size_t e = 0; e < E; ++e) {
            auto& rs = rows_[key(all[e])];
            if (rs.size() < n) rs.resize(n);
            for (std::size_t r = from; r < n; ++r) {
                const auto* p = v.data() + ((r - from) * E + e) * row_width;
                if (!std::isfinite(p[row_city]))
                    throw model_error("select: replicate " + std::to_string(r) + " of '" + label_of(d_, all[e]) +
                                      "' failed (see the messages above); the search cannot rank it");
                rs[r].assign(p, p + row_width);
            }
        }
    }

    const std::vector<double>& row(const batch_entry& e, std::size_t r) { return rows_.at(key(e)).at(r); }

    // The objective of one run: the city value plus the equity term (the least-served
    // sub-region's value scaled to the city's firms).
    double value(const std::vector<double>& row) const {
        double v = row[row_city];
        if (d_.equity > 0) {
            double least = std::numeric_limits<double>::infinity();
            for (std::size_t g = 0; g < 3; ++g)
                if (row[row_region_firms + g] > 0)
                    least = std::min(least, row[row_region + g] * row[row_firms] / row[row_region_firms + g]);
            if (std::isfinite(least)) v += d_.equity * least;
        }
        return v;
    }
    // The gain of portfolio e over the base in replicate r (per million yuan if asked).
    double gain(const batch_entry& e, std::size_t r) {
        const double g = value(row(e, r)) - value(row(batch_entry{}, r));
        return d_.per_million_yuan ? g / scenario::portfolio_cost(d_, e.set.size()) : g;
    }
    std::vector<double> gains(const batch_entry& e, std::size_t n) {
        std::vector<double> g(n);
        for (std::size_t r = 0; r < n; ++r) g[r] = gain(e, r);
        return g;
    }
    double score(std::span<const double> g) const {
        if (!d_.quantile_risk) return mean_of(g);
        return quantile(g, d_.quantile);
    }
    static double mean_of(std::span<const double> g) {
        double s = 0;
        for (double x : g) s += x;
        return g.empty() ? nan : s / static_cast<double>(g.size());
    }

    std::size_t runs = 0;

private:
    static std::vector<std::uint16_t> key(const batch_entry& e) {
        return e.reference ? std::vector<std::uint16_t>{reference_key} : e.set;
    }
    const scenario::decision& d_;
    const run_batch& run_;
    std::map<std::vector<std::uint16_t>, std::vector<std::vector<double>>> rows_;
};

// Every set of `k` positions among `from` (ascending), appended to `out`.
void combinations(const std::vector<std::uint16_t>& from, std::size_t k, std::vector<portfolio>& out) {
    if (k > from.size()) return;
    std::vector<std::size_t> idx(k);
    for (std::size_t i = 0; i < k; ++i) idx[i] = i;
    while (true) {
        portfolio p;
        for (auto i : idx) p.push_back(from[i]);
        std::sort(p.begin(), p.end());
        out.push_back(std::move(p));
        std::size_t i = k;
        while (i > 0 && idx[i - 1] == from.size() - k + i - 1) --i;
        if (i == 0) return;
        ++idx[i - 1];
        for (std::size_t j = i; j < k; ++j) idx[j] = idx[j - 1] + 1;
    }
}

// The portfolio sizes within the budget, how many sets they make, and whether every one is raced.
struct decision_space {
    std::vector<std::size_t> sizes;
    std::size_t sets = 0;
    bool exhaustive = false;
};
decision_space space_of(const scenario::decision& d) {
    decision_space sp;
    for (std::size_t k = d.count_min; k <= d.count_max; ++k) {
        if (d.budget_limit > 0 && scenario::portfolio_cost(d, k) > d.budget_limit) continue;
        sp.sizes.push_back(k);
        const std::size_t c = scenario::choose(d.candidates.size(), k);
        sp.sets = c > std::numeric_limits<std::size_t>::max() - sp.sets ? c : sp.sets + c;
    }
    sp.exhaustive = d.method == "exhaustive" || (d.method == "auto" && sp.sets <= d.exhaustive_limit);
    return sp;
}

}  // namespace

selection_result select(const scenario::decision& d, const run_batch& run, const std::vector<std::string>& draw_keys,
                        std::span<const double> draws, const std::function<void(const std::string&)>& say) {
    selection_result res;
    search_state st(d, run);
    const std::size_t n = d.candidates.size(), R = d.replicates;
    res.replicates = R;
    const auto sp = space_of(d);
    const bool exhaustive = sp.exhaustive;
    res.space = sp.sets;
    res.exhaustive_runs = static_cast<double>(res.space + 1) * static_cast<double>(R);
    if (exhaustive && res.space > 100000)
        throw input_error(d.source + ": search.method = \"exhaustive\" would run " + std::to_string(res.space) +
                          " portfolios: expected at most 100000; use \"auto\" or \"screening\"");
    res.method = exhaustive ? "exhaustive" : "screening";
    auto log = [&](const std::string& line) {
        res.stages.push_back(line);
        if (say) say(line);
    };
    auto name = [&](const portfolio& p) { return label_of(d, batch_entry{p}); };

    std::vector<portfolio> sets;
    std::vector<std::uint16_t> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = static_cast<std::uint16_t>(i);
    if (exhaustive) {
        for (auto k : sp.sizes) combinations(all, k, sets);
        log("space: " + std::to_string(res.space) + " portfolios; every one is evaluated");
    } else {
        // Screening: each candidate alone against the base, on the same replicates.
        std::vector<batch_entry> singles;
        for (auto i : all) singles.push_back(batch_entry{portfolio{i}});
        const std::size_t ns = d.screening_replicates;
        st.ensure("screen", singles, ns);
        std::vector<double> mean(n);
        for (std::size_t i = 0; i < n; ++i) {
            std::vector<double> b(ns), s(ns);
            for (std::size_t r = 0; r < ns; ++r) {
                b[r] = st.value(st.row(batch_entry{}, r));
                s[r] = st.value(st.row(singles[i], r));
            }
            const auto pd = paired(b, s);
            mean[i] = pd.mean;
            res.screen_district.push_back(d.base->districts[d.candidates[i]].id);
            res.screen_gain.push_back(pd.mean);
            res.screen_lo.push_back(pd.lo);
            res.screen_hi.push_back(pd.hi);
        }
        std::vector<std::uint16_t> order(all);
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return mean[a] > mean[b]; });
        const std::size_t pool_size = std::min(d.pool, n);
        std::vector<std::uint16_t> pool(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(pool_size));
        std::vector<std::uint16_t> rest(order.begin() + static_cast<std::ptrdiff_t>(pool_size), order.end());
        for (auto k : sp.sizes) {
            combinations(pool, k, sets);
            // Swaps: the additive best set of k with each member exchanged for each district outside
            // the pool, so that a district screened low but good in company can still enter.
            portfolio best(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
            for (std::size_t m = 0; m < k; ++m) {
                for (auto c : rest) {
                    portfolio s = best;
                    s[m] = c;
                    std::sort(s.begin(), s.end());
                    sets.push_back(std::move(s));
                }
            }
        }
        std::sort(sets.begin(), sets.end());
        sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
        log("screening: " + std::to_string(n) + " districts x " + std::to_string(ns) + " replicates; pool of " +
            std::to_string(pool_size) + " (best alone: " + res.screen_district[order[0]] + ", +" + fmt(mean[order[0]]) +
            "); " + std::to_string(sets.size()) + " of " + std::to_string(res.space) + " portfolios to race");
    }

    // Successive halving over `sets`, all on the same replicates at each round.
    std::map<portfolio, std::pair<std::size_t, double>> evaluated;
    std::vector<portfolio> alive = sets;
    std::size_t reps = std::min(d.first_replicates, R);
    for (int round = 1;; ++round) {
        std::vector<batch_entry> es;
        for (const auto& p : alive) es.push_back(batch_entry{p});
        st.ensure("round" + std::to_string(round), es, reps);
        std::vector<double> sc(alive.size());
        for (std::size_t i = 0; i < alive.size(); ++i) {
            sc[i] = st.score(st.gains(es[i], reps));
            evaluated[alive[i]] = {reps, sc[i]};
        }
        std::vector<std::size_t> idx(alive.size());
        for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
        std::stable_sort(idx.begin(), idx.end(), [&](auto a, auto b) { return sc[a] > sc[b]; });
        const double gap = idx.size() > 1 ? sc[idx[0]] - sc[idx[1]] : nan;
        std::vector<portfolio> next;
        if (reps >= R) {
            for (std::size_t i = 0; i < std::min(d.top, idx.size()); ++i) next.push_back(alive[idx[i]]);
        } else {
            const std::size_t keep = std::max(d.top, (alive.size() + 1) / 2);
            const std::size_t cap = std::max(d.top, (3 * alive.size() + 3) / 4);
            const auto lead = st.gains(es[idx[0]], reps);
            for (std::size_t j = 0; j < idx.size(); ++j) {
                bool kept = j < keep;
                if (!kept && next.size() < cap) {
                    // The guard: a set whose mean gain is not clearly below the leader's stays.
                    const auto pd = paired(lead, st.gains(es[idx[j]], reps));
                    kept = pd.hi >= 0;
                }
                if (kept) next.push_back(alive[idx[j]]);
            }
        }
        log("round " + std::to_string(round) + ": " + std::to_string(alive.size()) + " portfolios x " +
            std::to_string(reps) + " replicates; best " + name(alive[idx[0]]) + " (" + fmt(sc[idx[0]]) +
            "), gap to the next " + fmt(gap) + "; " + std::to_string(next.size()) + " go on");
        const bool done = reps >= R;
        alive = std::move(next);
        if (done) break;
        reps = std::min(2 * reps, R);
    }

    // The finalists at R replicates, best first; the base, the reference and the best's
    // leave-one-out sets on the same replicates.
    const auto& best = alive.front();
    std::vector<batch_entry> explain;
    if (d.reference) explain.push_back(batch_entry{{}, true});
    if (best.size() > 1) {
        for (std::size_t j = 0; j < best.size(); ++j) {
            portfolio p = best;
            p.erase(p.begin() + static_cast<std::ptrdiff_t>(j));
            explain.push_back(batch_entry{p});
        }
    }
    st.ensure("explain", explain, R);
    res.runs = st.runs;

    const std::size_t T = alive.size();
    std::vector<std::vector<double>> g(T), v(T);
    std::vector<double> vbase(R);
    for (std::size_t r = 0; r < R; ++r) vbase[r] = st.value(st.row(batch_entry{}, r));
    for (std::size_t i = 0; i < T; ++i) {
        const batch_entry e{alive[i]};
        g[i] = st.gains(e, R);
        v[i].resize(R);
        for (std::size_t r = 0; r < R; ++r) v[i][r] = st.value(st.row(e, r));
    }
    // P(best): resample the replicates (the same for every finalist, keeping the pairing).
    std::vector<double> wins(T, 0);
    const std::size_t B = 2000;
    std::vector<double> sample(R);
    for (std::size_t b = 0; b < B; ++b) {
        rng::stream s(rng::key{d.seed, 3}, b, 0, rng::purpose::selection);
        std::vector<std::size_t> pick(R);
        for (auto& p : pick) p = std::min(R - 1, static_cast<std::size_t>(s.uniform() * static_cast<double>(R)));
        std::size_t arg = 0;
        double top = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < T; ++i) {
            for (std::size_t r = 0; r < R; ++r) sample[r] = g[i][pick[r]];
            const double x = st.score(sample);
            if (x > top) top = x, arg = i;
        }
        wins[arg] += 1;
    }
    std::vector<double> vref(R, nan);
    if (d.reference) {
        res.has_reference = true;
        res.reference_name = d.reference->name;
        for (std::size_t r = 0; r < R; ++r) vref[r] = st.value(st.row(batch_entry{{}, true}, r));
    }
    for (std::size_t i = 0; i < T; ++i) {
        const auto& p = alive[i];
        res.label.push_back(name(p));
        std::vector<std::string> ids;
        for (auto q : p) ids.push_back(d.base->districts[d.candidates[q]].id);
        res.districts.push_back(ids);
        res.score.push_back(st.score(g[i]));
        const auto pg = paired(std::vector<double>(R, 0.0), g[i]);
        res.gain_mean.push_back(pg.mean);
        res.gain_lo.push_back(pg.lo);
        res.gain_hi.push_back(pg.hi);
        res.gain_q05.push_back(quantile(g[i], 0.05));
        res.gain_q95.push_back(quantile(g[i], 0.95));
        res.cost.push_back(scenario::portfolio_cost(d, p.size()));
        double spend = 0, needs = 0, tech = 0;
        for (std::size_t r = 0; r < R; ++r) {
            const auto& row = st.row(batch_entry{p}, r);
            spend += row[row_spend], needs += row[row_needs_solved], tech += row[row_tech_firms];
        }
        res.spend.push_back(spend / static_cast<double>(R));
        res.needs_solved.push_back(needs / static_cast<double>(R));
        res.tech_firms.push_back(tech / static_cast<double>(R));
        res.p_best.push_back(wins[i] / static_cast<double>(B));
        if (d.reference) {
            const auto pr = paired(vref, v[i]);
            std::vector<double> diff(R);
            for (std::size_t r = 0; r < R; ++r) diff[r] = v[i][r] - vref[r];
            res.ref_mean.push_back(pr.mean);
            res.ref_lo.push_back(pr.lo);
            res.ref_hi.push_back(pr.hi);
            res.ref_q05.push_back(quantile(diff, 0.05));
            res.ref_q95.push_back(quantile(diff, 0.95));
            res.ref_p_better.push_back(pr.p_better);
        }
        const auto pb = paired(g[0], g[i]);
        std::vector<double> diff(R);
        for (std::size_t r = 0; r < R; ++r) diff[r] = g[i][r] - g[0][r];
        res.best_mean.push_back(pb.mean);
        res.best_lo.push_back(i == 0 ? 0.0 : pb.lo);
        res.best_hi.push_back(i == 0 ? 0.0 : pb.hi);
        res.best_q05.push_back(quantile(diff, 0.05));
        res.best_q95.push_back(quantile(diff, 0.95));
        res.per_replicate.insert(res.per_replicate.end(), g[i].begin(), g[i].end());
    }
    // Leave-one-out contributions of the best's districts (on the objective's value, not per yuan).
    for (std::size_t j = 0; j < best.size(); ++j) {
        portfolio p = best;
        p.erase(p.begin() + static_cast<std::ptrdiff_t>(j));
        std::vector<double> without(R);
        for (std::size_t r = 0; r < R; ++r) without[r] = st.value(st.row(batch_entry{p}, r));
        const auto pc = paired(without, v[0]);
        res.contribution_district.push_back(d.base->districts[d.candidates[best[j]]].id);
        res.contribution.push_back(pc.mean);
        res.contribution_lo.push_back(pc.lo);
        res.contribution_hi.push_back(pc.hi);
    }
    for (const auto& [p, e] : evaluated) {
        res.evaluated.push_back(name(p));
        res.evaluated_replicates.push_back(e.first);
        res.evaluated_score.push_back(e.second);
    }
    // Scenario discovery: what makes the best lose to the runner-up, over the draws.
    if (T >= 2) {
        std::vector<double> diff(R), x;
        for (std::size_t r = 0; r < R; ++r) diff[r] = g[0][r] - g[1][r];
        const std::size_t K = draw_keys.size();
        if (K > 0) x.assign(draws.begin(), draws.begin() + static_cast<std::ptrdiff_t>(R * K));
        res.disc = discover(x, draw_keys, diff);
    }
    log("done: " + std::to_string(res.runs) + " runs (every portfolio at " + std::to_string(R) + " replicates: " +
        fmt(res.exhaustive_runs, 4) + "); best " + res.label.front() + ", P(best) " + fixed(res.p_best.front(), 2));
    return res;
}

std::size_t estimated_runs(const scenario::decision& d) {
    const std::size_t n = d.candidates.size(), R = d.replicates;
    const auto sp = space_of(d);
    std::size_t sets = 0, runs = 0, biggest = 0;
    for (const auto k : sp.sizes) {
        const std::size_t pool = std::min(d.pool, n);
        sets += scenario::choose(pool, k) + k * (n - pool);
        biggest = std::max(biggest, k);
    }
    if (sp.exhaustive) {
        sets = sp.sets;
    } else {
        runs += (n + 1) * d.screening_replicates;
    }
    std::size_t have = 0;
    for (std::size_t reps = std::min(d.first_replicates, R);; reps = std::min(2 * reps, R)) {
        runs += (sets + 1) * (reps - have);
        have = reps;
        if (reps >= R) break;
        sets = std::max(d.top, (sets + 1) / 2);
    }
    return runs + (biggest + 2) * R;
}

std::string selection_text(const scenario::decision& d, const selection_result& s) {
    std::string objective;
    for (const auto& t : d.terms) objective += (objective.empty() ? "" : " + ") + fmt(t.weight) + " x " + t.metric;
    if (d.equity > 0) objective += " + " + fmt(d.equity) + " x least-served sub-region";
    if (d.per_million_yuan) objective = "(" + objective + ") per million yuan";
    const std::string risk = d.quantile_risk ? "its " + fmt(100 * d.quantile) + "% quantile over the replicates"
                                             : "its mean over the replicates";
    std::string out =
        "kcsim select " + d.name + ": gain over '" + d.base->name + "' in " + objective + ", ranked by " + risk + "\n";
    out += std::to_string(d.candidates.size()) + " candidates, " +
           (d.count_min == d.count_max ? std::to_string(d.count_min)
                                       : std::to_string(d.count_min) + "-" + std::to_string(d.count_max)) +
           " new pilots, " + std::to_string(d.teams) + (d.teams == 1 ? " new team; " : " new teams; ") +
           std::to_string(s.space) + " portfolios (" + s.method + " search), " + std::to_string(s.replicates) +
           " paired replicates per finalist\n\n";
    out += "rank  portfolio                                   score     gain [95% CI]            spread 5-95%       ";
    if (s.has_reference) out += "vs " + s.reference_name + " [95% CI]      ";
    out += "vs best [95% CI]      P(best)  cost\n";
    for (std::size_t i = 0; i < s.label.size(); ++i) {
        char buf[512];
        std::snprintf(buf, sizeof buf, "%4zu  %-42s %8s  %8s [%s, %s]  %8s to %-8s", i + 1,
                      s.label[i].substr(0, 42).c_str(), fmt(s.score[i], 4).c_str(), fmt(s.gain_mean[i], 4).c_str(),
                      fmt(s.gain_lo[i], 4).c_str(), fmt(s.gain_hi[i], 4).c_str(), fmt(s.gain_q05[i], 3).c_str(),
                      fmt(s.gain_q95[i], 3).c_str());
        out += buf;
        if (s.has_reference) {
            std::snprintf(buf, sizeof buf, "  %+8.4g [%+.3g, %+.3g]", s.ref_mean[i], s.ref_lo[i], s.ref_hi[i]);
            out += buf;
        }
        if (i == 0)
            std::snprintf(buf, sizeof buf, "   %-20s", "(best)");
        else
            std::snprintf(buf, sizeof buf, "   %+8.3g [%+.3g, %+.3g]", s.best_mean[i], s.best_lo[i], s.best_hi[i]);
        out += buf;
        std::snprintf(buf, sizeof buf, "  %6.2f  %5.1f\n", s.p_best[i], s.cost[i]);
        out += buf;
    }
    out += "\nscore: " + risk +
           " of the gain; CI: Monte Carlo uncertainty of the mean (paired t); spread: 5% to 95% "
           "of the per-replicate gains" +
           (d.parameters.empty() ? "" : std::string(" (posterior draws and noise)")) +
           "; P(best): paired bootstrap among these finalists; cost: million yuan (decision file's [budget])\n";
    if (!s.contribution_district.empty()) {
        out += "\nwhy " + s.label.front() +
               ": each district's contribution (the best's value minus its value without "
               "the district, paired):\n";
        for (std::size_t j = 0; j < s.contribution_district.size(); ++j) {
            char buf[256];
            std::snprintf(buf, sizeof buf, "  %-24s %+10.4g [%+.4g, %+.4g]\n", s.contribution_district[j].c_str(),
                          s.contribution[j], s.contribution_lo[j], s.contribution_hi[j]);
            out += buf;
        }
    }
    if (!s.disc.text.empty())
        out += "\nwhen " + s.label.front() + " loses to " + s.label[1] + ":\n" + s.disc.text + "\n";
    out += "\n" + std::to_string(s.runs) + " simulation runs; evaluating every portfolio at " +
           std::to_string(s.replicates) + " replicates would take " + fmt(s.exhaustive_runs, 4) + " (" +
           fmt(s.exhaustive_runs / static_cast<double>(std::max<std::size_t>(s.runs, 1)), 3) + "x)\n";
    return out;
}

const std::vector<selection_column>& selection_columns() {
    using R = selection_result;
    static const std::vector<selection_column> columns = {
        {"score", &R::score, "the risk measure of the gain over the base: what the portfolios are ranked by", false,
         true},
        {"gain_mean", &R::gain_mean, "mean gain over the base (the objective, paired by replicate)", false, true},
        {"gain_lo95", &R::gain_lo, "95% confidence interval of the mean gain, lower end (Monte Carlo)", false, true},
        {"gain_hi95", &R::gain_hi, "95% confidence interval of the mean gain, upper end (Monte Carlo)", false, true},
        {"gain_q05", &R::gain_q05, "5% quantile of the per-replicate gains (posterior draws and noise)", false, true},
        {"gain_q95", &R::gain_q95, "95% quantile of the per-replicate gains (posterior draws and noise)", false, true},
        {"vs_reference_mean", &R::ref_mean, "paired difference in the objective from the reference plan, mean", true,
         true},
        {"vs_reference_lo95", &R::ref_lo, "its 95% confidence interval, lower end", true, true},
        {"vs_reference_hi95", &R::ref_hi, "its 95% confidence interval, upper end", true, true},
        {"vs_reference_q05", &R::ref_q05, "5% quantile of the per-replicate differences from the reference", true,
         true},
        {"vs_reference_q95", &R::ref_q95, "95% quantile of the per-replicate differences from the reference", true,
         true},
        {"vs_reference_p_better", &R::ref_p_better, "share of replicates where the portfolio beats the reference", true,
         false},
        {"vs_best_mean", &R::best_mean, "paired difference in gain from the best, mean", false, true},
        {"vs_best_lo95", &R::best_lo, "its 95% confidence interval, lower end", false, true},
        {"vs_best_hi95", &R::best_hi, "its 95% confidence interval, upper end", false, true},
        {"vs_best_q05", &R::best_q05, "5% quantile of the per-replicate differences from the best", false, false},
        {"vs_best_q95", &R::best_q95, "95% quantile of the per-replicate differences from the best", false, false},
        {"p_best", &R::p_best, "probability of being the best among these portfolios (paired bootstrap)", false, true},
        {"cost", &R::cost, "static cost of the portfolio, million yuan (the decision file's [budget])", false, true},
        {"spend", &R::spend, "programme money spent over the run (programme_spend + reward_funds), mean, million yuan",
         false, true},
        {"needs_solved", &R::needs_solved, "needs solved over the run, mean", false, true},
        {"tech_firms", &R::tech_firms, "tech-based firms at the end, mean", false, true},
    };
    return columns;
}

std::string selection_csv(const selection_result& s) {
    std::string out = "rank,portfolio";
    for (const auto& c : selection_columns())
        if (c.csv) out += std::string(",") + c.name;
    out += "\n";
    auto num = [](double x) { return std::isfinite(x) ? core::shortest_number(x) : std::string(); };
    for (std::size_t i = 0; i < s.label.size(); ++i) {
        out += std::to_string(i + 1) + "," + s.label[i];
        for (const auto& c : selection_columns()) {
            // Without a reference its columns stay, empty, so that every file has the same header.
            if (c.csv) out += "," + (c.reference && !s.has_reference ? std::string() : num((s.*c.values)[i]));
        }
        out += "\n";
    }
    return out;
}

}  // namespace kcsim::analysis
