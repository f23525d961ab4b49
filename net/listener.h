#pragma once
// Accepts TCP connections and hands each to an HttpSession on its own strand.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>

namespace chuhe::net {

struct ServerContext;
class Router;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, boost::asio::ip::tcp::endpoint endpoint,
           std::shared_ptr<ServerContext> ctx, std::shared_ptr<Router> router);

  void run();
  void stop();  // stops accepting; open connections carry on
  unsigned short port() const { return port_; }

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<ServerContext> ctx_;
  std::shared_ptr<Router> router_;
  unsigned short port_ = 0;
};

}  // namespace chuhe::net
