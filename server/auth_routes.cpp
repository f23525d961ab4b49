// The account endpoints: thin adapters from HTTP requests to the AuthService, whose answers arrive
// on its own threads (the session posts them back to the connection's strand).
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "server/routes.h"

namespace chuhe::server {

namespace http = boost::beast::http;

namespace {

net::Response to_response(const net::Request& req, const net::HttpReply& reply) {
  net::Response res = net::json_response(req, reply.status, reply.body);
  if (reply.status == 204) {
    res.body().clear();
    res.erase(http::field::content_type);
    res.prepare_payload();
  }
  if (reply.retry_after_s > 0) res.set(http::field::retry_after, std::to_string(reply.retry_after_s));
  return res;
}

// The request lives until the reply: callbacks outlive the handler's stack frame.
auto answer(const net::Request& req, net::Reply reply) {
  auto shared = std::make_shared<net::Request>(req);
  return [shared, reply = std::move(reply)](net::HttpReply r) { reply(to_response(*shared, r)); };
}

}  // namespace

void add_auth_routes(net::Router& router, std::shared_ptr<net::AuthService> auth) {
  router.add(http::verb::post, "/api/auth/guest",
             [auth](const net::Request& req, const net::RequestInfo& info, net::Reply reply) {
               auth->guest(req.body(), info.remote_ip, answer(req, std::move(reply)));
             });
  router.add(http::verb::post, "/api/auth/register",
             [auth](const net::Request& req, const net::RequestInfo& info, net::Reply reply) {
               auth->register_user(req.body(), info.remote_ip, answer(req, std::move(reply)));
             });
  router.add(http::verb::post, "/api/auth/login",
             [auth](const net::Request& req, const net::RequestInfo& info, net::Reply reply) {
               auth->login(req.body(), info.remote_ip, answer(req, std::move(reply)));
             });
  router.add(http::verb::post, "/api/auth/logout",
             [auth](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
               auto it = req.find(http::field::authorization);
               std::string_view header;
               if (it != req.end()) header = std::string_view(it->value().data(), it->value().size());
               auth->logout(header, answer(req, std::move(reply)));
             });
}

}  // namespace chuhe::server
