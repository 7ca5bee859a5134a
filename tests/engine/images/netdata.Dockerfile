# A local stand-in for netdata/netdata, built from Debian packages (no registry is reachable in CI).
# BASE: `mmdebstrap --variant=minbase --include=netdata-core bookworm` imported with `docker import`
# (tests/engine/engine_lib.py builds it). Targets:
#   v1  Debian's netdata-core v1.37.1 (built without Netdata Cloud) laid out as the official image:
#       user netdata uid/gid 201, /var/lib/netdata and /var/cache/netdata 201:0 0770, logs to
#       stdout/stderr, DOCKER_USR, /usr/sbin/run.sh ending in `exec /usr/sbin/netdata -u ...`.
#   v2  the same with /usr/sbin/netdata replaced by netdata-v2: it answers `-V` as v2.10.4 and
#       chowns before dropping privileges as v1.41+ does, then runs the v1.37.1 daemon. It stands
#       in for a v2 image where only the version and that chown matter (it is not a v2 agent).
ARG BASE
FROM ${BASE} AS v1
# Debian's package made the netdata user 999; the official image's is 201.
RUN sed -i 's/^netdata:x:[0-9]*:[0-9]*:/netdata:x:201:201:/' /etc/passwd \
 && sed -i 's/^netdata:x:[0-9]*:/netdata:x:201:/' /etc/group \
 && mkdir -p /var/lib/netdata /var/cache/netdata /var/log/netdata /run/netdata /etc/netdata /host \
 && chown -R 201:0 /var/lib/netdata /var/cache/netdata /var/log/netdata /run/netdata \
 && chmod 0770 /var/lib/netdata /var/cache/netdata /var/log/netdata \
 && ln -sf /dev/stdout /var/log/netdata/access.log \
 && ln -sf /dev/stderr /var/log/netdata/error.log \
 && ln -sf /dev/stderr /var/log/netdata/collector.log \
 && ln -sf /dev/stderr /var/log/netdata/debug.log
COPY netdata.conf /etc/netdata/netdata.conf
COPY run.sh /usr/sbin/run.sh
ENV DOCKER_USR=netdata DOCKER_GRP=netdata NETDATA_LISTENER_PORT=19999 NETDATA_OFFICIAL_IMAGE=true
ENTRYPOINT ["/usr/sbin/run.sh"]

FROM v1 AS v2
RUN mv /usr/sbin/netdata /usr/sbin/netdata-v1.37.1
COPY netdata-v2 /usr/sbin/netdata
