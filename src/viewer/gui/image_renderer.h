#pragma once
// Draws the frame on screen through the GLSL program in shaders/image.vert
// and shaders/image.frag: one textured quad placed by the view transform,
// window/level applied per pixel on the GPU. The texture is replaced only when
// the frame (or luma/colour) changes, so a still image costs one draw call.

#include <memory>
#include <string>

#include "core/image.h"
#include "core/result.h"
#include "viewer/view_transform.h"
#include "viewer/window_level.h"

namespace antra::viewer::gui {

class ImageRenderer {
 public:
  static Result<std::unique_ptr<ImageRenderer>> Create();
  ~ImageRenderer();
  ImageRenderer(const ImageRenderer&) = delete;
  ImageRenderer& operator=(const ImageRenderer&) = delete;

  // `key` identifies the frame (document generation and frame index).
  void Upload(const Frame& frame, bool colour, long long key);
  void Forget();  // no image to draw (closed or failed document)
  bool has_image() const { return uploaded_key_ >= 0; }
  long long uploaded_key() const { return uploaded_key_; }

  // Draws into `viewport` (window coordinates), the image filling `image_rect`.
  void Draw(const ScreenRect& viewport, const ScreenRect& image_rect, const WindowLevel& window_level,
            cv::Size window_size, cv::Size framebuffer_size) const;

 private:
  ImageRenderer() = default;
  unsigned program_ = 0, vao_ = 0, vbo_ = 0, texture_ = 0;
  int u_rect_ = -1, u_image_ = -1, u_channels_ = -1, u_lower_ = -1, u_window_ = -1;
  long long uploaded_key_ = -1;
  bool uploaded_colour_ = true;
  int channels_ = 3;
};

}  // namespace antra::viewer::gui
