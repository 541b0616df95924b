#include "dicom/jpeg2000_frames.h"

#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace antra {

bool StartsJpeg2000Codestream(std::span<const std::uint8_t> b) {
  if (b.size() < 4) return false;
  const bool j2k = b[0] == 0xFF && b[1] == 0x4F && b[2] == 0xFF && b[3] == 0x51;
  const bool jp2 = b[0] == 0x00 && b[1] == 0x00 && b[2] == 0x00 && b[3] == 0x0C;
  return j2k || jp2;
}

namespace {

Error Corrupt(const std::string& why) { return MakeError(ErrorCode::kCorrupt, why); }

// OpenJPEG reads from this memory stream.
struct MemoryStream {
  const std::uint8_t* data;
  size_t size;
  size_t offset;
};

OPJ_SIZE_T ReadStream(void* buffer, OPJ_SIZE_T bytes, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (m->offset >= m->size) return static_cast<OPJ_SIZE_T>(-1);
  const size_t n = std::min<size_t>(bytes, m->size - m->offset);
  std::memcpy(buffer, m->data + m->offset, n);
  m->offset += n;
  return n;
}

OPJ_OFF_T SkipStream(OPJ_OFF_T bytes, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  const auto target = std::clamp<long long>(static_cast<long long>(m->offset) + bytes, 0, static_cast<long long>(m->size));
  const OPJ_OFF_T moved = target - static_cast<long long>(m->offset);
  m->offset = static_cast<size_t>(target);
  return moved;
}

OPJ_BOOL SeekStream(OPJ_OFF_T position, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (position < 0 || static_cast<size_t>(position) > m->size) return OPJ_FALSE;
  m->offset = static_cast<size_t>(position);
  return OPJ_TRUE;
}

// OpenJPEG's messages are collected, never printed: the caller reports one line.
void KeepMessage(const char* message, void* user) {
  auto* last = static_cast<std::string*>(user);
  *last = message;
  while (!last->empty() && (last->back() == '\n' || last->back() == ' ')) last->pop_back();
}
void IgnoreMessage(const char*, void*) {}

// opj_codec_t and opj_stream_t are both void*, hence one deleter each.
struct CodecDeleter {
  void operator()(opj_codec_t* c) const { opj_destroy_codec(c); }
};
struct StreamDeleter {
  void operator()(opj_stream_t* s) const { opj_stream_destroy(s); }
};
struct ImageDeleter {
  void operator()(opj_image_t* i) const { opj_image_destroy(i); }
};

}  // namespace

Result<cv::Mat> DecodeJpeg2000(const std::vector<std::uint8_t>& codestream, cv::Size expected) {
  if (codestream.size() < 12) return Corrupt("JPEG 2000 frame is too short");
  const bool jp2 = codestream[0] == 0 && codestream[1] == 0 && codestream[2] == 0 && codestream[3] == 0x0C;
  std::unique_ptr<opj_codec_t, CodecDeleter> codec(opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
  std::string error;
  opj_set_error_handler(codec.get(), KeepMessage, &error);
  opj_set_warning_handler(codec.get(), IgnoreMessage, nullptr);
  opj_set_info_handler(codec.get(), IgnoreMessage, nullptr);
  opj_dparameters_t parameters;
  opj_set_default_decoder_parameters(&parameters);
  if (!opj_setup_decoder(codec.get(), &parameters)) return Corrupt("JPEG 2000 decoder setup failed");
  opj_codec_set_threads(codec.get(), 1);  // batch workers parallelise across files

  MemoryStream memory{codestream.data(), codestream.size(), 0};
  std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(64 * 1024, OPJ_TRUE));
  opj_stream_set_user_data(stream.get(), &memory, nullptr);
  opj_stream_set_user_data_length(stream.get(), codestream.size());
  opj_stream_set_read_function(stream.get(), ReadStream);
  opj_stream_set_skip_function(stream.get(), SkipStream);
  opj_stream_set_seek_function(stream.get(), SeekStream);

  opj_image_t* raw_image = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw_image)) {
    return Corrupt("JPEG 2000 header unreadable" + (error.empty() ? "" : ": " + error));
  }
  std::unique_ptr<opj_image_t, ImageDeleter> image(raw_image);
  const long long width = static_cast<long long>(image->x1) - image->x0;
  const long long height = static_cast<long long>(image->y1) - image->y0;
  if (width != expected.width || height != expected.height) {
    return Corrupt("JPEG 2000 frame declares " + std::to_string(width) + "x" + std::to_string(height) +
                   ", the header says " + std::to_string(expected.width) + "x" + std::to_string(expected.height));
  }
  if (image->numcomps != 1 && image->numcomps != 3) {
    return MakeError(ErrorCode::kUnsupported, "JPEG 2000 frame with " + std::to_string(image->numcomps) + " components");
  }
  if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get())) {
    return Corrupt("JPEG 2000 frame does not decode" + (error.empty() ? "" : ": " + error));
  }
  const int channels = static_cast<int>(image->numcomps);
  int precision = 0;
  for (int c = 0; c < channels; ++c) {
    const auto& comp = image->comps[c];
    if (comp.w != static_cast<OPJ_UINT32>(width) || comp.h != static_cast<OPJ_UINT32>(height) || !comp.data) {
      return MakeError(ErrorCode::kUnsupported, "JPEG 2000 frame with subsampled components");
    }
    precision = std::max(precision, static_cast<int>(comp.prec));
  }
  const int depth = precision <= 8 ? CV_8U : CV_16U;
  const int max_value = precision <= 8 ? 255 : 65535;
  cv::Mat out(static_cast<int>(height), static_cast<int>(width), CV_MAKETYPE(depth, channels));
  for (int c = 0; c < channels; ++c) {
    const auto& comp = image->comps[c];
    const int offset = comp.sgnd ? (1 << (comp.prec - 1)) : 0;
    for (int y = 0; y < out.rows; ++y) {
      const OPJ_INT32* src = comp.data + static_cast<size_t>(y) * width;
      for (int x = 0; x < out.cols; ++x) {
        const int v = std::clamp(src[x] + offset, 0, max_value);
        if (depth == CV_8U) {
          out.ptr<std::uint8_t>(y)[x * channels + c] = static_cast<std::uint8_t>(v);
        } else {
          out.ptr<std::uint16_t>(y)[x * channels + c] = static_cast<std::uint16_t>(v);
        }
      }
    }
  }
  return out;
}

}  // namespace antra
