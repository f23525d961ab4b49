#pragma once
// Small blocking HTTP and WebSocket clients for integration tests, over Beast, with timeouts on
// every operation so a broken server fails a test instead of hanging it.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace chuhe::test {

struct HttpResult {
  int status = 0;  // 0: no answer (connection refused, timeout)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// One request on a fresh connection.
HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body = {}, const std::map<std::string, std::string>& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The value of one sample of a Prometheus text body (/metrics): the line "SERIES VALUE", labels included
// in `series`; -1 if there is none.
double metric_value(const std::string& body, const std::string& series);

class WsClient {
 public:
  WsClient();
  ~WsClient();

  // Opens ws://127.0.0.1:port/target. On a refused upgrade returns false and sets refused_status().
  bool connect(unsigned short port, const std::string& target,
               const std::map<std::string, std::string>& headers = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(5));
  int refused_status() const { return refused_status_; }

  bool send_text(const std::string& text);
  bool send(const nlohmann::json& message) { return send_text(message.dump()); }

  // The next message, or nothing after `timeout` (or when the connection closed).
  std::optional<nlohmann::json> recv(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until a message with "t" == type (others are skipped, kept in skipped()).
  std::optional<nlohmann::json> recv_type(const std::string& type,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }
  // Waits until the server closes the connection; returns its close code (or -1 on timeout).
  int wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void close();

 private:
  bool run_until(bool& done, std::chrono::milliseconds timeout);

  boost::asio::io_context ioc_;
  std::optional<boost::beast::websocket::stream<boost::beast::tcp_stream>> ws_;
  boost::beast::flat_buffer buffer_;
  int refused_status_ = 0;
  bool closed_ = false;
  int close_code_ = -1;
};

}  // namespace chuhe::test
