#include "engine/ensemble.hpp"

#include <chrono>

#include <oneapi/tbb/parallel_pipeline.h>

#include "core/error.hpp"
#include "engine/simulation.hpp"
#include "model/summary.hpp"

namespace kcsim::engine {

void run_ensemble(const scenario::scenario_ptr& sc, const ensemble_options& opt, execution_context& ctx,
                  const std::function<void(replicate_result&&)>& sink) {
    std::uint64_t next = 0;
    // Tokens bound the replicates in flight (memory), and the in-order last stage hands results
    // to the sink in replicate order from one thread at a time.
    const std::size_t tokens = static_cast<std::size_t>(ctx.threads()) * 2;
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
                tbb::make_filter<std::uint64_t, replicate_result>(
                    tbb::filter_mode::parallel,
                    [&](std::uint64_t r) {
                        replicate_result res;
                        res.replicate = r;
                        const auto t0 = std::chrono::steady_clock::now();
                        simulation sim(sc, opt.seed, r);
                        try {
                            sim.run(ctx, opt.cancel);
                        } catch (const model_error& e) {
                            // A failed replicate is recorded with its reason; the others go on.
                            res.ok = false;
                            res.message = e.what();
                        }
                        res.ledger = model::ledger_table(sim.world(), sim.scene().cal);
                        res.metrics = sim.take_metrics();
                        res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                        return res;
                    }) &
                tbb::make_filter<replicate_result, void>(tbb::filter_mode::serial_in_order,
                                                         [&](replicate_result res) { sink(std::move(res)); }));
    });
    if (opt.cancel && *opt.cancel) throw cancelled();
}

}  // namespace kcsim::engine
