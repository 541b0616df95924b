#pragma once
// OpenGL 3.3 core entry points. Debian's libGL (GLVND) exports every core
// function through its dispatch table, so they are called directly instead of
// being loaded by hand. Include this before GLFW (which is told to include
// no GL header of its own).

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#define GLFW_INCLUDE_NONE
