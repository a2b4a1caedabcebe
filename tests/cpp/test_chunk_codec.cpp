// The metrics chunks kcsim encodes itself (io/chunk_codec) against HDF5's own filter pipeline:
// the same stages (byte for byte up to deflate, and at the level deflate HDF5 uses), the same data
// inside, readable through HDF5's filters, and refused when damaged.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <unistd.h>
#include <zlib.h>

#include "engine/ensemble.hpp"
#include "io/chunk_codec.hpp"
#include "io/h5.hpp"
#include "io/run_store.hpp"
#include "scenario/load.hpp"
#include "temp_dir.hpp"

// HDF5's own checksum: exported by libhdf5 but declared only in its private headers.
extern "C" std::uint32_t H5_checksum_fletcher32(const void* data, std::size_t len);

using namespace kcsim;
namespace fs = std::filesystem;
using bytes = std::vector<unsigned char>;

namespace {

io::h5::handle create_file(const fs::path& p) {
    return {H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, io::h5::file_access()), H5Fclose, "creating"};
}

// A dataset of n doubles in one chunk, with the metrics dataset's filters (as run_store sets them).
io::h5::handle one_chunk_dataset(hid_t file, const std::string& name, hsize_t n) {
    io::h5::handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "dcpl");
    io::h5::check(H5Pset_chunk(dcpl, 1, &n), "chunk");
    io::h5::check(H5Pset_fletcher32(dcpl), "fletcher32");
    io::h5::check(H5Pset_shuffle(dcpl), "shuffle");
    io::h5::check(H5Pset_deflate(dcpl, io::metrics_deflate_level), "deflate");
    io::h5::handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "space");
    return {H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose, name};
}

// The chunk at `offset` as stored, and its filter mask.
std::pair<bytes, std::uint32_t> stored_chunk(hid_t dset, const std::vector<hsize_t>& offset) {
    hsize_t size = 0;
    io::h5::check(H5Dget_chunk_storage_size(dset, offset.data(), &size), "chunk size");
    bytes b(size);
    std::uint32_t mask = 0xffffffff;
    io::h5::check(H5Dread_chunk(dset, H5P_DEFAULT, offset.data(), &mask, b.data()), "reading chunk");
    return {b, mask};
}

// What HDF5's filters store for `values`.
std::pair<bytes, std::uint32_t> hdf5_encoded(hid_t file, const std::string& name, const std::vector<double>& values) {
    auto d = one_chunk_dataset(file, name, values.size());
    io::h5::check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "writing");
    io::h5::check(H5Dflush(d), "flushing");  // a chunk smaller than the chunk cache waits there
    return stored_chunk(d, {0});
}

// A deflate stream inflated (to what the filters before deflate made), `size` bytes.
bytes inflated(const bytes& stream, std::size_t size) {
    bytes out(size + 1);  // one more: a longer result shows as a size mismatch
    auto n = static_cast<uLongf>(out.size());
    const int status = uncompress(out.data(), &n, stream.data(), static_cast<uLong>(stream.size()));
    REQUIRE(status == Z_OK);
    out.resize(n);
    return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Data like the metrics: counts with many zeros and repeats, some fractions, NaN after a failure.
std::vector<double> metrics_like(std::size_t n, std::uint32_t seed) {
    std::mt19937_64 g(seed);
    std::vector<double> v(n);
    for (auto& x : v) {
        const auto u = g() % 100;
        x = u < 40   ? 0.0
            : u < 70 ? static_cast<double>(g() % 5)
            : u < 95 ? static_cast<double>(g() % 50000)
                     : 0.1 * static_cast<double>(g() % 1000);
    }
    for (std::size_t k = n - n / 10; k < n; ++k) v[k] = std::numeric_limits<double>::quiet_NaN();
    return v;
}

std::vector<double> random_bits(std::size_t n, std::uint32_t seed) {
    std::mt19937_64 g(seed);
    std::vector<double> v(n);
    for (auto& x : v) {
        const std::uint64_t b = g();
        std::memcpy(&x, &b, sizeof x);
    }
    return v;
}

}  // namespace

TEST_CASE("fletcher32 is HDF5's checksum, for every length and fold", "[io]") {
    std::mt19937 g(7);
    bytes data(5000);
    for (auto& b : data) b = static_cast<unsigned char>(g());
    // Odd lengths (a last half word), and the folds every 360 words (720 bytes).
    for (std::size_t len :
         std::initializer_list<std::size_t>{1, 2, 3, 7, 8, 719, 720, 721, 722, 1440, 1441, 4999, 5000}) {
        INFO("length " << len);
        CHECK(io::fletcher32({data.data(), len}) == H5_checksum_fletcher32(data.data(), len));
    }
    const bytes ones(100001, 0xff);  // the largest sums
    CHECK(io::fletcher32(ones) == H5_checksum_fletcher32(ones.data(), ones.size()));
}

TEST_CASE("an encoded chunk holds the bytes HDF5's filter pipeline stores", "[io]") {
    temp_dir dir("kcsim_codec");
    auto f = create_file(dir.path / "ref.h5");
    std::vector<std::pair<std::string, std::vector<double>>> cases = {
        {"metrics-like", metrics_like(156 * 41 * 36, 1)},
        // Incompressible: deflate's output is larger than its input, and HDF5 keeps it anyway.
        {"random bits", random_bits(5000, 2)},
        // One element (no shuffle), two, and the Fletcher32 folds (90 doubles = 360 words).
        {"one", {3.5}},
        {"two", {0.0, -0.0}},
        {"three", {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(), 1e300}},
        {"89", metrics_like(89, 3)},
        {"90", metrics_like(90, 4)},
        {"91", metrics_like(91, 5)},
        {"zeros", std::vector<double>(10000, 0.0)},
    };
    for (const auto& [name, values] : cases) {
        INFO(name);
        const auto [expect, mask] = hdf5_encoded(f, name, values);
        CHECK(mask == 0);  // every filter applied
        // Our stages at HDF5's deflate level are HDF5's bytes exactly ...
        const std::span<const unsigned char> raw(reinterpret_cast<const unsigned char*>(values.data()),
                                                 values.size() * sizeof(double));
        const auto before_deflate = io::shuffle(io::append_fletcher32(raw), sizeof(double));
        CHECK(io::deflate(before_deflate, io::metrics_deflate_level) == expect);
        // ... and the stored chunk, deflated by runs, inflates to what HDF5's chunk inflates to.
        const auto mine = io::encode_metrics_chunk(values);
        CHECK(inflated(mine, before_deflate.size()) == before_deflate);
        CHECK(inflated(expect, before_deflate.size()) == before_deflate);
        if (name == "random bits") CHECK(expect.size() > values.size() * sizeof(double) + 4);
        if (name == "metrics-like") CHECK(mine.size() < expect.size());  // runs suit shuffled doubles
    }
}

TEST_CASE("a chunk written raw reads back through HDF5's filters, and a damaged one is refused", "[io]") {
    temp_dir dir("kcsim_codec");
    const auto path = dir.path / "raw.h5";
    const auto values = metrics_like(20000, 9);
    const auto good = io::encode_metrics_chunk(values);
    // The data changed after the checksum was taken: a sound deflate stream, a wrong Fletcher32.
    bytes data(values.size() * sizeof(double));
    std::memcpy(data.data(), values.data(), data.size());
    auto summed = io::append_fletcher32(data);
    summed[1234] ^= 0x10;
    const auto bad_sum = io::deflate(io::shuffle(summed, sizeof(double)), io::metrics_deflate_level);
    // A flipped bit in the stored bytes.
    auto flipped = good;
    flipped[flipped.size() / 2] ^= 0x01;
    {
        auto f = create_file(path);
        const hsize_t origin = 0;
        const std::pair<const char*, const bytes*> chunks[] = {
            {"good", &good}, {"bad_sum", &bad_sum}, {"flipped", &flipped}};
        for (const auto& [name, chunk] : chunks) {
            auto d = one_chunk_dataset(f, name, values.size());
            io::h5::check(H5Dwrite_chunk(d, H5P_DEFAULT, 0, &origin, chunk->size(), chunk->data()), "writing chunk");
        }
    }
    io::h5::quiet_errors quiet;
    io::h5::handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "opening");
    auto read = [&](const char* name, hid_t dxpl) {
        io::h5::handle d(H5Dopen2(f, name, H5P_DEFAULT), H5Dclose, name);
        std::vector<double> out(values.size());
        const herr_t rc = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, dxpl, out.data());
        return std::pair{rc, out};
    };
    const auto [rc, back] = read("good", H5P_DEFAULT);
    REQUIRE(rc >= 0);  // Fletcher32 verified
    CHECK(same_bits(back, values));
    CHECK(read("bad_sum", H5P_DEFAULT).first < 0);
    CHECK(read("flipped", H5P_DEFAULT).first < 0);
    // With the check off the bad_sum chunk reads: it was Fletcher32 that refused it.
    io::h5::handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "dxpl");
    io::h5::check(H5Pset_edc_check(dxpl, H5Z_DISABLE_EDC), "edc");
    const auto [rc_off, altered] = read("bad_sum", dxpl);
    CHECK(rc_off >= 0);
    CHECK_FALSE(same_bits(altered, values));
}

TEST_CASE("run_store writes the chunks HDF5 would, prepared in the pipeline or not", "[io]") {
    // The same data inside as HDF5's own chunks (the deflate streams differ: runs, not level 1).
    temp_dir dir("kcsim_codec");
    auto sc = scenario::load_text(
        "name = \"short\"\nextends = \"builtin:base/programme-2021.toml\"\n[calendar]\nend = 2021-06-30\n",
        "short.toml");
    engine::execution_context ctx(2);
    std::vector<engine::replicate_result> results;
    engine::run_ensemble(sc, {.seed = 5, .replicates = 2, .prepare = io::run_store::prepare}, ctx,
                         [&](engine::replicate_result&& r) { results.push_back(std::move(r)); });
    REQUIRE(results.size() == 2);
    REQUIRE_FALSE(results[0].encoded_metrics.empty());  // prepare ran in the parallel stage
    auto unprepared = results[1];
    unprepared.encoded_metrics.clear();  // append encodes it itself
    const auto out = dir.path / "run.h5";
    {
        io::run_store store(out.string(), false, {5, "test", 2});
        const auto g = store.add_scenario(*sc, 3);
        store.append(g, results[0]);
        store.append(g, results[1]);
        store.append(g, unprepared);
        store.commit();
    }
    std::vector<double> all;
    for (const auto* r : {&results[0], &results[1], &unprepared})
        all.insert(all.end(), r->metrics.begin(), r->metrics.end());

    io::h5::handle f(H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "opening");
    io::h5::handle d(H5Dopen2(f, "scenarios/short/metrics", H5P_DEFAULT), H5Dclose, "metrics");
    std::vector<double> back(all.size());
    REQUIRE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()) >= 0);
    CHECK(same_bits(back, all));

    // The same values written through HDF5's filters, with the store's own creation properties.
    io::h5::handle dcpl(H5Dget_create_plist(d), H5Pclose, "dcpl");
    io::h5::handle space(H5Dget_space(d), H5Sclose, "space");
    auto ref_file = create_file(dir.path / "ref.h5");
    io::h5::handle ref(H5Dcreate2(ref_file, "metrics", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose,
                       "ref");
    REQUIRE(H5Dwrite(ref, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()) >= 0);
    for (hsize_t r = 0; r < 3; ++r) {
        INFO("replicate row " << r);
        const auto [mine, mask] = stored_chunk(d, {r, 0, 0, 0});
        const auto [theirs, their_mask] = stored_chunk(ref, {r, 0, 0, 0});
        CHECK(mask == 0);
        CHECK(their_mask == 0);
        const std::size_t size = all.size() / 3 * sizeof(double) + 4;
        CHECK(inflated(mine, size) == inflated(theirs, size));
    }
}
