#include "engine/estimate.hpp"

#include <algorithm>
#include <string_view>
#include <unistd.h>

#include "engine/execution.hpp"
#include "engine/model_spec.hpp"
#include "state/columns.hpp"

namespace kcsim::engine {

estimate estimate_run(const scenario::scenario& sc, std::uint64_t replicates, int threads) {
    estimate e;
    const model_spec& m = registered_model();
    e.firms = static_cast<std::uint64_t>(sc.p.tech_firms + sc.p.other_firms);
    // Bytes per firm from the firm columns of the state itself, so the figure follows the model.
    state::world w;
    state::for_each_column(w, [&](const char* name, const auto& v) {
        if (std::string_view(name).starts_with("firms/"))
            e.bytes_per_firm += sizeof(typename std::decay_t<decltype(v)>::value_type);
    });
    const double steps = sc.cal.steps();
    const double metrics =
        steps * static_cast<double>(sc.districts.size()) * static_cast<double>(m.metrics) * sizeof(double);
    e.bytes_per_replicate = 1.2 * e.bytes_per_firm * static_cast<double>(e.firms) + 2 * metrics;
    const double t = threads > 0 ? threads : 1;
    const double in_flight = std::min<double>(static_cast<double>(replicates), 2 * t);
    e.peak_bytes = in_flight * e.bytes_per_replicate;
    e.firm_steps = static_cast<double>(e.firms) * steps;
    // Memory counts every thread (each holds its replicates); time only the threads that run at
    // once: 1024 threads on 2 cores are no faster than 2.
    const double running = std::max(1.0, std::min(t, static_cast<double>(available_cores())));
    e.seconds = e.firm_steps * static_cast<double>(replicates) * m.seconds_per_firm_step() / running;
    return e;
}

double machine_memory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? static_cast<double>(pages) * static_cast<double>(size) : 0.0;
}

}  // namespace kcsim::engine
