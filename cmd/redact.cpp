#include "cmd/redact.h"

namespace preflight::cmd {

std::string Redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 8) continue;
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 10)) {
      text.replace(pos, secret.size(), "<redacted>");
    }
  }
  return text;
}

}  // namespace preflight::cmd
