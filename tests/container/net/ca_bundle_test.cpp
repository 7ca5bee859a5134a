// CA bundle discovery order: --ca-file, SSL_CERT_FILE, SSL_CERT_DIR, Debian, RHEL, Alpine.
#include "container/net/ca_bundle.h"

#include <gtest/gtest.h>

#include "fakes/fake_system.h"

namespace preflight::container {
namespace {

const char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

// fault: tls | no CA bundle anywhere, or --ca-file naming a missing file | an error (naming the --ca-file path), never a silent fallback
TEST(CaBundle, SearchOrder) {
  testing::FakeSystem sys;
  EXPECT_FALSE(FindCaBundle(sys, "").error.empty());
  sys.AddFile("/etc/ssl/cert.pem", kPem);
  EXPECT_EQ(FindCaBundle(sys, "").source, "alpine");
  sys.AddFile("/etc/pki/tls/certs/ca-bundle.crt", kPem);
  EXPECT_EQ(FindCaBundle(sys, "").source, "rhel");
  sys.AddFile("/etc/ssl/certs/ca-certificates.crt", kPem);
  EXPECT_EQ(FindCaBundle(sys, "").source, "debian");
  sys.AddDir("/certs");
  sys.env["SSL_CERT_DIR"] = "/missing:/certs";
  auto dir = FindCaBundle(sys, "");
  EXPECT_EQ(dir.source, "SSL_CERT_DIR");
  EXPECT_EQ(dir.path, "/certs");
  sys.AddFile("/my.pem", std::string(kPem) + kPem);
  sys.env["SSL_CERT_FILE"] = "/my.pem";
  auto file = FindCaBundle(sys, "");
  EXPECT_EQ(file.source, "SSL_CERT_FILE");
  EXPECT_EQ(LoadCaPem(sys, file).size(), 2 * std::string(kPem).size());
  EXPECT_EQ(file.certificates, 2);
  auto flag = FindCaBundle(sys, "/etc/ssl/cert.pem");
  EXPECT_EQ(flag.source, "--ca-file");
  auto missing = FindCaBundle(sys, "/nope.pem");
  EXPECT_NE(missing.error.find("/nope.pem"), std::string::npos);  // no silent fallback
}

// fault: tls | SSL_CERT_DIR holding no certificates | 0 certificates and an error
TEST(CaBundle, DirectoryWithoutCertificatesIsAnError) {
  testing::FakeSystem sys;
  sys.AddDir("/empty");
  sys.AddFile("/empty/readme.txt", "hello");
  CaBundle b{"/empty", "SSL_CERT_DIR", true, 0, ""};
  LoadCaPem(sys, b);
  EXPECT_EQ(b.certificates, 0);
  EXPECT_FALSE(b.error.empty());
}

}  // namespace
}  // namespace preflight::container
