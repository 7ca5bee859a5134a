#include "container/base/redact.h"

namespace preflight {
namespace {

std::vector<std::string>& Registry() {
  static std::vector<std::string> secrets;
  return secrets;
}

}  // namespace

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

void SetProcessSecrets(std::vector<std::string> secrets) { Registry() = std::move(secrets); }

const std::vector<std::string>& ProcessSecrets() { return Registry(); }

}  // namespace preflight
