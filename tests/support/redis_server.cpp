#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/ports.h"

namespace chuhe::test {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  if (options_.dir.empty()) {
    owned_dir_.emplace("chuhe-redis");
    dir_ = owned_dir_->path();
  } else {
    dir_ = options_.dir;
    std::filesystem::create_directories(dir_);
  }
  // The port was free a moment ago; if another process took it meanwhile, redis exits: try another.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_loopback_port();
    if (start()) return;
  }
  throw std::runtime_error("redis-server did not start; log:\n" + log_tail());
}

RedisServer::~RedisServer() { kill(); }

bool RedisServer::running() { return process_ && process_->running(); }

bool RedisServer::start() {
  std::vector<std::string> argv = {options_.executable,
                                   "--port", std::to_string(port_),
                                   "--bind", "127.0.0.1",
                                   "--dir", dir_.string(),
                                   "--logfile", (dir_ / "redis.log").string(),
                                   "--save", "",
                                   "--daemonize", "no",
                                   "--protected-mode", "yes",
                                   "--appendonly", options_.appendonly ? "yes" : "no"};
  if (options_.appendonly) {
    argv.insert(argv.end(), {"--appendfsync", options_.appendfsync});
  }
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  process_ = std::make_unique<ChildProcess>(ProcessOptions{argv, ProcessOptions::Output::discard, {}, {}});

  // Poll PING with a bounded loop: the server is ready when it answers, not after some fixed sleep.
  const auto deadline = Clock::now() + options_.start_timeout;
  while (Clock::now() < deadline) {
    if (ping()) return true;
    if (!process_->running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  process_->kill();
  throw std::runtime_error("redis-server did not answer PING within the start timeout; log:\n" + log_tail());
}

void RedisServer::kill() {
  if (process_) process_->kill();
}

void RedisServer::stop() {
  if (process_) process_->stop(SIGTERM, std::chrono::seconds(10));
}

void RedisServer::pause() {
  if (process_ && process_->running()) ::kill(process_->pid(), SIGSTOP);
}

void RedisServer::resume() {
  if (process_ && process_->running()) ::kill(process_->pid(), SIGCONT);
}

void RedisServer::restart() {
  kill();
  // Same port: nothing else should have taken it this quickly, and redis uses SO_REUSEADDR.
  if (!start()) throw std::runtime_error("redis-server did not restart; log:\n" + log_tail());
}

bool RedisServer::ping(std::chrono::milliseconds timeout) const {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    static constexpr char kPing[] = "*1\r\n$4\r\nPING\r\n";
    if (::write(fd, kPing, sizeof kPing - 1) == static_cast<ssize_t>(sizeof kPing - 1)) {
      std::string reply;
      char buffer[64];
      while (reply.find("\r\n") == std::string::npos) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        reply.append(buffer, static_cast<std::size_t>(n));
      }
      ok = reply.rfind("+PONG\r\n", 0) == 0;  // "-LOADING ..." while it replays its AOF: not yet
    }
  }
  ::close(fd);
  return ok;
}

std::string RedisServer::log_tail(std::size_t bytes) const {
  std::ifstream in(dir_ / "redis.log");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

}  // namespace chuhe::test
