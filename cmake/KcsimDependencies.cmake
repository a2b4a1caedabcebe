# Every dependency comes from Debian's packages (scripts/install-deps.sh installs them).
# A missing one stops configure with the package to install.

macro(kcsim_require found pkg what)
  if(NOT ${found})
    message(FATAL_ERROR "kcsim: ${what} not found. Install the Debian package '${pkg}' "
                        "(or run scripts/install-deps.sh, which `make` does for you).")
  endif()
endmacro()

find_package(Threads REQUIRED)
find_package(TBB CONFIG QUIET)
if(NOT TBB_FOUND AND KCSIM_SANITIZE MATCHES "thread")
  message(FATAL_ERROR "kcsim: the tsan preset needs oneTBB built with ThreadSanitizer in "
                      "${TBB_DIR}: run scripts/build-tsan-tbb.sh build-tsan/onetbb (make tsan does).")
endif()
kcsim_require(TBB_FOUND libtbb-dev "oneTBB")
find_package(Boost 1.74 QUIET)
kcsim_require(Boost_FOUND libboost-dev "Boost")
find_package(tomlplusplus CONFIG QUIET)
kcsim_require(tomlplusplus_FOUND libtomlplusplus-dev "toml++")
find_package(HDF5 QUIET COMPONENTS C HL)
kcsim_require(HDF5_FOUND libhdf5-dev "HDF5 (serial, C and HL)")
if(HDF5_IS_PARALLEL)
  message(FATAL_ERROR "kcsim: found a parallel HDF5 build (${HDF5_INCLUDE_DIRS}); kcsim needs the "
                      "serial, thread-safe build from libhdf5-dev. Clear the cache and reconfigure.")
endif()
find_package(ZLIB QUIET)
kcsim_require(ZLIB_FOUND zlib1g-dev "zlib")
find_package(MPI QUIET COMPONENTS C)
kcsim_require(MPI_C_FOUND "libopenmpi-dev openmpi-bin" "MPI (OpenMPI)")
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h)
kcsim_require(RANDOM123_INCLUDE_DIR librandom123-dev "Random123")

add_library(kcsim_random123 INTERFACE)
target_include_directories(kcsim_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

add_library(kcsim_hdf5 INTERFACE)
target_include_directories(kcsim_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(kcsim_hdf5 INTERFACE ${HDF5_C_LIBRARIES} ${HDF5_HL_LIBRARIES})
target_compile_definitions(kcsim_hdf5 INTERFACE ${HDF5_DEFINITIONS})

if(KCSIM_BUILD_PYTHON OR KCSIM_BUILD_TESTS)
  # The interpreter must be one that imports Debian's numpy: /usr/bin/python3 or a venv made from
  # it with --system-site-packages (the Makefile makes .venv). pyenv's python3 has no numpy.
  find_package(Python 3.9 COMPONENTS Interpreter Development.Module NumPy)
  if(NOT Python_NumPy_FOUND)
    message(FATAL_ERROR
      "kcsim: the Python interpreter '${Python_EXECUTABLE}' cannot import numpy.\n"
      "kcsim's bindings and tests need the interpreter with Debian's python3-numpy:\n"
      "  /usr/bin/python3 -m venv --system-site-packages .venv\n"
      "  cmake -DPython_EXECUTABLE=$PWD/.venv/bin/python ...\n"
      "(`make` does this for you). Do not use pyenv's python3.")
  endif()
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.10 CONFIG QUIET)
  kcsim_require(pybind11_FOUND pybind11-dev "pybind11")
endif()
