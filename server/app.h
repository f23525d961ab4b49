#pragma once
#include "server/config.h"

namespace chuhe::server {

// Runs the server until SIGINT or SIGTERM, then drains and returns the process exit code.
int run_server(const Config& config);

}  // namespace chuhe::server
