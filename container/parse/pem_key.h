#pragma once
/// Pure parsers of the agent's claim keys (cloud.d/private.pem, cloud.d/public.pem) with
/// OpenSSL, from text: no file access, no passphrase prompt, OpenSSL's error queue left empty.

#include <string>
#include <string_view>

#include "container/base/expected.h"

namespace preflight::container {

/// What a key is, and its public half in a comparable form.
struct KeyFacts {
  std::string type;        ///< "RSA", "EC", "ED25519", or "other"
  int bits = 0;            ///< key size, e.g. 2048
  std::string public_der;  ///< DER SubjectPublicKeyInfo of the public half
};

/// A PEM private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"). EINVAL with a
/// one-line reason when it does not parse (no PEM block, corrupt, encrypted).
Expected<KeyFacts> ParsePrivateKeyPem(std::string_view pem);

/// A PEM public key ("PUBLIC KEY", as `openssl rsa -pubout` and the v2 agent write it).
Expected<KeyFacts> ParsePublicKeyPem(std::string_view pem);

}  // namespace preflight::container
