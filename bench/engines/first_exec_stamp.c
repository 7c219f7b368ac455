// A container's command for engine_latency_bench: `first_exec_stamp FILE`
// writes CLOCK_REALTIME (ns, decimal, newline) to FILE first thing in main,
// then waits for SIGTERM/SIGINT so the container keeps running. Linked
// -static: no dynamic loader runs between the execve and the stamp.
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  if (argc != 2) return 2;
  char text[32];
  const int len = snprintf(text, sizeof text, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
  // Written under a temporary name and renamed: a reader never sees a partial stamp.
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]) >= (int)sizeof tmp) return 2;
  const int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, text, (size_t)len) != len || close(fd) != 0 || rename(tmp, argv[1]) != 0) return 1;
  // As PID 1 the default action of SIGTERM is ignored, so wait for it explicitly.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigprocmask(SIG_BLOCK, &stop, NULL);
  int sig;
  sigwait(&stop, &sig);
  return 0;
}
