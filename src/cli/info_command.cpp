// antra info FILE... [--json]: what a file is and how it is calibrated.

#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "io/image_info_json.h"
#include "io/open_image.h"

namespace antra::cli {

void ReportFileError(const std::string& file, const std::string& reason) {
  std::cerr << "antra: error: " << file << ": " << reason << "\n";
}

namespace {

struct InfoOptions {
  std::vector<std::string> files;
  bool json = false;
  std::optional<double> mm_per_pixel;
};

std::string Scale(const PixelScale& s) {
  std::ostringstream out;
  out << std::setprecision(6) << s.mm_per_px_x << " x " << s.mm_per_px_y << " mm/pixel";
  return out.str();
}

void PrintText(const ImageInfo& info, std::ostream& out) {
  out << info.path.string() << "\n";
  out << "  size          " << info.width << " x " << info.height << ", " << info.frame_count
      << (info.frame_count == 1 ? " frame" : " frames");
  if (info.frame_time_ms) out << ", " << std::setprecision(4) << *info.frame_time_ms << " ms per frame";
  out << "\n";
  out << "  encoding      " << info.transfer_syntax_name;
  if (!info.transfer_syntax_uid.empty()) out << " (" << info.transfer_syntax_uid << ")";
  out << ", " << info.photometric << ", " << info.bits_allocated << " bits x " << info.samples_per_pixel << "\n";
  if (!info.manufacturer.empty() || !info.model.empty()) {
    out << "  device        " << info.manufacturer << " " << info.model << "\n";
  }
  if (!info.sop_instance_uid.empty()) out << "  SOP instance  " << info.sop_instance_uid << "\n";
  if (!info.laterality.empty()) out << "  laterality    " << info.laterality << "\n";
  const Calibration& c = info.calibration;
  if (c.calibrated()) {
    out << "  calibration   " << ToString(c.source()) << " (" << c.detail() << ")\n";
    if (c.global_scale()) out << "                " << Scale(*c.global_scale()) << "\n";
  } else {
    out << "  calibration   UNCALIBRATED: " << c.detail() << "; no sizes in mm\n";
  }
  for (const auto& r : c.regions()) {
    out << "    region " << r.index << "    ";
    if (r.usable) {
      out << "[" << r.box.x << "," << r.box.y << "]-[" << r.box.x + r.box.width - 1 << ","
          << r.box.y + r.box.height - 1 << "]  " << Scale(r.scale());
      if (!r.note.empty()) out << "  (" << r.note << ")";
    } else {
      out << "not used: " << r.note;
    }
    out << "\n";
  }
  for (const auto& w : info.warnings) out << "  warning       " << w << "\n";
}

int RunInfo(const InfoOptions& options) {
  OpenOptions open_options;
  open_options.mm_per_pixel = options.mm_per_pixel;
  if (Status s = open_options.Check(); !s) {
    std::cerr << "antra: error: " << s.error().message << "\n";
    return kExitUsage;
  }
  int failures = 0;
  auto all = nlohmann::json::array();
  for (const auto& file : options.files) {
    auto source = OpenImage(file, open_options);
    if (!source) {
      ReportFileError(file, source.error().message);
      ++failures;
      continue;
    }
    if (options.json) {
      all.push_back(ImageInfoToJson((*source)->info()));
    } else {
      PrintText((*source)->info(), std::cout);
    }
  }
  if (options.json) std::cout << (all.size() == 1 ? all[0] : all).dump(2) << "\n";
  return failures ? kExitSomeFailed : kExitOk;
}

}  // namespace

CommandRunner RegisterInfoCommand(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  auto* cmd = app.add_subcommand("info", "Print dimensions, frames, encoding and calibration of images");
  cmd->add_option("files", options->files, "DICOM files or PNG/JPEG screen exports")->required();
  cmd->add_flag("--json", options->json, "Print JSON (docs/schemas/image-info.schema.json) instead of text");
  cmd->add_option("--mm-per-pixel", options->mm_per_pixel, "Override the calibration with this scale");
  return [options] { return RunInfo(*options); };
}

}  // namespace antra::cli
