#include "server/routes.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "net/prometheus.h"

namespace chuhe::server {

namespace http = boost::beast::http;

void add_routes(net::Router& router, std::shared_ptr<net::ServerContext> ctx,
                std::shared_ptr<const net::StaticFiles> statics) {
  router.add(http::verb::get, "/healthz", [ctx](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
    nlohmann::json body = ctx->health_json ? nlohmann::json::parse(ctx->health_json()) : nlohmann::json::object();
    bool draining = ctx->draining.load();
    body["status"] = draining ? "draining" : "ok";
    reply(net::json_response(req, draining ? 503 : 200, body.dump()));
  });

  router.add(http::verb::get, "/metrics", [ctx](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
    net::Response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.keep_alive(req.keep_alive());
    res.body() = net::render_metrics(*ctx);
    res.prepare_payload();
    reply(std::move(res));
  });

  router.set_fallback([statics](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
    reply(statics->serve(req));
  });
}

}  // namespace chuhe::server
