// The program the supervisor tests run under `netdata-preflight run --supervise`: it records
// which signals reach it, ignores SIGTERM, leaves orphans, or exits as told.
//   signal_child record FILE         log every signal number to FILE; exit 0 after SIGTERM
//   signal_child ignore-term FILE    ignore SIGTERM; write "ready" to FILE; wait forever
//   signal_child group FILE          fork a grandchild (same group) that records; wait
//   signal_child leave FILE          fork a grandchild that records; exit 3 once it is ready
//   signal_child orphans N           leave N orphaned grandchildren; exit 0 once all are
//                                    reaped by PID 1 and no zombie is left, else 1
//   signal_child exit N | kill SIG   exit with N / die by signal SIG
//   signal_child ignore SIGS PROG... ignore the comma-separated signal numbers, exec PROG
//                                    (the parent of an init that ignores them, as nohup is)
//   signal_child fds MS              after MS ms, print its open fds ("0 1 2 "), then its pid
//                                    and process group ("PID PGID")
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int g_fd = -1;
bool g_exit_on_term = true;

void Put(const char* text) {
  ssize_t ignored = write(g_fd, text, strlen(text));
  (void)ignored;
}

void OnSignal(int sig) {
  char buf[16];
  int n = 0;
  char digits[8];
  int d = 0;
  for (int v = sig; v > 0; v /= 10) digits[d++] = static_cast<char>('0' + v % 10);
  while (d > 0) buf[n++] = digits[--d];
  buf[n++] = '\n';
  ssize_t ignored = write(g_fd, buf, static_cast<size_t>(n));
  (void)ignored;
  if (sig == SIGTERM && g_exit_on_term) _exit(0);
}

void Record(const char* file) {
  g_fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD) continue;
    sigaction(sig, &sa, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  Put("ready\n");
}

[[noreturn]] void WaitForever() {
  for (;;) pause();
}

// Counts the processes of this PID namespace other than PID 1 and us, and the zombies.
void CountProcesses(int& others, int& zombies) {
  others = 0;
  zombies = 0;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return;
  while (dirent* e = readdir(dir)) {
    int pid = atoi(e->d_name);
    if (pid <= 1 || pid == getpid()) continue;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) continue;
    buf[n] = '\0';
    const char* close_paren = strrchr(buf, ')');
    ++others;
    if (close_paren != nullptr && close_paren[1] == ' ' && close_paren[2] == 'Z') ++zombies;
  }
  closedir(dir);
}

int Orphans(int count) {
  pid_t middle = fork();
  if (middle == 0) {
    for (int i = 0; i < count; ++i) {
      if (fork() == 0) {
        usleep(200 * 1000);  // outlive the middle process: these are orphans when they exit
        _exit(0);
      }
    }
    _exit(0);
  }
  int status = 0;
  waitpid(middle, &status, 0);
  int others = 0, zombies = 0;
  for (int i = 0; i < 200; ++i) {  // up to 20 s
    usleep(100 * 1000);
    CountProcesses(others, zombies);
    if (others == 0) return 0;
  }
  fprintf(stderr, "signal_child: %d processes left, %d of them zombies\n", others, zombies);
  return 1;
}

}  // namespace

// The fds open in this process, but the one that lists them.
void PrintFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  bool open_fd[1024] = {};
  while (dirent* e = readdir(dir)) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fd != dirfd(dir) && fd < 1024)
      open_fd[fd] = true;
  }
  closedir(dir);
  for (int fd = 0; fd < 1024; ++fd) {
    if (open_fd[fd]) printf("%d ", fd);
  }
  printf("\n%d %d\n", static_cast<int>(getpid()), static_cast<int>(getpgrp()));
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  const std::string mode = argv[1];
  if (mode == "ignore" && argc >= 4) {
    for (char* p = argv[2]; *p != '\0';) {
      signal(static_cast<int>(strtol(p, &p, 10)), SIG_IGN);
      if (*p == ',') ++p;
    }
    execv(argv[3], argv + 3);
    return 127;
  }
  if (mode == "fds") {
    usleep(static_cast<useconds_t>(atoi(argv[2])) * 1000);
    PrintFds();
    return 0;
  }
  if (mode == "exit") return atoi(argv[2]);
  if (mode == "kill") {
    int sig = atoi(argv[2]);
    signal(sig, SIG_DFL);
    raise(sig);
    return 99;
  }
  if (mode == "orphans") return Orphans(atoi(argv[2]));
  if (mode == "record") {
    Record(argv[2]);
    WaitForever();
  }
  if (mode == "ignore-term") {
    signal(SIGTERM, SIG_IGN);
    g_fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    Put("ready\n");
    WaitForever();
  }
  if (mode == "group" || mode == "leave") {
    int ready[2];
    if (pipe(ready) != 0) return 2;
    pid_t grandchild = fork();
    if (grandchild == 0) {
      close(ready[0]);
      Record(argv[2]);
      close(ready[1]);
      WaitForever();
    }
    close(ready[1]);
    char c;
    while (read(ready[0], &c, 1) > 0) {
    }
    if (mode == "leave") return 3;
    signal(SIGUSR1, SIG_IGN);  // only the grandchild records it: proof the group got it
    WaitForever();
  }
  return 2;
}
