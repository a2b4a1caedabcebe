// One replicate, stepped from Python: long calls release the GIL and stop on Ctrl-C between
// steps; metrics are a read-only numpy view of the C++ buffer (fixed size, so always valid).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "engine/simulation.hpp"
#include "model/metrics.hpp"
#include "scenario/events.hpp"
#include "state/columns.hpp"

namespace py = pybind11;

namespace kcsim::py_bind {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// "no district 'Kaizhou'; did you mean 'kaizhou'?", as the scenario loader suggests ids and
// Chinese names (ids are lower case, so the match ignores case).
std::string no_district(const std::string& what, const scenario::scenario& sc, const std::string& id) {
    // Ids and Chinese names (万州区) both name a district.
    const std::string hint = core::closest_match(lower(id), sc.district_names());
    return what + ": no district '" + id + "'" +
           (hint.empty() ? "; see Scenario.districts" : "; did you mean '" + hint + "'?");
}

struct py_simulation {
    std::unique_ptr<engine::execution_context> ctx;
    std::unique_ptr<engine::simulation> sim;
    // Live zero-copy views of firm columns. Firm columns reallocate only when a step adds
    // firms, so stepping is refused while any view is alive: a view can never dangle.
    std::shared_ptr<int> firm_views = std::make_shared<int>(0);
    // Set while a call uses the simulation (a step runs with the GIL released, so another Python
    // thread could otherwise step, snapshot or restore it mid-step and see a torn world).
    std::atomic<bool> busy{false};
};

// Holds the simulation for one call; a second thread's call is refused, not interleaved.
class busy_guard {
public:
    busy_guard(py_simulation& s, const char* what) : s_(s) {
        if (s_.busy.exchange(true)) {
            throw std::runtime_error(std::string("Simulation.") + what +
                                     ": the simulation is busy in another thread (one Simulation serves one "
                                     "call at a time; use one Simulation per thread)");
        }
    }
    ~busy_guard() { s_.busy = false; }
    busy_guard(const busy_guard&) = delete;
    busy_guard& operator=(const busy_guard&) = delete;

private:
    py_simulation& s_;
};

struct py_state {
    state::world world;
    std::vector<double> metrics;
    // What the state belongs to: restore() refuses another scenario, seed or replicate.
    std::string scenario_name;
    std::string scenario_sha256;
    rng::key key;
};

void advance(py_simulation& s, int n) {
    busy_guard busy(s, "step");
    if (*s.firm_views > 0) {
        throw input_error(std::to_string(*s.firm_views) +
                          " view(s) of firm columns are alive; delete them (or use firm_column for copies) before "
                          "stepping, since a step can add firms and move the columns");
    }
    for (int k = 0; k < n && !s.sim->done(); ++k) {
        {
            py::gil_scoped_release release;
            s.sim->advance(*s.ctx, 1);
        }
        check_signals();
    }
}

template <class T, class A> py::array copy_column(const std::vector<T, A>& v) {
    return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());  // no base: a copy
}

}  // namespace

void bind_simulation(py::module_& m) {
    py::class_<py_state>(m, "State", "A saved simulation state (opaque); restore it with Simulation.restore.")
        .def_property_readonly("step", [](const py_state& s) { return s.world.step; });

    py::class_<py_simulation>(m, "Simulation")
        .def(py::init([](std::shared_ptr<scenario::scenario> sc, std::optional<std::uint64_t> seed,
                         std::uint64_t replicate, int threads) {
                 auto s = std::make_unique<py_simulation>();
                 s->ctx = std::make_unique<engine::execution_context>(checked_threads(threads, "Simulation"));
                 s->sim = std::make_unique<engine::simulation>(
                     *s->ctx, sc, seed.value_or(static_cast<std::uint64_t>(sc->p.seed)), replicate);
                 return s;
             }),
             py::arg("scenario"), py::arg("seed") = py::none(), py::arg("replicate") = 0, py::arg("threads") = 0)
        .def("step", &advance, py::arg("n") = 1, "Advance n steps (fewer at the end of the period).")
        .def("run", [](py_simulation& s) { advance(s, s.sim->steps_total() - s.sim->steps_done()); })
        .def(
            "run_until",
            [](py_simulation& s, const std::string& date) {
                const auto d = core::parse_date(date);
                if (!d) throw input_error("run_until: '" + date + "': expected a date like 2022-06-30");
                const auto& cal = s.sim->scene().cal;
                const int target = std::clamp(cal.step_of(*d) + 1, 0, cal.steps());
                advance(s, target - s.sim->steps_done());
            },
            py::arg("date"), "Run through the step that contains `date`.")
        .def_property_readonly("steps_done", [](const py_simulation& s) { return s.sim->steps_done(); })
        .def_property_readonly("steps_total", [](const py_simulation& s) { return s.sim->steps_total(); })
        .def_property_readonly("done", [](const py_simulation& s) { return s.sim->done(); })
        .def_property_readonly(
            "scenario",
            [](const py_simulation& s) { return std::const_pointer_cast<scenario::scenario>(s.sim->scenario_ptr()); })
        .def_property_readonly(
            "metrics_view",
            [](py::object self) {
                auto& s = self.cast<py_simulation&>();
                const auto& sc = s.sim->scene();
                const auto data = s.sim->metrics();
                const std::vector<py::ssize_t> shape = {sc.cal.steps(), static_cast<py::ssize_t>(sc.districts.size()),
                                                        static_cast<py::ssize_t>(model::n_metrics)};
                py::array_t<double> a(shape, data.data(), self);  // base = the simulation: no copy
                a.attr("setflags")(py::arg("write") = false);
                return a;
            },
            "(step, district, metric), shared with C++: steps not yet run are NaN")
        .def(
            "firm_column",
            [](py_simulation& s, const std::string& name) -> py::array {
                busy_guard busy(s, "firm_column");
                py::array out;
                bool found = false;
                // A copy: firm columns grow with births, so a view could dangle.
                state::for_each_column(s.sim->world(), [&](const char* n, const auto& v) {
                    if (!found && std::string(n) == "firms/" + name) {
                        out = copy_column(v);
                        found = true;
                    }
                });
                if (!found) throw input_error("firm_column: no firm column '" + name + "'");
                return out;
            },
            py::arg("name"))
        .def(
            "firm_view",
            [](py::object self, const std::string& name) -> py::array {
                auto& s = self.cast<py_simulation&>();
                busy_guard busy(s, "firm_view");
                py::array out;
                bool found = false;
                state::for_each_column(s.sim->world(), [&](const char* n, const auto& v) {
                    if (found || std::string(n) != "firms/" + name) return;
                    using T = typename std::decay_t<decltype(v)>::value_type;
                    // The base object counts the view while it lives and keeps the simulation alive.
                    auto* token = new std::pair<std::shared_ptr<int>, py::object>(s.firm_views, self);
                    ++*s.firm_views;
                    py::capsule base(token, [](void* p) {
                        auto* t = static_cast<std::pair<std::shared_ptr<int>, py::object>*>(p);
                        --*t->first;
                        delete t;
                    });
                    py::array_t<T> a(static_cast<py::ssize_t>(v.size()), v.data(), base);
                    a.attr("setflags")(py::arg("write") = false);
                    out = a;
                    found = true;
                });
                if (!found) throw input_error("firm_view: no firm column '" + name + "'");
                return out;
            },
            py::arg("name"),
            "A read-only view of a firm column, sharing memory with C++; stepping is refused while it lives.")
        .def_property_readonly("firm_views_alive", [](const py_simulation& s) { return *s.firm_views; })
        .def(
            "set_pilot",
            [](py_simulation& s, const std::string& district, const std::string& level) {
                busy_guard busy(s, "set_pilot");
                const auto& sc = s.sim->scene();
                const std::size_t d = sc.district_index(district);
                if (d == static_cast<std::size_t>(-1)) throw input_error(no_district("set_pilot", sc, district));
                scenario::event e;
                e.type = scenario::event::kind::pilot;
                e.district = static_cast<std::uint32_t>(d);
                if (level == "none")
                    e.level = scenario::pilot_level::none;
                else if (level == "municipal")
                    e.level = scenario::pilot_level::municipal;
                else if (level == "national")
                    e.level = scenario::pilot_level::national;
                else
                    throw input_error("set_pilot: level '" + level + "': expected none, municipal or national");
                s.sim->apply(e);
            },
            py::arg("district"), py::arg("level"), "A mid-run lever: the district's pilot status from the next step.")
        .def(
            "add_team",
            [](py_simulation& s, const std::string& sector, const std::vector<std::string>& districts,
               std::int64_t experts) {
                busy_guard busy(s, "add_team");
                const auto& sc = s.sim->scene();
                scenario::event e;
                e.type = scenario::event::kind::team;
                const std::size_t si = sc.sector_index(sector);
                if (si == static_cast<std::size_t>(-1)) {
                    std::vector<std::string> ids;
                    for (const auto& x : sc.sectors) ids.push_back(x.id);
                    const std::string hint = core::closest_match(lower(sector), ids);
                    throw input_error(
                        "add_team: no sector '" + sector + "'; " +
                        (hint.empty() ? "sectors are " + core::join_or(ids) : "did you mean '" + hint + "'?"));
                }
                e.sector = static_cast<std::uint8_t>(si);
                if (districts.empty()) throw input_error("add_team: expected at least one district");
                for (const auto& id : districts) {
                    const std::size_t d = sc.district_index(id);
                    if (d == static_cast<std::size_t>(-1)) throw input_error(no_district("add_team", sc, id));
                    // As a scenario file's team event checks (sim/scenario/events.cpp), same message.
                    if (std::find(e.districts.begin(), e.districts.end(), d) != e.districts.end())
                        throw input_error("add_team: district '" + id + "' is listed twice in this team's districts");
                    e.districts.push_back(static_cast<std::uint16_t>(d));
                }
                // The range of a team event's `experts` (the scenario schema), the validator's wording.
                const auto& fields = scenario::detail::event_fields();
                const auto f = std::find_if(fields.begin(), fields.end(),
                                            [](const scenario::detail::field_spec& x) { return x.name == "experts"; });
                if (static_cast<double>(experts) < f->lo || static_cast<double>(experts) > f->hi) {
                    throw input_error("add_team: 'experts' = " + std::to_string(experts) +
                                      " is out of range: expected " + std::to_string(static_cast<long long>(f->lo)) +
                                      " to " + std::to_string(static_cast<long long>(f->hi)));
                }
                e.experts = static_cast<int>(experts);
                s.sim->apply(e);
            },
            py::arg("sector"), py::arg("districts"), py::arg("experts"), "A mid-run lever: a new expert team.")
        .def(
            "snapshot",
            [](py_simulation& s) {
                busy_guard busy(s, "snapshot");
                const auto& sc = s.sim->scene();
                const std::size_t row = s.sim->scene().districts.size() * model::n_metrics;
                const auto done = s.sim->metrics().subspan(0, static_cast<std::size_t>(s.sim->steps_done()) * row);
                return py_state{s.sim->snapshot(), std::vector<double>(done.begin(), done.end()), sc.name, sc.hash,
                                s.sim->key()};
            },
            "The state now, bit-exact.")
        .def(
            "restore",
            [](py_simulation& s, const py_state& st) {
                busy_guard busy(s, "restore");
                const auto& sc = s.sim->scene();
                const auto k = s.sim->key();
                if (st.scenario_sha256 != sc.hash) {
                    throw input_error("restore: the state is of scenario '" + st.scenario_name + "' (sha256 " +
                                      st.scenario_sha256.substr(0, 12) + "...), this simulation runs '" + sc.name +
                                      "' (sha256 " + sc.hash.substr(0, 12) + "...)");
                }
                if (st.key.seed != k.seed || st.key.replicate != k.replicate) {
                    throw input_error("restore: the state is of seed " + std::to_string(st.key.seed) + ", replicate " +
                                      std::to_string(st.key.replicate) + "; this simulation runs seed " +
                                      std::to_string(k.seed) + ", replicate " + std::to_string(k.replicate));
                }
                s.sim->resume(st.world, st.metrics);
            },
            py::arg("state"), "Back to a snapshot of this scenario, seed and replicate (another's is refused).")
        .def_property_readonly("phase_seconds", [](const py_simulation& s) {
            py::dict d;
            for (std::size_t i = 0; i < s.sim->phases().size(); ++i) {
                d[py::str(std::string(s.sim->phases()[i].name))] = s.sim->phase_seconds()[i];
            }
            return d;
        });
}

}  // namespace kcsim::py_bind
