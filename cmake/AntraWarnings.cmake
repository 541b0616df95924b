# Warnings for Antra's own targets (not for third-party headers, which are SYSTEM).
add_library(antra_warnings INTERFACE)
target_compile_options(antra_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>
  $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>)

# antra_module(NAME SOURCES ... PUBLIC_DEPS ... PRIVATE_DEPS ...)
# One static library per module; headers are included as "module/file.h" from src/.
function(antra_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(antra_${name} STATIC ${ARG_SOURCES})
  add_library(antra::${name} ALIAS antra_${name})
  target_include_directories(antra_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(antra_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS} antra_warnings)
endfunction()
