#include "container/parse/pem_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <memory>

namespace preflight::container {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

/// Refuses to prompt: an encrypted key is reported, never asked for.
int NoPassphrase(char*, int, int, void*) { return -1; }

/// The last OpenSSL error as a short reason, and an empty queue afterwards.
std::string DrainOpenSslErrors() {
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error()) last = e;
  if (last == 0) return "not a PEM key";
  const char* reason = ERR_reason_error_string(last);
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

Expected<KeyFacts> Describe(EVP_PKEY* key) {
  KeyFacts facts;
  switch (EVP_PKEY_base_id(key)) {
    case EVP_PKEY_RSA:
      facts.type = "RSA";
      break;
    case EVP_PKEY_EC:
      facts.type = "EC";
      break;
    case EVP_PKEY_ED25519:
      facts.type = "ED25519";
      break;
    default:
      facts.type = "other";
      break;
  }
  facts.bits = EVP_PKEY_bits(key);
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) {
    return Error{EINVAL, "cannot encode the public key: " + DrainOpenSslErrors()};
  }
  facts.public_der.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return facts;
}

/// A read-only memory BIO over `pem`, or null when it is too large for OpenSSL's int length.
BioPtr MemoryBio(std::string_view pem) {
  if (pem.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

}  // namespace

Expected<KeyFacts> ParsePrivateKeyPem(std::string_view pem) {
  ERR_clear_error();
  if (pem.find("-----BEGIN ") == std::string_view::npos) {
    return Error{EINVAL, "no PEM block (`-----BEGIN ...`)"};
  }
  if (pem.find("ENCRYPTED") != std::string_view::npos) {
    return Error{EINVAL, "the key is encrypted (the agent writes it unencrypted)"};
  }
  BioPtr bio = MemoryBio(pem);
  if (!bio) return Error{ENOMEM, "cannot buffer the key"};
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr));
  if (!key) return Error{EINVAL, "not a valid PEM private key: " + DrainOpenSslErrors()};
  auto facts = Describe(key.get());
  ERR_clear_error();
  return facts;
}

Expected<KeyFacts> ParsePublicKeyPem(std::string_view pem) {
  ERR_clear_error();
  if (pem.find("-----BEGIN ") == std::string_view::npos) {
    return Error{EINVAL, "no PEM block (`-----BEGIN ...`)"};
  }
  BioPtr bio = MemoryBio(pem);
  if (!bio) return Error{ENOMEM, "cannot buffer the key"};
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, &NoPassphrase, nullptr));
  if (!key) return Error{EINVAL, "not a valid PEM public key: " + DrainOpenSslErrors()};
  auto facts = Describe(key.get());
  ERR_clear_error();
  return facts;
}

}  // namespace preflight::container
