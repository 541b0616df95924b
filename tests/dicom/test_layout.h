#pragma once
// A PixelLayout for decoder tests: packed samples, all bits stored.

#include <string>

#include "dicom/pixel_conversion.h"

namespace antra::test {

inline PixelLayout TestLayout(int width, int height, int samples, int bits, const std::string& color_model,
                              int planar_configuration = 0) {
  PixelLayout layout;
  layout.width = width;
  layout.height = height;
  layout.samples_per_pixel = samples;
  layout.bits_allocated = bits;
  layout.bits_stored = bits;
  layout.color_model = color_model;
  layout.planar_configuration = planar_configuration;
  return layout;
}

}  // namespace antra::test
