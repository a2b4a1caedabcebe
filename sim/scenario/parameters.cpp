#include "scenario/parameters.hpp"

#include <array>

namespace kcsim::scenario {

namespace {
using P = params;
constexpr double big = 1e9;
constexpr double day(int y, int m, int d) { return core::make_date(y, m, d).days; }

// Keep in the order of docs/parameters.md; `kcsim params --markdown` regenerates that file.
constexpr std::array specs = {
    // clang-format off
    param_spec{"calendar.start", &P::start, day(2021, 1, 4), day(1990, 1, 1), day(2100, 1, 1), "date",
        "First day of the first step. The default is the Monday of ISO week 1 of 2021, the plan's first week.",
        "seed 002 (plan period 2021-2023)"},
    param_spec{"calendar.end", &P::end, day(2023, 12, 31), day(1990, 1, 1), day(2100, 1, 1), "date",
        "Last day of the period; the run has whole steps only, the last one ending on or before this day.",
        "seed 002 (plan period 2021-2023)"},
    param_spec{"calendar.step_days", &P::step_days, 7, 1, 366, "days",
        "Length of one step. Weekly by default, the cadence of the expert teams' reports.",
        "seed 001 (weekly work reports)"},

    param_spec{"run.seed", &P::seed, 20210104, 0, 9007199254740991.0, "integer",
        "Base seed of the counter-based random streams; `--seed` overrides it.",
        "convention"},
    param_spec{"run.replicates", &P::replicates, 20, 1, 1000000, "replicates",
        "Replicates run by default; `--replicates` overrides it.",
        "convention"},

    param_spec{"population.tech_firms", &P::tech_firms, 26400, 0, 50000000, "firms",
        "Tech-based firms (科技型企业) simulated at the start, one agent each, allocated to districts in "
        "proportion to districts.tech_firms_2020.",
        "derived: 42,989 in 2022 / 1.164 / 1.401 = 26,400 at end-2020 (市科技局 2023; research domain.md 5.2)"},
    param_spec{"population.other_firms", &P::other_firms, 0, 0, 50000000, "firms",
        "Other firms (not certified tech-based) simulated, allocated to districts like the tech firms. "
        "They raise needs at enterprise.other_need_factor times the tech-firm rate.",
        "assumption: 0 keeps the default run to the certified population; up to ~1e6 firms in Chongqing"},

    param_spec{"enterprise.need_rate", &P::need_rate, 1.0, 0, 365, "needs per firm per year",
        "Technology needs (问题) a tech-based firm raises per year (Poisson).",
        "assumption: research domain.md 6.3 #11 prior 0.2-2"},
    param_spec{"enterprise.other_need_factor", &P::other_need_factor, 0.3, 0, 1, "ratio",
        "Need rate of a non-certified firm relative to a tech-based firm.",
        "assumption"},
    param_spec{"enterprise.self_solve_rate", &P::self_solve_rate, 1.0, 0, 365, "per year",
        "Hazard at which an open need is solved without the programme (in-house or on the market); "
        "1/rate is the mean time to a solution.",
        "assumption: mean of one year"},
    param_spec{"enterprise.abandon_rate", &P::abandon_rate, 0.5, 0, 365, "per year",
        "Hazard at which an unsolved need is given up.",
        "assumption: mean of two years"},
    param_spec{"enterprise.awareness_initial", &P::awareness_initial, 0.05, 0, 1, "probability",
        "Initial awareness of the programme of a firm outside the pilot districts; firms in a pilot "
        "district start from the awareness their district's exposure gives in the months before the start.",
        "assumption"},
    param_spec{"enterprise.awareness_decay", &P::awareness_decay, 0.5, 0, 52, "per year",
        "Rate at which awareness fades without exposure.",
        "assumption: half-life about 1.4 years"},

    param_spec{"programme.enabled", &P::programme, 1, 0, 1, "switch",
        "Master switch of the Sci-Tech China programme. Off is the counterfactual: no pilots, no "
        "problem library, no programme exposure.",
        "convention"},
    param_spec{"programme.problem_library", &P::problem_library, 1, 0, 1, "switch",
        "The problem library (问题库) where firms post needs for matching.",
        "seed 002 (task 1: four libraries)"},
    param_spec{"programme.post_share_unaware", &P::post_share_unaware, 0.02, 0, 1, "probability",
        "Probability that a new need of a firm unaware of the programme is posted to the problem library.",
        "assumption"},
    param_spec{"programme.post_share_aware", &P::post_share_aware, 0.5, 0, 1, "probability",
        "Probability that a new need of a fully aware firm is posted; linear in awareness between the two.",
        "assumption: research domain.md 6.3 #11"},
    param_spec{"programme.exposure_national", &P::exposure_national, 1.5, 0, 52, "per year",
        "Rate at which firms in a national pilot city become aware of the programme.",
        "assumption: national pilots have 1.5-3x municipal budgets (research domain.md 6.3 #1)"},
    param_spec{"programme.exposure_municipal", &P::exposure_municipal, 0.8, 0, 52, "per year",
        "Rate at which firms in a municipal pilot district become aware of the programme.",
        "assumption"},
    param_spec{"programme.exposure_other", &P::exposure_other, 0.05, 0, 52, "per year",
        "Rate at which firms outside the pilots become aware (city-wide publicity, the online platform).",
        "assumption"},
    param_spec{"programme.solve_boost_posted", &P::solve_boost_posted, 0.5, 0, 100, "ratio",
        "Extra solution hazard of a posted need, relative to enterprise.self_solve_rate: posting makes "
        "the need visible to universities and service providers outside the expert teams.",
        "assumption"},
    // clang-format on
};
} // namespace

std::span<const param_spec> parameter_specs() { return specs; }

params default_params() {
    params p;
    for (const auto& s : specs) {
        std::visit(
            [&](auto field) {
                using T = std::remove_reference_t<decltype(p.*field)>;
                if constexpr (std::is_same_v<T, core::date>) {
                    p.*field = core::date{static_cast<std::int32_t>(s.def)};
                } else if constexpr (std::is_same_v<T, bool>) {
                    p.*field = s.def != 0;
                } else {
                    p.*field = static_cast<T>(s.def);
                }
            },
            s.field);
    }
    return p;
}

} // namespace kcsim::scenario
