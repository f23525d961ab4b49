#pragma once
// ChildProcess: a process started with posix_spawn that never outlives its owner. The destructor sends
// SIGKILL and reaps it; stop() asks politely first. Output can be inherited, discarded, captured in a
// pipe (read it, or a chatty child blocks when the pipe fills), or appended to a file.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chuhe::test {

struct ProcessOptions {
  enum class Output { inherit, discard, pipe, file };

  std::vector<std::string> argv;       // argv[0] is the program: a path, or a name looked up in PATH
  Output output = Output::inherit;     // where stdout and stderr go (both to the same place)
  std::filesystem::path output_file;   // Output::file: appended to, created if needed
  std::vector<std::string> env;        // "KEY=VALUE" entries added to (overriding) the inherited environment
};

class ChildProcess {
 public:
  // Starts the process; throws std::runtime_error if it cannot be spawned.
  explicit ChildProcess(ProcessOptions options);
  ~ChildProcess();  // kill()
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // True until the process has exited (and been reaped).
  bool running();

  // Waits up to `timeout` for the process to exit; its wait status (see WIFEXITED) if it did.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

  // Sends `signal`, waits up to `grace`, then SIGKILL; returns the wait status. Idempotent.
  int stop(int signal, std::chrono::milliseconds grace = std::chrono::seconds(5));

  // SIGKILL and reap: the process is gone when this returns. Idempotent.
  void kill();

  // Output::pipe only: reads until `needle` has appeared in output() or `timeout` passed.
  bool wait_for_output(std::string_view needle, std::chrono::milliseconds timeout);
  // Output::pipe only: whatever the child wrote so far that has been read, plus what is readable now.
  const std::string& output();

 private:
  void reap(int status);
  void read_available(int timeout_ms);

  pid_t pid_ = -1;
  std::optional<int> status_;  // set once reaped
  int output_fd_ = -1;         // read end of the pipe (Output::pipe)
  std::string output_;
};

}  // namespace chuhe::test
