// chuhe-server end to end over HTTP and the WebSocket upgrade: health, draining, accounts, token
// refusals, and Redis going away and coming back. Real processes only.
#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>

#include <future>
#include <regex>
#include <thread>

#include "persistence/redis_client.h"
#include "tests/support/http_client.h"
#include "tests/support/ports.h"
#include "tests/support/redis_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using namespace chuhe::test;
using nlohmann::json;

namespace {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<RedisServer>();
    server_ = std::make_unique<ServerProcess>(ServerOptions{redis_address(), dir_.path(), {}, {}});
  }
  std::string redis_address() const { return redis_->host() + ":" + std::to_string(redis_->port()); }
  unsigned short port() const { return server_->port(); }

  std::string guest_token() {
    auto res = http_request(port(), "POST", "/api/auth/guest", "{}");
    EXPECT_EQ(res.status, 200) << res.body;
    return res.json().value("token", "");
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace

TEST_F(ServerTest, HealthzNamesRedisAndSigtermDrainsToExitZero) {
  auto res = http_request(port(), "GET", "/healthz");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.json()["status"], "ok");
  EXPECT_EQ(res.json()["redis"], "up");
  int status = server_->stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ServerTest, MetricsAreExposedInPrometheusFormat) {
  http_request(port(), "GET", "/healthz");
  auto res = http_request(port(), "GET", "/metrics");
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("# TYPE chuhe_http_requests_total counter"), std::string::npos);
  EXPECT_NE(res.body.find("chuhe_ws_connections "), std::string::npos);
  EXPECT_NE(res.body.find("# TYPE chuhe_move_relay_seconds histogram"), std::string::npos);
  EXPECT_NE(res.body.find("chuhe_moves_total 0\n"), std::string::npos) << res.body;

  // A refusal is counted under its code; a move is counted and timed.
  auto count = [](const std::string& body, const std::string& series) {
    return static_cast<long long>(metric_value(body, series));
  };
  const long long bad_before = count(res.body, "chuhe_refusals_total{code=\"bad_request\"}");
  ASSERT_GE(bad_before, 0);
  std::unique_ptr<WsClient> players[2];
  for (auto& p : players) {
    p = std::make_unique<WsClient>();
    ASSERT_TRUE(p->connect(port(), "/ws?token=" + guest_token()));
    ASSERT_TRUE(p->recv_type("welcome"));
  }
  players[0]->send_text("{not json");
  ASSERT_TRUE(players[0]->recv_type("error"));
  for (auto& p : players) p->send({{"t", "seek"}, {"tc", "5+3"}});
  auto start = players[0]->recv_type("game_start");
  ASSERT_TRUE(start && players[1]->recv_type("game_start"));
  WsClient& red = (*start)["color"] == "red" ? *players[0] : *players[1];
  red.send({{"t", "move"}, {"game", (*start)["game"]}, {"move", "h2e2"}, {"ply", 0}});
  ASSERT_TRUE(red.recv_type("move"));
  auto after = http_request(port(), "GET", "/metrics").body;
  EXPECT_EQ(count(after, "chuhe_refusals_total{code=\"bad_request\"}"), bad_before + 1);
  EXPECT_EQ(count(after, "chuhe_moves_total"), 1);
  EXPECT_EQ(count(after, "chuhe_move_relay_seconds_count"), 1);
  EXPECT_EQ(count(after, "chuhe_move_relay_seconds_bucket{le=\"+Inf\"}"), 1);
}

TEST_F(ServerTest, UnknownPathsAndMethodsGetJsonErrors) {
  auto res = http_request(port(), "GET", "/no/such/thing");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.json()["error"]["code"], "not_found");
  res = http_request(port(), "GET", "/api/auth/guest");
  EXPECT_EQ(res.status, 405);
}

TEST_F(ServerTest, OversizedBodyIsRefused) {
  auto res = http_request(port(), "POST", "/api/auth/guest", std::string(64 * 1024, 'x'));
  EXPECT_EQ(res.status, 413);
}

TEST_F(ServerTest, GuestRegisterLoginLogoutRoundTrip) {
  auto guest = http_request(port(), "POST", "/api/auth/guest", "{}");
  ASSERT_EQ(guest.status, 200) << guest.body;
  EXPECT_TRUE(guest.json()["user"]["guest"].get<bool>());

  auto reg = http_request(port(), "POST", "/api/auth/register", R"({"name":"Wang_1","password":"correct horse"})");
  ASSERT_EQ(reg.status, 201) << reg.body;
  EXPECT_EQ(reg.json()["user"]["name"], "Wang_1");
  auto dup = http_request(port(), "POST", "/api/auth/register", R"({"name":"wang_1","password":"another one"})");
  EXPECT_EQ(dup.status, 409);
  auto bad = http_request(port(), "POST", "/api/auth/register", R"({"name":"x","password":"correct horse"})");
  EXPECT_EQ(bad.status, 400);
  auto weak = http_request(port(), "POST", "/api/auth/register", R"({"name":"li_2","password":"short"})");
  EXPECT_EQ(weak.status, 400);

  auto wrong = http_request(port(), "POST", "/api/auth/login", R"({"name":"Wang_1","password":"wrong password"})");
  EXPECT_EQ(wrong.status, 401);
  auto login = http_request(port(), "POST", "/api/auth/login", R"({"name":"WANG_1","password":"correct horse"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token = login.json()["token"];

  auto out = http_request(port(), "POST", "/api/auth/logout", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(out.status, 204);
  // Logging out again is harmless (documented: 204 for a session already gone), but the token is dead.
  auto again = http_request(port(), "POST", "/api/auth/logout", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(again.status, 204);
  WsClient ws;
  EXPECT_FALSE(ws.connect(port(), "/ws?token=" + token));
  EXPECT_EQ(ws.refused_status(), 401);
}

TEST_F(ServerTest, UpgradeRefusesMissingGarbageAndRevokedTokens) {
  WsClient none;
  EXPECT_FALSE(none.connect(port(), "/ws"));
  EXPECT_EQ(none.refused_status(), 401);

  WsClient garbage;
  EXPECT_FALSE(garbage.connect(port(), "/ws?token=not.a.token"));
  EXPECT_EQ(garbage.refused_status(), 401);

  std::string token = guest_token();
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  WsClient changed;
  EXPECT_FALSE(changed.connect(port(), "/ws", {{"Authorization", "Bearer " + tampered}}));
  EXPECT_EQ(changed.refused_status(), 401);

  ASSERT_EQ(http_request(port(), "POST", "/api/auth/logout", "", {{"Authorization", "Bearer " + token}}).status, 204);
  WsClient revoked;
  EXPECT_FALSE(revoked.connect(port(), "/ws?token=" + token));
  EXPECT_EQ(revoked.refused_status(), 401);
}

TEST_F(ServerTest, RedisDownGivesPrompt503sAndRecoversByItself) {
  std::string token = guest_token();
  redis_->kill();

  auto health = http_request(port(), "GET", "/healthz");
  ASSERT_EQ(health.status, 200);  // the process still serves
  // The client notices the loss within its health-check period (250 ms); poll for up to 3 s.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (health.json()["redis"] != "down" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    health = http_request(port(), "GET", "/healthz");
  }
  EXPECT_EQ(health.json()["redis"], "down");

  auto start = std::chrono::steady_clock::now();
  auto guest = http_request(port(), "POST", "/api/auth/guest", "{}");
  EXPECT_EQ(guest.status, 503);
  EXPECT_EQ(guest.json()["error"]["code"], "unavailable");
  WsClient ws;
  EXPECT_FALSE(ws.connect(port(), "/ws?token=" + token));
  EXPECT_EQ(ws.refused_status(), 503);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

  redis_->restart();
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = http_request(port(), "POST", "/api/auth/guest", "{}").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // reconnect backoff
  }
  EXPECT_EQ(status, 200);
}

TEST(ServerEmbeddedRedis, StartsItsOwnRedisAndStopsItOnSigint) {
  TempDir dir;
  ServerProcess server(ServerOptions{"", dir.path(), {"--log_level", "info"}, {}});
  auto res = http_request(server.port(), "GET", "/healthz");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.json()["redis"], "up");
  ASSERT_EQ(http_request(server.port(), "POST", "/api/auth/guest", "{}").status, 200);
  int status = server.process().stop(SIGINT, std::chrono::seconds(10));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The Redis it started is gone too: its port no longer accepts connections.
  std::smatch m;
  std::string out = server.output();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(started redis-server on 127\.0\.0\.1:(\d+))"))) << out;
  EXPECT_FALSE(loopback_port_open(static_cast<std::uint16_t>(std::stoi(m[1]))));
}

// A session that vanishes without a revocation message (its TTL ran out, or a logout was published
// while this node's subscription was down) has its sockets closed by the periodic check.
TEST(ServerSessionAudit, SocketOfASessionThatVanishedIsClosedWith4001) {
  TempDir dir;
  RedisServer redis;
  const std::string address = redis.host() + ":" + std::to_string(redis.port());
  ServerProcess server(ServerOptions{address, dir.path(), {"--session_check_s", "1"}, {}});
  auto guest = http_request(server.port(), "POST", "/api/auth/guest", "{}");
  ASSERT_EQ(guest.status, 200);
  WsClient ws;
  ASSERT_TRUE(ws.connect(server.port(), "/ws?token=" + guest.json()["token"].get<std::string>()));
  ASSERT_TRUE(ws.recv_type("welcome"));

  // Remove the session behind the server's back: no message on chuhe:revoked, as with an expiry.
  chuhe::persistence::RedisOptions options;
  options.host = redis.host();
  options.port = redis.port();
  chuhe::persistence::RedisClient client(options);
  std::promise<long long> deleted;
  client.command({"EVAL", "local n = 0 for _, k in ipairs(redis.call('KEYS', 'session:*')) do "
                          "n = n + redis.call('DEL', k) end return n", "0"},
                 [&](chuhe::persistence::RedisReply r) { deleted.set_value(r.is_integer() ? r.integer : -1); });
  ASSERT_EQ(deleted.get_future().get(), 1);

  // Within the check interval (1 s) plus slack for a loaded machine.
  EXPECT_EQ(ws.wait_closed(std::chrono::seconds(5)), 4001);
}
