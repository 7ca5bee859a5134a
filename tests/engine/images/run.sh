#!/bin/sh
# Stand-in for the official image's /usr/sbin/run.sh (packaging/docker/run.sh): the parts that
# matter to netdata-preflight. No claiming (this agent is built without Netdata Cloud) and no
# docker-socket group handling. The first line is the tests' marker of a start.
set -e
echo "run.sh: starting the agent (pid $$)" >&2
if [ ! -w / ] && [ "$(id -u)" -eq 0 ]; then
  echo "WARNING: This Docker host appears to not properly support newer stat system calls." >&2
fi
exec /usr/sbin/netdata -u "${DOCKER_USR}" -D -s /host -p "${NETDATA_LISTENER_PORT}" "$@"
