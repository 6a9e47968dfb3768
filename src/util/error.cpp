#include "feedmark/util/error.h"

namespace feedmark {

std::string describe(const Error& error) {
  if (error.source.empty()) {
    return error.message;
  }
  return error.source + ": " + error.message;
}

}  // namespace feedmark
