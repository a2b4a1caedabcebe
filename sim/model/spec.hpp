#pragma once
// The programme model as the engine sees it: its schedule, metric count, initial world, event
// levers, ledger and cost per firm-step, in the engine's own model_spec. The layer above
// registers it: engine::register_model(model::spec()).
#include "engine/model_spec.hpp"

namespace kcsim::model {

const engine::model_spec& spec();

}  // namespace kcsim::model
