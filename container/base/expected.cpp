#include "container/base/expected.h"

#include <cstring>

namespace preflight {

Error Errno(std::string_view operation, std::string_view object, int err) {
  std::string message(operation);
  message += " `";
  message += object;
  message += "`: ";
  message += std::strerror(err);
  return Error{err, std::move(message)};
}

}  // namespace preflight
