#include "io/h5.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <hdf5_hl.h>

#include "core/error.hpp"

namespace kcsim::io::h5 {

namespace {
herr_t walk(unsigned n, const H5E_error2_t* e, void* out) {
    if (n == 0 && e && e->desc) *static_cast<std::string*>(out) = e->desc;
    return 0;
}

// A failed read or write of the file names the system error inside a long, multi-line text
// ("file write failed: time = ..., errno = 28, error message = '...', buf = ..."): keep the reason.
herr_t find_errno(unsigned, const H5E_error2_t* e, void* out) {
    const char* at = e && e->desc ? std::strstr(e->desc, "errno = ") : nullptr;
    if (at) *static_cast<int*>(out) = std::atoi(at + 8);
    return 0;
}
}  // namespace

std::string last_error() {
    std::string msg;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, &msg);
    int err = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, find_errno, &err);
    if (err > 0) return std::strerror(err);
    for (auto& c : msg) {
        if (c == '\n' || c == '\r') c = ' ';  // one line, whatever HDF5 says
    }
    return msg;
}

void check(herr_t status, const std::string& what) {
    if (status < 0) {
        std::string detail = last_error();
        throw io_error("HDF5: " + what + " failed" + (detail.empty() ? "" : ": " + detail));
    }
}

void skip_exit_cleanup() { H5dont_atexit(); }

handle::handle(hid_t id, closer c, const std::string& what) : id_(id), close_(c) {
    if (id < 0) {
        id_ = -1;
        check(-1, what);
    }
}

void handle::reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
}

quiet_errors::quiet_errors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}
quiet_errors::~quiet_errors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

handle file_access() {
    handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "file access properties");
    check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110), "choosing the HDF5 1.10 format");
    return fapl;
}

handle open_for_reading(const std::string& path, const std::string& what) {
    // The signature at offset 0 (kcsim writes no user block), then the superblock version.
    static constexpr char signature[] = "\x89HDF\r\n\x1a\n";
    char head[9] = {};
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw io_error("cannot open " + what + " '" + path + "': " + std::strerror(errno));
    const std::size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    if (n < sizeof head || std::memcmp(head, signature, 8) != 0)
        throw io_error("'" + path + "' is not an HDF5 file (truncated, damaged, or another format)");
    if (static_cast<unsigned char>(head[8]) < 2) {
        throw io_error("'" + path + "' has no metadata checksums (HDF5 superblock version " +
                       std::to_string(static_cast<int>(head[8])) +
                       "): written by another program or an older kcsim; kcsim reads only files it can check");
    }
    return handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "opening " + what + " '" + path + "'");
}

handle utf8_string_type() {
    handle t(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    check(H5Tset_size(t, H5T_VARIABLE), "string size");
    check(H5Tset_cset(t, H5T_CSET_UTF8), "string charset");
    return t;
}

handle create_group(hid_t parent, const std::string& name) {
    return handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                  "creating group '" + name + "'");
}

namespace {
template <class T> void write_scalar_attr(hid_t obj, const std::string& name, hid_t type, const T& v) {
    handle space(H5Screate(H5S_SCALAR), H5Sclose, "attribute space");
    handle a(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
             "creating attribute '" + name + "'");
    check(H5Awrite(a, type, &v), "writing attribute '" + name + "'");
}
}  // namespace

void write_attr(hid_t obj, const std::string& name, const std::string& value) {
    auto t = utf8_string_type();
    const char* p = value.c_str();
    write_scalar_attr(obj, name, t, p);
}
void write_attr(hid_t obj, const std::string& name, std::int64_t value) {
    write_scalar_attr(obj, name, H5T_NATIVE_INT64, value);
}
void write_attr(hid_t obj, const std::string& name, std::uint64_t value) {
    write_scalar_attr(obj, name, H5T_NATIVE_UINT64, value);
}
void write_attr(hid_t obj, const std::string& name, double value) {
    write_scalar_attr(obj, name, H5T_NATIVE_DOUBLE, value);
}

namespace {
handle open_one_value_attr(hid_t obj, const std::string& name) {
    handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "opening attribute '" + name + "'");
    handle space(H5Aget_space(a), H5Sclose, "attribute space");
    if (H5Sget_simple_extent_npoints(space) != 1)
        throw io_error("attribute '" + name + "' is not a single value (damaged or not a kcsim file)");
    return a;
}
}  // namespace

void read_attr(hid_t obj, const std::string& name, hid_t mem_type, void* out) {
    auto a = open_one_value_attr(obj, name);
    check(H5Aread(a, mem_type, out), "reading attribute '" + name + "'");
}

void write_fixed_attr(hid_t obj, const std::string& name, const std::string& value) {
    handle t(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    check(H5Tset_size(t, value.size() + 1), "string size");
    check(H5Tset_cset(t, H5T_CSET_UTF8), "string charset");
    handle space(H5Screate(H5S_SCALAR), H5Sclose, "attribute space");
    handle a(H5Acreate2(obj, name.c_str(), t, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
             "creating attribute '" + name + "'");
    check(H5Awrite(a, t, value.c_str()), "writing attribute '" + name + "'");
}

std::vector<hsize_t> dims_of(hid_t space, const std::string& what) {
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > 8) throw io_error("'" + what + "' has an impossible rank");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
}

std::string read_fixed_attr(hid_t obj, const std::string& name) {
    auto a = open_one_value_attr(obj, name);
    handle t(H5Aget_type(a), H5Tclose, "attribute type");
    if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) != 0)
        throw io_error("attribute '" + name + "' is not a fixed-length string (damaged or not a kcsim file)");
    const std::size_t size = H5Tget_size(t);
    if (size == 0 || size > (std::size_t{64} << 20)) throw io_error("attribute '" + name + "' has an impossible size");
    std::string buf(size, '\0');
    check(H5Aread(a, t, buf.data()), "reading attribute '" + name + "'");
    buf.resize(std::strlen(buf.c_str()));
    return buf;
}

handle write_strings(hid_t group, const std::string& name, const std::vector<std::string>& values) {
    auto t = utf8_string_type();
    const hsize_t n = values.size();
    handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
    handle d(H5Dcreate2(group, name.c_str(), t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
             "creating dataset '" + name + "'");
    std::vector<const char*> ptrs;
    for (const auto& v : values) ptrs.push_back(v.c_str());
    check(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "writing dataset '" + name + "'");
    return d;
}

handle write_ints(hid_t group, const std::string& name, std::span<const std::int32_t> values) {
    const hsize_t n = values.size();
    handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "dataspace");
    handle d(H5Dcreate2(group, name.c_str(), H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
             "creating dataset '" + name + "'");
    check(H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "writing dataset '" + name + "'");
    return d;
}

void make_scale(hid_t dset, const std::string& dim_name) {
    check(H5DSset_scale(dset, dim_name.c_str()), "making '" + dim_name + "' a dimension scale");
}

handle string_scale(hid_t group, const std::string& name, const std::vector<std::string>& values) {
    auto d = write_strings(group, name, values);
    make_scale(d, name);
    return d;
}

handle int_scale(hid_t group, const std::string& name, std::span<const std::int32_t> values) {
    auto d = write_ints(group, name, values);
    make_scale(d, name);
    return d;
}

void write_doubles(hid_t group, const std::string& name, const std::vector<hsize_t>& dims, const double* data,
                   const std::vector<hid_t>& scales, const std::string& long_name) {
    handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "dataspace");
    handle d(H5Dcreate2(group, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
             "creating '" + name + "'");
    hsize_t n = 1;
    for (auto x : dims) n *= x;
    if (n > 0) check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing '" + name + "'");
    for (std::size_t k = 0; k < scales.size(); ++k) attach_scale(d, scales[k], static_cast<unsigned>(k));
    write_attr(d, "long_name", long_name);
}

void attach_scale(hid_t dset, hid_t scale, unsigned dim) {
    check(H5DSattach_scale(dset, scale, dim), "attaching a dimension scale");
}

}  // namespace kcsim::io::h5
