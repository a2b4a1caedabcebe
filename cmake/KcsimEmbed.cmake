# Embeds the scenario files into the program, so `kcsim run` with no file runs the default
# scenario and every built-in scenario resolves its `extends` without the source tree.
function(kcsim_embed_scenarios target root)
  file(GLOB_RECURSE files RELATIVE ${root} CONFIGURE_DEPENDS ${root}/*.toml)
  list(SORT files)
  set(out ${CMAKE_BINARY_DIR}/generated/embedded_scenarios.cpp)
  string(REPLACE ";" "|" joined "${files}")
  set(abs "")
  foreach(f IN LISTS files)
    list(APPEND abs ${root}/${f})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DROOT=${root} "-DFILES=${joined}" -DOUT=${out}
            -P ${CMAKE_SOURCE_DIR}/cmake/write_embedded.cmake
    DEPENDS ${abs} ${CMAKE_SOURCE_DIR}/cmake/write_embedded.cmake
    COMMENT "kcsim: embedding ${root}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
