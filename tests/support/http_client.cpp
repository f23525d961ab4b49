#include "tests/support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace chuhe::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body, const std::map<std::string, std::string>& headers,
                        std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  HttpResult result;
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() && req.find(http::field::content_type) == req.end())
    req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response<http::string_body> res;

  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    if (ec) return;
    http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) return;
      http::async_read(stream, buffer, res, [&](beast::error_code ec, std::size_t) {
        if (ec) return;
        result.status = static_cast<int>(res.result_int());
        result.body = res.body();
        for (const auto& field : res) {
          std::string name(field.name_string());
          for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          result.headers[name] = std::string(field.value());
        }
      });
    });
  });
  ioc.run();
  return result;
}

WsClient::WsClient() = default;
WsClient::~WsClient() = default;

bool WsClient::run_until(bool& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  ioc_.restart();
  while (!done && std::chrono::steady_clock::now() < deadline) {
    ioc_.run_one_until(deadline);
  }
  return done;
}

bool WsClient::connect(unsigned short port, const std::string& target,
                       const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout) {
  ws_.emplace(ioc_);
  bool done = false;
  bool ok = false;
  auto& lowest = beast::get_lowest_layer(*ws_);
  lowest.expires_after(timeout);
  ws_->set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  auto res = std::make_shared<websocket::response_type>();
  lowest.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&, res](beast::error_code ec) {
    if (ec) {
      done = true;
      return;
    }
    ws_->async_handshake(*res, "127.0.0.1", target, [&, res](beast::error_code ec) {
      done = true;
      if (ec) {
        refused_status_ = static_cast<int>(res->result_int());
        return;
      }
      ok = true;
    });
  });
  run_until(done, timeout + std::chrono::milliseconds(500));
  if (!ok) {
    closed_ = true;
    return false;
  }
  lowest.expires_never();
  return true;
}

bool WsClient::send_text(const std::string& text) {
  if (closed_) return false;
  bool done = false;
  bool ok = false;
  ws_->text(true);
  ws_->async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
    done = true;
    ok = !ec;
  });
  run_until(done, std::chrono::seconds(5));
  return ok;
}

std::optional<nlohmann::json> WsClient::recv(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  bool done = false;
  std::optional<nlohmann::json> message;
  ws_->async_read(buffer_, [&](beast::error_code ec, std::size_t) {
    done = true;
    if (ec) {
      closed_ = true;
      if (ec == websocket::error::closed) close_code_ = ws_->reason().code;
      return;
    }
    message = nlohmann::json::parse(beast::buffers_to_string(buffer_.data()), nullptr, false);
    buffer_.consume(buffer_.size());
  });
  if (!run_until(done, timeout)) {
    // Give up on this read: cancel it and let the cancellation complete before returning.
    beast::get_lowest_layer(*ws_).socket().cancel();
    run_until(done, std::chrono::seconds(1));
    // A cancelled read leaves the WebSocket stream unusable; treat the client as closed.
    closed_ = true;
    return std::nullopt;
  }
  return message;
}

double metric_value(const std::string& body, const std::string& series) {
  const auto at = body.find("\n" + series + " ");  // a sample line, not its # HELP line
  return at == std::string::npos ? -1.0 : std::stod(body.substr(at + series.size() + 2));
}

std::optional<nlohmann::json> WsClient::recv_type(const std::string& type, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto message = recv(left);
    if (!message) return std::nullopt;
    if (message->is_object() && message->value("t", "") == type) return message;
  }
}

int WsClient::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    recv(left);
  }
  return close_code_;
}

void WsClient::close() {
  if (closed_ || !ws_) return;
  bool done = false;
  ws_->async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  run_until(done, std::chrono::seconds(2));
  closed_ = true;
}

}  // namespace chuhe::test
