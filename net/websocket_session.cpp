#include "net/websocket_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/log.h"
#include "rooms/protocol_out.h"

namespace chuhe::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

namespace {

bool quiet(beast::error_code ec) {
  return ec == websocket::error::closed || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
         ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::broken_pipe ||
         ec == asio::error::not_connected;
}

// Past this many refused messages in a row, a client is flooding rather than bursting: close it.
constexpr int kFloodClose = 200;

}  // namespace

WebSocketSession::WebSocketSession(beast::tcp_stream&& stream, std::shared_ptr<ServerContext> ctx,
                                   std::shared_ptr<rooms::MessageHandler> handler, rooms::User user,
                                   std::string session_id)
    : ws_(std::move(stream)),
      ctx_(std::move(ctx)),
      handler_(std::move(handler)),
      user_(std::move(user)),
      session_id_(std::move(session_id)),
      bucket_(ctx_->config.messages_per_second, ctx_->config.message_burst) {}

WebSocketSession::~WebSocketSession() {
  if (open_) ctx_->counters.ws_connections.fetch_sub(1, std::memory_order_relaxed);
}

void WebSocketSession::run(Request req, beast::flat_buffer buffer) {
  buffer_ = std::move(buffer);
  const NetConfig& cfg = ctx_->config;
  websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = cfg.ws_idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(cfg.ws_max_message);
  ws_.auto_fragment(false);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "chuhe"); }));
  auto sp = std::make_shared<Request>(std::move(req));
  ws_.async_accept(*sp, [self = shared_from_this(), sp](beast::error_code ec) { self->on_accept(ec); });
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) {
    if (!quiet(ec)) log_warn("ws_accept", ec.message());
    return;
  }
  open_ = true;
  ctx_->counters.ws_connections.fetch_add(1, std::memory_order_relaxed);
  ctx_->sessions.add(shared_from_this());
  handler_->on_connect(shared_from_this());
  do_read();
}

void WebSocketSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      // Beast has already failed the read; tell the peer why as best we can and finish.
      log_info("ws_read", "message too big from " + user_.id);
    } else if (!quiet(ec)) {
      log_warn("ws_read", ec.message());
    }
    return finish();
  }
  ctx_->counters.ws_messages_in.fetch_add(1, std::memory_order_relaxed);
  if (!ws_.got_text()) {
    enqueue(rooms::make_message(rooms::write_error("bad_request", "messages are JSON in text frames")),
            rooms::Audience::player);
  } else {
    auto data = buffer_.cdata();
    handle_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.consume(buffer_.size());
  if (!closing_) do_read();
}

void WebSocketSession::handle_text(std::string_view text) {
  // The protocol's order of checks: bad_request before rate_limited.
  auto parsed = rooms::parse_client_message(text);
  if (auto* error = std::get_if<rooms::ParseError>(&parsed)) {
    bucket_.try_take();  // malformed input counts against the rate too
    return enqueue(rooms::make_message(rooms::write_error("bad_request", error->message, error->id)),
                   rooms::Audience::player);
  }
  auto& request = std::get<rooms::ClientRequest>(parsed);
  if (!bucket_.try_take()) {
    if (++refused_in_a_row_ >= kFloodClose) return do_close(rooms::kCloseFlood, "flooding");
    return enqueue(rooms::make_message(rooms::write_error("rate_limited", "too many messages", request.id)),
                   rooms::Audience::player);
  }
  refused_in_a_row_ = 0;
  if (std::holds_alternative<rooms::in::Ping>(request.message)) {
    return enqueue(rooms::make_message(rooms::write_pong(request.id)), rooms::Audience::player);
  }
  handler_->on_message(shared_from_this(), std::move(request));
}

void WebSocketSession::send(rooms::Message message, rooms::Audience audience) {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this(), message = std::move(message), audience]() mutable {
    self->enqueue(std::move(message), audience);
  });
}

void WebSocketSession::enqueue(rooms::Message message, rooms::Audience audience) {
  if (closing_ || !open_) return;
  std::size_t cap = audience == rooms::Audience::player ? ctx_->config.send_queue_player
                                                        : ctx_->config.send_queue_spectator;
  if (queued_bytes_ + message->size() > cap) {
    ctx_->counters.ws_dropped_slow.fetch_add(1, std::memory_order_relaxed);
    // A reader this far behind gets nothing more; the socket is torn down without a close handshake
    // (which would only queue behind everything else).
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  queued_bytes_ += message->size();
  queue_.push_back(std::move(message));
  if (!writing_) do_write();
}

void WebSocketSession::do_write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (ec) {
    if (!quiet(ec)) log_warn("ws_write", ec.message());
    queue_.clear();
    queued_bytes_ = 0;
    return;
  }
  if (!queue_.empty()) return do_write();
  if (closing_ && !close_reason_.empty()) do_send_close();
}

void WebSocketSession::close(int code, std::string_view reason) {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this(), code, reason = std::string(reason)]() mutable {
    self->do_close(code, std::move(reason));
  });
}

void WebSocketSession::do_close(int code, std::string reason) {
  if (closing_ || !open_) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = reason.empty() ? std::string("closed") : std::move(reason);
  if (!writing_) do_send_close();  // else after the queued messages are written
}

void WebSocketSession::do_send_close() {
  websocket::close_reason cr(static_cast<websocket::close_code>(close_code_), close_reason_);
  close_reason_.clear();
  ws_.async_close(cr, [self = shared_from_this()](beast::error_code) {});
}

void WebSocketSession::finish() {
  if (finished_ || !open_) return;
  finished_ = true;
  ctx_->sessions.remove(this);
  handler_->on_disconnect(shared_from_this());
}

}  // namespace chuhe::net
