// libFuzzer target: decision text -> kcsim::scenario::load_decision_text, then what `kcsim select`
// does before any run: the objective's metrics, the estimated runs, and the first portfolios'
// scenarios. A kcsim::error is the expected answer to bad input; anything else is a bug.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/selection.hpp"
#include "core/error.hpp"
#include "scenario/decision.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        // `scenario = "plan-fixed.toml"` resolves as it does from scenarios/decisions/.
        const auto d = kcsim::scenario::load_decision_text(text, "fuzz-decision.toml", "builtin:decisions");
        (void)kcsim::analysis::objective_metrics(d);
        (void)kcsim::analysis::estimated_runs(d);
        for (std::size_t k = d.count_min; k <= std::min(d.count_max, d.count_min + 1); ++k) {
            std::vector<std::uint16_t> set(k);
            for (std::size_t i = 0; i < k; ++i) set[i] = static_cast<std::uint16_t>(i);
            (void)kcsim::analysis::entry_scenario(d, kcsim::analysis::batch_entry{set}, {}, {}, 0);
        }
    } catch (const kcsim::error&) {
    }
    return 0;
}
