#pragma once
// One HTTP/1.1 connection: reads requests (bounded body, timeouts), answers them through the Router in
// order, and hands a WebSocket upgrade on /ws to the upgrade handler.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>

#include "net/router.h"
#include "net/server_context.h"

namespace chuhe::net {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerContext> ctx,
              std::shared_ptr<Router> router);
  ~HttpSession();

  void run();

 private:
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_reply(Response res);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<ServerContext> ctx_;
  std::shared_ptr<Router> router_;
  std::string remote_ip_;
  bool upgraded_ = false;  // the stream moved to a WebSocket session
};

}  // namespace chuhe::net
