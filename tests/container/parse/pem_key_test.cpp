#include "container/parse/pem_key.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include "fakes/test_keys.h"

namespace preflight::container {
namespace {

using testing::EcKey;
using testing::OtherRsaKey;
using testing::RsaKey;

TEST(PemKey, RsaPairAsTheAgentWritesItMatches) {
  auto priv = ParsePrivateKeyPem(RsaKey().private_pem);
  ASSERT_TRUE(priv.ok()) << priv.error().message;
  EXPECT_EQ(priv->type, "RSA");
  EXPECT_EQ(priv->bits, 2048);
  auto pub = ParsePublicKeyPem(RsaKey().public_pem);
  ASSERT_TRUE(pub.ok()) << pub.error().message;
  EXPECT_EQ(pub->type, "RSA");
  EXPECT_EQ(pub->public_der, priv->public_der);
}

TEST(PemKey, TraditionalRsaPrivateKeyOfOpensslGenrsa) {
  ASSERT_NE(OtherRsaKey().private_pem.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  auto priv = ParsePrivateKeyPem(OtherRsaKey().private_pem);
  ASSERT_TRUE(priv.ok()) << priv.error().message;
  EXPECT_EQ(priv->type, "RSA");
  EXPECT_NE(priv->public_der, ParsePublicKeyPem(RsaKey().public_pem)->public_der)
      << "two different keys";
}

TEST(PemKey, EcKeyParsesAsEc) {
  auto priv = ParsePrivateKeyPem(EcKey().private_pem);
  ASSERT_TRUE(priv.ok());
  EXPECT_EQ(priv->type, "EC");
}

// fault: claiming | private.pem empty, text, bogus base64, truncated, corrupted, a public key, 64 KiB of NULs | one-line EINVAL error; OpenSSL error queue left empty
TEST(PemKey, GarbageIsAOneLineErrorAndLeavesNoOpensslErrors) {
  std::string pem = RsaKey().private_pem;
  std::string truncated = pem.substr(0, pem.size() / 2);
  std::string corrupt = pem;
  corrupt.replace(100, 60, std::string(60, 'A'));
  const std::string inputs[] = {"",
                                "hello",
                                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                                truncated,
                                corrupt,
                                RsaKey().public_pem,
                                std::string("-----BEGIN ") + std::string(1 << 16, '\0')};
  for (const auto& text : inputs) {
    auto r = ParsePrivateKeyPem(text);
    EXPECT_FALSE(r.ok());
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, EINVAL);
      EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL error queue left non-empty";
  }
  EXPECT_FALSE(ParsePublicKeyPem(RsaKey().private_pem).ok());
  EXPECT_FALSE(ParsePublicKeyPem("").ok());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

// fault: claiming | passphrase-encrypted private.pem | an error naming it encrypted; never prompts for a passphrase
TEST(PemKey, EncryptedKeyIsReportedNeverPrompted) {
  EVP_PKEY* key = nullptr;
  {
    BIO* bio =
        BIO_new_mem_buf(RsaKey().private_pem.data(), static_cast<int>(RsaKey().private_pem.size()));
    key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
  }
  ASSERT_NE(key, nullptr);
  BIO* out = BIO_new(BIO_s_mem());
  char pass[] = "passphrase";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(out, key, EVP_aes_128_cbc(), pass, sizeof pass - 1,
                                          nullptr, nullptr),
            1);
  std::string encrypted = testing::detail::BioText(out);
  BIO_free(out);
  EVP_PKEY_free(key);
  auto r = ParsePrivateKeyPem(encrypted);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("encrypted"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace preflight::container
