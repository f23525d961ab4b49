#include "net/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/log.h"

namespace chuhe::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {
// Errors that are a normal end of a connection, not worth a log line.
bool quiet(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
         ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::eof ||
         ec == asio::error::broken_pipe;
}
void fail(beast::error_code ec, const char* what) {
  if (!quiet(ec)) log_warn(what, ec.message());
}
}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket&& socket, std::shared_ptr<ServerContext> ctx,
                         std::shared_ptr<Router> router)
    : stream_(std::move(socket)), ctx_(std::move(ctx)), router_(std::move(router)) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ip_ = endpoint.address().to_string();
  ctx_->counters.http_connections.fetch_add(1, std::memory_order_relaxed);
}

HttpSession::~HttpSession() { ctx_->counters.http_connections.fetch_sub(1, std::memory_order_relaxed); }

void HttpSession::run() {
  // Start on the connection's strand: the socket was made on it by the listener.
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(ctx_->config.http_body_limit);
  parser_->header_limit(8 * 1024);
  stream_.expires_after(ctx_->config.http_timeout);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    Request req;
    req.version(11);
    req.keep_alive(false);
    return on_reply(error_response(req, 413, "too_large", "request too large"));
  }
  if (ec) {
    if (ec != http::error::end_of_stream) fail(ec, "http_read");
    return do_close();
  }
  Request& req = parser_->get();
  ctx_->counters.http_requests.fetch_add(1, std::memory_order_relaxed);

  if (beast::websocket::is_upgrade(req)) {
    std::string_view target = req.target();
    if (target.substr(0, target.find('?')) != "/ws" || !ctx_->on_upgrade) {
      return on_reply(error_response(req, 404, "not_found", "WebSocket endpoint is /ws"));
    }
    if (ctx_->draining.load()) {
      return on_reply(error_response(req, 503, "draining", "server is shutting down"));
    }
    upgraded_ = true;
    stream_.expires_never();
    // The upgrade handler authenticates, then either accepts or answers 401/503 itself.
    return ctx_->on_upgrade(std::move(stream_), parser_->release(), RequestInfo{remote_ip_},
                            std::move(buffer_));
  }

  // Answers may come from another thread; post them back to this connection's strand.
  router_->dispatch(req, RequestInfo{remote_ip_}, [self = shared_from_this()](Response res) {
    asio::post(self->stream_.get_executor(),
               [self, res = std::move(res)]() mutable { self->on_reply(std::move(res)); });
  });
}

void HttpSession::on_reply(Response res) {
  bool keep_alive = res.keep_alive();
  auto sp = std::make_shared<Response>(std::move(res));
  stream_.expires_after(ctx_->config.http_timeout);
  http::async_write(stream_, *sp,
                    [self = shared_from_this(), sp, keep_alive](beast::error_code ec, std::size_t bytes) {
                      self->on_write(keep_alive, ec, bytes);
                    });
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "http_write");
  if (!keep_alive || ctx_->draining.load()) return do_close();
  do_read();
}

void HttpSession::do_close() {
  if (upgraded_) return;
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace chuhe::net
