// The firm pass's vector kernels (model/lanes.hpp, quiet.cpp, collect.cpp) against the portable
// code they stand for, and the flow invariant the lazy clearing of flows relies on.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "engine/simulation.hpp"
#include "model/collect.hpp"
#include "model/lanes.hpp"
#include "scenario/load.hpp"

using namespace kcsim;

namespace {

// The plan over its whole horizon with a tenth of its firms, and consortia that firms join and
// that dissolve often: every process has events (needs, services, contracts, consortia joined,
// left and dissolved, deals, certification, exits, births).
scenario::scenario_ptr small_plan() {
    static const auto sc = scenario::derive(
        *scenario::load("builtin:plan.toml"),
        "[population]\ntech_firms = 2640\nother_firms = 4000\n[consortia]\njoin_rate = 1.0\ndissolve_rate = 2.0\n",
        "kernels");
    return sc;
}

struct outcome {
    state::world world;
    std::vector<double> metrics;
};

outcome simulate(bool portable, std::uint64_t replicate) {
    model::use_portable_kernels(portable);
    engine::execution_context ctx(2);
    engine::simulation sim(small_plan(), 17, replicate);
    sim.run(ctx);
    model::use_portable_kernels(false);
    return {sim.world(), {sim.metrics().begin(), sim.metrics().end()}};
}

}  // namespace

TEST_CASE("the AVX2 kernels give the same bits as the portable code", "[model][kernels]") {
    if (!model::use_avx2()) {
        WARN("this CPU has no AVX2: only the portable code runs here");
        return;
    }
    for (std::uint64_t replicate : {0u, 1u}) {
        const auto vector = simulate(false, replicate), portable = simulate(true, replicate);
        CHECK(vector.world.step == portable.world.step);
        CHECK(vector.world.f.size() == portable.world.f.size());
        CHECK(vector.world == portable.world);
        REQUIRE(vector.metrics.size() == portable.metrics.size());
        CHECK(std::memcmp(vector.metrics.data(), portable.metrics.data(), vector.metrics.size() * sizeof(double)) == 0);
    }
}

TEST_CASE("after every step a firm without events has no flows", "[model][kernels]") {
    // The firm pass clears only the flows of firms with events (model/quiet.hpp): that is right
    // only if no other firm has any.
    for (bool portable : {false, true}) {
        model::use_portable_kernels(portable);
        engine::execution_context ctx(1);
        engine::simulation sim(small_plan(), 3, 0);
        std::size_t with_events = 0, checked = 0;
        while (!sim.done()) {
            sim.advance(ctx);
            const auto& f = sim.world().f;
            for (std::size_t i = 0; i < f.size(); ++i) {
                ++checked;
                if (f.events[i] != 0) {
                    ++with_events;
                    continue;
                }
                const bool none = f.raised[i] == 0 && f.posted[i] == 0 && f.solved_posted[i] == 0 &&
                                  f.solved_unposted[i] == 0 && f.abandoned[i] == 0 && f.services[i] == 0 &&
                                  f.contracts[i] == 0 && f.contract_value[i] == 0 && f.deal_amount[i] == 0 &&
                                  f.innovations[i] == 0;
                if (!none) FAIL("firm " << f.id[i] << " has flows but no events at step " << sim.world().step);
            }
        }
        model::use_portable_kernels(false);
        CHECK(with_events > checked / 100);  // the check saw plenty of firms with events
    }
}

TEST_CASE("after every step the districts' open needs are those of their living firms", "[model][kernels]") {
    // The firm pass moves the counts [district][sector] by what changes for the firms to which
    // something happens (model/actions.cpp) instead of counting every firm again.
    for (bool portable : {false, true}) {
        model::use_portable_kernels(portable);
        engine::execution_context ctx(2);
        engine::simulation sim(small_plan(), 4, 1);
        const std::size_t ns = sim.scene().sectors.size();
        double total = 0;
        while (!sim.done()) {
            sim.advance(ctx);
            const auto& w = sim.world();
            std::vector<double> posted(w.d.open_posted.size(), 0.0), unposted(posted.size(), 0.0);
            for (std::size_t i = 0; i < w.f.size(); ++i) {
                if (!(w.f.flags[i] & state::firm_flag::alive)) continue;
                posted[w.f.district[i] * ns + w.f.sector[i]] += w.f.needs_posted[i];
                unposted[w.f.district[i] * ns + w.f.sector[i]] += w.f.needs_unposted[i];
            }
            if (posted != w.d.open_posted || unposted != w.d.open_unposted)
                FAIL("the open needs counts are off at step " << w.step);
            for (double x : posted) total += x;
        }
        model::use_portable_kernels(false);
        CHECK(total > 0);  // posted needs were open (the libraries are on)
    }
}

#ifdef KCSIM_HAS_AVX2_KERNELS
namespace {
KCSIM_AVX2 void counts_to_float(const std::uint32_t* in, float* out) {
    model::avx2::store(out, model::avx2::to_f32(model::avx2::load(in)));
}
}  // namespace

TEST_CASE("the kernels convert counts to float as static_cast<float> does", "[model][kernels]") {
    if (!model::use_avx2()) return;
    // Exact below 2^24; above, rounded to nearest even (ties included) as the scalar code rounds.
    const std::uint32_t in[][8] = {
        {0, 1, 2, 65535, 65536, 65537, 16777215, 16777216},
        {16777217, 16777219, 33554435, 2147483647u, 2147483648u, 2147483649u, 4294967295u, 4294967167u}};
    for (const auto& row : in) {
        float out[8];
        counts_to_float(row, out);
        for (int j = 0; j < 8; ++j) CHECK(out[j] == static_cast<float>(row[j]));
    }
}
#endif

TEST_CASE("float_at_least makes the float test of a threshold the double one", "[model][kernels]") {
    for (const double v : {0.5, 0.3, 0.1, 1.0 / 3.0, 0.0, 1e-40, 0.99999999}) {
        const float t = model::float_at_least(v);
        CHECK(static_cast<double>(t) >= v);
        CHECK(static_cast<double>(std::nextafter(t, -1.0f)) < v);  // the least such float
    }
}
