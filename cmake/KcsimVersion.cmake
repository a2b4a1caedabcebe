# The git commit is read at build time (not configure time) so a rebuild after a commit records
# the right one; "-dirty" marks uncommitted changes, "unknown" a tree without git.
set(KCSIM_VERSION_CPP ${CMAKE_BINARY_DIR}/generated/version.cpp)
add_custom_target(kcsim_version_info
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${KCSIM_VERSION_CPP}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/write_version.cmake
  BYPRODUCTS ${KCSIM_VERSION_CPP}
  COMMENT "kcsim: recording git commit"
  VERBATIM)
