#include "cli/units.hpp"

#include <cstdio>
#include <vector>

#include "cli/common.hpp"
#include "core/error.hpp"
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
                   std::size_t units, const std::string& noun)
    : units_(units), out_(out), noun_(noun), ctx_(a.threads()),
      bar_(label, units, dist::coordinator() && !a.quiet() && stderr_is_terminal(), noun) {
    dist::on_coordinator([&] { jr_.emplace(out, job_id(description), a.resume(), a.force()); });
    if (jr_ && jr_->done() > 0) {
        bar_.reused(jr_->done());
        if (!a.quiet()) {
            std::fprintf(stderr, "kcsim: resuming: %zu of %zu %s reused from '%s.partial', %zu to run\n", jr_->done(),
                         units_, noun_.c_str(), out_.c_str(), units_ - jr_->done());
        }
    }
}

bool unit_job::run(const std::function<std::string(std::size_t)>& work) {
    try {
        run_missing_units(units_, jr_ ? &*jr_ : nullptr, ctx_, work, bar_);
    } catch (const kcsim::cancelled& e) {
        bar_.finish();
        if (!jr_) throw;  // a worker rank: rank 0 says what was kept
        const std::string kept = std::to_string(jr_->done()) + " of " + std::to_string(units_) + " " + noun_ +
                                 " finished and kept in '" + out_ + ".partial'; run the same command with --resume " +
                                 "to continue";
        throw kcsim::cancelled(e.what_was_kept.empty() ? kept : e.what_was_kept + "; " + kept);
    }
    bar_.finish();
    return dist::coordinator();
}

std::string job_id(const std::string& description) { return core::sha256_hex(description); }

}  // namespace kcsim::cli
