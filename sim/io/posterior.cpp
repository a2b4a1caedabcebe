#include "io/posterior.hpp"

#include <hdf5.h>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "io/h5.hpp"

namespace kcsim::io {

namespace {

std::vector<double> read_doubles(hid_t g, const std::string& name, std::vector<hsize_t>& dims) {
    h5::handle d(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose, "opening '/posterior/" + name + "'");
    h5::handle space(H5Dget_space(d), H5Sclose, "dataspace");
    dims = h5::dims_of(space, "/posterior/" + name);
    hsize_t n = 1;
    for (auto x : dims) n *= x;
    std::vector<double> v(n);
    if (n > 0)
        h5::check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()),
                  "reading '/posterior/" + name + "'");
    return v;
}

}  // namespace

posterior read_posterior(const std::string& path) {
    h5::quiet_errors quiet;
    posterior p;
    p.path = path;
    auto file = h5::open_for_reading(path, "the posterior (--parameters)");
    if (H5Lexists(file, "posterior", H5P_DEFAULT) <= 0)
        throw input_error(path + ": no /posterior group: --parameters takes a file made by kcsim calibrate");
    h5::handle g(H5Gopen2(file, "posterior", H5P_DEFAULT), H5Gclose, "opening '/posterior'");
    const std::string keys = h5::read_fixed_attr(g, "parameter_keys");
    for (std::size_t from = 0; from < keys.size();) {
        const auto nl = keys.find('\n', from);
        p.keys.push_back(keys.substr(from, nl - from));
        from = nl == std::string::npos ? keys.size() : nl + 1;
    }
    std::vector<hsize_t> dims;
    p.draws = read_doubles(g, "draws", dims);
    if (dims.size() != 2 || dims[1] != p.keys.size() || dims[0] == 0)
        throw input_error(path + ": /posterior/draws is not [draw][parameter] with " + std::to_string(p.keys.size()) +
                          " parameters");
    p.draw_sample = read_doubles(g, "draw_sample", dims);
    std::int64_t id = 0;
    h5::read_attr(g, "programme_effect_identified", H5T_NATIVE_INT64, &id);
    p.effect_identified = id != 0;
    // What the draws are, whatever the file is called: recorded by a sweep over them.
    std::string content = keys + '\n';
    content.append(reinterpret_cast<const char*>(p.draws.data()), p.draws.size() * sizeof(double));
    p.draws_sha256 = core::sha256_hex(content);
    return p;
}

posterior read_posterior_for(const std::string& path, std::size_t replicates, const std::string& who) {
    if (path.empty()) return {};
    auto post = read_posterior(path);
    if (replicates > post.size())
        throw input_error(who + ": " + std::to_string(replicates) + " replicates are more than the " +
                          std::to_string(post.size()) + " draws of " + path +
                          " (replicate r runs with draw r): give at most that many");
    return post;
}

}  // namespace kcsim::io
