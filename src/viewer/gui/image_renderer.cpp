#include "viewer/gui/gl.h"
// gl.h first.
#include "viewer/gui/image_renderer.h"

#include <algorithm>
#include <vector>

#include "viewer/shaders.h"

namespace antra::viewer::gui {
namespace {

Result<unsigned> CompileShader(GLenum type, std::string_view source, const char* name) {
  const GLuint shader = glCreateShader(type);
  const char* text = source.data();
  const GLint length = static_cast<GLint>(source.size());
  glShaderSource(shader, 1, &text, &length);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok) return shader;
  GLint log_length = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &log_length);
  std::string log(static_cast<size_t>(std::max(log_length, 1)), '\0');
  glGetShaderInfoLog(shader, log_length, nullptr, log.data());
  glDeleteShader(shader);
  std::replace(log.begin(), log.end(), '\n', ' ');
  return MakeError(ErrorCode::kCorrupt, std::string("shader ") + name + " does not compile: " + log);
}

Result<unsigned> LinkProgram(std::string_view vertex, std::string_view fragment) {
  auto vs = CompileShader(GL_VERTEX_SHADER, vertex, "image.vert");
  if (!vs) return vs.error();
  auto fs = CompileShader(GL_FRAGMENT_SHADER, fragment, "image.frag");
  if (!fs) {
    glDeleteShader(*vs);
    return fs.error();
  }
  const GLuint program = glCreateProgram();
  glAttachShader(program, *vs);
  glAttachShader(program, *fs);
  glLinkProgram(program);
  glDeleteShader(*vs);
  glDeleteShader(*fs);
  GLint ok = GL_FALSE;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (ok) return program;
  glDeleteProgram(program);
  return MakeError(ErrorCode::kCorrupt, "the image shader program does not link");
}

}  // namespace

Result<std::unique_ptr<ImageRenderer>> ImageRenderer::Create() {
  auto program = LinkProgram(shaders::k_image_vert, shaders::k_image_frag);
  if (!program) return program.error();
  std::unique_ptr<ImageRenderer> r(new ImageRenderer());
  r->program_ = *program;
  r->u_rect_ = glGetUniformLocation(r->program_, "u_rect");
  r->u_image_ = glGetUniformLocation(r->program_, "u_image");
  r->u_channels_ = glGetUniformLocation(r->program_, "u_channels");
  r->u_lower_ = glGetUniformLocation(r->program_, "u_lower");
  r->u_window_ = glGetUniformLocation(r->program_, "u_window");

  const float corners[] = {0, 0, 1, 0, 0, 1, 1, 1};  // a triangle strip
  glGenVertexArrays(1, &r->vao_);
  glGenBuffers(1, &r->vbo_);
  glBindVertexArray(r->vao_);
  glBindBuffer(GL_ARRAY_BUFFER, r->vbo_);
  glBufferData(GL_ARRAY_BUFFER, sizeof corners, corners, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), nullptr);
  glBindVertexArray(0);

  glGenTextures(1, &r->texture_);
  glBindTexture(GL_TEXTURE_2D, r->texture_);
  // Linear when the image is shrunk; nearest when enlarged, so that readers
  // see the real pixels they place calipers on.
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return r;
}

ImageRenderer::~ImageRenderer() {
  glDeleteTextures(1, &texture_);
  glDeleteBuffers(1, &vbo_);
  glDeleteVertexArrays(1, &vao_);
  glDeleteProgram(program_);
}

void ImageRenderer::Upload(const Frame& frame, bool colour, long long key) {
  if (key == uploaded_key_ && colour == uploaded_colour_) return;
  const cv::Mat& pixels = colour ? frame.rgb : frame.luma;
  if (pixels.empty()) return;
  channels_ = pixels.channels();
  glBindTexture(GL_TEXTURE_2D, texture_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(pixels.step[0] / pixels.elemSize()));
  const GLint internal = channels_ == 1 ? GL_R8 : GL_RGB8;
  const GLenum format = channels_ == 1 ? GL_RED : GL_RGB;
  glTexImage2D(GL_TEXTURE_2D, 0, internal, pixels.cols, pixels.rows, 0, format, GL_UNSIGNED_BYTE, pixels.data);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  uploaded_key_ = key;
  uploaded_colour_ = colour;
}

void ImageRenderer::Forget() { uploaded_key_ = -1; }

void ImageRenderer::Draw(const ScreenRect& viewport, const ScreenRect& image_rect, const WindowLevel& wl,
                         cv::Size window_size, cv::Size framebuffer_size) const {
  if (!has_image() || window_size.width <= 0 || window_size.height <= 0) return;
  const double sx = static_cast<double>(framebuffer_size.width) / window_size.width;
  const double sy = static_cast<double>(framebuffer_size.height) / window_size.height;
  // Only inside the viewport: the panels around it keep their own pixels.
  glEnable(GL_SCISSOR_TEST);
  glScissor(static_cast<GLint>(viewport.x * sx),
            static_cast<GLint>(framebuffer_size.height - (viewport.y + viewport.height) * sy),
            static_cast<GLsizei>(viewport.width * sx), static_cast<GLsizei>(viewport.height * sy));
  glViewport(0, 0, framebuffer_size.width, framebuffer_size.height);
  auto ndc_x = [&](double x) { return static_cast<float>(2.0 * x / window_size.width - 1.0); };
  auto ndc_y = [&](double y) { return static_cast<float>(1.0 - 2.0 * y / window_size.height); };
  glUseProgram(program_);
  glUniform4f(u_rect_, ndc_x(image_rect.x), ndc_y(image_rect.y), ndc_x(image_rect.x + image_rect.width),
              ndc_y(image_rect.y + image_rect.height));
  glUniform1i(u_image_, 0);
  glUniform1i(u_channels_, channels_);
  glUniform1f(u_lower_, static_cast<float>(wl.level - wl.window / 2));
  glUniform1f(u_window_, static_cast<float>(wl.window));
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, texture_);
  glBindVertexArray(vao_);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
  glUseProgram(0);
  glDisable(GL_SCISSOR_TEST);
}

}  // namespace antra::viewer::gui
