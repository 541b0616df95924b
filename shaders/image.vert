#version 330 core
// The image as one quad. u_rect is the image rectangle in normalised device
// coordinates: (left, top, right, bottom). Texture row 0 is the image's top row.
layout(location = 0) in vec2 a_corner;  // (0,0) top left .. (1,1) bottom right
uniform vec4 u_rect;
out vec2 v_uv;

void main() {
  v_uv = a_corner;
  gl_Position = vec4(mix(u_rect.xy, u_rect.zw, a_corner), 0.0, 1.0);
}
