#pragma once
// RedisServer: a private redis-server for one test, on a free loopback port with its own data directory.
// The constructor returns once the server answers PING; kill() and restart() simulate a crash and a
// recovery on the same port and directory.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace chuhe::test {

struct RedisServerOptions {
  std::string executable = "/usr/bin/redis-server";
  std::filesystem::path dir;          // data directory; empty: a TempDir owned by the server
  bool appendonly = false;            // AOF on (the journal tests need it)
  std::string appendfsync = "always"; // with appendonly: always, everysec or no
  std::vector<std::string> extra_args;  // more "--name value" arguments
  std::chrono::milliseconds start_timeout{10'000};
};

class RedisServer {
 public:
  // Starts redis-server and waits until it answers PING; throws std::runtime_error (with the end of its
  // log) if it does not within start_timeout.
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();  // kills the server; removes its directory if it owns it
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::string host() const { return "127.0.0.1"; }
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool running();

  void kill();     // SIGKILL: a crash. Returns once the process is gone.
  void stop();     // SIGTERM: a clean shutdown (with AOF on, everything acknowledged is on disk)
  void restart();  // starts again on the same port and directory; waits for PING
  void pause();    // SIGSTOP: the server holds connections but answers nothing (a hung or partitioned node)
  void resume();   // SIGCONT

  // Sends PING on a fresh connection; true on +PONG.
  bool ping(std::chrono::milliseconds timeout = std::chrono::milliseconds(200)) const;
  // The last `bytes` of the server's log file, for failure messages.
  std::string log_tail(std::size_t bytes = 2000) const;

 private:
  bool start();  // false if the process exited before answering (e.g. the port was taken)

  RedisServerOptions options_;
  std::optional<TempDir> owned_dir_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace chuhe::test
