#!/usr/bin/env bash
# What a page fault and a child process cost on this machine, beside the starts they slow
# Why a start's page faults weigh more than its instructions here (in a VM a fault costs about
# as much as thousands of instructions): a C loop touching 1000 fresh anonymous pages, every
# 16th page of BINARY through the page cache (fault-around maps 16 at a time), and a private
# copy of 1000 of its pages; then a vfork and a fork (after touching 4 MiB) with their wait;
# then the page faults of one start of `run --supervise -- /bin/true` and of tini-static's.
#   bench/page_faults.sh BINARY
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bin=$(realpath "${1:-$top/build/netdata-preflight}")
need cc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/faults.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}
int main(int argc, char** argv) {
  const int n = 1000;
  char* a = mmap(0, n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  double t0 = now();
  for (int i = 0; i < n; i++) a[i * 4096] = 1;
  double anon = (now() - t0) / n;
  int fd = open(argv[1], O_RDONLY);
  size_t size = lseek(fd, 0, SEEK_END);
  int pages = size / 4096;
  char* f = mmap(0, size, PROT_READ, MAP_PRIVATE, fd, 0);
  volatile char sum = 0;
  t0 = now();
  for (int i = 0; i < pages; i += 16) sum += f[i * 4096];
  double file = (now() - t0) / (pages / 16);
  char* g = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  int cow_pages = pages < n ? pages : n;
  t0 = now();
  for (int i = 0; i < cow_pages; i++) g[i * 4096] = 1;
  double cow = (now() - t0) / cow_pages;
  char* big = malloc(4 << 20);
  for (int i = 0; i < (4 << 20); i += 4096) big[i] = 1;
  int status;
  t0 = now();
  for (int i = 0; i < 200; i++) {
    pid_t c = vfork();
    if (c == 0) _exit(0);
    waitpid(c, &status, 0);
  }
  double vf = (now() - t0) / 200;
  t0 = now();
  for (int i = 0; i < 200; i++) {
    pid_t c = fork();
    if (c == 0) _exit(0);
    waitpid(c, &status, 0);
  }
  double fk = (now() - t0) / 200;
  printf("| a fresh anonymous page | %.1f us |\n", anon);
  printf("| a page of the binary through the page cache (fault-around) | %.1f us |\n", file);
  printf("| a private copy of a page of the binary | %.1f us |\n", cow);
  printf("| vfork, _exit, wait | %.1f us |\n", vf);
  printf("| fork (4 MiB touched), _exit, wait | %.1f us |\n", fk);
  return 0;
}
C
cc -O2 -o "$work/faults" "$work/faults.c"
echo "| what | cost |"
echo "|---|---:|"
"$work/faults" "$bin"
var=$(mktemp -d /dev/shm/faults.XXXXXX)
trap 'rm -rf "$work" "$var"' EXIT
mkdir -p "$var/lib" "$var/etc" "$var/cache"
export PREFLIGHT_VAR_LIB=$var/lib PREFLIGHT_CONFIG_DIR=$var/etc PREFLIGHT_CACHE_DIR=$var/cache
# faults CMD...: minor page faults of CMD and the children it waited for (GNU time's %R), mean of 50.
faults() {
  local i total=0 n
  for i in $(seq 50); do
    n=$(/usr/bin/time -f %R "$@" 2>&1 >/dev/null | tail -n 1)
    total=$((total + n))
  done
  echo $((total / 50))
}
echo
echo "| one start (and the program it starts) | page faults (mean of 50) |"
echo "|---|---:|"
echo "| netdata-preflight run --offline --supervise -- /bin/true | $(faults "$bin" run --offline --fail-on never --supervise -- /bin/true) |"
echo "| tini-static -s -- /bin/true | $(faults /usr/bin/tini-static -s -- /bin/true) |"
echo "| /bin/true | $(faults /bin/true) |"
