#pragma once
// Synthetic B-mode-like frames for stage tests: speckle (Rayleigh amplitude
// of a smoothed complex Gaussian field, log-compressed), dark anechoic discs
// and ellipses with a thin bright wall, blurred like a point spread function.
// Sizes are in pixels; a test picks the mm per pixel it calibrates with.

#include <cmath>
#include <random>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image.h"

namespace antra::test {

struct Blob {
  cv::Point2d center;
  double rx, ry;        // semi-axes, pixels
  double angle = 0;     // degrees
};

// Echo amplitude map: 1 for tissue, `fluid` inside blobs, `wall` on a rim of
// `wall_px` just outside each blob.
inline cv::Mat EchoMap(cv::Size size, const std::vector<Blob>& blobs, double fluid = 0.03, double wall = 1.8,
                       int wall_px = 3) {
  cv::Mat echo(size, CV_32F, cv::Scalar(1.0));
  for (const auto& b : blobs) {
    cv::ellipse(echo, cv::RotatedRect(cv::Point2f(b.center), cv::Size2f(2 * (b.rx + wall_px), 2 * (b.ry + wall_px)),
                                      float(b.angle)),
                cv::Scalar(wall), cv::FILLED, cv::LINE_AA);
  }
  for (const auto& b : blobs) {
    cv::ellipse(echo, cv::RotatedRect(cv::Point2f(b.center), cv::Size2f(2 * b.rx, 2 * b.ry), float(b.angle)),
                cv::Scalar(fluid), cv::FILLED, cv::LINE_AA);
  }
  return echo;
}

// Speckled, log-compressed 8-bit frame of an echo map.
inline cv::Mat SpeckleFrame(const cv::Mat& echo, unsigned seed, double grain_px = 1.5, double blur_px = 1.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0.f, 1.f);
  cv::Mat re(echo.size(), CV_32F), im(echo.size(), CV_32F);
  for (int y = 0; y < re.rows; ++y) {
    for (int x = 0; x < re.cols; ++x) re.at<float>(y, x) = gauss(rng), im.at<float>(y, x) = gauss(rng);
  }
  cv::GaussianBlur(re, re, {}, grain_px);
  cv::GaussianBlur(im, im, {}, grain_px);
  cv::Mat amplitude;
  cv::magnitude(re, im, amplitude);
  const double norm = cv::mean(amplitude)[0];
  amplitude = amplitude / norm;
  cv::Mat blurred_echo;
  cv::GaussianBlur(echo, blurred_echo, {}, blur_px);
  amplitude = amplitude.mul(blurred_echo) + 0.002;
  cv::Mat db;
  cv::log(amplitude, db);
  db = db * (20.0 / std::log(10.0));  // dB
  // 50 dB display range, unit echo at grey 150.
  cv::Mat out;
  db.convertTo(out, CV_8U, 255.0 / 50.0, 150.0);
  return out;
}

inline Frame MakeFrame(const cv::Mat& luma) {
  Frame f;
  f.luma = luma;
  cv::cvtColor(luma, f.rgb, cv::COLOR_GRAY2RGB);
  return f;
}

}  // namespace antra::test
