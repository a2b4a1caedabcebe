#include "io/state_file.hpp"

#include <cstdint>
#include <filesystem>
#include <type_traits>

#include "core/error.hpp"
#include "core/version.hpp"
#include "io/h5.hpp"
#include "io/output_file.hpp"
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

void write_world(hid_t g, const state::world& w) {
    state::for_each_column(w, [&](const char* name, const auto& v) { write_column(g, name, v); });
    state::for_each_scalar(w, [&](const char* name, const auto& v) { write_scalar(g, name, v); });
    // Teams' district lists, flattened; the ledger, by field.
    std::vector<std::uint64_t> offsets = {0};
    std::vector<std::uint16_t> list;
    for (const auto& ds : w.t.districts) {
        list.insert(list.end(), ds.begin(), ds.end());
        offsets.push_back(list.size());
    }
    write_column(g, "teams/district_offsets", offsets);
    write_column(g, "teams/district_list", list);
    std::vector<std::int32_t> year;
    std::vector<double> in, ops, rew, unfunded, unspent;
    for (const auto& y : w.ledger) {
        year.push_back(y.year), in.push_back(y.funds_in), ops.push_back(y.operations), rew.push_back(y.rewards);
        unfunded.push_back(y.unfunded), unspent.push_back(y.unspent);
    }
    write_column(g, "ledger/year", year), write_column(g, "ledger/funds_in", in),
        write_column(g, "ledger/operations", ops);
    write_column(g, "ledger/rewards", rew), write_column(g, "ledger/unfunded", unfunded);
    write_column(g, "ledger/unspent", unspent);
}

state::world read_world(hid_t g) {
    state::world w;
    state::for_each_column(w, [&](const char* name, auto& v) { read_column(g, name, v); });
    state::for_each_scalar(w, [&](const char* name, auto& v) { read_scalar(g, name, v); });
    std::vector<std::uint64_t> offsets;
    std::vector<std::uint16_t> list;
    read_column(g, "teams/district_offsets", offsets);
    read_column(g, "teams/district_list", list);
    for (std::size_t k = 0; k + 1 < offsets.size(); ++k) {
        if (offsets[k + 1] < offsets[k] || offsets[k + 1] > list.size())
            throw io_error("state file: corrupt team districts");
        w.t.districts.emplace_back(list.begin() + static_cast<std::ptrdiff_t>(offsets[k]),
                                   list.begin() + static_cast<std::ptrdiff_t>(offsets[k + 1]));
    }
    std::vector<std::int32_t> year;
    std::vector<double> in, ops, rew, unfunded, unspent;
    read_column(g, "ledger/year", year), read_column(g, "ledger/funds_in", in),
        read_column(g, "ledger/operations", ops);
    read_column(g, "ledger/rewards", rew), read_column(g, "ledger/unfunded", unfunded);
    read_column(g, "ledger/unspent", unspent);
    for (std::size_t k = 0; k < year.size(); ++k) {
        w.ledger.push_back({year[k], in.at(k), ops.at(k), rew.at(k), unfunded.at(k), unspent.at(k)});
    }
    return w;
}

h5::handle open_file(const std::string& path) { return h5::open_for_reading(path, "state file"); }

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
    h5::write_fixed_attr(s.file, "scenario_name", h.scenario_name);
    h5::write_fixed_attr(s.file, "scenario_toml", h.scenario_toml);
    h5::write_fixed_attr(s.file, "scenario_sha256", h.scenario_sha256);
    h5::write_attr(s.file, "seed", h.seed);
    h5::write_attr(s.file, "step", static_cast<std::int64_t>(h.step));
    h5::write_fixed_attr(s.file, "date", h.date);
    h5::write_attr(s.file, "replicates", h.replicates);
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
    write_world(g, st.world);
    write_column(g, "metrics", st.metrics);
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
    state_header h;
    h.scenario_name = read_text(f, "scenario_name");
    h.scenario_toml = read_text(f, "scenario_toml");
    h.scenario_sha256 = read_text(f, "scenario_sha256");
    read_scalar(f, "seed", h.seed);
    std::int64_t step = 0;
    read_scalar(f, "step", step);
    h.step = static_cast<int>(step);
    h.date = read_text(f, "date");
    read_scalar(f, "replicates", h.replicates);
    return h;
}

saved_state read_state(const std::string& path, std::uint64_t replicate) {
    h5::quiet_errors quiet;
    auto f = open_file(path);
    const std::string name = "states/" + std::to_string(replicate);
    if (H5Lexists(f, "states", H5P_DEFAULT) <= 0 || H5Lexists(f, name.c_str(), H5P_DEFAULT) <= 0) {
        throw io_error("state file '" + path + "' has no state for replicate " + std::to_string(replicate));
    }
    h5::handle g(H5Gopen2(f, name.c_str(), H5P_DEFAULT), H5Gclose, "opening '" + name + "'");
    saved_state s;
    s.replicate = replicate;
    s.world = read_world(g);
    read_column(g, "metrics", s.metrics);
    return s;
}

}  // namespace kcsim::io
