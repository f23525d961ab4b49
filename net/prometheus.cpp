#include "net/prometheus.h"

#include <sstream>

namespace chuhe::net {

namespace {
void gauge(std::ostringstream& out, const char* name, const char* help, long value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n" << name << ' ' << value << '\n';
}
void counter(std::ostringstream& out, const char* name, const char* help, long value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n" << name << ' ' << value << '\n';
}
}  // namespace

std::string render_metrics(const ServerContext& ctx) {
  const NetCounters& c = ctx.counters;
  std::ostringstream out;
  gauge(out, "chuhe_http_connections", "HTTP connections open", c.http_connections.load());
  gauge(out, "chuhe_ws_connections", "WebSocket connections open", c.ws_connections.load());
  counter(out, "chuhe_http_requests_total", "HTTP requests read", c.http_requests.load());
  counter(out, "chuhe_ws_messages_in_total", "WebSocket messages read", c.ws_messages_in.load());
  counter(out, "chuhe_ws_dropped_slow_total", "connections closed for a full send queue", c.ws_dropped_slow.load());
  gauge(out, "chuhe_draining", "1 while the server drains", ctx.draining.load() ? 1 : 0);
  if (ctx.extra_metrics) out << ctx.extra_metrics();
  return out.str();
}

}  // namespace chuhe::net
