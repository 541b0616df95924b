# Embeds every shaders/*.vert and shaders/*.frag into one generated header, so
# antra-view does not depend on its working directory. Run at build time:
#   cmake -DSHADER_DIR=... -DOUTPUT=... -P EmbedShaders.cmake
# shaders/image.frag becomes antra::viewer::shaders::k_image_frag.
file(GLOB shaders "${SHADER_DIR}/*.vert" "${SHADER_DIR}/*.frag")
list(SORT shaders)
set(content "#pragma once\n// Generated from shaders/ by cmake/EmbedShaders.cmake at build time: do not edit.\n#include <string_view>\n\nnamespace antra::viewer::shaders {\n\n")
foreach(shader IN LISTS shaders)
  get_filename_component(name "${shader}" NAME)
  string(MAKE_C_IDENTIFIER "${name}" id)
  file(READ "${shader}" text)
  if(text MATCHES "\\)antra_glsl\"")
    message(FATAL_ERROR "${shader} contains the raw-string delimiter")
  endif()
  string(APPEND content "inline constexpr std::string_view k_${id} = R\"antra_glsl(${text})antra_glsl\";\n\n")
endforeach()
string(APPEND content "}  // namespace antra::viewer::shaders\n")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
