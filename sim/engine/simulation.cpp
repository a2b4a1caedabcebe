#include "engine/simulation.hpp"

#include <chrono>
#include <limits>

#include "core/error.hpp"

namespace kcsim::engine {

simulation::simulation(scenario::scenario_ptr sc, std::uint64_t seed, std::uint64_t replicate, const schedule* phases)
    : simulation(std::move(sc), seed, replicate, phases, nullptr) {}

simulation::simulation(execution_context& ctx, scenario::scenario_ptr sc, std::uint64_t seed, std::uint64_t replicate,
                       const schedule* phases)
    : simulation(std::move(sc), seed, replicate, phases, &ctx) {}

simulation::simulation(scenario::scenario_ptr sc, std::uint64_t seed, std::uint64_t replicate, const schedule* phases,
                       execution_context* ctx)
    : model_(&registered_model()), sc_(std::move(sc)), key_{seed, replicate}, steps_(sc_->cal.steps()),
      schedule_(phases ? phases : model_->phases), w_(model_->initial_world(*sc_, key_, ctx)),
      metrics_(static_cast<std::size_t>(steps_) * sc_->districts.size() * model_->metrics,
               std::numeric_limits<double>::quiet_NaN()),
      phase_seconds_(schedule_->size(), 0.0) {}

void simulation::advance(execution_context& ctx, int n, const std::atomic<bool>* cancel) {
    const std::size_t row = sc_->districts.size() * model_->metrics;
    const double years = sc_->cal.step_years();
    ctx.execute([&] {
        for (int k = 0; k < n && !done(); ++k) {
            if (cancel && *cancel) throw cancelled();
            const int t = w_.step;
            step_context c{*sc_, w_,    key_,
                           t,    years, std::span<double>(metrics_.data() + static_cast<std::size_t>(t) * row, row)};
            for (std::size_t i = 0; i < schedule_->size(); ++i) {
                const auto t0 = std::chrono::steady_clock::now();
                (*schedule_)[i].run(c);
                phase_seconds_[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            }
            w_.step = t + 1;
        }
    });
}

void simulation::run(execution_context& ctx, const std::atomic<bool>* cancel) {
    advance(ctx, steps_ - w_.step, cancel);
}

void simulation::apply(const scenario::event& e) {
    if (e.district >= w_.d.size())
        throw input_error("event district index " + std::to_string(e.district) + " out of range");
    for (auto d : e.districts) {
        if (d >= w_.d.size()) throw input_error("event district index " + std::to_string(d) + " out of range");
    }
    if (e.sector >= sc_->sectors.size())
        throw input_error("event sector index " + std::to_string(e.sector) + " out of range");
    model_->apply_event(*sc_, w_, e, w_.step);
}

simulation::simulation(const simulation& trunk, scenario::scenario_ptr sc, const schedule* phases)
    : model_(trunk.model_), sc_(std::move(sc)), key_(trunk.key_), steps_(sc_->cal.steps()),
      schedule_(phases ? phases : model_->phases), phase_seconds_(schedule_->size(), 0.0) {
    if (trunk.metrics_.size() != static_cast<std::size_t>(steps_) * sc_->districts.size() * model_->metrics ||
        trunk.w_.d.size() != sc_->districts.size()) {
        throw input_error("cannot fork scenario '" + sc_->name + "' from '" + trunk.sc_->name +
                          "': their calendars or districts differ");
    }
    w_ = trunk.w_;
    const std::size_t row = sc_->districts.size() * model_->metrics;
    const auto done = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(w_.step) * row);
    metrics_.assign(trunk.metrics_.size(), std::numeric_limits<double>::quiet_NaN());
    std::copy(trunk.metrics_.begin(), trunk.metrics_.begin() + done, metrics_.begin());
}

void simulation::resume(const state::world& w, std::span<const double> metrics_so_far) {
    restore(w);
    const std::size_t row = sc_->districts.size() * model_->metrics;
    if (metrics_so_far.size() != static_cast<std::size_t>(w.step) * row) {
        throw input_error("the saved metrics do not match the saved state (" + std::to_string(metrics_so_far.size()) +
                          " values for " + std::to_string(w.step) + " steps of " + std::to_string(row) + ")");
    }
    std::copy(metrics_so_far.begin(), metrics_so_far.end(), metrics_.begin());
}

void simulation::restore(const state::world& w) {
    if (w.d.size() != sc_->districts.size()) {
        throw input_error("cannot restore a state with " + std::to_string(w.d.size()) + " districts into scenario '" +
                          sc_->name + "' with " + std::to_string(sc_->districts.size()));
    }
    if (w.step > steps_)
        throw input_error("cannot restore a state at step " + std::to_string(w.step) + " beyond the horizon");
    w_ = w;
    // Metrics after the restored step are stale: clear them.
    const std::size_t row = sc_->districts.size() * model_->metrics;
    std::fill(metrics_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(w.step) * row), metrics_.end(),
              std::numeric_limits<double>::quiet_NaN());
}

}  // namespace kcsim::engine
