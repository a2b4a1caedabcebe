// Scenarios: load, inspect, derive. The C++ scenario is immutable; Python holds a shared_ptr.
#include <variant>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "scenario/load.hpp"

namespace py = pybind11;

namespace kcsim::py_bind {

namespace {
py::object param_value(const scenario::params& p, const scenario::param_spec& s) {
    return std::visit(
        [&](const auto& field) -> py::object {
            if constexpr (std::is_same_v<std::decay_t<decltype(field)>, scenario::choice_field>) {
                return py::str(p.*(field.field));
            } else {
                const auto& v = p.*field;
                if constexpr (std::is_same_v<std::decay_t<decltype(v)>, core::date>)
                    return py::str(core::to_iso(v));
                else
                    return py::cast(v);
            }
        },
        s.field);
}
}  // namespace

void bind_scenario(py::module_& m) {
    py::class_<scenario::scenario, std::shared_ptr<scenario::scenario>>(m, "Scenario",
                                                                        "An immutable, validated scenario.")
        .def_readonly("name", &scenario::scenario::name)
        .def_readonly("description", &scenario::scenario::description)
        .def_readonly("source", &scenario::scenario::source)
        .def_readonly("resolved_toml", &scenario::scenario::resolved_toml, "the complete scenario as TOML")
        .def_readonly("sha256", &scenario::scenario::hash)
        .def_property_readonly("steps", [](const scenario::scenario& s) { return s.cal.steps(); })
        .def_property_readonly("step_days", [](const scenario::scenario& s) { return s.cal.step_days; })
        .def_property_readonly(
            "dates",
            [](const scenario::scenario& s) {
                std::vector<std::string> v;
                for (int k = 0; k < s.cal.steps(); ++k) v.push_back(core::to_iso(s.cal.step_last_day(k)));
                return v;
            },
            "last day of each step, ISO text")
        .def_property_readonly("districts",
                               [](const scenario::scenario& s) {
                                   std::vector<std::string> v;
                                   for (const auto& d : s.districts) v.push_back(d.id);
                                   return v;
                               })
        .def_property_readonly(
            "district_table",
            [](const scenario::scenario& s) {
                py::list rows;
                for (const auto& d : s.districts) {
                    py::dict r;
                    r["id"] = d.id;
                    r["name"] = d.name;
                    r["name_zh"] = d.name_zh;
                    r["kind"] = std::string(scenario::to_string(d.kind));
                    r["subregion"] = std::string(scenario::to_string(d.region));
                    r["parent"] = d.parent;
                    r["pilot"] = std::string(scenario::to_string(d.pilot));
                    r["pilot_since"] =
                        d.pilot == scenario::pilot_level::none ? std::string() : core::to_iso(d.pilot_since);
                    r["tech_firms_2020"] = d.tech_firms_2020;
                    r["gdp_2020"] = d.gdp_2020;
                    r["high_tech_share"] = d.high_tech_share;
                    r["high_tech_firms_2020"] = d.high_tech_firms_2020;
                    r["gdp_2021"] = d.gdp_2021;
                    r["rd_intensity_2020"] = d.rd_intensity_2020;
                    r["st_rank_2021"] = d.st_rank_2021;
                    r["universities"] = d.universities;
                    r["leading"] = d.leading;
                    py::dict shares;
                    for (std::size_t k = 0; k < s.sectors.size(); ++k)
                        shares[py::str(s.sectors[k].id)] = d.sector_shares[k];
                    r["sector_shares"] = shares;
                    r["readiness"] = d.readiness;
                    r["uptake"] = d.uptake;
                    r["firms_weight"] = d.firms_weight;
                    rows.append(r);
                }
                return rows;
            },
            "one dict per district, in order: id, name, name_zh, kind, subregion, parent, pilot (status at the "
            "start), pilot_since, tech_firms_2020, gdp_2020 (1e8 yuan), high_tech_share, high_tech_firms_2020 (-1 if "
            "not given), gdp_2021, rd_intensity_2020 (percent), st_rank_2021 (0 = unranked), universities, leading "
            "(sector ids), sector_shares (sector id -> share of the district's firms), readiness (0..1), uptake "
            "(multiplier on a pilot's exposure) and firms_weight (what firms are placed by)")
        .def_property_readonly(
            "params",
            [](const scenario::scenario& s) {
                py::dict d;
                for (const auto& spec : scenario::parameter_specs()) {
                    d[py::str(std::string(spec.key))] = param_value(s.p, spec);
                }
                return d;
            },
            "every parameter by its dotted key")
        .def(
            "derive",
            [](const scenario::scenario& s, const std::string& overrides, const std::string& name) {
                return std::const_pointer_cast<scenario::scenario>(scenario::derive(s, overrides, name));
            },
            py::arg("overrides"), py::arg("name") = "", "A validated variant: TOML overrides on the resolved scenario.")
        .def("__repr__",
             [](const scenario::scenario& s) { return "<kcsim.Scenario '" + s.name + "' from " + s.source + ">"; });

    m.def(
        "load_scenario",
        [](const std::string& path) { return std::const_pointer_cast<scenario::scenario>(scenario::load(path)); },
        py::arg("path"), "Load and validate a scenario file (or 'builtin:plan.toml').");
    m.def(
        "load_scenario_text",
        [](const std::string& text, const std::string& origin, const std::string& base_dir) {
            return std::const_pointer_cast<scenario::scenario>(scenario::load_text(text, origin, base_dir));
        },
        py::arg("text"), py::arg("origin") = "<text>", py::arg("base_dir") = ".");
    m.def("builtin_scenarios", &scenario::builtin_names);
}

}  // namespace kcsim::py_bind
