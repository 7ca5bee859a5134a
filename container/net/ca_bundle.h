#pragma once
/// Finding the CA certificates a static binary should trust, as Go and openssl-probe do
/// (reference/peers.md §6): --ca-file, SSL_CERT_FILE, SSL_CERT_DIR, then the bundle paths of
/// Debian, RHEL, openSUSE, Alpine; reports which one it used.

#include <string>
#include <utility>
#include <vector>

#include "container/net/network_prober.h"
#include "container/system.h"

namespace preflight::container {

/// The well-known bundle files, in search order, with the distribution that puts them there.
const std::vector<std::pair<std::string, std::string>>& KnownCaFiles();

/// Chooses the bundle: `ca_file` (--ca-file) when given (an error when unreadable, no
/// fallback), else SSL_CERT_FILE, else the first existing SSL_CERT_DIR entry (colon list),
/// else the first existing known file, else /etc/ssl/certs as a directory.
/// Reads nothing but Stat; `certificates` is left 0.
CaBundle FindCaBundle(const System& sys, const std::string& ca_file);

/// Reads the bundle (a file, or every certificate file of a directory) into one PEM text and
/// counts its certificates; sets bundle.error when none were found. At most 8 MiB.
std::string LoadCaPem(const System& sys, CaBundle& bundle);

/// Number of "-----BEGIN CERTIFICATE-----" blocks in `pem`.
int CountPemCertificates(const std::string& pem);

}  // namespace preflight::container
