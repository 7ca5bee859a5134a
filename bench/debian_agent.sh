# Sourced by the bench scripts: starts Debian's netdata-core 1.37.1 from the unpacked package
# ($DEPS/netdata) in the foreground on a free loopback port, in a private mount namespace with
# its own /tmp (v1.37 always puts its socket at /tmp/netdata-ipc). Sets AGENT_PID, AGENT_PORT,
# AGENT_DIR; stop_agent kills it.
DEPS=${DEPS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/deps}
ND=$DEPS/netdata
start_agent() {
  AGENT_DIR=$(mktemp -d /var/tmp/preflight-bench-agent.XXXXXX)
  mkdir -p "$AGENT_DIR"/{etc,lib,cache,log}
  AGENT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$AGENT_DIR/etc/netdata.conf" <<CONF
[global]
  run as user = root
  hostname = preflight-bench
  config directory = $AGENT_DIR/etc
  stock config directory = $ND/usr/lib/netdata/conf.d
  plugins directory = $ND/usr/lib/netdata/plugins.d
  web files directory = $ND/usr/share/netdata/web
  cache directory = $AGENT_DIR/cache
  lib directory = $AGENT_DIR/lib
  log directory = $AGENT_DIR/log
  memory mode = ram
  history = 60
[web]
  bind to = 127.0.0.1
[plugins]
  enable running new plugins = no
  proc = no
  diskspace = no
  cgroups = no
  tc = no
  statsd = no
  timex = no
  idlejitter = no
  checks = no
[health]
  enabled = no
[ml]
  enabled = no
[registry]
  enabled = no
CONF
  setsid unshare -m --propagation private sh -c \
    "mount -t tmpfs none /tmp && exec $ND/usr/sbin/netdata -D -c $AGENT_DIR/etc/netdata.conf -p $AGENT_PORT -u root" \
    > "$AGENT_DIR/out.log" 2>&1 &
  AGENT_PID=$!
  for _ in $(seq 1 360); do
    if curl -fsS -m 1 "http://127.0.0.1:$AGENT_PORT/api/v1/info" >/dev/null 2>&1 &&
       [ -S "/proc/$AGENT_PID/root/tmp/netdata-ipc" ]; then
      return 0
    fi
    sleep 0.25
  done
  echo "the agent did not come up; see $AGENT_DIR/out.log" >&2
  return 1
}
stop_agent() {
  [ -n "${AGENT_PID:-}" ] && kill -TERM -- "-$AGENT_PID" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$AGENT_PID" 2>/dev/null
  rm -rf "$AGENT_DIR"
}
