// maxrss CMD ARGS...: runs CMD and prints "maxrss: N KiB" (the child's peak
// resident set, from wait4) on stderr; exits with CMD's status. A launcher
// of its own because a child forked from the Python harness starts with the
// harness's pages counted in its peak.
#include <cstdio>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: maxrss CMD ARGS...\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("maxrss: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    std::perror("maxrss: exec");
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  if (wait4(pid, &status, 0, &ru) < 0) {
    std::perror("maxrss: wait4");
    return 2;
  }
  std::fprintf(stderr, "maxrss: %ld KiB\n", ru.ru_maxrss);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
