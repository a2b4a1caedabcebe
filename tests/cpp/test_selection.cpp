// The search of kcsim select on a planted problem: a runner that returns known effects plus noise
// instead of simulating, so that the truth is known exactly and the search's logic (screening,
// pool and swaps, successive halving and its guard, P(best), contributions) is tested alone.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <numeric>

#include "analysis/selection.hpp"
#include "core/error.hpp"
#include "rng/philox.hpp"
#include "rng/streams.hpp"
#include "scenario/decision.hpp"

using namespace kcsim;

namespace {

std::string decision_text(const std::string& candidates, int count, const std::string& search) {
    return "name = \"planted\"\nscenario = \"builtin:base/programme-2021.toml\"\n[pilots]\ncandidates = " + candidates +
           "\ncount = " + std::to_string(count) +
           "\ndates = [2021-07-05]\n[objective]\nmetrics = { needs_solved = 1.0 }\n[search]\n" + search;
}

// Each candidate's effect (by position in the decision's candidates) and a pairwise interaction;
// a replicate's noise is shared by every portfolio (common random numbers) plus its own part.
struct planted {
    std::vector<double> effect;
    std::map<std::pair<std::uint16_t, std::uint16_t>, double> interaction;
    double common_sd = 50, own_sd = 5;
    std::size_t runs = 0;

    double truth(const analysis::portfolio& p) const {
        double v = 0;
        for (auto i : p) v += effect[i];
        for (std::size_t a = 0; a < p.size(); ++a)
            for (std::size_t b = a + 1; b < p.size(); ++b)
                if (auto it = interaction.find({p[a], p[b]}); it != interaction.end()) v += it->second;
        return v;
    }
    analysis::run_batch runner() {
        return [this](const std::string&, const std::vector<analysis::batch_entry>& ps, std::uint64_t first,
                      std::uint64_t count) {
            std::vector<double> out;
            for (std::uint64_t r = first; r < first + count; ++r) {
                rng::stream common(rng::key{7, r}, 0, 0, rng::purpose::design);
                const double shared = common_sd * common.normal();
                for (const auto& e : ps) {
                    std::uint64_t h = 1469598103934665603ULL;
                    for (auto i : e.set) h = (h ^ i) * 1099511628211ULL;
                    rng::stream own(rng::key{7, r}, h, 1, rng::purpose::design);
                    std::vector<double> row(analysis::row_width, 0.0);
                    row[analysis::row_city] = 1000 + shared + truth(e.set) + own_sd * own.normal();
                    out.insert(out.end(), row.begin(), row.end());
                    ++runs;
                }
            }
            return out;
        };
    }
};

}  // namespace

TEST_CASE("exhaustive search of 2 of 6 finds the planted best and ranks by the mean gain", "[unit][select]") {
    const auto d = scenario::load_decision_text(
        decision_text("[\"yubei\", \"jiangbei\", \"nanan\", \"tongliang\", \"kaizhou\", \"wulong\"]", 2,
                      "top = 4\nreplicates = 16\nseed = 3\n"),
        "planted.toml");
    REQUIRE(d.candidates.size() == 6);
    planted w;
    w.effect = {10, 20, 30, 40, 50, 60};
    const auto res = analysis::select(d, w.runner(), {}, {}, {});
    CHECK(res.method == "exhaustive");
    CHECK(res.space == 15);
    REQUIRE(res.label.size() == 4);
    // The planted best: the two largest effects (positions 4 and 5, whatever their names).
    const auto best_ids =
        std::vector<std::string>{d.base->districts[d.candidates[4]].id, d.base->districts[d.candidates[5]].id};
    CHECK(res.districts.front() == best_ids);
    CHECK(res.gain_mean.front() == Approx(110).margin(6));
    for (std::size_t i = 1; i < res.score.size(); ++i) CHECK(res.score[i] <= res.score[i - 1]);
    CHECK(std::accumulate(res.p_best.begin(), res.p_best.end(), 0.0) == Approx(1.0));
    CHECK(res.p_best.front() > 0.9);
    // Leave-one-out: each district's contribution is its own effect.
    REQUIRE(res.contribution.size() == 2);
    CHECK(res.contribution[0] == Approx(50).margin(6));
    CHECK(res.contribution[1] == Approx(60).margin(6));
    // What the search says it spent is what the runner ran; every set was evaluated.
    CHECK(res.runs == w.runs);
    CHECK(res.evaluated.size() == 15);
    CHECK(static_cast<double>(res.runs) < res.exhaustive_runs + 16.0 * 4);
}

TEST_CASE("screening with swaps finds a best set that screening alone would miss", "[unit][select]") {
    // Candidate 0 is poor alone but makes a strong pair with candidate 1: the additive best set
    // leaves it out; the pool (of 3) holds it only through the swaps of the additive best pair.
    const auto d = scenario::load_decision_text(
        decision_text("\"all non-pilots\"", 2,
                      "top = 3\nreplicates = 16\nseed = 5\npool = 3\nmethod = \"screening\"\n"),
        "planted.toml");
    const std::size_t n = d.candidates.size();
    REQUIRE(n > 20);
    planted w;
    w.effect.assign(n, 0.0);
    w.effect[1] = 40, w.effect[2] = 38, w.effect[3] = 36, w.effect[0] = 1;
    w.interaction[{0, 1}] = 60;
    const auto res = analysis::select(d, w.runner(), {}, {}, {});
    CHECK(res.method == "screening");
    CHECK(res.screen_district.size() == n);
    const auto want =
        std::vector<std::string>{d.base->districts[d.candidates[0]].id, d.base->districts[d.candidates[1]].id};
    CHECK(res.districts.front() == want);
    // Far fewer runs than every pair at 16 replicates.
    CHECK(static_cast<double>(res.runs) < 0.5 * res.exhaustive_runs);
}

TEST_CASE("successive halving keeps both of two tied sets to the end, and P(best) is shared", "[unit][select]") {
    // Ten sets of one district; two have the same large effect: whichever leads, the other is
    // never clearly worse, so both reach the final round with all the replicates.
    const auto d = scenario::load_decision_text(
        decision_text("[\"yubei\", \"jiangbei\", \"nanan\", \"tongliang\", \"kaizhou\", \"wulong\", \"chengkou\", "
                      "\"liangping\", \"fengdu\", \"tongnan\"]",
                      1, "top = 2\nreplicates = 32\nfirst_replicates = 4\nseed = 11\n"),
        "planted.toml");
    planted w;
    w.effect = {100, 100, 0, 0, 0, 0, 0, 0, 0, 0};
    w.own_sd = 20;
    const auto res = analysis::select(d, w.runner(), {}, {}, {});
    REQUIRE(res.label.size() == 2);
    std::vector<std::string> top(res.label.begin(), res.label.end());
    std::sort(top.begin(), top.end());
    std::vector<std::string> want{d.base->districts[d.candidates[0]].id, d.base->districts[d.candidates[1]].id};
    std::sort(want.begin(), want.end());
    CHECK(top == want);
    // Neither is clearly the best: P(best) is shared.
    CHECK(res.p_best[0] < 0.95);
    CHECK(res.p_best[1] > 0.05);
    CHECK(res.best_lo[1] < 0);
    CHECK(res.best_hi[1] > 0);
}

TEST_CASE("a quantile risk measure scores the lower quantile of the gains", "[unit][select]") {
    auto d = scenario::load_decision_text(
        decision_text("[\"yubei\", \"jiangbei\", \"nanan\"]", 1, "top = 3\nreplicates = 20\nseed = 2\n") + "",
        "planted.toml");
    d.quantile_risk = true;
    d.quantile = 0.25;
    planted w;
    w.effect = {10, 12, 14};
    const auto res = analysis::select(d, w.runner(), {}, {}, {});
    const std::size_t R = res.replicates;
    for (std::size_t i = 0; i < res.label.size(); ++i) {
        std::vector<double> g(res.per_replicate.begin() + static_cast<std::ptrdiff_t>(i * R),
                              res.per_replicate.begin() + static_cast<std::ptrdiff_t>((i + 1) * R));
        std::sort(g.begin(), g.end());
        const double h = 0.25 * static_cast<double>(R - 1);
        const auto lo = static_cast<std::size_t>(h);
        CHECK(res.score[i] == Approx(g[lo] + (h - static_cast<double>(lo)) * (g[lo + 1] - g[lo])));
    }
}

TEST_CASE("decision files: choose, costs and the estimated runs", "[unit][select]") {
    CHECK(scenario::choose(27, 4) == 17550);
    CHECK(scenario::choose(6, 2) == 15);
    CHECK(scenario::choose(5, 6) == 0);
    const auto d = scenario::load_decision_text(decision_text("\"all non-pilots\"", 4, "") +
                                                    "[teams]\ncount = 2\nexperts = 10\n[budget]\npilot_cost = 2.0\n",
                                                "planted.toml");
    // 4 pilots from 2021-07-05 to the end of 2023 at 2 million yuan a year, 2 teams of 10 experts.
    const double years =
        static_cast<double>(d.base->cal.step_last_day(d.base->cal.steps() - 1) - d.dates.front() + 1) / 365.25;
    CHECK(scenario::portfolio_cost(d, 4) == Approx(4 * 2.0 * years + 2 * 10 * d.base->p.cost_per_expert_year * years));
    CHECK(analysis::estimated_runs(d) > 27 * 8);
    const auto events = scenario::portfolio_events(d, {0, 1});
    CHECK(events.find("type = \"pilot\"") != std::string::npos);
    CHECK(events.find("type = \"team\"") != std::string::npos);
}
