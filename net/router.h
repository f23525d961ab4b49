#pragma once
// Maps HTTP requests to handlers. The composition root registers routes; net/ stays ignorant of what
// they do. A handler answers by calling `reply` exactly once, from any thread: the session posts the
// answer back to its own strand, so handlers may hop to worker threads (Redis, SQLite, Argon2).
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chuhe::net {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Reply = std::function<void(Response)>;

struct RequestInfo {
  std::string remote_ip;  // the peer's address, for per-address limits
};

using Handler = std::function<void(const Request&, const RequestInfo&, Reply)>;

class Router {
 public:
  // `path` matches exactly; a path ending in '*' matches every path with that prefix.
  void add(boost::beast::http::verb method, std::string path, Handler handler);
  // Answers requests no route matched (static files); without one, 404.
  void set_fallback(Handler handler) { fallback_ = std::move(handler); }

  void dispatch(const Request& req, const RequestInfo& info, Reply reply) const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::string path;
    bool prefix;
    Handler handler;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

// A JSON answer with the right headers; `body` is already serialized.
Response json_response(const Request& req, unsigned status, std::string body);
// {"error":{"code":code,"message":message}}
Response error_response(const Request& req, unsigned status, std::string_view code, std::string_view message);

}  // namespace chuhe::net
