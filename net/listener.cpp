#include "net/listener.h"

#include <boost/asio/strand.hpp>
#include <iostream>

#include "net/http_session.h"
#include "net/log.h"

namespace chuhe::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Listener::Listener(asio::io_context& ioc, tcp::endpoint endpoint, std::shared_ptr<ServerContext> ctx,
                   std::shared_ptr<Router> router)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), ctx_(std::move(ctx)), router_(std::move(router)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::run() { do_accept(); }

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::do_accept() {
  // Each connection gets its own strand so its handlers never run concurrently.
  acceptor_.async_accept(asio::make_strand(ioc_),
                         [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                           self->on_accept(ec, std::move(socket));
                         });
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted) return;  // stopped
  if (ec) {
    // Out of file descriptors and the like: keep accepting, the condition may pass.
    log_warn("accept", ec.message());
  } else {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HttpSession>(std::move(socket), ctx_, router_)->run();
  }
  if (acceptor_.is_open()) do_accept();
}

}  // namespace chuhe::net
