#include "tests/support/server_process.h"

#include <csignal>
#include <fstream>
#include <thread>
#include <regex>
#include <stdexcept>

namespace chuhe::test {

ServerProcess::ServerProcess(ServerOptions options) {
  ProcessOptions p;
  p.argv = {std::string(CHUHE_BIN_DIR) + "/chuhe-server", "--listen", "127.0.0.1:0", "--data",
            options.data_dir.string(), "--log_level", "warn"};
  if (!options.redis.empty()) {
    p.argv.push_back("--redis");
    p.argv.push_back(options.redis);
  }
  p.argv.insert(p.argv.end(), options.extra_args.begin(), options.extra_args.end());
  log_path_ = options.data_dir / "server.log";
  std::filesystem::remove(log_path_);
  p.output = ProcessOptions::Output::file;
  p.output_file = log_path_;
  p.env = options.env;
  process_ = std::make_unique<ChildProcess>(std::move(p));

  // The server prints "Chuhe is serving: open http://HOST:PORT/" once it accepts connections.
  static const std::regex pattern(R"(Chuhe is serving: open http://[^:]+:(\d+)/)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::smatch match;
  std::string out;
  while (true) {
    out = output();
    if (std::regex_search(out, match, pattern)) break;
    if (std::chrono::steady_clock::now() > deadline || !process_->running()) {
      process_->kill();
      throw std::runtime_error("chuhe-server did not start:\n" + output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling the log file, bounded above
  }
  port_ = static_cast<unsigned short>(std::stoi(match[1]));
}

std::string ServerProcess::output() const {
  std::ifstream in(log_path_);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

ServerProcess::~ServerProcess() = default;

int ServerProcess::stop(std::chrono::milliseconds grace) { return process_->stop(SIGTERM, grace); }

void ServerProcess::kill() { process_->kill(); }

}  // namespace chuhe::test
