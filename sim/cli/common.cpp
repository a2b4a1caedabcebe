#include "cli/common.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <sys/stat.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "dist/mpi.hpp"
#include "engine/estimate.hpp"
#include "engine/execution.hpp"
#include "io/output_file.hpp"
#include "model/metrics.hpp"
#include "scenario/embedded.hpp"
#include "scenario/expansion.hpp"

namespace kcsim::cli {

namespace {
std::atomic<bool> interrupted{false};
extern "C" void on_signal(int) { interrupted.store(true); }
using handler = void (*)(int);
handler old_int = nullptr, old_term = nullptr;
}  // namespace

interrupt_guard::interrupt_guard() {
    interrupted = false;
    old_int = std::signal(SIGINT, on_signal);
    old_term = std::signal(SIGTERM, on_signal);
}

interrupt_guard::~interrupt_guard() {
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
}

const std::atomic<bool>* interrupt_guard::flag() { return &interrupted; }

job_estimate estimate_job(const std::string& label, const std::vector<scenario::scenario_ptr>& per_unit,
                          std::uint64_t units, const std::string& units_text, std::uint64_t repeats, int threads) {
    const int t = threads > 0 ? threads : engine::available_cores();
    job_estimate j;
    double unit_bytes = 0, firm_steps = 0, bytes_per_firm = 0;
    std::uint64_t firms = 0;
    for (const auto& sc : per_unit) {
        const auto e = engine::estimate_run(*sc, units * repeats, t);
        unit_bytes += e.bytes_per_replicate;
        firm_steps += e.firm_steps;
        bytes_per_firm = e.bytes_per_firm;
        firms += e.firms;
        j.seconds += e.seconds;
    }
    const auto& first = *per_unit.front();
    const auto in_flight = std::min<std::uint64_t>(units, 2 * static_cast<std::uint64_t>(t));
    j.peak_bytes = static_cast<double>(in_flight) * unit_bytes;
    char buf[512];
    std::snprintf(buf, sizeof buf, "%s: %llu firm agents in %zu districts, %d steps of %d days, %s on %d thread%s",
                  label.c_str(), static_cast<unsigned long long>(firms), first.districts.size(), first.cal.steps(),
                  first.cal.step_days, units_text.c_str(), t, t == 1 ? "" : "s");
    j.what = buf;
    std::snprintf(buf, sizeof buf, "state: %.0f bytes per firm, %.1f MB per %s", bytes_per_firm, unit_bytes / 1e6,
                  per_unit.size() == 1 ? "replicate" : "replicate of every scenario");
    j.state = buf;
    // The cost per firm-step is engine::estimate_run's own (measured by make bench).
    const double replicates = static_cast<double>(units * repeats);
    const int running = std::max(1, std::min(t, engine::available_cores()));  // as engine::estimate_run
    const double ns = firm_steps > 0 ? 1e9 * j.seconds * running / (firm_steps * replicates) : 0;
    std::snprintf(buf, sizeof buf, "%.3g firm-steps per replicate at about %.0f ns each on one core", firm_steps, ns);
    j.time_basis = buf;
    j.in_memory = std::to_string(in_flight) + " units of " + std::to_string(firms) + " firms";
    return j;
}

std::vector<option_spec> job_command::options() const {
    std::vector<option_spec> o = {{"--replicates", "N", replicates},
                                  {"--seed", "S", seed},
                                  {"--threads", "T", "worker threads, 0 = one per core (default 0)"}};
    o.insert(o.end(), before_out.begin(), before_out.end());
    o.push_back({"--out", "FILE.h5", out});
    o.insert(o.end(), after_out.begin(), after_out.end());
    if (!resume.empty()) o.push_back({"--resume", "", resume});
    o.push_back({"--dry-run", "", "print agent counts and the memory and time the job needs, then stop"});
    o.push_back({"--allow-large-memory", "", "run even if the memory estimate exceeds the machine's memory"});
    o.push_back({"--force", "", force});
    o.push_back({"--quiet", "", quiet});
    o.push_back(help_option);
    return o;
}

job_args::job_args(const std::vector<std::string>& args, const job_command& c)
    : parsed(parse(args, c.options(), c.name, c.max_positional)), c_(c) {}

void job_args::print_help() const {
    std::printf("%sOptions:\n%s", c_.usage.c_str(), format_options(c_.options()).c_str());
}

std::uint64_t job_args::replicates(std::uint64_t def) const {
    return static_cast<std::uint64_t>(
        integer("--replicates", 1, c_.max_replicates).value_or(static_cast<std::int64_t>(def)));
}

std::uint64_t job_args::seed(std::uint64_t def) const {
    return static_cast<std::uint64_t>(
        integer("--seed", 0, (std::int64_t{1} << 53) - 1).value_or(static_cast<std::int64_t>(def)));
}

int job_args::threads() const { return static_cast<int>(integer("--threads", 0, 1024).value_or(0)); }

std::string job_args::output(const std::string& stem) const {
    std::string out = get("--out").value_or("");
    // The default folder is made only for a job that writes: a dry run leaves no trace.
    if (out.empty()) out = dist::coordinator() && !has("--dry-run") ? default_output(stem) : "outputs/" + stem + ".h5";
    return out;
}

bool job_args::dry_run_or_guard(const job_estimate& e) const {
    const double mem = engine::machine_memory();
    if (has("--dry-run")) {
        std::printf("%s\n%s; peak memory about %.2f GB (machine: %.1f GB)\ntime: about %.0f s (%s)\n", e.what.c_str(),
                    e.state.c_str(), e.peak_bytes / 1e9, mem / 1e9, e.seconds, e.time_basis.c_str());
        if (e.disk_bytes > 0) std::printf("disk: about %s for the output\n", core::human_bytes(e.disk_bytes).c_str());
        return true;
    }
    if (mem > 0 && e.peak_bytes > 0.8 * mem && !has("--allow-large-memory")) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.2f GB", e.peak_bytes / 1e9);
        std::string need = buf;
        std::snprintf(buf, sizeof buf, "%.1f GB", mem / 1e9);
        throw input_error(c_.name + ": the job needs about " + need + " (" + e.in_memory +
                          " in memory at once), more than 80% of this machine's " + buf +
                          "; use fewer --threads or firms, or pass --allow-large-memory");
    }
    return false;
}

void warn_idle_events(const scenario::scenario& sc) {
    if (dist::rank() != 0) return;
    for (const auto& e : scenario::expansion_of(sc).idle_events)
        std::fprintf(stderr, "kcsim: warning: scenario '%s': %s\n", sc.name.c_str(), e.c_str());
}

double results_file_bytes(const std::vector<scenario::scenario_ptr>& scenarios, std::uint64_t replicates) {
    // Measured: the metrics of plan.toml compress to 2.1 bytes per value (8 raw), no-programme's
    // to 1.5; a file's structure, attributes and ledger add about 90 kB.
    constexpr double per_value = 2.2, structure = 90e3;
    double values = 0;
    for (const auto& sc : scenarios) {
        values += static_cast<double>(sc->cal.steps()) * static_cast<double>(sc->districts.size()) *
                  static_cast<double>(model::n_metrics);
    }
    return structure + per_value * values * static_cast<double>(replicates);
}

namespace {
// The same file: the same device and inode when both exist (hard links, symbolic links, other
// spellings), else the same path once made absolute and resolved as far as it exists.
bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {
    }, sb{};
    if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    std::error_code ea, eb;
    const auto ca = std::filesystem::weakly_canonical(std::filesystem::absolute(a), ea),
               cb = std::filesystem::weakly_canonical(std::filesystem::absolute(b), eb);
    return !ea && !eb && ca == cb;
}
}  // namespace

void check_outputs(const std::string& command, const std::vector<named_file>& outputs, bool force,
                   const std::vector<named_file>& inputs) {
    dist::on_coordinator([&] {
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            const auto& o = outputs[i];
            for (const auto& in : inputs) {
                if (in.path.empty() || in.path.starts_with(scenario::builtin_prefix)) continue;
                if (same_file(o.path, in.path)) {
                    throw input_error(command + ": the output " + o.what + " '" + o.path + "' is the input " + in.what +
                                      " '" + in.path + "'; writing it would destroy it: choose another " + o.what);
                }
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (same_file(o.path, outputs[j].path)) {
                    throw input_error(command + ": the outputs " + outputs[j].what + " '" + outputs[j].path + "' and " +
                                      o.what + " '" + o.path + "' are the same file: give each its own name");
                }
            }
        }
        for (const auto& o : outputs) io::check_can_write(o.path, force || o.replace);
    });
}

std::string default_output(const std::string& stem) {
    std::filesystem::create_directories("outputs");
    return "outputs/" + stem + ".h5";
}

std::string sibling(const std::string& h5_path, const std::string& suffix) {
    std::filesystem::path p(h5_path);
    p.replace_extension(suffix);
    return p.string();
}

std::string fmt(double x) { return core::rounded_number(x); }

}  // namespace kcsim::cli
