#include "net/router.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

namespace chuhe::net {

namespace http = boost::beast::http;

void Router::add(http::verb method, std::string path, Handler handler) {
  bool prefix = !path.empty() && path.back() == '*';
  if (prefix) path.pop_back();
  routes_.push_back(Route{method, std::move(path), prefix, std::move(handler)});
}

void Router::dispatch(const Request& req, const RequestInfo& info, Reply reply) const {
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  bool path_known = false;
  for (const Route& route : routes_) {
    bool match = route.prefix ? path.starts_with(route.path) : path == route.path;
    if (!match) continue;
    path_known = true;
    if (route.method == req.method()) return route.handler(req, info, std::move(reply));
  }
  if (path_known) return reply(error_response(req, 405, "method_not_allowed", "method not allowed here"));
  if (fallback_) return fallback_(req, info, std::move(reply));
  reply(error_response(req, 404, "not_found", "no such resource"));
}

Response json_response(const Request& req, unsigned status, std::string body) {
  Response res{static_cast<http::status>(status), req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(const Request& req, unsigned status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return json_response(req, status, body.dump());
}

}  // namespace chuhe::net
