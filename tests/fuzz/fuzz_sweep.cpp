// libFuzzer target: sweep text -> kcsim::scenario::load_sweep_text, then what `kcsim sweep`
// does before any run: plan the experiments and derive the first ones' scenarios. A kcsim::error
// is the expected answer to bad input; anything else is a bug.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/sweep.hpp"
#include "core/error.hpp"
#include "scenario/load.hpp"
#include "scenario/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        // `scenario = "../plan.toml"` resolves as it does from scenarios/sweeps/.
        const auto sw = kcsim::scenario::load_sweep_text(text, "fuzz-sweep.toml", "builtin:sweeps");
        const auto ex = kcsim::analysis::plan_experiments(sw);
        for (std::size_t e = 0; e < std::min<std::size_t>(ex.count, 2); ++e)
            kcsim::scenario::derive(*sw.base, ex.overrides(sw, e), sw.name);
    } catch (const kcsim::error&) {
    }
    return 0;
}
