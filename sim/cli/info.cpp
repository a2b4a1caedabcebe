// kcsim check / params / metrics / schedule: what a scenario resolves to and what the model has.
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "model/metrics.hpp"
#include "model/schedule.hpp"
#include "scenario/load.hpp"
#include "scenario/parameters.hpp"

namespace kcsim::cli {

namespace {

std::string default_text(const scenario::param_spec& s) {
    return std::visit(
        [&](auto field) -> std::string {
            using T = std::remove_reference_t<decltype(std::declval<scenario::params&>().*field)>;
            if constexpr (std::is_same_v<T, core::date>) {
                return core::to_iso(core::date{static_cast<std::int32_t>(s.def)});
            } else if constexpr (std::is_same_v<T, bool>) {
                return s.def != 0 ? "true" : "false";
            } else {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%g", s.def);
                return buf;
            }
        },
        s.field);
}

std::string range_text(const scenario::param_spec& s) {
    return std::visit(
        [&](auto field) -> std::string {
            using T = std::remove_reference_t<decltype(std::declval<scenario::params&>().*field)>;
            if constexpr (std::is_same_v<T, core::date>) {
                return core::to_iso(core::date{static_cast<std::int32_t>(s.lo)}) + " .. " +
                       core::to_iso(core::date{static_cast<std::int32_t>(s.hi)});
            } else if constexpr (std::is_same_v<T, bool>) {
                return "true / false";
            } else {
                char buf[96];
                std::snprintf(buf, sizeof buf, "%g .. %g", s.lo, s.hi);
                return buf;
            }
        },
        s.field);
}

bool markdown_flag(const std::vector<std::string>& args, const std::string& cmd) {
    auto p = parse(args, {{"--markdown", "", "print as a Markdown table"}, {"--help", "", "this help"}}, cmd, 0);
    return p.has("--markdown");
}

} // namespace

int check_command(const std::vector<std::string>& args) {
    auto p = parse(args, {{"--help", "", "this help"}}, "kcsim check", 1);
    if (p.has("--help") || p.positional.empty()) {
        std::printf("Usage: kcsim check SCENARIO.toml\n\nValidates the scenario (exit 2 with the file, line and key of "
                    "the first error) and prints it fully resolved: extends merged and every default filled in.\n");
        return p.has("--help") ? exit_code::ok : exit_code::bad_input;
    }
    auto sc = scenario::load(p.positional[0]);
    std::printf("# scenario %s, resolved from %s\n# sha256 %s\n%s", sc->name.c_str(), sc->source.c_str(),
                sc->hash.c_str(), sc->resolved_toml.c_str());
    return exit_code::ok;
}

int params_command(const std::vector<std::string>& args) {
    const bool md = markdown_flag(args, "kcsim params");
    if (md) {
        std::printf("| key | unit | default | range | meaning | source |\n|---|---|---|---|---|---|\n");
    }
    for (const auto& s : scenario::parameter_specs()) {
        if (md) {
            std::printf("| `%s` | %s | %s | %s | %s | %s |\n", std::string(s.key).c_str(), std::string(s.unit).c_str(),
                        default_text(s).c_str(), range_text(s).c_str(), std::string(s.meaning).c_str(),
                        std::string(s.source).c_str());
        } else {
            std::printf("%s = %s  [%s; %s]\n    %s\n    source: %s\n", std::string(s.key).c_str(),
                        default_text(s).c_str(), std::string(s.unit).c_str(), range_text(s).c_str(),
                        std::string(s.meaning).c_str(), std::string(s.source).c_str());
        }
    }
    return exit_code::ok;
}

int metrics_command(const std::vector<std::string>& args) {
    const bool md = markdown_flag(args, "kcsim metrics");
    if (md) std::printf("| metric | unit | kind | meaning |\n|---|---|---|---|\n");
    for (const auto& m : model::metric_table()) {
        if (md) {
            std::printf("| `%s` | %s | %s | %s |\n", std::string(m.name).c_str(), std::string(m.unit).c_str(),
                        std::string(m.kind).c_str(), std::string(m.meaning).c_str());
        } else {
            std::printf("%-18s %-7s %-6s %s\n", std::string(m.name).c_str(), std::string(m.unit).c_str(),
                        std::string(m.kind).c_str(), std::string(m.meaning).c_str());
        }
    }
    return exit_code::ok;
}

int schedule_command(const std::vector<std::string>& args) {
    parse(args, {{"--help", "", "this help"}}, "kcsim schedule", 0);
    int i = 1;
    for (const auto& ph : model::default_schedule()) {
        std::printf("%2d. %-18s %s\n", i++, std::string(ph.name).c_str(), std::string(ph.what).c_str());
    }
    return exit_code::ok;
}

} // namespace kcsim::cli
