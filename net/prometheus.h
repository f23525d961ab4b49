#pragma once
// /metrics in the Prometheus text exposition format.
#include <string>

#include "net/server_context.h"

namespace chuhe::net {

std::string render_metrics(const ServerContext& ctx);

}  // namespace chuhe::net
