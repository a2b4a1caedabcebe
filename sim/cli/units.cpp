#include "cli/units.hpp"

#include <vector>

#include "cli/common.hpp"
#include "core/sha256.hpp"
#include "dist/mpi.hpp"
#include "engine/ensemble.hpp"

namespace kcsim::cli {

void run_missing_units(std::size_t units, io::journal* jr, engine::execution_context& ctx,
                       const std::function<std::string(std::size_t)>& work, progress& bar) {
    std::vector<std::size_t> todo;
    for (std::size_t u = 0; u < units && jr; ++u) {
        if (!jr->has(u)) todo.push_back(u);
    }
    std::size_t done = units - todo.size();
    auto finished = [&](std::size_t u, std::string&& bytes) {
        jr->write(u, io::journal::decode(bytes));
        bar.update(++done);
    };
    if (dist::size() > 1) {
        dist::run_units(todo, work, finished, [] { return interrupt_guard::flag()->load(); });
        return;
    }
    bar.update(done);
    engine::run_units(
        todo.size(), ctx, interrupt_guard::flag(), [&](std::size_t i) { return work(todo[i]); },
        [&](std::size_t i, std::string&& bytes) { finished(todo[i], std::move(bytes)); });
}

unit_job::unit_job(const job_args& a, const std::string& out, const std::string& description, const std::string& label,
                   std::size_t units)
    : units_(units), ctx_(a.threads()), bar_(label, units, dist::coordinator() && !a.quiet() && stderr_is_terminal()) {
    dist::on_coordinator([&] { jr_.emplace(out, job_id(description), a.resume(), a.force()); });
}

bool unit_job::run(const std::function<std::string(std::size_t)>& work) {
    run_missing_units(units_, jr_ ? &*jr_ : nullptr, ctx_, work, bar_);
    bar_.finish();
    return dist::coordinator();
}

std::string job_id(const std::string& description) { return core::sha256_hex(description); }

}  // namespace kcsim::cli
