#include "model/spec.hpp"

#include "model/lanes.hpp"
#include "model/metrics.hpp"
#include "model/phases.hpp"
#include "model/schedule.hpp"
#include "model/summary.hpp"
#include "model/teams.hpp"

namespace kcsim::model {

namespace {
// Single-core cost per firm-step of the programme model, measured by `make bench` (plan.toml on
// the 2-core development machine, 2026-12: about 15-16 ns with the AVX2 kernels, 38 ns with the
// portable code), with some margin. A planning figure only.
double seconds_per_firm_step() { return use_avx2() ? 17e-9 : 40e-9; }
}  // namespace

const engine::model_spec& spec() {
    static const engine::model_spec s{
        .name = "programme",
        .phases = &default_schedule(),
        .metrics = n_metrics,
        .initial_world = initial_world,
        .apply_event = phases::apply_event,
        .ledger = ledger_table,
        .team_reports = team_report_table,
        .seconds_per_firm_step = seconds_per_firm_step,
    };
    return s;
}

}  // namespace kcsim::model
