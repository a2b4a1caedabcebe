// A sweep as experiments: design rows crossed with lever values, and their scenario overrides.
#include <catch2/catch.hpp>

#include "analysis/sweep.hpp"
#include "core/error.hpp"
#include "scenario/load.hpp"
#include "scenario/sweep.hpp"

using namespace kcsim;

namespace {
const std::string sweep_head = "name = \"t\"\nscenario = \"builtin:plan.toml\"\n";
}

TEST_CASE("full factorial with levers: policies times grid, last lever fastest", "[unit][sweep]") {
    auto sw = scenario::load_sweep_text(
        sweep_head + "design = \"full_factorial\"\nlevels = 3\n"
                     "[[uncertain]]\nkey = \"enterprise.need_rate\"\nmin = 1.0\nmax = 2.0\n"
                     "[[lever]]\nkey = \"rewards.rule\"\nvalues = [\"tournament\", \"threshold\"]\n"
                     "[[lever]]\nkey = \"programme.forums\"\nvalues = [true, false]\n",
        "t.toml");
    const auto ex = analysis::plan_experiments(sw);
    CHECK(ex.policies == 4);
    CHECK(ex.samples == 3);
    CHECK(ex.count == 12);
    CHECK(ex.uncertain == std::vector<double>{1.0, 1.5, 2.0, 1.0, 1.5, 2.0, 1.0, 1.5, 2.0, 1.0, 1.5, 2.0});
    CHECK(ex.lever_values[0] == "\"tournament\"");
    CHECK(ex.lever_values[1] == "true");
    CHECK(ex.lever_values[3 * 2 + 1] == "false");  // policy 1: tournament, forums off
    // The overrides are a valid variant of the base, with the experiment's values.
    const auto sc = scenario::derive(*sw.base, ex.overrides(sw, 4), "x");
    CHECK(sc->p.need_rate == 1.5);
    CHECK(sc->p.reward_rule == "tournament");
    CHECK_FALSE(sc->p.forums);
}

TEST_CASE("integer parameters are rounded and written as integers", "[unit][sweep]") {
    auto sw = scenario::load_sweep_text(sweep_head + "design = \"latin_hypercube\"\nsamples = 5\n"
                                                     "[[uncertain]]\nkey = \"consortia.initial\"\nmin = 5\nmax = 20\n",
                                        "t.toml");
    const auto ex = analysis::plan_experiments(sw);
    REQUIRE(ex.count == 5);
    for (std::size_t e = 0; e < ex.count; ++e) {
        const auto sc = scenario::derive(*sw.base, ex.overrides(sw, e), "x");
        CHECK(static_cast<double>(sc->p.consortia_initial) == ex.uncertain[e]);
        CHECK(sc->p.consortia_initial >= 5);
        CHECK(sc->p.consortia_initial <= 20);
    }
}

TEST_CASE("saltelli and morris designs keep their structure for the indices", "[unit][sweep]") {
    auto sw =
        scenario::load_sweep_text(sweep_head + "design = \"saltelli\"\nsamples = 8\n"
                                               "[[uncertain]]\nkey = \"enterprise.need_rate\"\nmin = 1.0\nmax = 2.0\n"
                                               "[[uncertain]]\nkey = \"experts.solve_prob\"\nmin = 0.3\nmax = 0.7\n",
                                  "t.toml");
    const auto ex = analysis::plan_experiments(sw);
    CHECK(ex.count == 8 * 4);
    CHECK(std::holds_alternative<analysis::saltelli_design>(ex.design));
    for (std::size_t e = 0; e < ex.count; ++e) {
        CHECK(ex.uncertain[e * 2] >= 1.0);
        CHECK(ex.uncertain[e * 2] < 2.0);
    }
    // A linear response in need_rate only: its total index is 1, the other's 0.
    std::vector<double> y(ex.count);
    for (std::size_t e = 0; e < ex.count; ++e) y[e] = 3.0 * ex.uncertain[e * 2];
    const auto s = analysis::analyse(ex, y, 1);
    CHECK(s.st[0] == Approx(1.0).margin(0.1));
    CHECK(s.st[1] == Approx(0.0).margin(1e-12));
}

TEST_CASE("a posterior's draws for a sweep: the sweep's own factors win, bad draws are input errors", "[unit][sweep]") {
    auto sw = scenario::load_sweep_text(sweep_head + "design = \"latin_hypercube\"\nsamples = 2\nreplicates = 2\n"
                                                     "[[uncertain]]\nkey = \"enterprise.need_rate\"\nmin = 1.0\n"
                                                     "max = 2.0\n[[lever]]\nkey = \"programme.forums\"\n"
                                                     "values = [true, false]\n",
                                        "t.toml");
    const std::vector<std::string> keys{"enterprise.need_rate", "experts.solve_prob", "programme.forums"};
    // [draw][key]: three draws; the swept need_rate and forums columns are not used.
    const std::vector<double> draws{9.0, 0.25, 0.0, 9.0, 0.5, 1.0, 9.0, 0.75, 0.0};
    const auto d = analysis::draws_for_sweep(sw, keys, draws, "post.h5");
    CHECK(d.keys == std::vector<std::string>{"experts.solve_prob"});
    CHECK(d.dropped == std::vector<std::string>{"enterprise.need_rate", "programme.forums"});
    CHECK(d.values == std::vector<double>{0.25, 0.5, 0.75});
    // More replicates than draws, or a draw that makes an invalid scenario: input errors naming the file.
    sw.replicates = 4;
    CHECK_THROWS_WITH(analysis::draws_for_sweep(sw, keys, draws, "post.h5"),
                      Catch::Contains("post.h5") && Catch::Contains("4 replicates"));
    sw.replicates = 2;
    const std::vector<double> bad{9.0, 0.25, 0.0, 9.0, 7.0, 1.0, 9.0, 0.75, 0.0};
    CHECK_THROWS_WITH(analysis::draws_for_sweep(sw, keys, bad, "post.h5"),
                      Catch::Contains("post.h5: draw 1") && Catch::Contains("experts.solve_prob"));
}
