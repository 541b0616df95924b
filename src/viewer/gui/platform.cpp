#include "viewer/gui/gl.h"
// gl.h first.
#include "viewer/gui/platform.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <cfloat>

#include <opencv2/core.hpp>

namespace antra::viewer::gui {
namespace {

// The viewer's key codes are GLFW's: check the ones it names.
static_assert(key::kSpace == GLFW_KEY_SPACE && key::kA == GLFW_KEY_A && key::k0 == GLFW_KEY_0);
static_assert(key::kEscape == GLFW_KEY_ESCAPE && key::kEnter == GLFW_KEY_ENTER && key::kTab == GLFW_KEY_TAB);
static_assert(key::kDelete == GLFW_KEY_DELETE && key::kRight == GLFW_KEY_RIGHT && key::kEnd == GLFW_KEY_END);
static_assert(key::kF1 == GLFW_KEY_F1 && key::kLeftShift == GLFW_KEY_LEFT_SHIFT);
static_assert(key::kRightSuper == GLFW_KEY_RIGHT_SUPER && key::kKpEnter == GLFW_KEY_KP_ENTER);
static_assert(key::kEqual == GLFW_KEY_EQUAL && key::kMinus == GLFW_KEY_MINUS && key::kPageDown == GLFW_KEY_PAGE_DOWN);
static_assert(key::kCount > GLFW_KEY_LAST);

InputQueue& QueueOf(GLFWwindow* window) { return *static_cast<InputQueue*>(glfwGetWindowUserPointer(window)); }

void OnCursor(GLFWwindow* w, double x, double y) { QueueOf(w).push_back(MouseMoveEvent{{x, y}}); }
void OnButton(GLFWwindow* w, int button, int action, int) {
  QueueOf(w).push_back(MouseButtonEvent{button, action == GLFW_PRESS});
}
void OnScroll(GLFWwindow* w, double dx, double dy) { QueueOf(w).push_back(WheelEvent{dx, dy}); }
void OnKey(GLFWwindow* w, int key_code, int, int action, int) {
  if (action == GLFW_REPEAT || key_code < 0) return;  // ImGui repeats held keys itself
  QueueOf(w).push_back(KeyEvent{key_code, action == GLFW_PRESS});
}
void OnChar(GLFWwindow* w, unsigned codepoint) { QueueOf(w).push_back(CharEvent{codepoint}); }
void OnDrop(GLFWwindow* w, int count, const char** paths) {
  DropEvent drop;
  for (int i = 0; i < count; ++i) drop.paths.emplace_back(paths[i]);
  QueueOf(w).push_back(std::move(drop));
}
void OnFocus(GLFWwindow* w, int focused) {
  if (!focused) QueueOf(w).push_back(FocusLostEvent{});
}

const char* GetClipboard(void* window) { return glfwGetClipboardString(static_cast<GLFWwindow*>(window)); }
void SetClipboard(void* window, const char* text) { glfwSetClipboardString(static_cast<GLFWwindow*>(window), text); }

void MapImGuiKeys(ImGuiIO& io) {
  io.KeyMap[ImGuiKey_Tab] = key::kTab;
  io.KeyMap[ImGuiKey_LeftArrow] = key::kLeft;
  io.KeyMap[ImGuiKey_RightArrow] = key::kRight;
  io.KeyMap[ImGuiKey_UpArrow] = key::kUp;
  io.KeyMap[ImGuiKey_DownArrow] = key::kDown;
  io.KeyMap[ImGuiKey_PageUp] = key::kPageUp;
  io.KeyMap[ImGuiKey_PageDown] = key::kPageDown;
  io.KeyMap[ImGuiKey_Home] = key::kHome;
  io.KeyMap[ImGuiKey_End] = key::kEnd;
  io.KeyMap[ImGuiKey_Insert] = key::kInsert;
  io.KeyMap[ImGuiKey_Delete] = key::kDelete;
  io.KeyMap[ImGuiKey_Backspace] = key::kBackspace;
  io.KeyMap[ImGuiKey_Space] = key::kSpace;
  io.KeyMap[ImGuiKey_Enter] = key::kEnter;
  io.KeyMap[ImGuiKey_Escape] = key::kEscape;
  io.KeyMap[ImGuiKey_KeyPadEnter] = key::kKpEnter;
  io.KeyMap[ImGuiKey_A] = key::Letter('a');
  io.KeyMap[ImGuiKey_C] = key::Letter('c');
  io.KeyMap[ImGuiKey_V] = key::Letter('v');
  io.KeyMap[ImGuiKey_X] = key::Letter('x');
  io.KeyMap[ImGuiKey_Y] = key::Letter('y');
  io.KeyMap[ImGuiKey_Z] = key::Letter('z');
}

std::string GlfwError() {
  const char* description = nullptr;
  glfwGetError(&description);
  return description ? description : "unknown GLFW error";
}

}  // namespace

Result<std::unique_ptr<Platform>> Platform::Create(const Options& options, InputQueue& queue) {
  if (!glfwInit()) return MakeError(ErrorCode::kIo, "cannot start the window system: " + GlfwError());
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, "Antra review", nullptr, nullptr);
  if (!window) {
    const std::string why = GlfwError();
    glfwTerminate();
    return MakeError(ErrorCode::kIo, "cannot open an OpenGL 3.3 window: " + why);
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(options.vsync ? 1 : 0);
  std::unique_ptr<Platform> platform(new Platform(window, queue));

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed; write nothing into the working directory
  io.BackendPlatformName = "antra_glfw_input_queue";
  io.ClipboardUserData = window;
  io.GetClipboardTextFn = GetClipboard;
  io.SetClipboardTextFn = SetClipboard;
  MapImGuiKeys(io);
  ImGui::StyleColorsDark();
  if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
    return MakeError(ErrorCode::kIo, "cannot initialise Dear ImGui's OpenGL 3 renderer");
  }
  platform->imgui_ready_ = true;
  InstallCallbacks(window);
  return platform;
}

Platform::Platform(GLFWwindow* window, InputQueue& queue) : window_(window), queue_(queue) {
  glfwSetWindowUserPointer(window_, &queue_);
}

Platform::~Platform() {
  if (imgui_ready_) ImGui_ImplOpenGL3_Shutdown();
  if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

void Platform::InstallCallbacks(GLFWwindow* window) {
  glfwSetCursorPosCallback(window, OnCursor);
  glfwSetMouseButtonCallback(window, OnButton);
  glfwSetScrollCallback(window, OnScroll);
  glfwSetKeyCallback(window, OnKey);
  glfwSetCharCallback(window, OnChar);
  glfwSetDropCallback(window, OnDrop);
  glfwSetWindowFocusCallback(window, OnFocus);
}

bool Platform::ShouldClose() const { return glfwWindowShouldClose(window_); }
void Platform::RequestClose() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }

void Platform::ProcessEvents(double timeout_s) {
  if (timeout_s <= 0) glfwPollEvents();
  else glfwWaitEventsTimeout(timeout_s);
}

void Platform::Wake() { glfwPostEmptyEvent(); }
void Platform::SetVsync(bool on) { glfwSwapInterval(on ? 1 : 0); }

void Platform::BeginFrame(InputState& state, double delta_seconds) {
  ImGuiIO& io = ImGui::GetIO();
  const cv::Size window = WindowSize();
  const cv::Size framebuffer = FramebufferSize();
  io.DisplaySize = ImVec2(static_cast<float>(window.width), static_cast<float>(window.height));
  if (window.width > 0 && window.height > 0) {
    io.DisplayFramebufferScale = ImVec2(static_cast<float>(framebuffer.width) / window.width,
                                        static_cast<float>(framebuffer.height) / window.height);
  }
  io.DeltaTime = delta_seconds > 0 ? static_cast<float>(delta_seconds) : 1.0f / 60.0f;

  const bool known = state.mouse_pos.x > -1e29;
  io.MousePos = known ? ImVec2(static_cast<float>(state.mouse_pos.x), static_cast<float>(state.mouse_pos.y))
                      : ImVec2(-FLT_MAX, -FLT_MAX);
  for (int i = 0; i < kMouseButtonCount; ++i) io.MouseDown[i] = state.mouse_down[i];
  io.MouseWheel += static_cast<float>(state.wheel_y);
  io.MouseWheelH += static_cast<float>(state.wheel_x);
  for (int k = 0; k < key::kCount; ++k) io.KeysDown[k] = state.keys_down[k];
  const Modifiers mods = state.modifiers();
  io.KeyCtrl = mods.ctrl;
  io.KeyShift = mods.shift;
  io.KeyAlt = mods.alt;
  io.KeySuper = mods.super;
  for (unsigned c : state.chars) io.AddInputCharacter(c);
  state.wheel_x = state.wheel_y = 0;
  state.chars.clear();

  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
}

void Platform::RenderImGui() { ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData()); }
void Platform::Swap() { glfwSwapBuffers(window_); }

cv::Size Platform::WindowSize() const {
  int w = 0, h = 0;
  glfwGetWindowSize(window_, &w, &h);
  return {w, h};
}

cv::Size Platform::FramebufferSize() const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  return {w, h};
}

cv::Mat Platform::ReadFramebuffer() const {
  const cv::Size size = FramebufferSize();
  cv::Mat bottom_up(size, CV_8UC3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, size.width, size.height, GL_RGB, GL_UNSIGNED_BYTE, bottom_up.data);
  cv::Mat top_down;
  cv::flip(bottom_up, top_down, 0);
  return top_down;
}

std::string Platform::RendererName() const {
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const auto* version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
  return std::string(renderer ? renderer : "?") + " / OpenGL " + (version ? version : "?");
}

}  // namespace antra::viewer::gui
