#include "io/state_file.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <type_traits>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"
#include "io/h5.hpp"
#include "io/output_file.hpp"
#include "model/metrics.hpp"
#include "scenario/load.hpp"
#include "state/columns.hpp"

namespace kcsim::io {

namespace {

template <class T> hid_t native() {
    if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
    if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
    if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
    if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
    if constexpr (std::is_same_v<T, std::uint16_t>) return H5T_NATIVE_UINT16;
    if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
    if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
    if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
    if constexpr (std::is_same_v<T, int>) return H5T_NATIVE_INT;
}

// The content of a state, in a canonical byte string that its SHA-256 is taken over: each item
// as its name, a NUL, its size in bytes (8 bytes, little-endian as stored) and its bytes.
struct digest {
    std::string bytes;
    void add(std::string_view name, const void* data, std::size_t n) {
        bytes.append(name);
        bytes.push_back('\0');
        const std::uint64_t size = n;
        bytes.append(reinterpret_cast<const char*>(&size), sizeof size);
        if (n > 0) bytes.append(static_cast<const char*>(data), n);
    }
    template <class T, class A> void column(std::string_view name, const std::vector<T, A>& v) {
        add(name, v.data(), v.size() * sizeof(T));
    }
    template <class T> void scalar(std::string_view name, const T& v) { add(name, &v, sizeof v); }
    void text(std::string_view name, const std::string& v) { add(name, v.data(), v.size()); }
    std::string hex() const { return core::sha256_hex(bytes); }
};

// Group for a path like "firms/id": creates (or opens) the intermediate groups.
h5::handle parent_of(hid_t root, const std::string& path, std::string& leaf, bool create) {
    const auto slash = path.find('/');
    if (slash == std::string::npos) {
        leaf = path;
        return h5::handle(H5Gopen2(root, ".", H5P_DEFAULT), H5Gclose, "opening group");
    }
    const std::string g = path.substr(0, slash);
    leaf = path.substr(slash + 1);
    if (create && H5Lexists(root, g.c_str(), H5P_DEFAULT) <= 0) return h5::create_group(root, g);
    return h5::handle(H5Gopen2(root, g.c_str(), H5P_DEFAULT), H5Gclose, "opening group '" + g + "'");
}

template <class T, class A> void write_column(hid_t root, const std::string& path, const std::vector<T, A>& v) {
    std::string leaf;
    auto g = parent_of(root, path, leaf, true);
    const hsize_t n = v.size();
    h5::handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
    h5::handle d(H5Dcreate2(g, leaf.c_str(), native<T>(), space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
                 "creating '" + path + "'");
    if (n > 0) h5::check(H5Dwrite(d, native<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "writing '" + path + "'");
}

template <class T, class A> void read_column(hid_t root, const std::string& path, std::vector<T, A>& v) {
    std::string leaf;
    auto g = parent_of(root, path, leaf, false);
    h5::handle d(H5Dopen2(g, leaf.c_str(), H5P_DEFAULT), H5Dclose,
                 "opening '" + path + "' (is this a kcsim state file?)");
    h5::handle space(H5Dget_space(d), H5Sclose, "dataspace");
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) throw io_error("HDF5: '" + path + "' has no extent");
    v.resize(static_cast<std::size_t>(n));
    if (n > 0) h5::check(H5Dread(d, native<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "reading '" + path + "'");
}

template <class T> void write_scalar(hid_t obj, const std::string& name, const T& v) {
    h5::handle space(H5Screate(H5S_SCALAR), H5Sclose, "dataspace");
    h5::handle a(H5Acreate2(obj, name.c_str(), native<T>(), space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                 "creating attribute '" + name + "'");
    h5::check(H5Awrite(a, native<T>(), &v), "writing attribute '" + name + "'");
}

template <class T> void read_scalar(hid_t obj, const std::string& name, T& v) {
    h5::read_attr(obj, name, native<T>(), &v);
}

// Text attributes are fixed-length strings, under the object header's checksum (h5.hpp).
std::string read_text(hid_t obj, const std::string& name) { return h5::read_fixed_attr(obj, name); }

// A world's teams' district lists, flattened, and its ledger, by field: how a state file stores them.
struct flat_extras {
    std::vector<std::uint64_t> offsets = {0};
    std::vector<std::uint16_t> list;
    std::vector<std::int32_t> year;
    std::vector<double> in, cof, ops, rew, unfunded, unspent, not_done;  // not_done: [year][budget line]
    template <class F> void for_each(F&& f) {
        f("teams/district_offsets", offsets), f("teams/district_list", list), f("ledger/year", year);
        f("ledger/funds_in", in), f("ledger/operations", ops), f("ledger/rewards", rew);
        f("ledger/unfunded", unfunded), f("ledger/unspent", unspent), f("ledger/cofunding", cof);
        f("ledger/not_done", not_done);
    }
};

flat_extras flatten(const state::world& w) {
    flat_extras x;
    for (const auto& ds : w.t.districts) {
        x.list.insert(x.list.end(), ds.begin(), ds.end());
        x.offsets.push_back(x.list.size());
    }
    for (const auto& y : w.ledger) {
        x.year.push_back(y.year), x.in.push_back(y.funds_in), x.ops.push_back(y.operations);
        x.rew.push_back(y.rewards), x.unfunded.push_back(y.unfunded), x.unspent.push_back(y.unspent);
        x.cof.push_back(y.cofunding), x.not_done.insert(x.not_done.end(), y.not_done.begin(), y.not_done.end());
    }
    return x;
}

// The checksum of one replicate's state: every column, scalar, the flattened extras and the metrics.
std::string state_sha256(std::uint64_t replicate, const state::world& w, flat_extras& x,
                         const std::vector<double>& metrics) {
    digest d;
    d.scalar("replicate", replicate);
    state::for_each_column(w, [&](const char* name, const auto& v) { d.column(name, v); });
    state::for_each_scalar(w, [&](const char* name, const auto& v) { d.scalar(name, v); });
    x.for_each([&](const char* name, const auto& v) { d.column(name, v); });
    d.column("metrics", metrics);
    return d.hex();
}

std::string header_sha256(const state_header& h, const std::string& kcsim_version, const std::string& commit,
                          std::int64_t schema, std::int64_t format) {
    digest d;
    d.text("kind", "kcsim state"), d.text("kcsim_version", kcsim_version), d.text("git_commit", commit);
    d.scalar("schema_version", schema), d.scalar("state_format", format);
    d.text("scenario_name", h.scenario_name), d.text("scenario_toml", h.scenario_toml);
    d.text("scenario_sha256", h.scenario_sha256), d.scalar("seed", h.seed);
    d.scalar("step", static_cast<std::int64_t>(h.step)), d.text("date", h.date), d.scalar("replicates", h.replicates);
    return d.hex();
}

void write_world(hid_t g, const state::world& w, flat_extras& x) {
    state::for_each_column(w, [&](const char* name, const auto& v) { write_column(g, name, v); });
    state::for_each_scalar(w, [&](const char* name, const auto& v) { write_scalar(g, name, v); });
    x.for_each([&](const char* name, const auto& v) { write_column(g, name, v); });
}

// The number of values of a 1-D dataset, before anything is read.
std::uint64_t extent_of(hid_t root, const std::string& path) {
    std::string leaf;
    auto g = parent_of(root, path, leaf, false);
    h5::handle d(H5Dopen2(g, leaf.c_str(), H5P_DEFAULT), H5Dclose, "opening '" + path + "'");
    h5::handle space(H5Dget_space(d), H5Sclose, "dataspace");
    const auto dims = h5::dims_of(space, path);
    if (dims.size() != 1) throw io_error("'" + path + "' is not a column");
    return dims[0];
}

// Bounds no state can exceed; a larger extent is damage, refused before anything is allocated.
constexpr std::uint64_t max_agents = std::uint64_t{1} << 28;  // firms, start-ups, teams, consortia
constexpr std::uint64_t max_replicates = 1000000;             // as kcsim run --replicates

[[noreturn]] void damaged(const std::string& path, const std::string& what) {
    throw io_error("state file '" + path + "' is damaged: " + what + " (make it again with kcsim run --save-state)");
}

// Checks every column's length against the scenario and the other columns, before reading.
void check_extents(hid_t g, const std::string& path, const std::string& where, const scenario::scenario& sc, int step) {
    const std::uint64_t D = sc.districts.size(), S = sc.sectors.size();
    auto n = [&](const std::string& c) { return extent_of(g, c); };
    const std::uint64_t firms = n("firms/id"), teams = n("teams/sector"), consortia = n("consortia/sector"),
                        startups = n("startups/id"), years = n("ledger/year"), experts = n("experts/field"),
                        reports = n("reports/step");
    for (auto [count, what] : {std::pair{firms, "firms"},
                               {teams, "teams"},
                               {consortia, "consortia"},
                               {startups, "start-ups"},
                               {years, "ledger years"},
                               {experts, "experts"},
                               {reports, "team reports"}}) {
        if (count > max_agents) damaged(path, where + " declares " + std::to_string(count) + " " + what);
    }
    state::world probe;
    state::for_each_column(probe, [&](const char* name, const auto&) {
        const std::string c(name);
        std::uint64_t want = 0;
        if (c.starts_with("firms/"))
            want = firms;
        else if (c.starts_with("teams/"))
            want = teams;
        else if (c.starts_with("consortia/"))
            want = consortia;
        else if (c.starts_with("experts/"))
            want = experts;
        else if (c.starts_with("reports/"))
            want = reports;
        else if (c.starts_with("startups/"))
            want = startups;
        else if (c == "districts/open_posted" || c == "districts/open_unposted" || c == "districts/serve_chance" ||
                 c == "districts/visit_chance" || c == "districts/fit")
            want = D * S;
        else
            want = D;
        const auto got = n(c);
        if (got != want) {
            damaged(path,
                    where + "/" + c + " has " + std::to_string(got) + " values, expected " + std::to_string(want));
        }
    });
    if (n("teams/district_offsets") != teams + 1)
        damaged(path, where + "/teams/district_offsets has " + std::to_string(n("teams/district_offsets")) +
                          " values for " + std::to_string(teams) + " teams");
    if (n("teams/district_list") > teams * D) damaged(path, where + "/teams/district_list is too long");
    for (const char* c : {"ledger/funds_in", "ledger/cofunding", "ledger/operations", "ledger/rewards",
                          "ledger/unfunded", "ledger/unspent"}) {
        if (n(c) != years)
            damaged(path,
                    where + "/" + c + " has " + std::to_string(n(c)) + " values, expected " + std::to_string(years));
    }
    if (n("ledger/not_done") != years * state::budget_lines)
        damaged(path, where + "/ledger/not_done has " + std::to_string(n("ledger/not_done")) + " values, expected " +
                          std::to_string(years * state::budget_lines));
    const std::uint64_t metrics = static_cast<std::uint64_t>(step) * D * model::n_metrics;
    if (n("metrics") != metrics)
        damaged(path, where + "/metrics has " + std::to_string(n("metrics")) + " values, expected " +
                          std::to_string(metrics) + " (" + std::to_string(step) + " steps)");
}

// Every index and reference in a world against the scenario (a checksum can be recomputed by
// whoever edits a file; these make any state kcsim accepts one it can run).
void check_world(const state::world& w, const std::string& path, const std::string& where, const scenario::scenario& sc,
                 int step) {
    const std::size_t D = sc.districts.size(), S = sc.sectors.size();
    auto bad = [&](const std::string& col, std::size_t k, const std::string& what) {
        damaged(path, where + "/" + col + "[" + std::to_string(k) + "] " + what);
    };
    if (w.step != step)
        damaged(path,
                where + " is at step " + std::to_string(w.step) + ", the file's header says " + std::to_string(step));
    if (w.visit_district < -1 || w.visit_district >= static_cast<std::int64_t>(D))
        damaged(path, where + "/visit_district " + std::to_string(w.visit_district) + " is not a district");
    if (w.next_firm_id < w.f.size() || w.next_startup_id < w.s.size())
        damaged(path, where + ": agent counters are below the number of agents");
    for (std::size_t k = 0; k < w.f.size(); ++k) {
        if (w.f.district[k] >= D)
            bad("firms/district", k, "= " + std::to_string(w.f.district[k]) + " is not a district");
        if (w.f.sector[k] >= S) bad("firms/sector", k, "= " + std::to_string(w.f.sector[k]) + " is not a sector");
        if (w.f.consortium[k] < -1 || w.f.consortium[k] >= static_cast<std::int64_t>(w.c.size()))
            bad("firms/consortium", k, "= " + std::to_string(w.f.consortium[k]) + " is not a consortium or -1");
        if (w.f.id[k] >= w.next_firm_id) bad("firms/id", k, "is not below next_firm_id");
    }
    for (std::size_t k = 0; k < w.t.size(); ++k) {
        if (w.t.sector[k] >= S) bad("teams/sector", k, "is not a sector");
        if (w.t.formed_step[k] < 0 || w.t.formed_step[k] > step) bad("teams/formed_step", k, "is outside the run");
        if (w.t.experts[k] < 0) bad("teams/experts", k, "is negative");
        for (auto d : w.t.districts[k])
            if (d >= D) bad("teams/district_list", k, "names district " + std::to_string(d) + ", not a district");
        if (w.t.districts[k].empty()) bad("teams/district_list", k, "has no district");
    }
    for (std::size_t k = 0; k < w.x.size(); ++k) {
        if (w.x.field[k] >= S) bad("experts/field", k, "is not a sector");
        if (w.x.home[k] > state::expert_home::firm) bad("experts/home", k, "is not an institution kind");
        if (w.x.district[k] >= D) bad("experts/district", k, "is not a district");
        if (w.x.team[k] < 0 || w.x.team[k] >= static_cast<std::int64_t>(w.t.size()))
            bad("experts/team", k, "is not a team");
        if (!(w.x.capacity[k] >= 0)) bad("experts/capacity", k, "is not a capacity");
    }
    for (std::size_t k = 0; k < w.r.size(); ++k) {
        if (w.r.team[k] < 0 || w.r.team[k] >= static_cast<std::int64_t>(w.t.size()))
            bad("reports/team", k, "is not a team");
        if (w.r.step[k] < 0 || w.r.step[k] >= step) bad("reports/step", k, "is outside the run");
        if (w.r.district[k] >= D) bad("reports/district", k, "is not a district");
    }
    for (std::size_t k = 0; k < w.c.size(); ++k) {
        if (w.c.sector[k] >= S) bad("consortia/sector", k, "is not a sector");
        if (w.c.anchor[k] >= D) bad("consortia/anchor", k, "is not a district");
        if (w.c.formed_step[k] < 0 || w.c.formed_step[k] > step) bad("consortia/formed_step", k, "is outside the run");
    }
    for (std::size_t k = 0; k < w.s.size(); ++k) {
        if (w.s.district[k] >= D) bad("startups/district", k, "is not a district");
        if (w.s.sector[k] >= S) bad("startups/sector", k, "is not a sector");
        if (w.s.status[k] > state::startup_status::failed) bad("startups/status", k, "is not a status");
        if (w.s.id[k] >= w.next_startup_id) bad("startups/id", k, "is not below next_startup_id");
        if (w.s.admitted_step[k] < 0 || w.s.admitted_step[k] > step)
            bad("startups/admitted_step", k, "is outside the run");
    }
    for (std::size_t k = 0; k < D; ++k) {
        if (w.d.pilot[k] > static_cast<std::uint8_t>(scenario::pilot_level::national))
            bad("districts/pilot", k, "is not a pilot level");
    }
}

state::world read_world(hid_t g, flat_extras& x) {
    state::world w;
    state::for_each_column(w, [&](const char* name, auto& v) { read_column(g, name, v); });
    state::for_each_scalar(w, [&](const char* name, auto& v) { read_scalar(g, name, v); });
    x.for_each([&](const char* name, auto& v) { read_column(g, name, v); });
    return w;
}

// The teams' district lists and the ledger from their stored form (lengths already checked).
void unflatten(const flat_extras& x, state::world& w, const std::string& path, const std::string& where) {
    for (std::size_t k = 0; k + 1 < x.offsets.size(); ++k) {
        if (x.offsets[k + 1] < x.offsets[k] || x.offsets[k + 1] > x.list.size())
            damaged(path, where + "/teams/district_offsets is not increasing within the list");
        w.t.districts.emplace_back(x.list.begin() + static_cast<std::ptrdiff_t>(x.offsets[k]),
                                   x.list.begin() + static_cast<std::ptrdiff_t>(x.offsets[k + 1]));
    }
    if (x.offsets.front() != 0 || x.offsets.back() != x.list.size())
        damaged(path, where + "/teams/district_offsets does not span the list");
    for (std::size_t k = 0; k < x.year.size(); ++k) {
        state::ledger_year y{x.year[k], x.in[k], x.cof[k], x.ops[k], x.rew[k], x.unfunded[k], x.unspent[k], {}};
        std::copy_n(x.not_done.begin() + static_cast<std::ptrdiff_t>(k * state::budget_lines), state::budget_lines,
                    y.not_done.begin());
        w.ledger.push_back(y);
    }
}

h5::handle open_file(const std::string& path) { return h5::open_for_reading(path, "state file"); }

// State files with a header checksum and one per state (after kcsim 0.2.0); format 1 had none.
constexpr std::int64_t state_format = 3;  // 3: ledger cofunding and not_done, district purses, funded shares; experts and team reports

// The saved scenario of a (checked) header, parsed once per file and header: every replicate's
// read checks against it, and replicates are read in parallel.
scenario::scenario_ptr saved_scenario(const std::string& path, const state_header& h) {
    static std::mutex m;
    static std::string key;
    static scenario::scenario_ptr last;
    std::lock_guard lock(m);
    if (!last || key != h.scenario_sha256) {
        last = scenario::load_text(h.scenario_toml, path + " (saved scenario)", ".");
        key = h.scenario_sha256;
    }
    return last;
}

}  // namespace

struct state_writer::impl {
    output_file out;
    h5::quiet_errors quiet;
    h5::handle file;
    h5::handle states;
    impl(const std::string& path, bool overwrite) : out(path, overwrite) {}
};

state_writer::state_writer(const std::string& path, bool overwrite, const state_header& h) try
    : impl_(std::make_unique<impl>(path, overwrite)) {
    auto& s = *impl_;
    s.file = h5::handle(H5Fcreate(s.out.temp_path().c_str(), H5F_ACC_EXCL, H5P_DEFAULT, h5::file_access()), H5Fclose,
                        "creating '" + s.out.temp_path() + "'");
    h5::write_fixed_attr(s.file, "kind", "kcsim state");
    h5::write_fixed_attr(s.file, "kcsim_version", std::string(version()));
    h5::write_fixed_attr(s.file, "git_commit", std::string(git_commit()));
    h5::write_attr(s.file, "schema_version", static_cast<std::int64_t>(schema_version));
    h5::write_attr(s.file, "state_format", state_format);
    h5::write_fixed_attr(s.file, "scenario_name", h.scenario_name);
    h5::write_fixed_attr(s.file, "scenario_toml", h.scenario_toml);
    h5::write_fixed_attr(s.file, "scenario_sha256", h.scenario_sha256);
    h5::write_attr(s.file, "seed", h.seed);
    h5::write_attr(s.file, "step", static_cast<std::int64_t>(h.step));
    h5::write_fixed_attr(s.file, "date", h.date);
    h5::write_attr(s.file, "replicates", h.replicates);
    h5::write_fixed_attr(
        s.file, "header_sha256",
        header_sha256(h, std::string(version()), std::string(git_commit()), schema_version, state_format));
    s.states = h5::create_group(s.file, "states");
} catch (const io_error&) {
    rethrow_write_error(path);
}

state_writer::~state_writer() {
    if (impl_) {
        impl_->states.reset();
        impl_->file.reset();
    }
}

void state_writer::add(const saved_state& st) try {
    h5::quiet_errors quiet;  // per thread: the sink may run on a worker thread
    auto g = h5::create_group(impl_->states, std::to_string(st.replicate));
    auto x = flatten(st.world);
    write_world(g, st.world, x);
    write_column(g, "metrics", st.metrics);
    h5::write_fixed_attr(g, "sha256", state_sha256(st.replicate, st.world, x, st.metrics));
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

void state_writer::commit() try {
    h5::quiet_errors quiet;  // per thread: the sink may run on a worker thread
    auto& s = *impl_;
    h5::check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "flushing the state file");
    s.states.reset();
    s.file.reset();
    s.out.commit();
} catch (const io_error&) {
    rethrow_write_error(impl_->out.final_path());
}

state_header read_state_header(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw input_error("state file '" + path + "' does not exist");
    h5::quiet_errors quiet;
    auto f = open_file(path);
    if (H5Aexists(f, "kind") <= 0 || read_text(f, "kind") != "kcsim state") {
        throw input_error("'" + path + "' is not a kcsim state file (made by kcsim run --save-state)");
    }
    std::int64_t format = 1;
    if (H5Aexists(f, "state_format") > 0) read_scalar(f, "state_format", format);
    if (format != state_format) {
        throw input_error("state file '" + path + "' has format " + std::to_string(format) + ", this kcsim reads " +
                          std::to_string(state_format) +
                          " (format 1, kcsim 0.2.0 and before, had no checksums): make it again with kcsim run "
                          "--save-state");
    }
    state_header h;
    std::int64_t schema = 0, step = 0;
    std::string stored;
    try {
        h.scenario_name = read_text(f, "scenario_name");
        h.scenario_toml = read_text(f, "scenario_toml");
        h.scenario_sha256 = read_text(f, "scenario_sha256");
        read_scalar(f, "seed", h.seed);
        read_scalar(f, "step", step);
        h.date = read_text(f, "date");
        read_scalar(f, "replicates", h.replicates);
        read_scalar(f, "schema_version", schema);
        stored = read_text(f, "header_sha256");
        h.step = static_cast<int>(step);
        if (header_sha256(h, read_text(f, "kcsim_version"), read_text(f, "git_commit"), schema, format) != stored ||
            h.step != step)
            damaged(path, "its header does not match its checksum");
    } catch (const io_error& e) {
        if (std::string(e.what()).starts_with("state file '")) throw;
        damaged(path, std::string("its header cannot be read: ") + e.what());
    }
    // What can be recomputed is: the scenario's hash, the step and date against its calendar.
    if (core::sha256_hex(h.scenario_toml) != h.scenario_sha256)
        damaged(path, "the saved scenario's SHA-256 is not its scenario_sha256");
    if (h.replicates < 1 || h.replicates > max_replicates)
        damaged(path, "it declares " + std::to_string(h.replicates) + " replicates");
    const auto sc = saved_scenario(path, h);
    if (h.step < 0 || h.step > sc->cal.steps())
        damaged(path, "step " + std::to_string(h.step) + " is outside the saved scenario's " +
                          std::to_string(sc->cal.steps()) + " steps");
    if (h.date != core::to_iso(sc->cal.step_start(h.step)))
        damaged(path, "date " + h.date + " is not the start of step " + std::to_string(h.step));
    return h;
}

saved_state read_state(const std::string& path, std::uint64_t replicate) {
    const auto h = read_state_header(path);  // checked, and its scenario with it
    const auto sc = saved_scenario(path, h);
    h5::quiet_errors quiet;
    auto f = open_file(path);
    const std::string name = "states/" + std::to_string(replicate);
    if (H5Lexists(f, "states", H5P_DEFAULT) <= 0 || H5Lexists(f, name.c_str(), H5P_DEFAULT) <= 0) {
        throw io_error("state file '" + path + "' has no state for replicate " + std::to_string(replicate));
    }
    saved_state s;
    s.replicate = replicate;
    try {
        h5::handle g(H5Gopen2(f, name.c_str(), H5P_DEFAULT), H5Gclose, "opening '" + name + "'");
        check_extents(g, path, name, *sc, h.step);
        flat_extras x;
        s.world = read_world(g, x);
        read_column(g, "metrics", s.metrics);
        if (state_sha256(replicate, s.world, x, s.metrics) != read_text(g, "sha256"))
            damaged(path, name + " does not match its checksum");
        unflatten(x, s.world, path, name);
    } catch (const io_error& e) {
        if (std::string(e.what()).starts_with("state file '")) throw;
        damaged(path, name + " cannot be read: " + e.what());
    }
    check_world(s.world, path, name, *sc, h.step);
    return s;
}

}  // namespace kcsim::io
