#pragma once
// The redis-server the server starts for itself when none is configured, so that `chuhe-server`
// alone is a working installation. It listens on a free loopback port, keeps its files in
// <data dir>/redis (AOF on, so sessions survive a restart), and dies with us.
#include <string>
#include <sys/types.h>

namespace chuhe::server {

class EmbeddedRedis {
 public:
  EmbeddedRedis() = default;
  EmbeddedRedis(const EmbeddedRedis&) = delete;
  EmbeddedRedis& operator=(const EmbeddedRedis&) = delete;
  ~EmbeddedRedis() { stop(); }

  // Starts redis-server and waits (bounded) until it accepts connections. Returns an error message.
  std::string start(const std::string& binary, const std::string& dir);
  void stop();

  bool running() const { return pid_ > 0; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace chuhe::server
