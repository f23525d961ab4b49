// The WebSocket session, defined once for both of its next layers (see websocket_session.h).
#include "net/websocket_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/log.h"
#include "net/websocket_session_test_stream.h"
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

}  // namespace

template <class NextLayer>
BasicWebSocketSession<NextLayer>::BasicWebSocketSession(NextLayer&& stream, std::shared_ptr<ServerContext> ctx,
                                                        std::shared_ptr<rooms::MessageHandler> handler,
                                                        rooms::User user, std::string session_id)
    : ws_(std::move(stream)),
      ctx_(std::move(ctx)),
      handler_(std::move(handler)),
      user_(std::move(user)),
      session_id_(std::move(session_id)),
      bucket_(ctx_->config.messages_per_second, ctx_->config.message_burst) {}

template <class NextLayer>
BasicWebSocketSession<NextLayer>::~BasicWebSocketSession() {
  if (open_) ctx_->counters.ws_connections.fetch_sub(1, std::memory_order_relaxed);
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::run(Request req, beast::flat_buffer buffer) {
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
  ws_.async_accept(*sp, [self = this->shared_from_this(), sp](beast::error_code ec) { self->on_accept(ec); });
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::on_accept(beast::error_code ec) {
  if (ec) {
    if (!quiet(ec)) log_warn("ws_accept", ec.message());
    return;
  }
  open_ = true;
  ctx_->counters.ws_connections.fetch_add(1, std::memory_order_relaxed);
  ctx_->sessions.add(this->shared_from_this());
  handler_->on_connect(this->shared_from_this());
  do_read();
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&BasicWebSocketSession::on_read, this->shared_from_this()));
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::message_too_big) {
      // Beast has already sent the close frame (1009) and failed the read.
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
  // While closing, the close operation reads (and discards) what comes until the peer's close frame.
  if (!closing_) do_read();
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::handle_text(std::string_view text) {
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
  handler_->on_message(this->shared_from_this(), std::move(request));
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::send(rooms::Message message, rooms::Audience audience) {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), message = std::move(message),
                                      audience]() mutable { self->enqueue(std::move(message), audience); });
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::enqueue(rooms::Message message, rooms::Audience audience) {
  if (closing_ || !open_) return;
  std::size_t cap =
      audience == rooms::Audience::player ? ctx_->config.send_queue_player : ctx_->config.send_queue_spectator;
  if (queued_bytes_ + message->size() > cap) return overflow();
  queued_bytes_ += message->size();
  queue_.push_back(std::move(message));
  if (!writing_) do_write();
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::overflow() {
  ctx_->counters.ws_dropped_slow.fetch_add(1, std::memory_order_relaxed);
  // A reader this far behind gets nothing more: what is not on the wire yet is dropped at once, and a
  // close frame (4002) follows the message being written, if the peer ever reads it. If it does not
  // within the grace period, the connection is torn down without it.
  closing_ = true;
  if (writing_) {
    queue_.erase(queue_.begin() + 1, queue_.end());
    queued_bytes_ = queue_.front()->size();
  } else {
    queue_.clear();
    queued_bytes_ = 0;
  }
  close_code_ = rooms::kCloseSlow;
  close_reason_ = "send queue overflow";
  close_deadline_.emplace(ws_.get_executor());
  close_deadline_->expires_after(kSlowCloseGrace);
  close_deadline_->async_wait([weak = this->weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->tear_down();
  });
  if (!writing_) do_send_close();
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::do_write() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&BasicWebSocketSession::on_write, this->shared_from_this()));
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::on_write(beast::error_code ec, std::size_t) {
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

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::close(int code, std::string_view reason) {
  asio::dispatch(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::string(reason)]() mutable {
    self->do_close(code, std::move(reason));
  });
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::do_close(int code, std::string reason) {
  if (closing_ || !open_) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = reason.empty() ? std::string("closed") : std::move(reason);
  if (!writing_) do_send_close();  // else after the queued messages are written
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::do_send_close() {
  websocket::close_reason cr(static_cast<websocket::close_code>(close_code_), close_reason_);
  close_reason_.clear();
  // The close operation reads until the peer's close frame; when it completes the connection is
  // over, whether or not a read of ours was pending to notice it.
  ws_.async_close(cr, [self = this->shared_from_this()](beast::error_code) { self->finish(); });
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::tear_down() {
  if (finished_) return;
  beast::close_socket(beast::get_lowest_layer(ws_));  // pending operations fail; the read calls finish()
}

template <class NextLayer>
void BasicWebSocketSession<NextLayer>::finish() {
  if (close_deadline_) close_deadline_->cancel();
  if (finished_ || !open_) return;
  finished_ = true;
  ctx_->sessions.remove(this);
  handler_->on_disconnect(this->shared_from_this());
}

template class BasicWebSocketSession<beast::tcp_stream>;
template class BasicWebSocketSession<beast::test::stream>;

}  // namespace chuhe::net
