// Checks of kcsim files before Python readers (h5py, xarray) touch them: HDF5 itself can crash
// or loop on a damaged file, so kcsim.open_results runs kcsim verify's structure checks first.
#include <filesystem>
#include <string>

#include <pybind11/pybind11.h>

#include "bind.hpp"
#include "core/error.hpp"
#include "io/verify.hpp"

namespace py = pybind11;

namespace kcsim::py_bind {

void bind_files(py::module_& m) {
    m.def(
        "check_results",
        [](const std::string& path, bool full) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(path, ec))
                throw io_error("'" + path + "' is not a file" +
                               (std::filesystem::exists(path, ec) ? "" : " (it does not exist)"));
            io::verify_report r;
            {
                py::gil_scoped_release release;
                r = io::verify_file(path, full ? io::verify_depth::full : io::verify_depth::structure);
            }
            if (!r.problems.empty()) {
                const std::string more =
                    r.problems.size() > 1 ? " (and " + std::to_string(r.problems.size() - 1) + " more)" : "";
                throw io_error("'" + path + "' is not a sound kcsim results file: " + r.problems.front() + more +
                               "; kcsim verify says more");
            }
            py::dict out;
            out["checks"] = r.checks;
            out["schema_version"] = r.schema;
            out["content_checked"] = r.content_checked;
            py::list notes;
            for (const auto& n : r.notes) notes.append(n);
            out["notes"] = notes;
            return out;
        },
        py::arg("path"), py::arg("full") = false,
        "Checks a kcsim results file as `kcsim verify` does (full=True) or only its structure, sizes and "
        "string heap (full=False, fast). Raises OSError naming the file and the first problem.");
}

}  // namespace kcsim::py_bind
