#include "container/net/ca_bundle.h"

namespace preflight::container {
namespace {

constexpr size_t kMaxPem = 8u << 20;

bool IsFile(const System& sys, const std::string& path) {
  auto st = sys.Stat(path, true);
  return st.ok() && st->type == FileType::kRegular;
}

bool IsDir(const System& sys, const std::string& path) {
  auto st = sys.Stat(path, true);
  return st.ok() && st->type == FileType::kDirectory;
}

// c_rehash names ("9d66eef0.0") duplicate the named files next to them.
bool IsHashName(const std::string& name) {
  auto dot = name.find('.');
  if (dot != 8) return false;
  for (size_t i = 0; i < 8; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& KnownCaFiles() {
  static const std::vector<std::pair<std::string, std::string>> files = {
      {"/etc/ssl/certs/ca-certificates.crt", "debian"},
      {"/etc/pki/tls/certs/ca-bundle.crt", "rhel"},
      {"/etc/ssl/ca-bundle.pem", "opensuse"},
      {"/etc/pki/tls/cacert.pem", "openelec"},
      {"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "rhel7"},
      {"/etc/ssl/cert.pem", "alpine"},
  };
  return files;
}

CaBundle FindCaBundle(const System& sys, const std::string& ca_file) {
  CaBundle b;
  if (!ca_file.empty()) {
    b.path = ca_file;
    b.source = "--ca-file";
    b.is_dir = IsDir(sys, ca_file);
    if (!b.is_dir && !IsFile(sys, ca_file))
      b.error = "--ca-file `" + ca_file + "` is not a readable file";
    return b;
  }
  const EnvMap& env = sys.Env();
  if (auto it = env.find("SSL_CERT_FILE"); it != env.end() && !it->second.empty()) {
    if (IsFile(sys, it->second)) return {it->second, "SSL_CERT_FILE", false, 0, ""};
  }
  if (auto it = env.find("SSL_CERT_DIR"); it != env.end() && !it->second.empty()) {
    size_t pos = 0;
    while (pos <= it->second.size()) {
      auto colon = it->second.find(':', pos);
      std::string dir = it->second.substr(pos, colon == std::string::npos ? colon : colon - pos);
      pos = colon == std::string::npos ? it->second.size() + 1 : colon + 1;
      if (!dir.empty() && IsDir(sys, dir)) return {dir, "SSL_CERT_DIR", true, 0, ""};
    }
  }
  for (const auto& [path, distro] : KnownCaFiles()) {
    if (IsFile(sys, path)) return {path, distro, false, 0, ""};
  }
  for (const char* dir : {"/etc/ssl/certs", "/etc/pki/tls/certs"}) {
    if (IsDir(sys, dir)) return {dir, "directory", true, 0, ""};
  }
  b.error =
      "no CA certificates found (SSL_CERT_FILE, SSL_CERT_DIR, /etc/ssl/certs/ca-certificates.crt, "
      "/etc/ssl/cert.pem, /etc/pki/tls/certs/ca-bundle.crt ...)";
  return b;
}

int CountPemCertificates(const std::string& pem) {
  int n = 0;
  for (size_t pos = pem.find("-----BEGIN CERTIFICATE-----"); pos != std::string::npos;
       pos = pem.find("-----BEGIN CERTIFICATE-----", pos + 1)) {
    ++n;
  }
  return n;
}

std::string LoadCaPem(const System& sys, CaBundle& bundle) {
  std::string pem;
  if (bundle.path.empty()) return pem;
  if (!bundle.is_dir) {
    auto data = sys.ReadFile(bundle.path, kMaxPem, true);
    if (!data.ok()) {
      bundle.error = data.error().message;
      return pem;
    }
    pem = std::move(*data);
  } else {
    auto names = sys.ListDir(bundle.path);
    if (!names.ok()) {
      bundle.error = names.error().message;
      return pem;
    }
    // Named files first; the c_rehash names only when a directory has nothing else.
    for (bool hashed : {false, true}) {
      for (const auto& name : *names) {
        if (IsHashName(name) != hashed) continue;
        auto data = sys.ReadFile(bundle.path + "/" + name, kMaxPem, true);
        if (!data.ok() || data->find("-----BEGIN CERTIFICATE-----") == std::string::npos) continue;
        if (pem.size() + data->size() > kMaxPem) break;
        pem += *data;
        pem += "\n";
      }
      if (!pem.empty()) break;
    }
  }
  bundle.certificates = CountPemCertificates(pem);
  if (bundle.certificates == 0) bundle.error = "`" + bundle.path + "` holds no PEM certificate";
  return pem;
}

}  // namespace preflight::container
