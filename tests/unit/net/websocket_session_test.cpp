// The WebSocket session driven without sockets: a real server-side session over beast::test::stream,
// connected to a client websocket::stream<test::stream> on the same io_context. Every wait runs the
// io_context until a condition holds (no sleeps); a wait that would hang fails after a timeout.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "net/websocket_session_test_stream.h"
#include "rooms/protocol_out.h"

namespace chuhe::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using json = nlohmann::json;
using namespace std::chrono_literals;

// Stands in for the rooms: records what the session hands over; sends `welcome` like the Hub.
class RecordingHandler : public rooms::MessageHandler {
 public:
  void on_connect(const std::shared_ptr<rooms::Client>& client) override {
    ++connects;
    client->send(rooms::make_message(rooms::write_welcome(client->user(), 1234)), rooms::Audience::player);
  }
  void on_message(const std::shared_ptr<rooms::Client>&, rooms::ClientRequest request) override {
    messages.push_back(std::move(request));
  }
  void on_disconnect(const std::shared_ptr<rooms::Client>&) override { ++disconnects; }

  int connects = 0;
  int disconnects = 0;
  std::vector<rooms::ClientRequest> messages;
};

// What the client read: a text message, or the error that ended the reads.
struct ReadResult {
  beast::error_code ec;
  std::string text;
  bool binary = false;
};

class WebSocketSessionTest : public ::testing::Test {
 protected:
  WebSocketSessionTest() {
    user.id = "u1";
    user.name = "alice";
  }

  ~WebSocketSessionTest() override {
    // Every test ends its session; none may outlive the test (ASan would also report the leak).
    EXPECT_TRUE(run_until([&] { return session.expired(); })) << "the session is still alive";
  }

  // Runs the io_context until `condition` holds; false if it does not within `timeout`.
  bool run_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      if (ioc.stopped()) ioc.restart();
      if (ioc.run_one_for(deadline - now) == 0 && ioc.stopped()) return condition();  // out of work
    }
    return true;
  }

  // Connects the client to a new server-side session: the upgrade request is read first, as the
  // HTTP session does in production, then handed to the WebSocket session with any bytes after it.
  // `server_stream_setup` may adjust the server's end of the stream before the session takes it.
  void connect(const std::function<void(beast::test::stream&)>& server_stream_setup = {}) {
    beast::test::stream server_stream(asio::make_strand(ioc));
    server_stream.connect(client.next_layer());
    if (server_stream_setup) server_stream_setup(server_stream);

    bool handshook = false;
    beast::error_code handshake_ec;
    client.async_handshake(handshake_response, "localhost", "/ws?token=t", [&](beast::error_code ec) {
      handshake_ec = ec;
      handshook = true;
    });
    Request req;
    beast::flat_buffer buffer;
    bool got_request = false;
    http::async_read(server_stream, buffer, req, [&](beast::error_code ec, std::size_t) {
      ASSERT_FALSE(ec) << ec.message();
      got_request = true;
    });
    ASSERT_TRUE(run_until([&] { return got_request; }));
    ASSERT_TRUE(websocket::is_upgrade(req));

    auto s = std::make_shared<TestWebSocketSession>(std::move(server_stream), ctx, handler, user, "jti-1");
    session = s;
    s->run(std::move(req), std::move(buffer));
    s.reset();  // from here on, only its own operations keep it alive
    ASSERT_TRUE(run_until([&] { return handshook; }));
    ASSERT_FALSE(handshake_ec) << handshake_ec.message();
    // The client may see the 101 before the server's accept completes and tells the rooms.
    ASSERT_TRUE(run_until([&] { return handler->connects == 1; }));
  }

  ReadResult read() {
    ReadResult result;
    bool done = false;
    beast::flat_buffer buffer;
    client.async_read(buffer, [&](beast::error_code ec, std::size_t) {
      result.ec = ec;
      result.text = beast::buffers_to_string(buffer.data());
      result.binary = client.got_binary();
      done = true;
    });
    EXPECT_TRUE(run_until([&] { return done; })) << "no message came";
    return result;
  }

  json read_json() {
    ReadResult r = read();
    EXPECT_FALSE(r.ec) << r.ec.message();
    EXPECT_FALSE(r.binary);
    return json::parse(r.text, nullptr, false);
  }

  void write(const std::string& text, bool binary = false) {
    bool done = false;
    beast::error_code write_ec;
    client.text(!binary);
    client.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
      write_ec = ec;
      done = true;
    });
    ASSERT_TRUE(run_until([&] { return done; }));
    ASSERT_FALSE(write_ec) << write_ec.message();
  }

  // Reads until the server closes; returns what came before, and leaves the close reason in client.
  std::vector<std::string> read_until_closed(beast::error_code& ec) {
    std::vector<std::string> texts;
    for (;;) {
      ReadResult r = read();
      if (r.ec) {
        ec = r.ec;
        return texts;
      }
      texts.push_back(std::move(r.text));
    }
  }

  // The session ran to its end: the rooms were told once and nothing refers to it.
  void expect_ended() {
    EXPECT_TRUE(run_until([&] { return session.expired(); }));
    EXPECT_EQ(handler->disconnects, 1);
    EXPECT_EQ(ctx->sessions.size(), 0u);
    EXPECT_EQ(ctx->counters.ws_connections.load(), 0);
  }

  asio::io_context ioc;
  std::shared_ptr<ServerContext> ctx = std::make_shared<ServerContext>();
  std::shared_ptr<RecordingHandler> handler = std::make_shared<RecordingHandler>();
  websocket::stream<beast::test::stream> client{ioc};
  websocket::response_type handshake_response;
  rooms::User user;
  std::weak_ptr<TestWebSocketSession> session;
};

TEST_F(WebSocketSessionTest, HandshakeOpensTheSessionAndTheHandlersWelcomeArrives) {
  ASSERT_NO_FATAL_FAILURE(connect());
  EXPECT_EQ(handshake_response.result(), http::status::switching_protocols);
  EXPECT_EQ(handshake_response[http::field::server], "chuhe");
  EXPECT_EQ(handler->connects, 1);
  EXPECT_EQ(ctx->sessions.size(), 1u);
  EXPECT_EQ(ctx->counters.ws_connections.load(), 1);

  json welcome = read_json();
  EXPECT_EQ(welcome["t"], "welcome");
  EXPECT_EQ(welcome["user"]["id"], "u1");
  EXPECT_EQ(welcome["server_time"], 1234);

  client.async_close(websocket::close_code::normal, [](beast::error_code) {});
  expect_ended();
}

TEST_F(WebSocketSessionTest, WellFormedRequestReachesTheHandlerAndPingIsAnsweredByTheSession) {
  ASSERT_NO_FATAL_FAILURE(connect());
  read_json();  // welcome
  write(R"({"t":"watch","game":"g42","id":7})");
  ASSERT_TRUE(run_until([&] { return handler->messages.size() == 1; }));
  const rooms::ClientRequest& request = handler->messages[0];
  ASSERT_TRUE(std::holds_alternative<rooms::in::Watch>(request.message));
  EXPECT_EQ(std::get<rooms::in::Watch>(request.message).game, "g42");
  EXPECT_EQ(request.id, "7");
  EXPECT_EQ(ctx->counters.ws_messages_in.load(), 1);

  write(R"({"t":"ping","id":"p"})");
  json pong = read_json();
  EXPECT_EQ(pong["t"], "pong");
  EXPECT_EQ(pong["id"], "p");
  EXPECT_EQ(handler->messages.size(), 1u);  // ping never reaches the rooms

  client.async_close(websocket::close_code::normal, [](beast::error_code) {});
  expect_ended();
}

TEST_F(WebSocketSessionTest, MalformedJsonAndBinaryFramesAreAnsweredBadRequestAndTheConnectionStays) {
  ASSERT_NO_FATAL_FAILURE(connect());
  read_json();  // welcome
  write("{not json");
  json error = read_json();
  EXPECT_EQ(error["t"], "error");
  EXPECT_EQ(error["code"], "bad_request");
  EXPECT_TRUE(error["message"].is_string());

  write(R"({"t":"no_such_type","id":3})");
  error = read_json();
  EXPECT_EQ(error["code"], "bad_request");
  EXPECT_EQ(error["id"], 3);  // a refusal still echoes the id

  write(R"({"t":"ping"})", /*binary=*/true);
  error = read_json();
  EXPECT_EQ(error["code"], "bad_request");
  EXPECT_EQ(error["message"], "messages are JSON in text frames");
  EXPECT_TRUE(handler->messages.empty());

  write(R"({"t":"ping"})");
  EXPECT_EQ(read_json()["t"], "pong");

  client.async_close(websocket::close_code::normal, [](beast::error_code) {});
  expect_ended();
}

TEST_F(WebSocketSessionTest, MessageOverTheLimitClosesWith1009) {
  ctx->config.ws_max_message = 1024;
  ASSERT_NO_FATAL_FAILURE(connect());
  read_json();  // welcome
  write(std::string(R"({"t":"chat","game":"g","text":")") + std::string(1100, 'x') + R"("})");
  beast::error_code ec;
  auto texts = read_until_closed(ec);
  EXPECT_TRUE(texts.empty());
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(client.reason().code, websocket::close_code::too_big);
  EXPECT_TRUE(handler->messages.empty());
  expect_ended();
}

TEST_F(WebSocketSessionTest, MessageAtTheLimitIsRead) {
  ctx->config.ws_max_message = 1024;
  ASSERT_NO_FATAL_FAILURE(connect());
  read_json();  // welcome
  std::string head = R"({"t":"cancel_seek","pad":")";
  std::string tail = R"("})";
  write(head + std::string(1024 - head.size() - tail.size(), 'x') + tail);
  ASSERT_TRUE(run_until([&] { return handler->messages.size() == 1; }));
  EXPECT_TRUE(std::holds_alternative<rooms::in::CancelSeek>(handler->messages[0].message));
  client.async_close(websocket::close_code::normal, [](beast::error_code) {});
  expect_ended();
}

TEST_F(WebSocketSessionTest, RateLimitedThenFloodingClosesWith4003) {
  // Practically no refill, so the count does not depend on how fast the machine is.
  ctx->config.messages_per_second = 0.001;
  ctx->config.message_burst = 5;
  ASSERT_NO_FATAL_FAILURE(connect());
  read_json();                            // welcome
  const int sent = 5 + kFloodClose + 10;  // the last ones arrive after the close
  for (int i = 0; i < sent; ++i) write(R"({"t":"ping","id":)" + std::to_string(i) + "}");

  beast::error_code ec;
  auto texts = read_until_closed(ec);
  int pongs = 0, limited = 0;
  for (const auto& text : texts) {
    json msg = json::parse(text);
    if (msg["t"] == "pong") ++pongs;
    if (msg["t"] == "error" && msg["code"] == "rate_limited") ++limited;
  }
  EXPECT_EQ(pongs, 5);
  EXPECT_EQ(limited, kFloodClose - 1);
  EXPECT_EQ(texts.size(), static_cast<std::size_t>(pongs + limited));
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(client.reason().code, rooms::kCloseFlood);
  expect_ended();
}

TEST_F(WebSocketSessionTest, ReaderThatFallsBehindIsClosedWith4002AndTheQueueStaysBounded) {
  // test::stream never blocks a write, so a client that stops reading is modelled by a transport
  // that drains 64 bytes per turn of the io_context while the server queues 1 KiB per two turns.
  constexpr std::size_t cap = 8 * 1024;
  ctx->config.send_queue_player = cap;
  ASSERT_NO_FATAL_FAILURE(connect([](beast::test::stream& s) { s.write_size(64); }));
  const std::string payload = R"({"t":"event","pad":")" + std::string(1000, 'p') + R"("})";
  const auto message = rooms::make_message(payload);

  std::size_t most_queued = 0;
  int offered = 0;
  for (; offered < 200 && ctx->counters.ws_dropped_slow.load() == 0; ++offered) {
    auto s = session.lock();
    ASSERT_TRUE(s);
    s->send(message, rooms::Audience::player);
    s.reset();
    ioc.poll_one();
    ioc.poll_one();
    if (auto live = session.lock()) most_queued = std::max(most_queued, live->queued_bytes());
  }
  EXPECT_EQ(ctx->counters.ws_dropped_slow.load(), 1);
  EXPECT_LE(most_queued, cap);
  EXPECT_GT(most_queued, cap - 2 * payload.size());  // it did fill up
  {
    // Past the cap, what was not on the wire is dropped at once and nothing more is taken.
    auto s = session.lock();
    ASSERT_TRUE(s);
    EXPECT_LE(s->queued_bytes(), payload.size());
    for (int i = 0; i < 50; ++i) s->send(message, rooms::Audience::player);
  }
  ioc.poll();
  if (auto s = session.lock()) {
    EXPECT_LE(s->queued_bytes(), payload.size());
  }

  // The client finally reads: the welcome, what got through, then the close frame.
  beast::error_code ec;
  auto texts = read_until_closed(ec);
  ASSERT_FALSE(texts.empty());
  EXPECT_EQ(json::parse(texts.front())["t"], "welcome");
  EXPECT_LT(texts.size(), static_cast<std::size_t>(offered) + 1);
  for (std::size_t i = 1; i < texts.size(); ++i) EXPECT_EQ(texts[i], payload);
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(client.reason().code, rooms::kCloseSlow);
  expect_ended();
}

TEST_F(WebSocketSessionTest, ServerCloseDeliversItsCodeAfterTheQueuedMessages) {
  ASSERT_NO_FATAL_FAILURE(connect());
  {
    auto s = session.lock();
    ASSERT_TRUE(s);
    s->send(rooms::make_message(R"({"t":"one"})"), rooms::Audience::player);
    s->send(rooms::make_message(R"({"t":"two"})"), rooms::Audience::spectator);
    s->close(rooms::kCloseRevoked, "revoked");
    s->send(rooms::make_message(R"({"t":"too late"})"), rooms::Audience::player);
  }
  beast::error_code ec;
  auto texts = read_until_closed(ec);
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(json::parse(texts[0])["t"], "welcome");
  EXPECT_EQ(texts[1], R"({"t":"one"})");
  EXPECT_EQ(texts[2], R"({"t":"two"})");
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(client.reason().code, rooms::kCloseRevoked);
  EXPECT_EQ(client.reason().reason, "revoked");
  expect_ended();
}

TEST_F(WebSocketSessionTest, RegistryRevocationClosesTheSession) {
  ASSERT_NO_FATAL_FAILURE(connect());
  read_json();  // welcome
  EXPECT_EQ(ctx->sessions.close_session("jti-1", rooms::kCloseRevoked, "logged out"), 1u);
  beast::error_code ec;
  read_until_closed(ec);
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(client.reason().code, rooms::kCloseRevoked);
  expect_ended();
}

TEST_F(WebSocketSessionTest, ClientThatStopsAnsweringIsDroppedAfterTheIdleTimeout) {
  ctx->config.ws_idle_timeout = 1s;
  ASSERT_NO_FATAL_FAILURE(connect());
  // The client never reads, so it never answers the server's keep-alive ping.
  ASSERT_TRUE(run_until([&] { return handler->disconnects == 1; }, 10s));
  expect_ended();
}

}  // namespace
}  // namespace chuhe::net
