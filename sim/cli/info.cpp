// kcsim check / params / metrics / schedule: what a scenario resolves to and what the model has.
#include <cstdio>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "model/metrics.hpp"
#include "model/schedule.hpp"
#include "scenario/expansion.hpp"
#include "scenario/load.hpp"
#include "scenario/parameters.hpp"

namespace kcsim::cli {

namespace {

std::string default_text(const scenario::param_spec& s) {
    return std::visit(
        [&](auto field) -> std::string {
            if constexpr (std::is_same_v<decltype(field), scenario::choice_field>) {
                return "\"" + std::string(field.text) + "\"";
            } else {
                using T = std::remove_reference_t<decltype(std::declval<scenario::params&>().*field)>;
                if constexpr (std::is_same_v<T, core::date>) {
                    return core::to_iso(core::date{static_cast<std::int32_t>(s.def)});
                } else if constexpr (std::is_same_v<T, bool>) {
                    return s.def != 0 ? "true" : "false";
                } else {
                    char buf[64];
                    std::snprintf(buf, sizeof buf, "%.15g", s.def);
                    return buf;
                }
            }
        },
        s.field);
}

std::string range_text(const scenario::param_spec& s) {
    return std::visit(
        [&](auto field) -> std::string {
            if constexpr (std::is_same_v<decltype(field), scenario::choice_field>) {
                std::string c(field.choices);
                for (auto& ch : c)
                    if (ch == '|') ch = '/';
                return c.empty() ? "a district id" : c;
            } else {
                using T = std::remove_reference_t<decltype(std::declval<scenario::params&>().*field)>;
                if constexpr (std::is_same_v<T, core::date>) {
                    return core::to_iso(core::date{static_cast<std::int32_t>(s.lo)}) + " .. " +
                           core::to_iso(core::date{static_cast<std::int32_t>(s.hi)});
                } else if constexpr (std::is_same_v<T, bool>) {
                    return "true / false";
                } else {
                    return core::exact_number(s.lo) + " .. " + core::exact_number(s.hi);
                }
            }
        },
        s.field);
}

// Parses `--markdown`/`--help`; prints help and returns nullopt when --help was given.
std::optional<bool> markdown_flag(const std::vector<std::string>& args, const std::string& cmd, const char* what) {
    const std::vector<option_spec> opts = {{"--markdown", "", "print as a Markdown table"}, help_option};
    auto p = parse(args, opts, cmd, 0);
    if (p.has("--help")) {
        std::printf("Usage: %s [--markdown]\n\n%s\n\nOptions:\n%s", cmd.c_str(), what, format_options(opts).c_str());
        return std::nullopt;
    }
    return p.has("--markdown");
}

}  // namespace

int check_command(const std::vector<std::string>& args) {
    auto p = parse(args, {help_option}, "kcsim check", 1);
    if (p.has("--help") || p.positional.empty()) {
        std::printf("Usage: kcsim check SCENARIO.toml\n\nValidates the scenario (exit 2 with the file, line and key of "
                    "the first error) and prints it fully resolved: extends merged and every default filled in.\n");
        return p.has("--help") ? exit_code::ok : exit_code::bad_input;
    }
    auto sc = scenario::load(p.positional[0]);
    const auto report = scenario::report_expansion(*sc);
    std::printf("# scenario %s, resolved from %s\n# sha256 %s\n", sc->name.c_str(), sc->source.c_str(),
                sc->hash.c_str());
    // The planner's counts go to stderr: stdout is the resolved scenario alone (its SHA-256 above).
    for (const auto& line : report.lines) std::fprintf(stderr, "# expansion: %s\n", line.c_str());
    std::printf("%s", sc->resolved_toml.c_str());
    for (const auto& w : report.warnings) std::fprintf(stderr, "kcsim: warning: %s\n", w.c_str());
    return exit_code::ok;
}

int params_command(const std::vector<std::string>& args) {
    const auto flag =
        markdown_flag(args, "kcsim params",
                      "Lists every scenario parameter with its unit, default, valid range, meaning and source.");
    if (!flag) return exit_code::ok;
    const bool md = *flag;
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
    const auto flag = markdown_flag(args, "kcsim metrics", "Lists every metric recorded per district and step.");
    if (!flag) return exit_code::ok;
    const bool md = *flag;
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
    if (parse(args, {help_option}, "kcsim schedule", 0).has("--help")) {
        std::printf("Usage: kcsim schedule\n\nPrints the phases of one step, in the order they run.\n");
        return exit_code::ok;
    }
    int i = 1;
    for (const auto& ph : model::default_schedule()) {
        std::printf("%2d. %-18s %s\n", i++, std::string(ph.name).c_str(), std::string(ph.what).c_str());
    }
    return exit_code::ok;
}

}  // namespace kcsim::cli
