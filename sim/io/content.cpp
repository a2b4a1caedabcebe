#include "io/content.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>
#include <sys/stat.h>
#include <vector>

#include "core/error.hpp"
#include "io/h5.hpp"

namespace kcsim::io {

namespace {

constexpr hsize_t max_values = hsize_t{1} << 27;  // read as values: 1 GiB of float64
constexpr hsize_t max_chunks = hsize_t{1} << 24;

struct object {
    std::string path;
    H5O_type_t type;
};

herr_t collect_object(hid_t, const char* name, const H5O_info_t* info, void* out) {
    static_cast<std::vector<object>*>(out)->push_back({name, info->type});
    return 0;
}

std::vector<object> objects_of(hid_t file) {
    std::vector<object> all;
    h5::check(H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, collect_object, &all, H5O_INFO_ALL),
              "listing the file's objects");
    return all;
}

herr_t collect_attr(hid_t, const char* name, const H5A_info_t*, void* out) {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
}

hsize_t points(hid_t space) {
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) throw io_error("HDF5: a dataspace cannot be read");
    return static_cast<hsize_t>(n);
}

// Reads `n` values of type class `cls` through `read(memtype, buffer)` and folds them into h.
template <class Read, class Reclaim>
void add_values(core::sha256& h, hid_t file_type, hsize_t n, const std::string& what, Read read, Reclaim reclaim) {
    const H5T_class_t cls = H5Tget_class(file_type);
    h.update_u64(static_cast<std::uint64_t>(cls));
    h.update_u64(n);
    if (n > max_values) throw io_error(what + " holds " + std::to_string(n) + " values, more than any kcsim file");
    if (n == 0) return;
    if (cls == H5T_STRING && H5Tis_variable_str(file_type) > 0) {
        h5::handle t(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
        h5::check(H5Tset_size(t, H5T_VARIABLE), "string size");
        h5::check(H5Tset_cset(t, H5Tget_cset(file_type)), "string charset");
        std::vector<char*> v(n, nullptr);
        h5::check(read(t.get(), v.data()), "reading " + what);
        for (const char* s : v) {
            h.update_u64(s ? 1 : 0);
            h.update_text(s ? std::string_view(s) : std::string_view());
        }
        reclaim(t.get(), v.data());
    } else if (cls == H5T_STRING) {
        const std::size_t size = H5Tget_size(file_type);
        if (size == 0 || size > (std::size_t{64} << 20) || n * size > (hsize_t{1} << 30))
            throw io_error(what + " has an impossible string size");
        h5::handle t(H5Tcopy(file_type), H5Tclose, "string type");
        std::vector<char> buf(n * size);
        h5::check(read(t.get(), buf.data()), "reading " + what);
        for (hsize_t i = 0; i < n; ++i) {
            const char* s = buf.data() + i * size;
            h.update_text(std::string_view(s, strnlen(s, size)));
        }
    } else if (cls == H5T_INTEGER) {
        const bool is_signed = H5Tget_sign(file_type) == H5T_SGN_2;
        std::vector<std::uint64_t> v(n);
        h5::check(read(is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64, v.data()), "reading " + what);
        for (auto x : v) h.update_u64(x);
    } else if (cls == H5T_FLOAT) {
        std::vector<double> v(n);
        h5::check(read(H5T_NATIVE_DOUBLE, v.data()), "reading " + what);
        h.update(v.data(), v.size() * sizeof(double));
    }
    // Other classes (object references of dimension scales) hold file addresses: only the class counts.
}

void add_attributes(core::sha256& h, hid_t obj, const std::string& path) {
    std::vector<std::string> names;
    h5::check(H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attr, &names),
              "listing the attributes of '" + path + "'");
    for (const auto& name : names) {
        if (path == "." && name == "content_sha256") continue;
        if (name == "DIMENSION_LIST" || name == "REFERENCE_LIST") continue;
        h5::handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "opening attribute '" + name + "'");
        h5::handle t(H5Aget_type(a), H5Tclose, "attribute type");
        h5::handle s(H5Aget_space(a), H5Sclose, "attribute space");
        h.update_text("attribute");
        h.update_text(name);
        add_values(
            h, t, points(s), "attribute '" + name + "' of '" + path + "'",
            [&](hid_t mt, void* buf) { return H5Aread(a, mt, buf); },
            [&](hid_t mt, void* buf) { H5Dvlen_reclaim(mt, s, H5P_DEFAULT, buf); });
    }
}

// Every chunk coordinate of a chunked dataset, in row-major order.
template <class F> void for_each_chunk(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk, F f) {
    hsize_t count = 1;
    for (std::size_t k = 0; k < dims.size(); ++k) {
        if (chunk[k] == 0) throw io_error("HDF5: a chunk of size 0");
        const hsize_t n = (dims[k] + chunk[k] - 1) / chunk[k];
        if (n != 0 && count > max_chunks / n) throw io_error("a dataset of more chunks than any kcsim file");
        count *= n;
    }
    if (count == 0) return;
    std::vector<hsize_t> at(dims.size(), 0);
    for (hsize_t c = 0; c < count; ++c) {
        f(at);
        for (std::size_t k = dims.size(); k-- > 0;) {
            at[k] += chunk[k];
            if (at[k] < dims[k]) break;
            at[k] = 0;
        }
    }
}

std::string stored_chunks_digest(hid_t d, const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk,
                                 std::size_t type_size, const std::string& path) {
    core::sha256 sub;
    hsize_t raw = type_size;
    for (auto c : chunk) raw *= c;
    std::vector<unsigned char> buf;
    for_each_chunk(dims, chunk, [&](const std::vector<hsize_t>& at) {
        hsize_t size = 0;
        if (H5Dget_chunk_storage_size(d, at.data(), &size) < 0 || size == 0) {
            sub.update_text("absent");
            return;
        }
        // Deflate can grow incompressible data a little; anything beyond is damage.
        if (size > raw + raw / 8 + 4096) throw io_error("'" + path + "' has a chunk larger than it can be");
        buf.resize(size);
        std::uint32_t mask = 0;
        h5::check(H5Dread_chunk(d, H5P_DEFAULT, at.data(), &mask, buf.data()), "reading a chunk of '" + path + "'");
        add_stored_chunk(sub, mask, buf.data(), buf.size());
    });
    return sub.hex();
}

void add_dataset(core::sha256& h, hid_t file, const std::string& path, const chunk_digests& known) {
    h5::handle d(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "opening '" + path + "'");
    h5::handle t(H5Dget_type(d), H5Tclose, "dataset type");
    h5::handle s(H5Dget_space(d), H5Sclose, "dataspace");
    h5::handle dcpl(H5Dget_create_plist(d), H5Pclose, "dataset properties");
    const auto dims = h5::dims_of(s, path);
    h.update_text("dataset");
    h.update_u64(dims.size());
    for (auto x : dims) h.update_u64(x);
    if (H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_nfilters(dcpl) > 0) {
        std::vector<hsize_t> chunk(dims.size());
        if (H5Pget_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()) != static_cast<int>(dims.size()))
            throw io_error("HDF5: the chunks of '" + path + "' cannot be read");
        h.update_u64(static_cast<std::uint64_t>(H5Tget_class(t)));
        h.update_u64(H5Tget_size(t));
        const auto it = known.find(path);
        h.update_text(it != known.end() ? it->second : stored_chunks_digest(d, dims, chunk, H5Tget_size(t), path));
        return;
    }
    add_values(
        h, t, points(s), "'" + path + "'",
        [&](hid_t mt, void* buf) { return H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); },
        [&](hid_t mt, void* buf) { H5Dvlen_reclaim(mt, s, H5P_DEFAULT, buf); });
}

}  // namespace

void add_stored_chunk(core::sha256& h, std::uint32_t filter_mask, const void* data, std::size_t size) {
    h.update_u64(filter_mask);
    h.update_u64(size);
    h.update(data, size);
}

std::string content_sha256(hid_t file, const chunk_digests& known) {
    core::sha256 h;
    h.update_text("kcsim content_sha256 1");
    for (const auto& o : objects_of(file)) {
        h.update_text("object");
        h.update_text(o.path);
        h.update_u64(static_cast<std::uint64_t>(o.type));
        if (o.type != H5O_TYPE_GROUP && o.type != H5O_TYPE_DATASET) continue;
        h5::handle obj(H5Oopen(file, o.path.c_str(), H5P_DEFAULT), H5Oclose, "opening '" + o.path + "'");
        add_attributes(h, obj, o.path);
        if (o.type == H5O_TYPE_DATASET) add_dataset(h, file, o.path, known);
    }
    return h.hex();
}

// ---- the global heap -------------------------------------------------------------------------

namespace {

std::uint64_t le(const unsigned char* p, int n) {
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

struct extent {
    std::uint64_t at, size;
};

struct string_dataset {
    std::string path;
    std::vector<extent> storage;  // where its references are
    std::vector<hsize_t> valid;   // how many references of each piece are inside the extent
};

class reader {
public:
    explicit reader(const std::string& path) : f_(std::fopen(path.c_str(), "rb")), path_(path) {
        if (!f_) throw io_error("cannot open '" + path + "'");
        struct stat st {};
        if (::fstat(fileno(f_), &st) != 0) throw io_error("cannot read '" + path + "'");
        size_ = static_cast<std::uint64_t>(st.st_size);
    }
    ~reader() { std::fclose(f_); }
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;
    std::uint64_t size() const { return size_; }
    std::vector<unsigned char> read(std::uint64_t at, std::uint64_t n) const {
        if (at > size_ || n > size_ - at) throw io_error("'" + path_ + "' is truncated or damaged: data past its end");
        std::vector<unsigned char> b(n);
        if (n > 0 && (std::fseek(f_, static_cast<long>(at), SEEK_SET) != 0 || std::fread(b.data(), 1, n, f_) != n))
            throw io_error("cannot read '" + path_ + "'");
        return b;
    }

private:
    std::FILE* f_;
    std::string path_;
    std::uint64_t size_ = 0;
};

// Where every dataset's raw data is (no heap collection can be there), and the variable-length
// string datasets' references.
void raw_extents(hid_t file, std::vector<extent>& raw, std::vector<string_dataset>& strings) {
    for (const auto& o : objects_of(file)) {
        if (o.type != H5O_TYPE_DATASET) continue;
        h5::handle d(H5Dopen2(file, o.path.c_str(), H5P_DEFAULT), H5Dclose, "opening '" + o.path + "'");
        h5::handle t(H5Dget_type(d), H5Tclose, "dataset type");
        h5::handle s(H5Dget_space(d), H5Sclose, "dataspace");
        h5::handle dcpl(H5Dget_create_plist(d), H5Pclose, "dataset properties");
        const bool vlen = H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0;
        if (H5Tget_class(t) == H5T_VLEN) throw io_error("'" + o.path + "' is of a type no kcsim file has");
        string_dataset sd{o.path, {}, {}};
        const auto dims = h5::dims_of(s, o.path);
        const auto layout = H5Pget_layout(dcpl);
        if (layout == H5D_CONTIGUOUS) {
            const haddr_t at = H5Dget_offset(d);
            const hsize_t size = H5Dget_storage_size(d);
            if (at != HADDR_UNDEF && size > 0) {
                raw.push_back({at, size});
                sd.storage.push_back({at, size});
                sd.valid.push_back(points(s));
            }
        } else if (layout == H5D_CHUNKED) {
            std::vector<hsize_t> chunk(dims.size());
            if (H5Pget_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()) != static_cast<int>(dims.size()))
                throw io_error("HDF5: the chunks of '" + o.path + "' cannot be read");
            h5::handle fs(H5Dget_space(d), H5Sclose, "dataspace");
            for_each_chunk(dims, chunk, [&](const std::vector<hsize_t>& at) {
                unsigned mask = 0;
                haddr_t addr = HADDR_UNDEF;
                hsize_t size = 0;
                if (H5Dget_chunk_info_by_coord(d, at.data(), &mask, &addr, &size) < 0 || addr == HADDR_UNDEF) return;
                raw.push_back({addr, size});
                if (!vlen) return;
                if (dims.size() != 1) throw io_error("'" + o.path + "' is of a shape no kcsim file has");
                sd.storage.push_back({addr, size});
                sd.valid.push_back(std::min(chunk[0], dims[0] - at[0]));
            });
        }
        if (vlen) strings.push_back(std::move(sd));
    }
}

}  // namespace

void check_string_heaps(const std::string& path, hid_t file) {
    const std::string bad = "'" + path + "' is damaged: ";
    reader in(path);
    std::vector<extent> raw;
    std::vector<string_dataset> strings;
    raw_extents(file, raw, strings);
    std::sort(raw.begin(), raw.end(), [](const extent& a, const extent& b) { return a.at < b.at; });

    // Heap collections ("GCOL", version 1) lie outside every dataset's raw data: look there.
    static constexpr unsigned char magic[8] = {'G', 'C', 'O', 'L', 1, 0, 0, 0};
    std::map<std::uint64_t, std::map<std::uint64_t, std::uint64_t>> heaps;  // address -> index -> size
    std::uint64_t from = 0;
    auto scan = [&](std::uint64_t lo, std::uint64_t hi) {
        if (hi <= lo) return;
        constexpr std::uint64_t piece = 1 << 20;
        for (std::uint64_t at = lo; at < hi; at += piece) {
            const std::uint64_t n = std::min(piece + 7, hi - at);
            const auto b = in.read(at, n);
            for (std::size_t i = 0; i + 8 <= b.size() && at + i < std::min(at + piece, hi); ++i) {
                if (b[i] == 'G' && std::memcmp(b.data() + i, magic, 8) == 0) heaps[at + i];
            }
        }
    };
    for (const auto& e : raw) {
        if (e.at > in.size() || e.size > in.size() - e.at) throw io_error(bad + "a dataset's data lies past its end");
        scan(from, e.at);
        from = std::max(from, e.at + e.size);
    }
    scan(from, in.size());

    // Each collection walked as HDF5 1.10 parses it (H5HG__cache_heap_deserialize): object
    // headers of 16 bytes (index, references, reserved, size), data padded to 8 bytes; index 0
    // is free space. Every step must move forward and stay inside the collection.
    for (auto& [at, objects] : heaps) {
        const auto head = in.read(at, 16);
        const std::uint64_t size = le(head.data() + 8, 8);
        if (size < 4096 || size > in.size() - at)
            throw io_error(bad + "a string heap collection has an impossible size");
        const auto b = in.read(at, size);
        std::uint64_t p = 16;
        while (p < size) {
            if (size - p < 16) break;  // too small for a header: free space
            const std::uint64_t idx = le(b.data() + p, 2);
            const std::uint64_t n = le(b.data() + p + 8, 8);
            std::uint64_t need;
            if (idx > 0) {
                if (n > size - p - 16) throw io_error(bad + "a string in the heap runs past its collection");
                need = 16 + ((n + 7) / 8) * 8;
                if (!objects.emplace(idx, n).second) throw io_error(bad + "a string heap lists an object twice");
            } else {
                need = n;
            }
            if (need == 0 || need > size - p) throw io_error(bad + "a string heap collection is inconsistent");
            p += need;
        }
    }

    // Every string reference stored in a dataset (length, collection, index) must name a string
    // of exactly that length; HDF5 copies the heap's length into a buffer of the reference's.
    for (const auto& sd : strings) {
        for (std::size_t k = 0; k < sd.storage.size(); ++k) {
            const auto& e = sd.storage[k];
            if (sd.valid[k] > e.size / 16) throw io_error(bad + "'" + sd.path + "' is shorter than its shape");
            const auto b = in.read(e.at, sd.valid[k] * 16);
            for (hsize_t i = 0; i < sd.valid[k]; ++i) {
                const unsigned char* r = b.data() + i * 16;
                const std::uint64_t len = le(r, 4), heap = le(r + 4, 8), idx = le(r + 12, 4);
                if (len == 0) continue;  // an empty string: HDF5 does not read the heap
                const auto h = heaps.find(heap);
                const bool good = h != heaps.end() && h->second.count(idx) && h->second.at(idx) == len;
                if (!good) throw io_error(bad + "a string of '" + sd.path + "' points to no string of its length");
            }
        }
    }
}

}  // namespace kcsim::io
