#include "engine/model_spec.hpp"

#include <atomic>

#include "core/error.hpp"

namespace kcsim::engine {

namespace {
std::atomic<const model_spec*> registered{nullptr};
}  // namespace

void register_model(const model_spec& m) {
    if (!m.phases || m.metrics == 0 || !m.initial_world || !m.apply_event || !m.ledger || !m.team_reports ||
        !m.seconds_per_firm_step)
        throw internal_error("engine::register_model: the model '" + std::string(m.name) + "' leaves a field empty");
    registered.store(&m, std::memory_order_release);
}

const model_spec& registered_model() {
    const auto* m = registered.load(std::memory_order_acquire);
    if (!m)
        throw internal_error("no model registered with the engine (engine::register_model(model::spec()) at start)");
    return *m;
}

}  // namespace kcsim::engine
