// The WebSocket upgrade: authenticate first, then hand the connection to a WebSocketSession.
// A refused upgrade is a plain HTTP answer (401 or 503); no socket opens.
#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/write.hpp>

#include "net/websocket_session.h"

namespace chuhe::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// Writes a refusal and closes; the HTTP response owns itself until written.
void refuse(beast::tcp_stream stream, const Request& req, unsigned status, std::string_view code,
            std::string_view message) {
  struct Refusal {
    beast::tcp_stream stream;
    Response res;
  };
  auto refusal = std::make_shared<Refusal>(Refusal{std::move(stream), error_response(req, status, code, message)});
  refusal->res.keep_alive(false);
  if (status == 401) refusal->res.set(http::field::www_authenticate, "Bearer");
  refusal->stream.expires_after(std::chrono::seconds(5));
  http::async_write(refusal->stream, refusal->res, [refusal](beast::error_code, std::size_t) {
    beast::error_code ignored;
    refusal->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  });
}

}  // namespace

std::string upgrade_token(const Request& req) {
  if (auto it = req.find(http::field::authorization); it != req.end()) {
    std::string_view value = it->value();
    if (value.size() > 7 && (value.substr(0, 7) == "Bearer " || value.substr(0, 7) == "bearer "))
      return std::string(value.substr(7));
  }
  std::string_view target = req.target();
  auto query = target.find('?');
  if (query == std::string_view::npos) return {};
  std::string_view rest = target.substr(query + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (pair.substr(0, 6) == "token=") return percent_decode(pair.substr(6));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

void upgrade_to_websocket(beast::tcp_stream stream, Request req, RequestInfo, beast::flat_buffer buffer,
                          std::shared_ptr<ServerContext> ctx, std::shared_ptr<rooms::MessageHandler> handler) {
  std::string token = upgrade_token(req);
  if (token.empty()) return refuse(std::move(stream), req, 401, "unauthorized", "no token");
  if (!ctx->authenticate) return refuse(std::move(stream), req, 503, "unavailable", "authentication unavailable");

  // Keep everything alive across the asynchronous check, then continue on the connection's strand.
  struct Pending {
    beast::tcp_stream stream;
    Request req;
    beast::flat_buffer buffer;
  };
  auto pending = std::make_shared<Pending>(Pending{std::move(stream), std::move(req), std::move(buffer)});
  pending->stream.expires_after(std::chrono::seconds(10));
  auto executor = pending->stream.get_executor();
  ctx->authenticate(std::move(token), [pending, ctx, handler, executor](AuthOutcome outcome) {
    asio::post(executor, [pending, ctx, handler, outcome = std::move(outcome)]() mutable {
      if (outcome.kind == AuthOutcome::Kind::unavailable)
        return refuse(std::move(pending->stream), pending->req, 503, "unavailable", outcome.message);
      if (outcome.kind == AuthOutcome::Kind::refused)
        return refuse(std::move(pending->stream), pending->req, 401, "unauthorized", outcome.message);
      if (ctx->draining.load())
        return refuse(std::move(pending->stream), pending->req, 503, "draining", "server is shutting down");
      pending->stream.expires_never();
      auto session = std::make_shared<WebSocketSession>(std::move(pending->stream), ctx, handler,
                                                        std::move(outcome.user), std::move(outcome.session_id));
      session->run(std::move(pending->req), std::move(pending->buffer));
    });
  });
}

}  // namespace chuhe::net
