#pragma once
// A real chuhe-server for integration tests: started on a free loopback port with its own data dir,
// talking to the given Redis (or starting its own when none is given), stopped with the test.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace chuhe::test {

struct ServerOptions {
  std::string redis;                     // HOST:PORT; empty: the server starts its own redis-server
  std::filesystem::path data_dir;        // required: the test's temp dir (reused across restarts)
  std::vector<std::string> extra_args;   // more flags, e.g. {"--ws_max_message", "1024"}
  std::vector<std::string> env;          // "KEY=VALUE" additions to the environment
};

class ServerProcess {
 public:
  // Starts build/bin/chuhe-server and waits until it prints the address it serves; throws
  // std::runtime_error (with the server's output) if it does not come up within 20 s.
  explicit ServerProcess(ServerOptions options);
  ~ServerProcess();

  unsigned short port() const { return port_; }
  ChildProcess& process() { return *process_; }
  // Everything the server printed so far (stdout and stderr go to <data dir>/server.log, so a chatty
  // server can never block on a full pipe).
  std::string output() const;

  // SIGTERM and wait: the exit status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // SIGKILL: a crash.
  void kill();

 private:
  std::filesystem::path log_path_;
  std::unique_ptr<ChildProcess> process_;
  unsigned short port_ = 0;
};

}  // namespace chuhe::test
