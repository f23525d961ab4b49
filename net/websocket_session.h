#pragma once
// One WebSocket connection of an authenticated user. Reads frames (bounded size, rate-limited),
// parses them into protocol requests for the rooms, and writes a bounded queue of shared,
// already-serialized messages. Lifetime by shared_from_this; everything runs on the connection's strand.
//
// The session is a template on the stream under the WebSocket (the "next layer") so that tests can
// drive it over boost::beast::test::stream without sockets. Its member functions are defined and
// explicitly instantiated in websocket_session.cpp only, for beast::tcp_stream (production, below) and
// beast::test::stream (tests, see websocket_session_test_stream.h): the Beast code is compiled once.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>

#include "net/router.h"
#include "net/server_context.h"
#include "net/token_bucket.h"
#include "rooms/client.h"
#include "rooms/handler.h"

namespace chuhe::net {

// Past this many refused messages in a row, a client is flooding rather than bursting: close it (4003).
inline constexpr int kFloodClose = 200;
// After a send queue overflows, how long the close frame (4002) may take to go out before the
// connection is torn down without it.
inline constexpr std::chrono::seconds kSlowCloseGrace{5};

template <class NextLayer>
class BasicWebSocketSession : public std::enable_shared_from_this<BasicWebSocketSession<NextLayer>>,
                              public rooms::Client {
 public:
  BasicWebSocketSession(NextLayer&& stream, std::shared_ptr<ServerContext> ctx,
                        std::shared_ptr<rooms::MessageHandler> handler, rooms::User user, std::string session_id);
  ~BasicWebSocketSession() override;

  // Completes the handshake for `req` (bytes already read after it are in `buffer`).
  void run(Request req, boost::beast::flat_buffer buffer);

  void send(rooms::Message message, rooms::Audience audience) override;
  void close(int code, std::string_view reason) override;
  const rooms::User& user() const override { return user_; }
  const std::string& session_id() const override { return session_id_; }

  // Bytes of messages queued and not yet written (the one being written included). Read it on the
  // connection's strand (tests and diagnostics).
  std::size_t queued_bytes() const { return queued_bytes_; }

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_text(std::string_view text);
  void enqueue(rooms::Message message, rooms::Audience audience);
  void overflow();
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_close(int code, std::string reason);
  void do_send_close();
  void tear_down();
  void finish();

  boost::beast::websocket::stream<NextLayer> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> ctx_;
  std::shared_ptr<rooms::MessageHandler> handler_;
  rooms::User user_;
  std::string session_id_;

  std::deque<rooms::Message> queue_;  // front is being written while writing_
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;   // close frame sent or scheduled: nothing more is queued
  bool open_ = false;      // handshake done and on_connect told
  bool finished_ = false;  // on_disconnect told
  int close_code_ = 1000;
  std::string close_reason_;  // non-empty while a close frame waits for the queue to drain
  TokenBucket bucket_;
  int refused_in_a_row_ = 0;                                 // rate-limited messages since the last accepted one
  std::optional<boost::asio::steady_timer> close_deadline_;  // only once a slow reader is being closed
};

// Production: over TCP.
using WebSocketSession = BasicWebSocketSession<boost::beast::tcp_stream>;
extern template class BasicWebSocketSession<boost::beast::tcp_stream>;

// Takes over a connection that asked to upgrade on /ws: authenticates its token (header
// `Authorization: Bearer T` or query `?token=T`) and either opens a WebSocketSession or answers
// 401/503 and closes.
void upgrade_to_websocket(boost::beast::tcp_stream stream, Request req, RequestInfo info,
                          boost::beast::flat_buffer buffer, std::shared_ptr<ServerContext> ctx,
                          std::shared_ptr<rooms::MessageHandler> handler);

// The token of an upgrade request, from the Authorization header or the query; empty if none.
std::string upgrade_token(const Request& req);

}  // namespace chuhe::net
