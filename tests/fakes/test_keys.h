#pragma once
/// Real PEM keys for tests, generated once per test binary with OpenSSL: two RSA 2048 key
/// pairs (the agent's format: PKCS#8 private key, SubjectPublicKeyInfo public key) and an EC
/// key. Never written to disk by this header.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace preflight::testing {

struct TestKeyPair {
  std::string private_pem;
  std::string public_pem;
};

namespace detail {

inline std::string BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

inline TestKeyPair Export(EVP_PKEY* key, bool traditional_rsa = false) {
  if (key == nullptr) throw std::runtime_error("key generation failed");
  std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), &BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), &BIO_free);
  if (traditional_rsa) {
    PEM_write_bio_PrivateKey_traditional(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  PEM_write_bio_PUBKEY(pub.get(), key);
  TestKeyPair pair{BioText(priv.get()), BioText(pub.get())};
  EVP_PKEY_free(key);
  return pair;
}

}  // namespace detail

/// RSA 2048 as the v2 agent writes it (`PEM_write_PrivateKey`: "PRIVATE KEY").
inline const TestKeyPair& RsaKey() {
  static const TestKeyPair pair = detail::Export(EVP_RSA_gen(2048));
  return pair;
}
/// Another RSA 2048 pair, in the traditional "RSA PRIVATE KEY" form `openssl genrsa` wrote
/// for v1 agents.
inline const TestKeyPair& OtherRsaKey() {
  static const TestKeyPair pair = detail::Export(EVP_RSA_gen(2048), /*traditional_rsa=*/true);
  return pair;
}
/// A P-256 key: parses, but is not what the agent needs.
inline const TestKeyPair& EcKey() {
  static const TestKeyPair pair = detail::Export(EVP_EC_gen("P-256"));
  return pair;
}

}  // namespace preflight::testing
