#version 330 core
// Window/level of an 8-bit frame, the same formula as WindowLevel::Map():
// output = clamp((value - (level - window / 2)) / window, 0, 1), per channel.
uniform sampler2D u_image;
uniform int u_channels;  // 1: luma (R8 texture), 3: colour (RGB8)
uniform float u_lower;   // level - window / 2, in 0..255 units
uniform float u_window;  // in 0..255 units
in vec2 v_uv;
out vec4 o_color;

void main() {
  vec3 value = texture(u_image, v_uv).rgb * 255.0;
  if (u_channels == 1) value = vec3(value.r);
  o_color = vec4(clamp((value - u_lower) / u_window, 0.0, 1.0), 1.0);
}
