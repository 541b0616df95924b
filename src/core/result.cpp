#include "core/result.h"

namespace antra {

const char* ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return "not-found";
    case ErrorCode::kNotARegularFile: return "not-a-regular-file";
    case ErrorCode::kEmptyFile: return "empty-file";
    case ErrorCode::kIo: return "io-error";
    case ErrorCode::kNotDicom: return "not-dicom";
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kLimitExceeded: return "limit-exceeded";
    case ErrorCode::kInvalidArgument: return "invalid-argument";
  }
  return "unknown";
}

}  // namespace antra
