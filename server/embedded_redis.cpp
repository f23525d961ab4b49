#include "server/embedded_redis.h"

#include <arpa/inet.h>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace chuhe::server {

namespace {

// Asks the kernel for a free loopback port. Another process could take it before redis binds it;
// start() then sees redis exit and tries again.
int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string EmbeddedRedis::start(const std::string& binary, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create " + dir + ": " + ec.message();

  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_loopback_port();
    if (port_ == 0) return "no free loopback port";
    std::vector<std::string> args = {binary,       "--port",       std::to_string(port_), "--bind",
                                     "127.0.0.1",  "--dir",        dir,                   "--appendonly",
                                     "yes",        "--appendfsync", "everysec",           "--save",
                                     "",           "--daemonize",  "no",                  "--loglevel",
                                     "warning",    "--logfile",    "redis.log"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) return std::string("fork failed: ") + std::strerror(errno);
    if (pid == 0) {
      // Die with the server, even if it is killed with SIGKILL.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(1);
      ::setpgid(0, 0);  // Ctrl-C goes to the server, which then stops Redis in order
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    pid_ = pid;
    // Wait until it accepts connections: up to 5 s, checking every 10 ms.
    for (int i = 0; i < 500; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return "cannot run " + binary;
        break;  // probably lost the port race: try another
      }
      if (accepts_connections(port_)) return {};
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop();
  }
  return "redis-server did not start (see " + dir + "/redis.log)";
}

void EmbeddedRedis::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace chuhe::server
