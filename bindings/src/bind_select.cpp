// kcsim select from Python, in memory, with the semantics of `kcsim select` (same batches, same
// seeds, same numbers); the GIL is released while it runs.
#include <atomic>
#include <cstring>
#include <optional>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "analysis/selection.hpp"
#include "bind.hpp"
#include "core/error.hpp"
#include "engine/ensemble.hpp"
#include "io/posterior.hpp"
#include "scenario/decision.hpp"

namespace py = pybind11;

namespace kcsim::py_bind {

void bind_select(py::module_& m) {
    m.def(
        "select_decision",
        [](const std::string& path, std::optional<std::uint64_t> replicates, std::optional<std::uint64_t> seed,
           int threads, py::object progress, bool fork) {
            auto d = scenario::load_decision(path);
            scenario::override_search(d, replicates, seed);
            const auto metric_index = analysis::objective_metrics(d);
            const auto post = io::read_posterior_for(d.parameters, d.replicates, "select");
            const auto& keys = post.keys;
            const auto& draws = post.draws;
            int fork_step = fork ? d.base->cal.step_of(analysis::first_decision_date(d)) : -1;
            if (fork_step == 0) fork_step = -1;
            engine::execution_context ctx(checked_threads(threads, "select"));
            analysis::selection_result res;
            run_cancellable(
                [&](const std::atomic<bool>* cancel, std::atomic<std::uint64_t>& done) {
                    const analysis::run_batch run = [&](const std::string&,
                                                        const std::vector<analysis::batch_entry>& ps,
                                                        std::uint64_t first, std::uint64_t count) {
                        const std::size_t width = ps.size() * analysis::row_width;
                        std::vector<double> values(count * width);
                        std::string failure;
                        engine::run_units(
                            count, ctx, cancel,
                            [&](std::size_t u) {
                                std::string why;
                                const auto rows = analysis::selection_unit(d, metric_index, ps, first + u, fork_step,
                                                                           keys, draws, ctx, cancel, why);
                                std::string bytes(rows.size() * sizeof(double), '\0');
                                std::memcpy(bytes.data(), rows.data(), bytes.size());
                                return why.empty() ? bytes : bytes + why;
                            },
                            [&](std::size_t u, std::string&& bytes) {
                                std::memcpy(values.data() + u * width, bytes.data(), width * sizeof(double));
                                if (bytes.size() > width * sizeof(double) && failure.empty())
                                    failure = bytes.substr(width * sizeof(double));
                                done += ps.size();
                            });
                        if (!failure.empty()) throw model_error("select: " + failure);
                        return values;
                    };
                    res = analysis::select(d, run, keys, draws, {});
                },
                analysis::estimated_runs(d), progress);
            const auto T = static_cast<py::ssize_t>(res.label.size()), R = static_cast<py::ssize_t>(res.replicates);
            py::dict out;
            out["name"] = d.name;
            out["base"] = d.base->name;
            out["reference"] = res.has_reference ? res.reference_name : std::string();
            out["method"] = res.method;
            out["space"] = res.space;
            out["runs"] = res.runs;
            out["exhaustive_runs"] = res.exhaustive_runs;
            out["replicates"] = res.replicates;
            out["stages"] = res.stages;
            out["seed"] = d.seed;
            out["label"] = res.label;
            out["districts"] = res.districts;
            py::dict cols;
            for (const auto& c : analysis::selection_columns()) {
                if (c.reference && !res.has_reference) continue;
                const auto& v = res.*c.values;
                py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
                std::copy(v.begin(), v.end(), a.mutable_data());
                cols[c.name] = a;
            }
            out["columns"] = cols;
            py::array_t<double> gain({T, R});
            std::copy(res.per_replicate.begin(), res.per_replicate.end(), gain.mutable_data());
            out["gain"] = gain;
            out["contribution_district"] = res.contribution_district;
            out["contribution"] = res.contribution;
            out["contribution_lo95"] = res.contribution_lo;
            out["contribution_hi95"] = res.contribution_hi;
            out["screen_district"] = res.screen_district;
            out["screen_gain"] = res.screen_gain;
            out["evaluated"] = res.evaluated;
            out["evaluated_replicates"] = res.evaluated_replicates;
            out["evaluated_score"] = res.evaluated_score;
            out["discovery"] = res.disc.text;
            out["discovery_parameters"] = res.disc.parameters;
            out["discovery_spearman"] = res.disc.spearman;
            out["table"] = analysis::selection_text(d, res);
            return out;
        },
        py::arg("path"), py::arg("replicates") = py::none(), py::arg("seed") = py::none(), py::arg("threads") = 0,
        py::arg("progress") = py::none(), py::arg("fork") = true);
}

}  // namespace kcsim::py_bind
