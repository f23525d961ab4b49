// chuhe-server: the composition root. Reads the config, starts what the server depends on (its own
// redis-server unless one is configured), wires the layers together and serves until SIGINT/SIGTERM.
#include <iostream>
#include <string>
#include <vector>

#include "server/app.h"
#include "server/config.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::cout << chuhe::server::usage();
      return 0;
    }
  }
  chuhe::server::Config config;
  if (auto err = chuhe::server::load_config(args, config)) {
    std::cerr << "chuhe-server: " << *err << "\n" << "Try --help.\n";
    return 2;
  }
  return chuhe::server::run_server(config);
}
