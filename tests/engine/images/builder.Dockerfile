# The build stage's base for the engine tier: BASE is `mmdebstrap --variant=minbase
# --include=<BOOTSTRAP_PACKAGES=build scripts/bootstrap.sh --list-packages> bookworm` imported with
# `docker import`; deps/ the static OpenSSL and libcurl and the unpacked netdata-core that
# scripts/bootstrap.sh built on this machine, at the same path (DEPS_PATH); ccache/ this machine's
# compiler cache. With them docker/Dockerfile's `bash scripts/bootstrap.sh` finds nothing to do,
# the build needs no network, and `make build` compiles what the cache does not already hold
# (engine_lib.py appends the locale variables ccache hashes, as `make build` had them).
ARG BASE
FROM ${BASE}
ARG DEPS_PATH
COPY deps ${DEPS_PATH}
COPY ccache /opt/preflight-ccache
ENV DEPS=${DEPS_PATH} CCACHE_DIR=/opt/preflight-ccache
