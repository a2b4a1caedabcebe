// kcsim_bench: the speed figures the issues set targets for, each printed with its target.
// Timings are wall-clock medians over repeats; run on an idle machine (scripts/bench.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sched.h>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ensemble.hpp"
#include "engine/model_spec.hpp"
#include "engine/simulation.hpp"
#include "io/chunk_codec.hpp"
#include "io/run_store.hpp"
#include "model/spec.hpp"
#include "scenario/load.hpp"
#include "state/columns.hpp"

using namespace kcsim;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double one_replicate(const scenario::scenario_ptr& sc, int threads, int repeats) {
    engine::execution_context ctx(threads);
    std::vector<double> t;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = clock_type::now();
        engine::simulation sim(ctx, sc, 1, static_cast<std::uint64_t>(r));
        sim.run(ctx);
        t.push_back(seconds_since(t0));
    }
    return median(t);
}

double ensemble(const scenario::scenario_ptr& sc, int threads, std::uint64_t reps) {
    engine::execution_context ctx(threads);
    const auto t0 = clock_type::now();
    engine::run_ensemble(sc, {.seed = 1, .replicates = reps}, ctx, [](engine::replicate_result&&) {});
    return seconds_since(t0);
}

void row(const char* what, double value, const char* unit, const std::string& target) {
    std::printf("%-52s %12.3f %-14s target: %s\n", what, value, unit, target.c_str());
}

// One replicate on each core of the affinity mask in turn (this thread pinned to it): on a VM
// whose cores run at different speeds (another tenant on one of them), every 2-thread figure
// below is held back by the slower core, and this says so. Median of `repeats`, milliseconds.
std::vector<std::pair<int, double>> per_core(const scenario::scenario_ptr& sc, int repeats) {
    std::vector<std::pair<int, double>> out;
    cpu_set_t all;
    CPU_ZERO(&all);
    if (sched_getaffinity(0, sizeof(all), &all) != 0) return out;
    for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &all)) continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof(one), &one) != 0) continue;
        out.emplace_back(static_cast<int>(cpu), one_replicate(sc, 1, repeats) * 1e3);
    }
    sched_setaffinity(0, sizeof(all), &all);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    engine::register_model(model::spec());
    const std::string scenarios = argc > 1 ? argv[1] : "scenarios";
    auto plan = scenario::load("builtin:plan.toml");
    const double agent_steps = static_cast<double>(plan->p.tech_firms + plan->p.other_firms) * plan->cal.steps();
    std::printf("kcsim_bench: %d cores available; plan.toml: %lld firms x %d steps\n\n", engine::available_cores(),
                static_cast<long long>(plan->p.tech_firms + plan->p.other_firms), plan->cal.steps());

    {
        // Where a replicate's time goes, by phase (1 thread).
        engine::execution_context ctx(1);
        engine::simulation sim(plan, 1, 0);
        sim.run(ctx);
        double total = 0;
        for (double s : sim.phase_seconds()) total += s;
        std::printf("phase times of one plan.toml replicate, 1 thread (total %.1f ms):\n", total * 1e3);
        for (std::size_t i = 0; i < sim.phases().size(); ++i) {
            std::printf("  %-24s %8.2f ms  %5.1f %%\n", std::string(sim.phases()[i].name).c_str(),
                        sim.phase_seconds()[i] * 1e3, 100 * sim.phase_seconds()[i] / total);
        }
        std::printf("\n");
    }
    {
        const auto cores = per_core(plan, 3);
        double fastest = 1e30, slowest = 0;
        for (const auto& [cpu, ms] : cores) {
            std::printf("  one replicate pinned to core %-3d %8.1f ms\n", cpu, ms);
            fastest = std::min(fastest, ms);
            slowest = std::max(slowest, ms);
        }
        if (cores.size() > 1) {
            row("  slowest core / fastest core", slowest / fastest, "x",
                "report: above about 1.1 the cores are unequal (a shared VM host); 2-thread figures suffer");
        }
        std::printf("\n");
    }
    const double one = one_replicate(plan, 1, 7);
    const double one2 = one_replicate(plan, 2, 7);
    row("plan.toml, one replicate, 2 threads", one2 * 1e3, "ms", "< 100 ms (issue 4)");
    row("plan.toml, one replicate, 1 thread", one * 1e3, "ms", "< 1 s (issue 3)");
    row("  per firm-step, 1 thread", one / agent_steps * 1e9, "ns", "-");
    // How close the firm pass comes to memory bandwidth: the bytes of state per firm it reads and
    // writes each step (every column it touches on a quiet step, flows cleared), over the time.
    {
        engine::simulation sim(plan, 1, 0);
        double firm_bytes = 0;  // bytes of one firm's columns
        state::for_each_column(sim.world(), [&](const char* name, const auto& v) {
            if (std::string_view(name).starts_with("firms/"))
                firm_bytes += static_cast<double>(sizeof(typename std::decay_t<decltype(v)>::value_type));
        });
        const double gbs = 2 * firm_bytes * agent_steps / one / 1e9;  // the state read once and written once
        row("  state traffic, 1 thread (2 x state / time)", gbs, "GB/s",
            "report: L3 triad 23-28 GB/s (engineering.md 7)");
    }

    const std::uint64_t reps = 40;
    const double e1 = ensemble(plan, 1, reps);
    const double e2 = ensemble(plan, 2, reps);
    row("ensemble of 40 replicates, 1 thread", reps / e1, "replicates/s", "-");
    row("ensemble of 40 replicates, 2 threads", reps / e2, "replicates/s", "-");
    row("  speed-up 2 threads / 1 thread", e1 / e2, "x", ">= 1.8 (issue 4)");
    row("  projected 1000 replicates on 2 threads", 1000 * e2 / reps, "s", "< 120 s (issue 4)");

    // HDF5 share of wall time for a 40-replicate run written like `kcsim run`: each metrics chunk
    // encoded in the parallel stage (run_store::prepare), the serial sink only writing; write is
    // all the time the store spent in the sink (append) and in commit.
    {
        const auto path = (std::filesystem::temp_directory_path() / "kcsim_bench.h5").string();
        engine::execution_context ctx(2);
        const auto t0 = clock_type::now();
        double write = 0;
        {
            io::run_store store(path, true, {1, "kcsim_bench", 2});
            const auto g = store.add_scenario(*plan, reps);
            engine::run_ensemble(plan, {.seed = 1, .replicates = reps, .prepare = io::run_store::prepare}, ctx,
                                 [&](engine::replicate_result&& r) { store.append(g, r); });
            store.commit();
            write = store.write_seconds();
        }
        const double wall = seconds_since(t0);
        row("HDF5 writing share of a 40-replicate run", 100 * write / wall, "%", "< 10 % (issue 4)");
        row("  HDF5 writing per replicate (serial stage)", write / reps * 1e3, "ms", "-");
        std::filesystem::remove(path);
        // What moved to the parallel stage: encoding one replicate's chunk, 1 thread.
        engine::simulation sim(plan, 1, 0);
        sim.run(ctx);
        std::vector<double> t;
        for (int k = 0; k < 5; ++k) {
            const auto t1 = clock_type::now();
            const auto chunk = io::encode_metrics_chunk(sim.metrics());
            t.push_back(seconds_since(t1));
        }
        row("  chunk encoding per replicate (parallel stage)", median(t) * 1e3, "ms", "-");
    }

    // Large population: one replicate of 1,000,000 firms (issue 4's bench scenario).
    {
        auto big = scenario::load(scenarios + "/bench/million-firms.toml");
        const double t = one_replicate(big, 2, 1);
        const double firms = static_cast<double>(big->p.tech_firms + big->p.other_firms);
        row("1,000,000 firms, one replicate, 2 threads", t, "s", "< 5 s (issue 4)");
        row("  per firm-step", t / (firms * big->cal.steps()) * 1e9, "ns", "-");
        // Every column of the world (state/columns.hpp), capacity included, per firm.
        engine::simulation sim(big, 1, 0);
        double bytes = 0;
        state::for_each_column(sim.world(), [&](const char*, const auto& v) {
            bytes += static_cast<double>(v.capacity() * sizeof(typename std::decay_t<decltype(v)>::value_type));
        });
        row("  state bytes per firm", bytes / firms, "B", "< 300 B (issue 4)");
    }
    return 0;
}
