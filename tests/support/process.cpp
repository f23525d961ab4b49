#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>
#include <utility>

extern char** environ;

namespace chuhe::test {
namespace {

using Clock = std::chrono::steady_clock;

// pidfd lets us wait for exit with a timeout without polling; older kernels lack it (ENOSYS).
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> vars;
  auto add = [&](std::string_view entry) {
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) return;
    vars[std::string(entry.substr(0, eq))] = std::string(entry);
  };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) add(*e);
  for (const auto& e : extra) add(e);
  std::vector<std::string> out;
  for (auto& [key, entry] : vars) out.push_back(std::move(entry));
  return out;
}

}  // namespace

ChildProcess::ChildProcess(ProcessOptions options) {
  if (options.argv.empty()) throw std::runtime_error("ChildProcess: empty argv");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int pipe_fds[2] = {-1, -1};
  switch (options.output) {
    case ProcessOptions::Output::inherit:
      break;
    case ProcessOptions::Output::discard:
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
      posix_spawn_file_actions_adddup2(&actions, 1, 2);
      break;
    case ProcessOptions::Output::file:
      posix_spawn_file_actions_addopen(&actions, 1, options.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                       0644);
      posix_spawn_file_actions_adddup2(&actions, 1, 2);
      break;
    case ProcessOptions::Output::pipe:
      if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        throw std::runtime_error("ChildProcess: pipe failed");
      }
      // dup2 clears FD_CLOEXEC on the copies, so only 1 and 2 reach the child.
      posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
      posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
      break;
  }

  std::vector<std::string> env = merged_environment(options.env);
  std::vector<char*> argv;
  for (auto& a : options.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  // The child starts with default signal dispositions and an empty mask, whatever the test runner set.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  int rc = ::posix_spawnp(&pid_, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (pipe_fds[1] >= 0) ::close(pipe_fds[1]);
  if (rc != 0) {
    if (pipe_fds[0] >= 0) ::close(pipe_fds[0]);
    pid_ = -1;
    throw std::runtime_error("ChildProcess: cannot start " + options.argv[0] + ": " + std::strerror(rc));
  }
  output_fd_ = pipe_fds[0];
}

ChildProcess::~ChildProcess() {
  kill();
  if (output_fd_ >= 0) ::close(output_fd_);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      status_(std::exchange(other.status_, std::nullopt)),
      output_fd_(std::exchange(other.output_fd_, -1)),
      output_(std::move(other.output_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    ChildProcess old(std::move(*this));  // kills what this held
    pid_ = std::exchange(other.pid_, -1);
    status_ = std::exchange(other.status_, std::nullopt);
    output_fd_ = std::exchange(other.output_fd_, -1);
    output_ = std::move(other.output_);
  }
  return *this;
}

void ChildProcess::reap(int status) { status_ = status; }

bool ChildProcess::running() {
  if (pid_ < 0 || status_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) reap(status);
  return !status_;
}

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  if (pid_ < 0) return std::nullopt;
  if (!running()) return status_;
  const auto deadline = Clock::now() + timeout;
  int pidfd = open_pidfd(pid_);
  while (running()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left));  // readable once the process has exited
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(left, 5)));
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return status_;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds grace) {
  if (pid_ < 0) return -1;
  if (running()) {
    ::kill(pid_, signal);
    if (!wait_for(grace)) {
      ::kill(pid_, SIGKILL);
    }
  }
  while (!status_) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, 0);
    if (r == pid_) {
      reap(status);
    } else if (r < 0 && errno != EINTR) {
      status_ = -1;  // not our child any more (someone else reaped it): nothing left to wait for
    }
  }
  return *status_;
}

void ChildProcess::kill() { stop(SIGKILL, std::chrono::milliseconds(0)); }

void ChildProcess::read_available(int timeout_ms) {
  if (output_fd_ < 0) return;
  pollfd p{output_fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return;
  char buffer[4096];
  ssize_t n = ::read(output_fd_, buffer, sizeof buffer);
  if (n > 0) {
    output_.append(buffer, static_cast<std::size_t>(n));
  } else if (n == 0) {
    ::close(output_fd_);  // the child closed its end (it exited): everything has been read
    output_fd_ = -1;
  }
}

bool ChildProcess::wait_for_output(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (output_.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || output_fd_ < 0) return output_.find(needle) != std::string::npos;
    read_available(static_cast<int>(left));
  }
  return true;
}

const std::string& ChildProcess::output() {
  for (std::size_t before = output_.size() + 1; output_fd_ >= 0 && before != output_.size();) {
    before = output_.size();
    read_available(0);
  }
  return output_;
}

}  // namespace chuhe::test
