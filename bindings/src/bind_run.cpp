// Ensembles from Python: the C++ ensemble runs on its own thread with the GIL released, while
// the caller checks for Ctrl-C every 50 ms and cancels cleanly (nothing half-made is returned).
#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <thread>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "engine/ensemble.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "model/teams.hpp"

namespace py = pybind11;

namespace kcsim::py_bind {

void bind_run(py::module_& m) {
    m.def(
        "run_ensemble",
        [](std::shared_ptr<scenario::scenario> sc, std::uint64_t replicates, std::optional<std::uint64_t> seed,
           int threads, py::object progress) {
            const std::uint64_t s = seed.value_or(static_cast<std::uint64_t>(sc->p.seed));
            const std::size_t T = static_cast<std::size_t>(sc->cal.steps()), D = sc->districts.size(),
                              M = model::n_metrics;
            const std::size_t Y = model::ledger_years(sc->cal).size(), L = model::ledger_items().size();
            py::array_t<double> metrics({replicates, T, D, M});
            py::array_t<double> ledger({replicates, Y, L});
            const std::size_t K = model::team_slots(*sc), I = model::team_report_items().size();
            py::array_t<double> teams({replicates, T, K, I});
            double* tp = teams.mutable_data();
            py::array_t<std::int8_t> ok(static_cast<py::ssize_t>(replicates));
            std::vector<std::string> messages(replicates);
            double* mp = metrics.mutable_data();
            double* lp = ledger.mutable_data();
            std::int8_t* okp = ok.mutable_data();
            engine::execution_context ctx(checked_threads(threads, "run"));
            run_cancellable(
                [&](const std::atomic<bool>* cancel, std::atomic<std::uint64_t>& done) {
                    engine::run_ensemble(
                        sc, {.seed = s, .replicates = replicates, .cancel = cancel}, ctx,
                        [&](engine::replicate_result&& r) {
                            std::copy(r.metrics.begin(), r.metrics.end(), mp + r.replicate * T * D * M);
                            std::copy(r.ledger.begin(), r.ledger.end(), lp + r.replicate * Y * L);
                            std::copy(r.team_reports.begin(), r.team_reports.end(), tp + r.replicate * T * K * I);
                            okp[r.replicate] = r.ok ? 1 : 0;
                            messages[r.replicate] = r.message;
                            ++done;
                        });
                },
                replicates, progress);
            return py::make_tuple(metrics, ledger, ok, messages, teams);
        },
        py::arg("scenario"), py::arg("replicates"), py::arg("seed") = py::none(), py::arg("threads") = 0,
        py::arg("progress") = py::none(),
        "Run replicates in parallel; returns (metrics[R,T,D,M], ledger[R,Y,L], ok[R], messages, "
        "team_reports[R,T,K,I]). Use kcsim.run().");
    m.def("metric_names", &model::metric_names);
    m.def("metric_units", [] {
        std::vector<std::string> v;
        for (const auto& i : model::metric_table()) v.emplace_back(i.unit);
        return v;
    });
    m.def("metric_kinds", [] {
        std::vector<std::string> v;
        for (const auto& i : model::metric_table()) v.emplace_back(i.kind);
        return v;
    });
    m.def("team_report_items", [] {
        std::vector<std::string> v;
        for (auto s : model::team_report_items()) v.emplace_back(s);
        return v;
    });
    m.def("ledger_items", [] {
        std::vector<std::string> v;
        for (auto s : model::ledger_items()) v.emplace_back(s);
        return v;
    });
}

}  // namespace kcsim::py_bind
