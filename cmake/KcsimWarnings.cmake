# Warnings, floating-point and sanitizer flags for kcsim's own targets only
# (never through CMAKE_CXX_FLAGS, so third-party headers stay out of -Werror).

# -ffp-contract=off: FMA contraction changes bits between ISA levels; determinism needs it off.
# Never -ffast-math.
add_library(kcsim_flags INTERFACE)
target_compile_options(kcsim_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  -ffp-contract=off
  # GCC 12 reports false -Wrestrict on std::string concatenation at -O3 (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  $<$<BOOL:${KCSIM_WERROR}>:-Werror>)

if(KCSIM_SANITIZE)
  string(REPLACE ";" "," _kcsim_san "${KCSIM_SANITIZE}")
  target_compile_options(kcsim_flags INTERFACE -fsanitize=${_kcsim_san} -fno-omit-frame-pointer
                                               -fno-sanitize-recover=all)
  target_link_options(kcsim_flags INTERFACE -fsanitize=${_kcsim_san})
endif()
