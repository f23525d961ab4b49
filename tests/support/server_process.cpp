#include "tests/support/server_process.h"

#include <csignal>
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
  p.output = ProcessOptions::Output::pipe;
  p.env = options.env;
  process_ = std::make_unique<ChildProcess>(std::move(p));

  // The server prints "Chuhe is serving: open http://HOST:PORT/" once it accepts connections.
  const std::string marker = "Chuhe is serving: open http://";
  if (!process_->wait_for_output(marker, std::chrono::seconds(20))) {
    std::string out = process_->output();
    process_->kill();
    throw std::runtime_error("chuhe-server did not start:\n" + out);
  }
  // Wait for the whole line (the port and the slash after it).
  process_->wait_for_output("/\n", std::chrono::seconds(5));
  std::smatch match;
  const std::string& out = process_->output();
  static const std::regex pattern(R"(Chuhe is serving: open http://[^:]+:(\d+)/)");
  if (!std::regex_search(out, match, pattern)) throw std::runtime_error("no port in server output:\n" + out);
  port_ = static_cast<unsigned short>(std::stoi(match[1]));
}

ServerProcess::~ServerProcess() = default;

int ServerProcess::stop(std::chrono::milliseconds grace) { return process_->stop(SIGTERM, grace); }

void ServerProcess::kill() { process_->kill(); }

}  // namespace chuhe::test
