// RFC 6455 conformance of the server's WebSocket endpoint, frame by frame over a raw TCP socket (the
// Autobahn suite cannot run here): handshake, fragmentation, control frames between fragments,
// ping/pong, close codes, invalid UTF-8, unmasked client frames, oversized messages.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>

#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using namespace chuhe::test;

namespace {

struct Frame {
  bool fin = true;
  int opcode = 0;
  std::string payload;
};

// A raw client: writes frames byte by byte as the test builds them, reads what comes back.
class RawSocket {
 public:
  explicit RawSocket(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() { ::close(fd_); }
  bool connected() const { return connected_; }

  void write_all(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<std::size_t>(n);
    }
  }

  // Reads until `n` bytes are buffered or the timeout/EOF; false if they never came.
  bool fill(std::size_t n, int timeout_ms = 5000) {
    while (in_.size() < n) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return false;
      char buf[4096];
      ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
      if (got <= 0) return false;
      in_.append(buf, static_cast<std::size_t>(got));
    }
    return true;
  }

  // The HTTP answer to the handshake: the status line's code.
  int handshake(const std::string& target, const std::string& version = "13", bool with_key = true) {
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Version: " + version + "\r\n";
    if (with_key) req += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    req += "\r\n";
    write_all(req);
    while (in_.find("\r\n\r\n") == std::string::npos)
      if (!fill(in_.size() + 1)) return 0;
    auto end = in_.find("\r\n\r\n") + 4;
    std::string head = in_.substr(0, end);
    in_.erase(0, end);
    accept_header_ = head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != std::string::npos;
    if (head.size() < 12) return 0;
    return std::stoi(head.substr(9, 3));
  }
  bool accept_header_ok() const { return accept_header_; }

  // A client frame; masked unless told otherwise.
  void send_frame(int opcode, const std::string& payload, bool fin = true, bool masked = true) {
    std::string f;
    f += static_cast<char>((fin ? 0x80 : 0) | opcode);
    std::size_t n = payload.size();
    char mask_bit = masked ? char(0x80) : 0;
    if (n < 126) {
      f += static_cast<char>(mask_bit | static_cast<char>(n));
    } else {
      f += static_cast<char>(mask_bit | 126);
      f += static_cast<char>((n >> 8) & 0xff);
      f += static_cast<char>(n & 0xff);
    }
    const unsigned char key[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked) f.append(reinterpret_cast<const char*>(key), 4);
    for (std::size_t i = 0; i < n; ++i) f += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
    write_all(f);
  }

  // The next server frame (servers never mask), or nothing on timeout/EOF.
  std::optional<Frame> read_frame(int timeout_ms = 5000) {
    if (!fill(2, timeout_ms)) return std::nullopt;
    Frame frame;
    auto b0 = static_cast<unsigned char>(in_[0]), b1 = static_cast<unsigned char>(in_[1]);
    frame.fin = b0 & 0x80;
    frame.opcode = b0 & 0x0f;
    EXPECT_EQ(b1 & 0x80, 0) << "server frames must not be masked";
    std::size_t len = b1 & 0x7f, header = 2;
    if (len == 126) {
      if (!fill(4, timeout_ms)) return std::nullopt;
      len = (static_cast<unsigned char>(in_[2]) << 8) | static_cast<unsigned char>(in_[3]);
      header = 4;
    } else if (len == 127) {
      return std::nullopt;  // never expected here
    }
    if (!fill(header + len, timeout_ms)) return std::nullopt;
    frame.payload = in_.substr(header, len);
    in_.erase(0, header + len);
    return frame;
  }

  // Reads frames until a close frame; its status code (-1 if none came, 0 if it had no code).
  int read_close(int timeout_ms = 5000) {
    while (auto frame = read_frame(timeout_ms)) {
      if (frame->opcode != 8) continue;
      if (frame->payload.size() < 2) return 0;
      return (static_cast<unsigned char>(frame->payload[0]) << 8) | static_cast<unsigned char>(frame->payload[1]);
    }
    return -1;
  }

  // Reads frames until a text frame whose payload contains `needle`.
  std::optional<Frame> read_text_containing(const std::string& needle) {
    while (auto frame = read_frame()) {
      if (frame->opcode == 1 && frame->payload.find(needle) != std::string::npos) return frame;
    }
    return std::nullopt;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool accept_header_ = false;
  std::string in_;
};

class Rfc6455Test : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<RedisServer>();
    server_ = std::make_unique<ServerProcess>(ServerOptions{
        redis_->host() + ":" + std::to_string(redis_->port()), dir_.path(), {"--ws_max_message", "1024"}, {}});
    auto res = http_request(server_->port(), "POST", "/api/auth/guest", "{}");
    ASSERT_EQ(res.status, 200);
    token_ = res.json()["token"];
  }

  // An open, welcomed connection.
  std::unique_ptr<RawSocket> open() {
    auto socket = std::make_unique<RawSocket>(server_->port());
    EXPECT_TRUE(socket->connected());
    EXPECT_EQ(socket->handshake("/ws?token=" + token_), 101);
    EXPECT_TRUE(socket->read_text_containing("\"welcome\""));
    return socket;
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServerProcess> server_;
  std::string token_;
};

}  // namespace

TEST_F(Rfc6455Test, HandshakeAnswers101WithTheRightAcceptKey) {
  RawSocket socket(server_->port());
  EXPECT_EQ(socket.handshake("/ws?token=" + token_), 101);
  EXPECT_TRUE(socket.accept_header_ok());
}

TEST_F(Rfc6455Test, HandshakeWithoutKeyOrWrongVersionIsRefused) {
  RawSocket no_key(server_->port());
  EXPECT_EQ(no_key.handshake("/ws?token=" + token_, "13", false), 400);
  RawSocket old_version(server_->port());
  EXPECT_EQ(old_version.handshake("/ws?token=" + token_, "8"), 426);  // Upgrade Required
}

TEST_F(Rfc6455Test, FragmentedTextMessageIsReassembled) {
  auto ws = open();
  ws->send_frame(1, R"({"t":"pi)", false);
  ws->send_frame(0, R"(ng","id":)", false);
  ws->send_frame(0, R"("frag"})", true);
  auto pong = ws->read_text_containing("pong");
  ASSERT_TRUE(pong);
  EXPECT_NE(pong->payload.find("\"frag\""), std::string::npos);
}

TEST_F(Rfc6455Test, ControlFramesBetweenFragmentsAreAnsweredInOrder) {
  auto ws = open();
  ws->send_frame(1, R"({"t":"ping",)", false);
  ws->send_frame(9, "are you there", true);  // a ping in the middle of a fragmented message
  ws->send_frame(0, R"("id":2})", true);
  auto frame = ws->read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 10);  // pong first, echoing the ping's payload
  EXPECT_EQ(frame->payload, "are you there");
  auto pong = ws->read_text_containing("pong");
  ASSERT_TRUE(pong);
}

TEST_F(Rfc6455Test, PingIsAnsweredWithPongCarryingThePayload) {
  auto ws = open();
  ws->send_frame(9, "hello");
  auto frame = ws->read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 10);
  EXPECT_EQ(frame->payload, "hello");
}

TEST_F(Rfc6455Test, CloseIsEchoedWithTheSameCode) {
  auto ws = open();
  ws->send_frame(8, std::string("\x03\xe8", 2) + "bye");  // 1000
  EXPECT_EQ(ws->read_close(), 1000);
}

TEST_F(Rfc6455Test, InvalidUtf8InTextFrameClosesWith1007) {
  auto ws = open();
  ws->send_frame(1, "{\"t\":\"ping\",\"id\":\"\xc3\x28\"}");
  EXPECT_EQ(ws->read_close(), 1007);
}

TEST_F(Rfc6455Test, UnmaskedClientFrameClosesWith1002) {
  auto ws = open();
  ws->send_frame(1, R"({"t":"ping"})", true, /*masked=*/false);
  EXPECT_EQ(ws->read_close(), 1002);
}

TEST_F(Rfc6455Test, UnknownOpcodeClosesWith1002) {
  auto ws = open();
  ws->send_frame(3, "reserved opcode");
  EXPECT_EQ(ws->read_close(), 1002);
}

TEST_F(Rfc6455Test, FragmentedControlFrameClosesWith1002) {
  auto ws = open();
  ws->send_frame(9, "half a ping", /*fin=*/false);
  EXPECT_EQ(ws->read_close(), 1002);
}

TEST_F(Rfc6455Test, MessageOverTheLimitClosesWith1009) {
  auto ws = open();
  ws->send_frame(1, std::string(2000, ' '));  // the server runs with --ws_max_message 1024
  EXPECT_EQ(ws->read_close(), 1009);
}

TEST_F(Rfc6455Test, BinaryFrameIsRefusedAsBadRequest) {
  auto ws = open();
  ws->send_frame(2, R"({"t":"ping"})");
  auto error = ws->read_text_containing("bad_request");
  EXPECT_TRUE(error);
}
