#include "engine/ensemble.hpp"

#include <chrono>

#include <oneapi/tbb/parallel_pipeline.h>

#include "core/error.hpp"
#include "engine/simulation.hpp"

namespace kcsim::engine {

namespace {

replicate_result finish(simulation& sim, std::uint64_t r, std::chrono::steady_clock::time_point t0,
                        execution_context& ctx, const std::atomic<bool>* cancel, int snapshot_step = -1) {
    replicate_result res;
    res.replicate = r;
    try {
        if (snapshot_step >= sim.steps_done()) {
            sim.advance(ctx, snapshot_step - sim.steps_done(), cancel);
            const std::size_t row = sim.scene().districts.size() * sim.model().metrics;
            const auto m = sim.metrics().subspan(0, static_cast<std::size_t>(sim.steps_done()) * row);
            res.saved = snapshot{sim.snapshot(), std::vector<double>(m.begin(), m.end())};
        }
        sim.run(ctx, cancel);
    } catch (const model_error& e) {
        // A failed replicate is recorded with its reason; the others go on.
        res.ok = false;
        res.message = e.what();
    }
    res.ledger = sim.model().ledger(sim.world(), sim.scene().cal);
    res.team_reports = sim.model().team_reports(sim.world(), sim.scene());
    res.metrics = sim.take_metrics();
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

}  // namespace

void check_comparable(const std::vector<scenario::scenario_ptr>& scs) {
    if (scs.empty()) return;
    const auto& a = *scs.front();
    for (const auto& b : scs) {
        auto differ = [&](const std::string& what) {
            throw input_error("scenarios '" + a.name + "' and '" + b->name + "' cannot be compared: their " + what +
                              " differ");
        };
        if (b->cal.start != a.cal.start || b->cal.step_days != a.cal.step_days || b->cal.steps() != a.cal.steps()) {
            differ("calendars (start, step length or number of steps)");
        }
        if (b->districts.size() != a.districts.size()) differ("districts");
        for (std::size_t d = 0; d < a.districts.size(); ++d) {
            if (b->districts[d].id != a.districts[d].id)
                differ("districts (" + a.districts[d].id + " vs " + b->districts[d].id + ")");
        }
        if (b->sectors.size() != a.sectors.size()) differ("sectors");
        for (std::size_t s = 0; s < a.sectors.size(); ++s) {
            if (b->sectors[s].id != a.sectors[s].id) differ("sectors");
        }
    }
}

void run_replicate_each(std::size_t count, const std::function<scenario::scenario_ptr(std::size_t)>& make,
                        const paired_options& opt, std::uint64_t r, execution_context& ctx,
                        const std::function<void(std::size_t, replicate_result&&)>& each) {
    const auto t0 = std::chrono::steady_clock::now();
    if (count == 0) return;
    if (opt.fork_step >= 0) {
        const auto first = make(0);
        simulation trunk(ctx, first, opt.seed, r, opt.phases);
        trunk.advance(ctx, opt.fork_step, opt.cancel);
        for (std::size_t i = 0; i < count; ++i) {
            simulation branch(trunk, i == 0 ? first : make(i), opt.phases);
            each(i, finish(branch, r, t0, ctx, opt.cancel));
        }
    } else {
        for (std::size_t i = 0; i < count; ++i) {
            simulation sim(ctx, make(i), opt.seed, r, opt.phases);
            if (opt.resume) {
                const auto from = opt.resume(r);
                sim.resume(from.world, from.metrics);
            }
            each(i, finish(sim, r, t0, ctx, opt.cancel, opt.snapshot_step));
        }
    }
}

std::vector<replicate_result> run_replicate(const std::vector<scenario::scenario_ptr>& scs, const paired_options& opt,
                                            std::uint64_t r, execution_context& ctx) {
    std::vector<replicate_result> out;
    run_replicate_each(
        scs.size(), [&](std::size_t i) { return scs[i]; }, opt, r, ctx,
        [&](std::size_t, replicate_result&& res) { out.push_back(std::move(res)); });
    return out;
}

void run_paired(const std::vector<scenario::scenario_ptr>& scs, const paired_options& opt, execution_context& ctx,
                const std::function<void(std::vector<replicate_result>&&)>& sink) {
    check_comparable(scs);
    std::uint64_t next = 0;
    // Tokens bound the replicates in flight (memory), and the in-order last stage hands results
    // to the sink in replicate order from one thread at a time.
    const std::size_t tokens = static_cast<std::size_t>(ctx.threads()) * 2;
    // The parallel stage: one replicate of every scenario, then the caller's prepare on each result.
    auto compute = [&](std::uint64_t r) {
        auto res = run_replicate(scs, opt, r, ctx);
        if (opt.prepare) {
            for (auto& x : res) opt.prepare(x);
        }
        return res;
    };
    ctx.execute([&] {
        tbb::parallel_pipeline(
            tokens,
            tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order,
                                                  [&](tbb::flow_control& fc) -> std::uint64_t {
                                                      if (next >= opt.replicates || (opt.cancel && *opt.cancel)) {
                                                          fc.stop();
                                                          return 0;
                                                      }
                                                      return opt.first_replicate + next++;
                                                  }) &
                tbb::make_filter<std::uint64_t, std::vector<replicate_result>>(tbb::filter_mode::parallel, compute) &
                tbb::make_filter<std::vector<replicate_result>, void>(
                    tbb::filter_mode::serial_in_order,
                    [&](std::vector<replicate_result> res) { sink(std::move(res)); }));
    });
    if (opt.cancel && *opt.cancel) throw cancelled();
}

void run_units(std::size_t units, execution_context& ctx, const std::atomic<bool>* cancel,
               const std::function<std::string(std::size_t)>& work,
               const std::function<void(std::size_t, std::string&&)>& sink) {
    std::size_t next = 0;
    using item = std::pair<std::size_t, std::string>;
    ctx.execute([&] {
        tbb::parallel_pipeline(static_cast<std::size_t>(ctx.threads()) * 2,
                               tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                                                                   [&](tbb::flow_control& fc) -> std::size_t {
                                                                       if (next >= units || (cancel && *cancel)) {
                                                                           fc.stop();
                                                                           return 0;
                                                                       }
                                                                       return next++;
                                                                   }) &
                                   tbb::make_filter<std::size_t, item>(tbb::filter_mode::parallel,
                                                                       [&](std::size_t u) {
                                                                           return item{u, work(u)};
                                                                       }) &
                                   tbb::make_filter<item, void>(tbb::filter_mode::serial_in_order, [&](item it) {
                                       sink(it.first, std::move(it.second));
                                   }));
    });
    if (cancel && *cancel) throw cancelled();
}

void run_ensemble(const scenario::scenario_ptr& sc, const ensemble_options& opt, execution_context& ctx,
                  const std::function<void(replicate_result&&)>& sink) {
    run_paired({sc},
               {opt.seed, opt.first_replicate, opt.replicates, -1, opt.cancel, opt.phases, opt.snapshot_step,
                opt.resume, opt.prepare},
               ctx, [&](std::vector<replicate_result>&& r) { sink(std::move(r.front())); });
}

}  // namespace kcsim::engine
