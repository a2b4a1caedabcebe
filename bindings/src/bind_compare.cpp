// Comparisons and sweeps from Python, in memory, with the semantics of `kcsim compare` and
// `kcsim sweep` (same units, same seeds, same numbers); the GIL is released while they run.
#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <thread>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "analysis/compare.hpp"
#include "analysis/posterior.hpp"
#include "analysis/sweep.hpp"
#include "analysis/targets.hpp"
#include "bind.hpp"
#include "core/error.hpp"
#include "engine/ensemble.hpp"
#include "engine/simulation.hpp"
#include "io/journal.hpp"
#include "io/posterior.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "scenario/load.hpp"
#include "scenario/sweep.hpp"

namespace py = pybind11;

namespace kcsim::py_bind {

namespace {

py::array_t<double> array(const std::vector<double>& v, std::vector<py::ssize_t> shape) {
    py::array_t<double> a(shape);
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
}

}  // namespace

void bind_compare(py::module_& m) {
    m.def(
        "compare_scenarios",
        [](std::vector<std::shared_ptr<scenario::scenario>> list, std::uint64_t replicates, std::uint64_t seed,
           int threads, int fork_step, py::object progress, const std::string& parameters) {
            std::vector<scenario::scenario_ptr> scs(list.begin(), list.end());
            // Over a posterior: replicate r of every scenario with draw r (0 replicates: all draws).
            std::optional<io::posterior> post;
            if (!parameters.empty()) {
                post = io::read_posterior(parameters);
                if (replicates == 0) replicates = post->size();
                if (replicates > post->size())
                    throw input_error("compare: replicates=" + std::to_string(replicates) + " is more than the " +
                                      std::to_string(post->size()) + " draws of " + parameters);
            }
            engine::check_comparable(scs);
            if (scs.size() < 2) throw input_error("compare: give at least two scenarios");
            const auto& sc0 = *scs.front();
            const std::size_t S = scs.size(), T = static_cast<std::size_t>(sc0.cal.steps()), D = sc0.districts.size(),
                              M = model::n_metrics;
            const std::size_t Y = model::ledger_years(sc0.cal).size(), L = model::ledger_items().size();
            std::vector<double> metrics(S * replicates * T * D * M), ledger(S * replicates * Y * L);
            std::vector<std::vector<model::city_figures>> figs(S);
            std::vector<std::vector<std::vector<double>>> met(S);
            std::vector<std::uint64_t> kept;
            std::vector<std::int8_t> ok(S * replicates, 1);
            engine::execution_context ctx(checked_threads(threads, "compare"));
            run_cancellable(
                [&](const std::atomic<bool>* cancel, std::atomic<std::uint64_t>& done) {
                    engine::paired_options opt{
                        .seed = seed, .replicates = replicates, .fork_step = fork_step, .cancel = cancel};
                    auto sink = [&](std::vector<engine::replicate_result>&& rs) {
                        bool all_ok = true;
                        for (std::size_t s = 0; s < S; ++s) {
                            const auto r = rs[s].replicate;
                            std::copy(rs[s].metrics.begin(), rs[s].metrics.end(),
                                      metrics.begin() + static_cast<std::ptrdiff_t>((s * replicates + r) * T * D * M));
                            std::copy(rs[s].ledger.begin(), rs[s].ledger.end(),
                                      ledger.begin() + static_cast<std::ptrdiff_t>((s * replicates + r) * Y * L));
                            ok[s * replicates + r] = rs[s].ok ? 1 : 0;
                            all_ok = all_ok && rs[s].ok;
                        }
                        if (all_ok) {
                            kept.push_back(rs.front().replicate);
                            for (std::size_t s = 0; s < S; ++s) {
                                figs[s].push_back(model::city_summary(rs[s].metrics, T, D));
                                met[s].push_back(analysis::targets_met(*scs[s], rs[s].metrics));
                            }
                        }
                        ++done;
                    };
                    if (!post) {
                        engine::run_paired(scs, opt, ctx, sink);
                        return;
                    }
                    engine::run_units(
                        replicates, ctx, cancel,
                        [&](std::size_t r) {
                            const auto run = analysis::with_draw(scs, post->keys, post->draws, r);
                            return io::journal::encode(engine::run_replicate(run, opt, r, ctx));
                        },
                        [&](std::size_t, std::string&& bytes) { sink(io::journal::decode(bytes)); });
                },
                replicates, progress);
            std::vector<std::string> names;
            for (const auto& sc : scs) names.push_back(sc->name);
            const auto c = analysis::compare(names, kept, figs, met,
                                             fork_step >= 0 ? core::to_iso(sc0.cal.step_start(fork_step)) : "");
            const auto R = static_cast<py::ssize_t>(replicates),
                       K = static_cast<py::ssize_t>(analysis::comparison_statistics().size());
            py::dict out;
            out["metrics"] = array(metrics, {static_cast<py::ssize_t>(S), R, static_cast<py::ssize_t>(T),
                                             static_cast<py::ssize_t>(D), static_cast<py::ssize_t>(M)});
            out["ledger"] = array(
                ledger, {static_cast<py::ssize_t>(S), R, static_cast<py::ssize_t>(Y), static_cast<py::ssize_t>(L)});
            py::array_t<std::int8_t> oka({static_cast<py::ssize_t>(S), R});
            std::copy(ok.begin(), ok.end(), oka.mutable_data());
            out["replicate_ok"] = oka;
            out["kept"] = c.replicate_ids;
            out["city"] = array(c.city, {static_cast<py::ssize_t>(S), static_cast<py::ssize_t>(c.replicates),
                                         static_cast<py::ssize_t>(M)});
            out["summary"] = array(c.summary, {static_cast<py::ssize_t>(S), static_cast<py::ssize_t>(M), K});
            out["targets"] = array(
                c.targets, {static_cast<py::ssize_t>(S), static_cast<py::ssize_t>(analysis::plan_targets().size())});
            out["statistics"] = analysis::comparison_statistics();
            std::vector<std::string> tn;
            for (const auto& t : analysis::plan_targets()) tn.emplace_back(t.name);
            out["target_names"] = tn;
            out["fork_date"] = c.fork_date;
            out["replicates"] = replicates;
            if (post) {
                std::vector<double> sample;
                for (auto r : kept) sample.push_back(post->draw_sample[r]);
                out["posterior_summary"] = analysis::posterior_text(c, analysis::posterior_contrasts(c, sample),
                                                                    parameters, post->effect_identified);
            }
            return out;
        },
        py::arg("scenarios"), py::arg("replicates"), py::arg("seed"), py::arg("threads") = 0, py::arg("fork_step") = -1,
        py::arg("progress") = py::none(), py::arg("parameters") = std::string());

    m.def(
        "run_sweep",
        [](const std::string& path, std::optional<std::uint64_t> replicates, std::optional<std::uint64_t> seed,
           int threads, py::object progress, const std::string& parameters) {
            auto sw = scenario::load_sweep(path);
            if (replicates) sw.replicates = *replicates;
            if (seed) sw.seed = *seed;
            // Over a posterior: replicate r of every experiment with draw r (kcsim sweep --parameters).
            std::optional<io::posterior> post;
            analysis::sweep_draws draws;
            if (!parameters.empty()) {
                post = io::read_posterior(parameters);
                draws = analysis::draws_for_sweep(sw, post->keys, post->draws, parameters);
            }
            const auto outcome_index = analysis::outcome_indices(sw);
            const auto ex = analysis::plan_experiments(sw);
            const std::size_t R = sw.replicates, M = model::n_metrics;
            std::vector<double> outcomes(ex.count * R * M, std::numeric_limits<double>::quiet_NaN());
            engine::execution_context ctx(checked_threads(threads, "sweep"));
            run_cancellable(
                [&](const std::atomic<bool>* cancel, std::atomic<std::uint64_t>& done) {
                    engine::run_units(
                        ex.count, ctx, cancel,
                        [&](std::size_t e) {
                            const auto x = analysis::run_experiment(sw, ex, e, ctx, cancel, post ? &draws : nullptr);
                            std::string bytes(x.metrics.size() * sizeof(double), '\0');
                            std::memcpy(bytes.data(), x.metrics.data(), bytes.size());
                            return bytes;
                        },
                        [&](std::size_t e, std::string&& bytes) {
                            std::memcpy(outcomes.data() + e * R * M, bytes.data(), bytes.size());
                            ++done;
                        });
                },
                ex.count, progress);
            py::dict out;
            out["name"] = sw.name;
            out["design"] = sw.design;
            out["outcomes"] = array(outcomes, {static_cast<py::ssize_t>(ex.count), static_cast<py::ssize_t>(R),
                                               static_cast<py::ssize_t>(M)});
            std::vector<std::string> unc, lev;
            for (const auto& u : sw.uncertain) unc.push_back(u.key);
            for (const auto& l : sw.levers) lev.push_back(l.key);
            out["uncertain"] = unc;
            out["levers"] = lev;
            out["uncertain_values"] =
                array(ex.uncertain, {static_cast<py::ssize_t>(ex.count), static_cast<py::ssize_t>(unc.size())});
            out["lever_values"] = ex.lever_values;
            out["policy"] = ex.policy;
            out["sample"] = ex.sample;
            out["outcome_names"] = sw.outcomes;
            // Indices per policy and outcome on the mean over replicates (none if a replicate failed).
            // ... and on contrasts, policy p - policy 0 (policy 0's entries empty).
            auto as_list = [](const std::vector<std::vector<analysis::sensitivity>>& all) {
                py::list indices;
                for (const auto& per_policy : all) {
                    py::list per;
                    for (const auto& a : per_policy) {
                        py::dict d;
                        d["s1"] = a.s1, d["s1_lo"] = a.s1_lo, d["s1_hi"] = a.s1_hi, d["st"] = a.st,
                        d["st_lo"] = a.st_lo, d["st_hi"] = a.st_hi;
                        d["mu"] = a.mu, d["mu_star"] = a.mu_star, d["sigma"] = a.sigma;
                        per.append(d);
                    }
                    indices.append(per);
                }
                return indices;
            };
            out["indices"] = as_list(analysis::sweep_sensitivity(sw, ex, outcomes, outcome_index));
            out["contrasts"] = as_list(analysis::contrast_sensitivity(sw, ex, outcomes, outcome_index));
            if (post) {
                out["parameters_sha256"] = post->draws_sha256;
                out["parameters_applied"] = draws.keys;
                out["parameters_overridden_by_sweep"] = draws.dropped;
            }
            return out;
        },
        py::arg("path"), py::arg("replicates") = py::none(), py::arg("seed") = py::none(), py::arg("threads") = 0,
        py::arg("progress") = py::none(), py::arg("parameters") = std::string());
}

}  // namespace kcsim::py_bind
