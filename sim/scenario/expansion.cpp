#include "scenario/expansion.hpp"

#include <algorithm>

#include "scenario/load.hpp"

namespace kcsim::scenario {

namespace {
// The file of the programme as it stood in 2021, before the plan's expansion.
constexpr std::string_view base_2021_name = "base/programme-2021.toml";

std::string signed_count(std::size_t now, std::size_t before) {
    return now >= before ? "+" + std::to_string(now - before) : "-" + std::to_string(before - now);
}
}  // namespace

expansion expansion_of(const scenario& sc) {
    expansion x;
    std::vector<pilot_level> level(sc.districts.size());
    std::vector<core::date> since(sc.districts.size());
    for (std::size_t d = 0; d < sc.districts.size(); ++d) {
        level[d] = sc.districts[d].pilot;
        since[d] = sc.districts[d].pilot_since;
        x.pilots_start += level[d] != pilot_level::none ? 1u : 0u;
    }
    for (const auto& e : sc.events) {
        if (e.type == event::kind::team) ++x.teams;
        if (e.type != event::kind::pilot) continue;
        if (e.level != pilot_level::none && e.level <= level[e.district]) {
            x.idle_events.push_back(core::to_iso(e.date) + ": '" + sc.districts[e.district].id + "' is already a " +
                                    std::string(to_string(level[e.district])) + " pilot (since " +
                                    core::to_iso(since[e.district]) + "), so this pilot event changes nothing");
            continue;
        }
        if (e.level != level[e.district]) since[e.district] = e.date;
        level[e.district] = e.level;
    }
    for (const auto l : level) x.pilots_end += l != pilot_level::none ? 1u : 0u;
    return x;
}

expansion_report report_expansion(const scenario& sc) {
    const auto& parents = sc.parents;
    expansion_report r;
    const auto x = expansion_of(sc);
    r.lines.push_back(std::to_string(x.pilots_end) + " pilot districts at the end (" + std::to_string(x.pilots_start) +
                      " at the start), " + std::to_string(x.teams) + " expert teams formed by events");
    auto against = [&](const std::string& file, const char* what) {
        const auto other = expansion_of(*load(file));
        r.lines.push_back("beyond " + std::string(what) + " " + file + ": pilot districts " +
                          signed_count(x.pilots_end, other.pilots_end) + ", expert teams " +
                          signed_count(x.teams, other.teams));
        return other;
    };
    if (!parents.empty()) against(parents.front(), "its parent");
    // The 2021 base, built in or on disk (scenarios/base/programme-2021.toml).
    const auto base_file =
        std::find_if(parents.begin(), parents.end(), [](const std::string& f) { return f.ends_with(base_2021_name); });
    if (base_file != parents.end()) {
        const auto base = against(*base_file, "the 2021 base");
        const auto pilots = x.pilots_end - std::min(x.pilots_end, base.pilots_end);
        const auto teams = x.teams - std::min(x.teams, base.teams);
        for (const auto& [n, what] : {std::pair{pilots, "pilot districts"}, std::pair{teams, "expert teams"}}) {
            if (n < plan_new_min || n > plan_new_max) {
                r.warnings.push_back("the scenario adds " + std::to_string(n) + " " + what +
                                     " beyond the 2021 base; the plan asks for " + std::to_string(plan_new_min) + "-" +
                                     std::to_string(plan_new_max) +
                                     " (a scenario that extends plan.toml and adds its own on top doubles the "
                                     "expansion: extend base/programme-2021.toml instead, as "
                                     "scenarios/plan-other-districts.toml does)");
            }
        }
    }
    for (const auto& e : x.idle_events) r.warnings.push_back(e);
    return r;
}

}  // namespace kcsim::scenario
