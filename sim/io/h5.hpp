#pragma once
// A thin RAII layer over the HDF5 C API (the only thread-safe HDF5 API), and the few
// operations the run store needs. Every failure becomes a kcsim::io_error naming the object.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

namespace kcsim::io::h5 {

class handle {
public:
    using closer = herr_t (*)(hid_t);
    handle() = default;
    handle(hid_t id, closer c, const std::string& what);  // throws if id < 0
    ~handle() { reset(); }
    handle(handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
    handle& operator=(handle&& o) noexcept {
        if (this != &o) {
            reset();
            id_ = std::exchange(o.id_, -1);
            close_ = o.close_;
        }
        return *this;
    }
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    hid_t get() const { return id_; }
    operator hid_t() const { return id_; }
    void reset();

private:
    hid_t id_ = -1;
    closer close_ = nullptr;
};

void check(herr_t status, const std::string& what);  // throws io_error if status < 0
std::string last_error();  // the system error behind the failure, else the innermost HDF5 message, one line

// Call first in a program: HDF5 registers no exit handler. Its handler closes files left open,
// and crashes (HDF5 1.10) on a file whose close already failed for want of disk space; kcsim
// closes every file it completes itself and deletes the others.
void skip_exit_cleanup();

// File access for the files kcsim writes: the HDF5 1.10 format, whose superblock, object headers,
// B-trees and heaps carry checksums, so damaged metadata is detected rather than parsed.
handle file_access();
// Opens a kcsim file read-only. Refuses (io_error) a file that does not start with the HDF5
// signature or has no metadata checksums (superblock version < 2; kcsim before 0.1 wrote those):
// HDF5 1.10 parses such metadata unchecked, and damaged metadata can make it read out of bounds.
handle open_for_reading(const std::string& path, const std::string& what);

handle utf8_string_type();
handle create_group(hid_t parent, const std::string& name);
void write_attr(hid_t obj, const std::string& name, const std::string& value);
void write_attr(hid_t obj, const std::string& name, std::int64_t value);
void write_attr(hid_t obj, const std::string& name, std::uint64_t value);
void write_attr(hid_t obj, const std::string& name, double value);

// A fixed-length UTF-8 string attribute: stored in its object's header, so under the header's
// checksum (a variable-length string lives in the global heap, which has none; HDF5 1.10.8 loops
// forever on a damaged one, found by fuzz_h5). For files only kcsim reads: the state files.
void write_fixed_attr(hid_t obj, const std::string& name, const std::string& value);
// Reads such an attribute; refuses a variable-length or non-string one, and one of more than one value.
std::string read_fixed_attr(hid_t obj, const std::string& name);
// The shape of a dataspace (of `what`, for the message); a rank above 8 (kcsim's datasets have
// at most 4) is damage, refused before anything is sized by it.
std::vector<hsize_t> dims_of(hid_t space, const std::string& what);
// Reads a one-value attribute converted to `mem_type` into `out`; refuses (io_error) one of
// another shape, so that a damaged file cannot make HDF5 write past `out`.
void read_attr(hid_t obj, const std::string& name, hid_t mem_type, void* out);

// 1-D coordinate datasets; `scale` turns one into a dimension scale named after it.
handle write_strings(hid_t group, const std::string& name, const std::vector<std::string>& values);
handle write_ints(hid_t group, const std::string& name, std::span<const std::int32_t> values);
void make_scale(hid_t dset, const std::string& dim_name);
// A coordinate written and made a dimension scale of its own name, in one call.
handle string_scale(hid_t group, const std::string& name, const std::vector<std::string>& values);
handle int_scale(hid_t group, const std::string& name, std::span<const std::int32_t> values);
// An N-d float64 dataset, its dimensions attached to `scales` in order, with a long_name.
void write_doubles(hid_t group, const std::string& name, const std::vector<hsize_t>& dims, const double* data,
                   const std::vector<hid_t>& scales, const std::string& long_name);
void attach_scale(hid_t dset, hid_t scale, unsigned dim);

// Silences HDF5's own stack printing for the life of the object; kcsim reports errors itself.
class quiet_errors {
public:
    quiet_errors();
    ~quiet_errors();
    quiet_errors(const quiet_errors&) = delete;
    quiet_errors& operator=(const quiet_errors&) = delete;

private:
    H5E_auto2_t func_ = nullptr;
    void* data_ = nullptr;
};

}  // namespace kcsim::io::h5
