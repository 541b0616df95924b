#pragma once
// A curved endocavity probe and the screen it is drawn on. Image-plane
// millimetres have their origin at the virtual apex of the sector (the centre
// of the probe's curvature): X to the right, Y downwards (depth). A beam at
// angle theta (0 = straight down) reaches (r sin theta, r cos theta); the
// image starts at the probe face r = radius and ends at r = radius + depth.

#include <opencv2/core/types.hpp>

namespace antra::phantom {

struct ProbeGeometry {
  double radius_mm = 10;       // curvature of the probe face
  double depth_mm = 70;        // imaged depth below the face
  double sector_deg = 150;     // full opening angle
  double focus_mm = 35;        // transmit focus, depth below the face
  double mm_per_px = 0.2;      // isotropic pixel size of the screen
  cv::Point2d apex_px;         // where the virtual apex falls on the screen (may be above it)
  int width = 800, height = 600;

  double HalfAngle() const;    // radians
  double MaxRadius() const { return radius_mm + depth_mm; }

  cv::Point2d ToPixel(double X, double Y) const {
    return {apex_px.x + X / mm_per_px, apex_px.y + Y / mm_per_px};
  }
  cv::Point2d ToMm(double px, double py) const {
    return {(px - apex_px.x) * mm_per_px, (py - apex_px.y) * mm_per_px};
  }
  // Inside the imaged sector (image-plane mm).
  bool InFan(double X, double Y) const;
  // Pixel y of a depth below the probe face on the central beam.
  double DepthToPixelY(double depth_below_face_mm) const {
    return apex_px.y + (radius_mm + depth_below_face_mm) / mm_per_px;
  }
  // The fan's bounding box on the screen, clipped to the image (inclusive
  // corners as DICOM region boxes are written).
  cv::Rect FanBox() const;
};

// Places a probe of the given shape on a width x height screen: the fan is
// centred, fits between the margins, and is enlarged by `zoom` (> 1 crops the
// sides of the fan as scanners do when zoomed in).
ProbeGeometry LayoutProbe(double radius_mm, double depth_mm, double sector_deg, double focus_mm, int width,
                          int height, double zoom);

}  // namespace antra::phantom
