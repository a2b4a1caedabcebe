#include "io/verify.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <hdf5.h>

#include "core/error.hpp"
#include "core/version.hpp"
#include "io/h5.hpp"

namespace kcsim::io {

namespace {

// One check: counted, and its message kept when it fails.
void expect(verify_report& r, bool good, const std::string& what) {
    ++r.checks;
    if (!good) r.problems.push_back(what);
}

bool has_attr(hid_t obj, const char* name) { return H5Aexists(obj, name) > 0; }
bool has_link(hid_t obj, const std::string& name) { return H5Lexists(obj, name.c_str(), H5P_DEFAULT) > 0; }

std::vector<hsize_t> dims_of(hid_t group, const std::string& name) {
    h5::handle d(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "opening '" + name + "'");
    h5::handle s(H5Dget_space(d), H5Sclose, "dataspace");
    const int rank = H5Sget_simple_extent_ndims(s);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(s, dims.data(), nullptr);
    return dims;
}

// Reads a whole float64 dataset; a checksum or decompression failure is a problem.
bool read_doubles(hid_t group, const std::string& name, std::vector<double>& out, verify_report& r,
                  const std::string& where) {
    try {
        h5::handle d(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "opening '" + name + "'");
        hsize_t n = 1;
        for (auto x : dims_of(group, name)) n *= x;
        out.resize(n);
        if (n > 0)
            h5::check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                      "reading '" + name + "'");
        expect(r, true, "");
        return true;
    } catch (const error& e) {
        expect(r, false, where + "/" + name + " cannot be read (damaged data or checksum mismatch): " + e.what());
        return false;
    }
}

void check_scenario(hid_t file, const std::string& name, verify_report& r) {
    const std::string where = "scenarios/" + name;
    h5::handle g(H5Gopen2(file, where.c_str(), H5P_DEFAULT), H5Gclose, "opening '" + where + "'");
    for (const char* ds : {"metrics", "replicate", "replicate_ok", "time", "district", "metric", "ledger"}) {
        expect(r, has_link(g, ds), where + " has no '" + ds + "' dataset");
    }
    for (const char* a : {"scenario_toml", "scenario_sha256", "replicates_planned"}) {
        expect(r, has_attr(g, a), where + " has no '" + a + "' attribute");
    }
    if (!has_link(g, "metrics") || !has_link(g, "replicate_ok")) return;
    const auto dims = dims_of(g, "metrics");
    expect(r, dims.size() == 4, where + "/metrics is not 4-dimensional");
    if (dims.size() != 4) return;
    expect(r, dims_of(g, "time").at(0) == dims[1], where + ": time coordinate does not match metrics");
    expect(r, dims_of(g, "district").at(0) == dims[2], where + ": district coordinate does not match metrics");
    expect(r, dims_of(g, "metric").at(0) == dims[3], where + ": metric coordinate does not match metrics");
    if (has_attr(g, "replicates_planned")) {
        std::uint64_t planned = 0;
        h5::read_attr(g, "replicates_planned", H5T_NATIVE_UINT64, &planned);
        expect(r, dims[0] == planned,
               where + " is incomplete: " + std::to_string(dims[0]) + " of " + std::to_string(planned) + " replicates");
    }
    std::vector<double> m, okv, ledger;
    if (!read_doubles(g, "metrics", m, r, where)) return;
    read_doubles(g, "replicate_ok", okv, r, where);
    const std::size_t row = dims[1] * dims[2] * dims[3];
    std::size_t bad = 0;
    for (std::size_t k = 0; k < dims[0] && k < okv.size(); ++k) {
        if (okv[k] != 1) continue;
        for (std::size_t i = 0; i < row; ++i) {
            const double v = m[k * row + i];
            if (!std::isfinite(v) || v < 0) ++bad;
        }
    }
    expect(r, bad == 0,
           where + "/metrics has " + std::to_string(bad) +
               " missing, infinite or negative values in completed replicates");
    if (has_link(g, "ledger") && read_doubles(g, "ledger", ledger, r, where)) {
        std::size_t unbalanced = 0;
        for (std::size_t i = 0; i + 4 < ledger.size() + 1; i += 5) {
            const double gap = ledger[i] - (ledger[i + 1] + ledger[i + 2] + ledger[i + 3]);
            if (std::isfinite(gap) && std::abs(gap) > 1e-9 * std::max(1.0, std::abs(ledger[i]))) ++unbalanced;
        }
        expect(r, unbalanced == 0,
               where + "/ledger: funds_in differs from operations + rewards + unspent in " +
                   std::to_string(unbalanced) + " rows");
    }
}

herr_t collect_names(hid_t, const char* name, const H5L_info_t*, void* out) {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
}

}  // namespace

verify_report verify_file(const std::string& path) {
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
    for (const char* a : {"kcsim_version", "schema_version", "git_commit", "created", "seed"}) {
        expect(r, has_attr(f, a), "root attribute '" + std::string(a) + "' is missing (not a kcsim results file?)");
    }
    if (has_attr(f, "schema_version")) {
        std::int64_t v = 0;
        h5::read_attr(f, "schema_version", H5T_NATIVE_INT64, &v);
        expect(r, v == schema_version,
               "schema_version " + std::to_string(v) + " is not this kcsim's " + std::to_string(schema_version));
    }
    std::vector<std::string> scenarios;
    if (has_link(f, "scenarios")) {
        h5::handle g(H5Gopen2(f, "scenarios", H5P_DEFAULT), H5Gclose, "scenarios");
        H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_names, &scenarios);
    }
    r.sweep = has_link(f, "sweep");
    r.scenarios = scenarios.size();
    expect(r, !scenarios.empty() || r.sweep, "no /scenarios/<name> group and no /sweep group");
    for (const auto& s : scenarios) check_scenario(f, s, r);
    if (has_link(f, "comparison")) {
        h5::handle g(H5Gopen2(f, "comparison", H5P_DEFAULT), H5Gclose, "comparison");
        std::vector<double> summary;
        read_doubles(g, "summary", summary, r, "comparison");
        expect(r, dims_of(g, "scenario").at(0) == scenarios.size(), "comparison: scenarios differ from /scenarios");
    }
    return r;
}

}  // namespace kcsim::io
