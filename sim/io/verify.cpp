#include "io/verify.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <hdf5.h>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"
#include "io/content.hpp"
#include "io/h5.hpp"
#include "model/metrics.hpp"
#include "model/summary.hpp"
#include "scenario/load.hpp"

namespace kcsim::io {

namespace {

// Sane limits, far beyond any kcsim file, checked before anything is allocated.
constexpr std::uint64_t max_replicates = 1000000;  // run.replicates' range
constexpr hsize_t max_axis = 1000000;              // steps, districts, metrics, years
constexpr hsize_t max_row = hsize_t{1} << 27;      // values of one replicate

// One check: counted, and its message kept when it fails.
bool expect(verify_report& r, bool good, const std::string& what) {
    ++r.checks;
    if (!good) r.problems.push_back(what);
    return good;
}

bool has_attr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }
bool has_link(hid_t obj, const std::string& name) { return H5Lexists(obj, name.c_str(), H5P_DEFAULT) > 0; }

std::vector<hsize_t> dataset_dims(hid_t group, const std::string& name) {
    h5::handle d(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "opening '" + name + "'");
    h5::handle s(H5Dget_space(d), H5Sclose, "dataspace");
    return h5::dims_of(s, name);
}

// Only after check_string_heaps: a variable-length string attribute.
std::string read_text_attr(hid_t obj, const std::string& name) {
    h5::handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "opening attribute '" + name + "'");
    h5::handle space(H5Aget_space(a), H5Sclose, "attribute space");
    h5::handle ft(H5Aget_type(a), H5Tclose, "attribute type");
    if (H5Sget_simple_extent_npoints(space) != 1 || H5Tget_class(ft) != H5T_STRING)
        throw io_error("attribute '" + name + "' is not one string");
    if (H5Tis_variable_str(ft) == 0) return h5::read_fixed_attr(obj, name);
    auto t = h5::utf8_string_type();
    char* p = nullptr;
    h5::check(H5Aread(a, t, &p), "reading attribute '" + name + "'");
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
}

// Only after check_string_heaps: a 1-D variable-length string dataset.
std::vector<std::string> read_strings(hid_t group, const std::string& name) {
    h5::handle d(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "opening '" + name + "'");
    h5::handle s(H5Dget_space(d), H5Sclose, "dataspace");
    h5::handle ft(H5Dget_type(d), H5Tclose, "dataset type");
    if (H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft) <= 0)
        throw io_error("'" + name + "' is not a text dataset");
    const auto n = static_cast<hsize_t>(H5Sget_simple_extent_npoints(s));
    std::vector<char*> p(n, nullptr);
    auto t = h5::utf8_string_type();
    if (n > 0) h5::check(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "reading '" + name + "'");
    std::vector<std::string> out;
    for (auto* x : p) out.emplace_back(x ? x : "");
    if (n > 0) H5Dvlen_reclaim(t, s, H5P_DEFAULT, p.data());
    return out;
}

template <class T> std::vector<T> read_all(hid_t group, const std::string& name, hid_t mem_type) {
    h5::handle d(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "opening '" + name + "'");
    hsize_t n = 1;
    for (auto x : dataset_dims(group, name)) n *= x;
    std::vector<T> out(n);
    if (n > 0) h5::check(H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "reading '" + name + "'");
    return out;
}

// Replicate k's values of a (replicate, ...) float64 dataset of rank `dims.size()`.
void read_replicate(hid_t d, const std::vector<hsize_t>& dims, hsize_t k, std::vector<double>& out) {
    h5::handle fs(H5Dget_space(d), H5Sclose, "dataspace");
    std::vector<hsize_t> start(dims.size(), 0), count(dims);
    start[0] = k;
    count[0] = 1;
    hsize_t n = 1;
    for (auto c : count) n *= c;
    out.resize(n);
    h5::check(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "selecting");
    h5::handle ms(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose, "dataspace");
    h5::check(H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, out.data()), "reading replicate " + std::to_string(k));
}

struct group_shape {
    std::vector<hsize_t> metrics, ledger;
    bool sound = false;
};

// Structure only, no data read: every dataset there, every extent agreeing with the others and
// with replicates_planned, inside sane limits, every metrics chunk stored.
group_shape check_structure(hid_t file, const std::string& name, verify_report& r) {
    group_shape shape;
    const std::string where = "scenarios/" + name;
    h5::handle g(H5Gopen2(file, where.c_str(), H5P_DEFAULT), H5Gclose, "opening '" + where + "'");
    bool ok = true;
    for (const char* ds : {"metrics", "replicate", "replicate_ok", "replicate_message", "time", "date", "district",
                           "district_name", "district_name_zh", "subregion", "district_kind", "metric", "metric_unit",
                           "metric_kind", "ledger", "year", "ledger_item"}) {
        ok &= expect(r, has_link(g, ds), where + " has no '" + ds + "' dataset");
    }
    for (const char* a : {"scenario_toml", "scenario_sha256", "replicates_planned"}) {
        ok &= expect(r, has_attr(g, a), where + " has no '" + a + "' attribute");
    }
    if (!ok) return shape;
    const auto dims = dataset_dims(g, "metrics");
    if (!expect(r, dims.size() == 4, where + "/metrics is not 4-dimensional")) return shape;
    std::uint64_t planned = 0;
    h5::read_attr(g, "replicates_planned", H5T_NATIVE_UINT64, &planned);
    ok &= expect(r, planned >= 1 && planned <= max_replicates,
                 where + ": replicates_planned = " + std::to_string(planned) + " is outside 1.." +
                     std::to_string(max_replicates));
    ok &= expect(r, dims[0] == planned,
                 where + " is incomplete or damaged: " + std::to_string(dims[0]) + " of " + std::to_string(planned) +
                     " replicates");
    ok &= expect(
        r, dims[1] <= max_axis && dims[2] <= max_axis && dims[3] <= max_axis && dims[1] * dims[2] * dims[3] <= max_row,
        where + "/metrics declares an impossible shape");
    if (!ok) return shape;
    auto one_d = [&](const char* ds, hsize_t n, const char* axis) {
        const auto d = dataset_dims(g, ds);
        ok &= expect(r, d.size() == 1 && d[0] == n,
                     where + "/" + ds + " does not match the " + axis + " axis of metrics (" + std::to_string(n) + ")");
    };
    for (const char* ds : {"replicate", "replicate_ok", "replicate_message"}) one_d(ds, dims[0], "replicate");
    for (const char* ds : {"time", "date"}) one_d(ds, dims[1], "time");
    for (const char* ds : {"district", "district_name", "district_name_zh", "subregion", "district_kind"})
        one_d(ds, dims[2], "district");
    for (const char* ds : {"metric", "metric_unit", "metric_kind"}) one_d(ds, dims[3], "metric");
    const auto ld = dataset_dims(g, "ledger");
    const auto years = dataset_dims(g, "year"), items = dataset_dims(g, "ledger_item");
    ok &= expect(r,
                 ld.size() == 3 && years.size() == 1 && items.size() == 1 && ld[0] == dims[0] && ld[1] == years[0] &&
                     ld[2] == items[0] && ld[1] <= max_axis && ld[2] <= max_axis,
                 where + "/ledger does not match its replicate, year and ledger_item axes");
    if (!ok) return shape;
    // Every replicate's metrics chunk is stored (a file declaring more replicates than it holds
    // is refused here, before anything of that size is allocated).
    h5::handle m(H5Dopen2(g, "metrics", H5P_DEFAULT), H5Dclose, "opening 'metrics'");
    h5::handle ms(H5Dget_space(m), H5Sclose, "dataspace");
    hsize_t stored = 0;
    h5::check(H5Dget_num_chunks(m, ms, &stored), "counting the metrics chunks");
    if (!expect(r, stored == dims[0],
                where + "/metrics stores " + std::to_string(stored) + " of its " + std::to_string(dims[0]) +
                    " replicates"))
        return shape;
    shape.metrics = dims;
    shape.ledger = ld;
    shape.sound = true;
    return shape;
}

// The content: what can be recomputed is recomputed (scenario hash, coordinates from the stored
// scenario, replicate numbers, replicate_ok against replicate_message, the ledger identity), and
// every completed replicate's values are finite and non-negative.
void check_scenario(hid_t file, const std::string& name, const group_shape& shape, verify_report& r) {
    const std::string where = "scenarios/" + name;
    h5::handle g(H5Gopen2(file, where.c_str(), H5P_DEFAULT), H5Gclose, "opening '" + where + "'");
    const auto& dims = shape.metrics;
    const std::string toml = read_text_attr(g, "scenario_toml");
    const std::string sha = read_text_attr(g, "scenario_sha256");
    if (!expect(r, core::sha256_hex(toml) == sha,
                where + ": scenario_toml does not match its scenario_sha256 (the stored scenario was altered)"))
        return;
    scenario::scenario_ptr sc;
    try {
        sc = scenario::load_text(toml, where + ":scenario_toml");
    } catch (const input_error& e) {
        expect(r, false, where + ": the stored scenario does not load: " + e.what());
        return;
    }
    expect(r, read_text_attr(g, "scenario_name") == sc->name, where + ": scenario_name is not the stored scenario's");
    // Coordinates, from the stored scenario.
    const auto& cal = sc->cal;
    if (expect(r,
               dims[1] == static_cast<hsize_t>(cal.steps()) && dims[2] == sc->districts.size() &&
                   dims[3] == model::n_metrics,
               where + "/metrics is not (replicates, " + std::to_string(cal.steps()) + " steps, " +
                   std::to_string(sc->districts.size()) + " districts, " + std::to_string(model::n_metrics) +
                   " metrics) as the stored scenario says")) {
        const auto days = read_all<std::int32_t>(g, "time", H5T_NATIVE_INT32);
        const auto dates = read_strings(g, "date");
        std::size_t wrong = 0;
        for (int k = 0; k < cal.steps(); ++k) {
            const auto day = cal.step_last_day(k);
            if (days[static_cast<std::size_t>(k)] != day.days ||
                dates[static_cast<std::size_t>(k)] != core::to_iso(day))
                ++wrong;
        }
        expect(r, wrong == 0,
               where + ": " + std::to_string(wrong) + " time or date values are not the stored scenario's calendar");
        std::vector<std::string> ids, en, zh, region, kind;
        for (const auto& d : sc->districts) {
            ids.push_back(d.id);
            en.push_back(d.name);
            zh.push_back(d.name_zh);
            region.emplace_back(scenario::to_string(d.region));
            kind.emplace_back(scenario::to_string(d.kind));
        }
        expect(r,
               read_strings(g, "district") == ids && read_strings(g, "district_name") == en &&
                   read_strings(g, "district_name_zh") == zh && read_strings(g, "subregion") == region &&
                   read_strings(g, "district_kind") == kind,
               where + ": the district coordinates are not the stored scenario's districts");
        std::vector<std::string> names, units, kinds;
        for (const auto& m : model::metric_table()) {
            names.emplace_back(m.name);
            units.emplace_back(m.unit);
            kinds.emplace_back(m.kind);
        }
        expect(r,
               read_strings(g, "metric") == names && read_strings(g, "metric_unit") == units &&
                   read_strings(g, "metric_kind") == kinds,
               where + ": the metric coordinates are not this kcsim's metrics");
    }
    const auto years = model::ledger_years(cal);
    const std::vector<std::string> items(model::ledger_items().begin(), model::ledger_items().end());
    // Files written before the budget of issue 16 have five items and no co-funding.
    const std::vector<std::string> items_before_budget = {"funds_in", "operations", "rewards", "unspent", "unfunded"};
    const auto stored_items = read_strings(g, "ledger_item");
    const bool ledger_shape = expect(r,
                                     read_all<std::int32_t>(g, "year", H5T_NATIVE_INT32) ==
                                             std::vector<std::int32_t>(years.begin(), years.end()) &&
                                         (stored_items == items || stored_items == items_before_budget),
                                     where + ": the ledger's years or items are not the stored scenario's");
    // Where the identity's terms are: funds in (+ co-funding) = operations + rewards + unspent.
    auto item = [&](const std::string& label) {
        return static_cast<std::ptrdiff_t>(std::find(stored_items.begin(), stored_items.end(), label) -
                                           stored_items.begin());
    };
    const bool has_cofunding = item("cofunding") < static_cast<std::ptrdiff_t>(stored_items.size());
    const std::ptrdiff_t in = item("funds_in"), cof = item("cofunding"), ops = item("operations"),
                         rew = item("rewards"), left = item("unspent");

    // Replicates: numbered 0..R-1 in order; ok exactly when the message is empty.
    const auto reps = read_all<std::uint64_t>(g, "replicate", H5T_NATIVE_UINT64);
    const auto ok = read_all<std::int8_t>(g, "replicate_ok", H5T_NATIVE_INT8);
    const auto messages = read_strings(g, "replicate_message");
    std::size_t misnumbered = 0, inconsistent = 0;
    for (hsize_t k = 0; k < dims[0]; ++k) {
        if (reps[k] != k) ++misnumbered;
        if (!((ok[k] == 1 && messages[k].empty()) || (ok[k] == 0 && !messages[k].empty()))) ++inconsistent;
    }
    expect(r, misnumbered == 0,
           where + ": " + std::to_string(misnumbered) + " replicate numbers are not 0.." + std::to_string(dims[0] - 1) +
               " in order");
    expect(r, inconsistent == 0,
           where + ": replicate_ok disagrees with replicate_message in " + std::to_string(inconsistent) +
               " replicates (1 exactly when the message is empty)");

    // Values, one replicate at a time (HDF5 checks each metrics chunk's Fletcher32 on the way).
    h5::handle m(H5Dopen2(g, "metrics", H5P_DEFAULT), H5Dclose, "opening 'metrics'");
    h5::handle l(H5Dopen2(g, "ledger", H5P_DEFAULT), H5Dclose, "opening 'ledger'");
    std::vector<double> v;
    std::size_t bad = 0, unreadable = 0, unbalanced = 0;
    for (hsize_t k = 0; k < dims[0]; ++k) {
        try {
            read_replicate(m, dims, k, v);
        } catch (const io_error&) {
            ++unreadable;
            continue;
        }
        if (ok[k] != 1) continue;
        for (double x : v) {
            if (!std::isfinite(x) || x < 0) ++bad;
        }
        if (!ledger_shape) continue;
        read_replicate(l, shape.ledger, k, v);
        const hsize_t L = shape.ledger[2];
        for (hsize_t y = 0; y < shape.ledger[1]; ++y) {
            const double* row = v.data() + y * L;
            const double funds = row[in] + (has_cofunding ? row[cof] : 0.0);
            const double gap = funds - (row[ops] + row[rew] + row[left]);
            bool finite = true;
            for (hsize_t i = 0; i < L; ++i) finite &= std::isfinite(row[i]);
            if (!finite || std::abs(gap) > 1e-9 * std::max(1.0, std::abs(funds))) ++unbalanced;
        }
    }
    expect(r, unreadable == 0,
           where + "/metrics: " + std::to_string(unreadable) +
               " replicates cannot be read (damaged data or checksum mismatch)");
    expect(r, bad == 0,
           where + "/metrics has " + std::to_string(bad) +
               " missing, infinite or negative values in completed replicates");
    expect(r, unbalanced == 0,
           where + "/ledger: funds_in + cofunding differs from operations + rewards + unspent in " +
               std::to_string(unbalanced) + " (replicate, year) rows of completed replicates");
}

herr_t collect_names(hid_t, const char* name, const H5L_info_t*, void* out) {
    auto& v = *static_cast<std::vector<std::string>*>(out);
    if (v.size() > 100000) return 1;  // no kcsim file has that many scenarios
    v.emplace_back(name);
    return 0;
}

}  // namespace

verify_report verify_file(const std::string& path, verify_depth depth) {
    h5::quiet_errors quiet;
    verify_report r;
    h5::handle f;
    try {
        f = h5::open_for_reading(path, "results file");
    } catch (const io_error& e) {
        r.problems.push_back(e.what());
        return r;
    }
    r.readable = true;
    try {
        for (const char* a : {"kcsim_version", "schema_version", "git_commit", "created", "seed"}) {
            expect(r, has_attr(f, a), "root attribute '" + std::string(a) + "' is missing (not a kcsim results file?)");
        }
        std::int64_t v = 0;
        if (has_attr(f, "schema_version")) {
            h5::read_attr(f, "schema_version", H5T_NATIVE_INT64, &v);
            expect(r, v >= 1 && v <= schema_version,
                   "schema_version " + std::to_string(v) + " is not one this kcsim reads (1 to " +
                       std::to_string(schema_version) + ")");
        }
        r.schema = v;
        std::vector<std::string> scenarios;
        if (has_link(f, "scenarios")) {
            h5::handle g(H5Gopen2(f, "scenarios", H5P_DEFAULT), H5Gclose, "scenarios");
            H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_names, &scenarios);
        }
        r.sweep = has_link(f, "sweep");
        r.scenarios = scenarios.size();
        // A calibration (kcsim calibrate) holds /calibration and /posterior instead.
        const bool calibration = has_link(f, "calibration") && has_link(f, "posterior");
        // A selection (kcsim select) holds /selection: its ranked portfolios and their gains.
        bool selection = false;
        if (has_link(f, "selection")) {
            h5::handle g(H5Gopen2(f, "selection", H5P_DEFAULT), H5Gclose, "selection");
            for (const char* d : {"portfolio", "score", "p_best", "gain", "gain_mean"})
                expect(r, has_link(g, d), "/selection has no dataset '" + std::string(d) + "'");
            selection = true;
        }
        expect(r, !scenarios.empty() || r.sweep || calibration || selection,
               "no /scenarios/<name> group, no /sweep group, no /calibration with /posterior and no /selection");
        std::vector<group_shape> shapes;
        for (const auto& s : scenarios) shapes.push_back(check_structure(f, s, r));
        if (!r.problems.empty()) return r;  // nothing is read from a file of the wrong shape
        // Strings live in HDF5's global heap, which has no checksum: walk it before reading any.
        try {
            check_string_heaps(path, f);
            expect(r, true, "");
        } catch (const io_error& e) {
            expect(r, false, e.what());
            return r;
        }
        if (depth == verify_depth::structure) return r;

        for (std::size_t k = 0; k < scenarios.size(); ++k) check_scenario(f, scenarios[k], shapes[k], r);
        if (has_link(f, "comparison")) {
            h5::handle g(H5Gopen2(f, "comparison", H5P_DEFAULT), H5Gclose, "comparison");
            const auto d = dataset_dims(g, "scenario");
            expect(r, d.size() == 1 && d[0] == scenarios.size(), "comparison: scenarios differ from /scenarios");
        }
        if (v >= 2) {
            r.content_checked = true;
            if (expect(r, has_attr(f, "content_sha256"), "root attribute 'content_sha256' is missing")) {
                const std::string stored = h5::read_fixed_attr(f, "content_sha256");
                expect(r, content_sha256(f) == stored,
                       "the content does not match its content_sha256: a value, text or attribute was altered");
            }
        } else {
            r.notes.push_back("schema_version " + std::to_string(v) +
                              ": this file has no content checksum (kcsim before schema 2); its structure, HDF5's "
                              "checksums and what can be recomputed were checked, not the rest of its content");
        }
    } catch (const io_error& e) {
        expect(r, false, std::string("cannot be read: ") + e.what());
    }
    return r;
}

}  // namespace kcsim::io
