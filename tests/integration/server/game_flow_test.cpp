// Games end to end: real chuhe-server, real redis-server, real WebSocket clients. Two guests seek and
// are paired, play a whole game to checkmate while a spectator sees every move in order and the end;
// every error code of the protocol is provoked; a flag falls on time by the server's timer; a dropped
// player resumes; an abandoned game ends.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <csignal>

#include <random>

#include "rules/game.h"
#include "rules/notation.h"
#include "tests/support/bot_moves.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using namespace chuhe::test;
using nlohmann::json;
namespace rules = chuhe::rules;

namespace {

class GameFlowTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra = {}) {
    redis_ = std::make_unique<RedisServer>();
    server_ = std::make_unique<ServerProcess>(
        ServerOptions{redis_->host() + ":" + std::to_string(redis_->port()), dir_.path(), std::move(extra), {}});
  }
  void SetUp() override { start(); }

  std::string token() {
    auto res = http_request(server_->port(), "POST", "/api/auth/guest", "{}");
    EXPECT_EQ(res.status, 200) << res.body;
    return res.json().value("token", "");
  }

  // A connected, welcomed client with its own guest account (or the given token).
  std::unique_ptr<WsClient> client(std::string with_token = {}) {
    if (with_token.empty()) with_token = token();
    auto ws = std::make_unique<WsClient>();
    EXPECT_TRUE(ws->connect(server_->port(), "/ws?token=" + with_token));
    EXPECT_TRUE(ws->recv_type("welcome"));
    return ws;
  }

  struct Pair {
    std::unique_ptr<WsClient> red, black;
    std::string game;
  };

  // Two clients seek the same time control and are paired; returns them by colour.
  Pair paired(const std::string& tc = "5+3") {
    auto a = client(), b = client();
    a->send({{"t", "seek"}, {"tc", tc}, {"id", 1}});
    auto seeking = a->recv_type("seeking");
    EXPECT_TRUE(seeking);
    auto sent_at = std::chrono::steady_clock::now();
    b->send({{"t", "seek"}, {"tc", tc}, {"id", 1}});
    auto start_a = a->recv_type("game_start");
    auto start_b = b->recv_type("game_start");
    EXPECT_LT(std::chrono::steady_clock::now() - sent_at, std::chrono::seconds(1));  // paired within 1 s
    EXPECT_TRUE(start_a && start_b);
    if (!start_a || !start_b) return {};
    EXPECT_EQ((*start_a)["game"], (*start_b)["game"]);
    EXPECT_EQ((*start_a)["tc"], tc);
    EXPECT_NE((*start_a)["color"], (*start_b)["color"]);
    Pair pair;
    pair.game = (*start_a)["game"];
    if ((*start_a)["color"] == "red") {
      pair.red = std::move(a);
      pair.black = std::move(b);
    } else {
      pair.red = std::move(b);
      pair.black = std::move(a);
    }
    return pair;
  }

  TempDir dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace

TEST_F(GameFlowTest, PairedPlayersPlayToCheckmateWhileASpectatorSeesEverything) {
  // The bots move much faster than people: lift the per-connection message rate for this game.
  server_.reset();
  redis_.reset();
  start({"--messages_per_second", "10000", "--message_burst", "10000"});
  Pair pair = paired();
  ASSERT_FALSE(pair.game.empty());
  auto spectator = client();
  spectator->send({{"t", "watch"}, {"game", pair.game}, {"id", "w"}});
  auto state = spectator->recv_type("state");
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)["status"], "playing");
  EXPECT_EQ((*state)["moves"].size(), 0u);

  rules::Game local;
  std::mt19937 rng(20261123);
  std::vector<std::string> played;
  json end;
  for (int ply = 0; ply < 400 && end.is_null(); ++ply) {
    WsClient& mover = local.position().side_to_move() == rules::Color::Red ? *pair.red : *pair.black;
    WsClient& other = &mover == pair.red.get() ? *pair.black : *pair.red;
    std::string move = rules::to_iccs(chuhe::test::mating_bot_move(local, rng));
    ASSERT_TRUE(mover.send({{"t", "move"}, {"game", pair.game}, {"move", move}, {"ply", ply}, {"id", ply}}));
    auto echo = mover.recv_type("move");
    ASSERT_TRUE(echo) << "ply " << ply;
    EXPECT_EQ((*echo)["id"], ply);  // the mover's copy echoes its request id
    auto seen = other.recv_type("move");
    ASSERT_TRUE(seen);
    EXPECT_FALSE(seen->contains("id"));
    EXPECT_EQ((*seen)["move"], move);
    EXPECT_EQ((*seen)["ply"], ply);
    ASSERT_EQ(local.play_iccs(move), rules::PlayResult::Ok);
    EXPECT_EQ((*seen)["fen"], local.fen());
    EXPECT_EQ((*seen)["check"].get<bool>(), local.position().in_check());
    played.push_back(move);
    if (local.is_over()) {
      auto e = mover.recv_type("game_end");
      ASSERT_TRUE(e);
      end = *e;
    }
  }
  ASSERT_FALSE(end.is_null()) << "no end within the ply cap";
  EXPECT_EQ(end["reason"], "checkmate");
  EXPECT_EQ(end["result"], local.position().side_to_move() == rules::Color::Red ? "0-1" : "1-0");

  // The spectator saw every move, in order, then the end.
  for (std::size_t i = 0; i < played.size(); ++i) {
    auto m = spectator->recv_type("move");
    ASSERT_TRUE(m) << "spectator missed ply " << i;
    EXPECT_EQ((*m)["ply"], i);
    EXPECT_EQ((*m)["move"], played[i]);
  }
  auto spectator_end = spectator->recv_type("game_end");
  ASSERT_TRUE(spectator_end);
  EXPECT_EQ((*spectator_end)["reason"], "checkmate");
}

TEST_F(GameFlowTest, EveryErrorCodeIsAnsweredAndChangesNothing) {
  Pair pair = paired();
  ASSERT_FALSE(pair.game.empty());
  auto outsider = client();
  auto error_for = [](WsClient& ws, const json& request) -> std::string {
    ws.send(request);
    auto e = ws.recv_type("error");
    if (!e) return "(no error)";
    EXPECT_EQ((*e)["id"], request["id"]);
    return (*e)["code"];
  };
  const std::string g = pair.game;
  ASSERT_TRUE(pair.red->send_text("{not json"));
  auto bad = pair.red->recv_type("error");
  ASSERT_TRUE(bad);
  EXPECT_EQ((*bad)["code"], "bad_request");
  EXPECT_EQ(error_for(*pair.red, {{"t", "move"}, {"game", g}, {"id", 1}}), "bad_request");  // no move, no ply
  EXPECT_EQ(error_for(*pair.red, {{"t", "teleport"}, {"id", 2}}), "bad_request");
  EXPECT_EQ(error_for(*pair.red, {{"t", "move"}, {"game", "nope"}, {"move", "h2e2"}, {"ply", 0}, {"id", 3}}),
            "not_found");
  EXPECT_EQ(error_for(*outsider, {{"t", "move"}, {"game", g}, {"move", "h2e2"}, {"ply", 0}, {"id", 4}}),
            "not_in_game");
  EXPECT_EQ(error_for(*pair.black, {{"t", "move"}, {"game", g}, {"move", "h7e7"}, {"ply", 0}, {"id", 5}}),
            "not_your_turn");
  EXPECT_EQ(error_for(*pair.red, {{"t", "move"}, {"game", g}, {"move", "h2e2"}, {"ply", 3}, {"id", 6}}),
            "stale_ply");
  EXPECT_EQ(error_for(*pair.red, {{"t", "move"}, {"game", g}, {"move", "h2h8"}, {"ply", 0}, {"id", 7}}),
            "illegal_move");

  // Nothing changed: the first move is still ply 0, and a retry of it is answered with the same move.
  pair.red->send({{"t", "move"}, {"game", g}, {"move", "h2e2"}, {"ply", 0}, {"id", 8}});
  auto accepted = pair.red->recv_type("move");
  ASSERT_TRUE(accepted);
  EXPECT_EQ((*accepted)["ply"], 0);
  pair.red->send({{"t", "move"}, {"game", g}, {"move", "h2e2"}, {"ply", 0}, {"id", 9}});
  auto again = pair.red->recv_type("move");
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["id"], 9);
  EXPECT_EQ((*again)["ply"], 0);
  auto black_sees = pair.black->recv_type("move");
  ASSERT_TRUE(black_sees);
  EXPECT_EQ((*black_sees)["ply"], 0);

  pair.red->send({{"t", "resign"}, {"game", g}, {"id", 10}});
  auto end = pair.black->recv_type("game_end");
  ASSERT_TRUE(end);
  EXPECT_EQ((*end)["reason"], "resign");
  EXPECT_EQ((*end)["result"], "0-1");
  EXPECT_EQ(error_for(*pair.black, {{"t", "move"}, {"game", g}, {"move", "h7e7"}, {"ply", 1}, {"id", 11}}),
            "game_over");

  // Far past the rate limit: refused with rate_limited, and the connection still works afterwards.
  std::string flood = json({{"t", "ping"}}).dump();
  for (int i = 0; i < 60; ++i) outsider->send_text(flood);
  auto limited = outsider->recv_type("error");
  ASSERT_TRUE(limited);
  EXPECT_EQ((*limited)["code"], "rate_limited");
}

TEST_F(GameFlowTest, FlagFallsByTheServersTimerWithoutAnyMove) {
  Pair pair = paired("0+1");  // one second of base time
  ASSERT_FALSE(pair.game.empty());
  auto start = std::chrono::steady_clock::now();
  auto end = pair.black->recv_type("game_end", std::chrono::seconds(5));
  ASSERT_TRUE(end);
  EXPECT_EQ((*end)["reason"], "timeout");
  EXPECT_EQ((*end)["result"], "0-1");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(800));
}

TEST_F(GameFlowTest, DroppedPlayerResumesWithTheWholeState) {
  auto red_token = token();
  auto red = client(red_token);
  auto black = client();
  red->send({{"t", "seek"}, {"tc", "3+2"}});
  black->send({{"t", "seek"}, {"tc", "3+2"}});
  auto s1 = red->recv_type("game_start");
  auto s2 = black->recv_type("game_start");
  ASSERT_TRUE(s1 && s2);
  std::string g = (*s1)["game"];
  WsClient* r = (*s1)["color"] == "red" ? red.get() : black.get();
  WsClient* b = r == red.get() ? black.get() : red.get();
  r->send({{"t", "move"}, {"game", g}, {"move", "h2e2"}, {"ply", 0}});
  ASSERT_TRUE(b->recv_type("move"));
  b->send({{"t", "move"}, {"game", g}, {"move", "h9g7"}, {"ply", 1}});
  ASSERT_TRUE(r->recv_type("move"));

  // Whoever used red_token drops and comes back on a new connection.
  std::string my_color = (*s1)["color"];
  red->close();
  auto back = client(red_token);
  back->send({{"t", "resume"}, {"game", g}, {"id", "r"}});
  auto state = back->recv_type("state");
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)["moves"], json::array({"h2e2", "h9g7"}));
  EXPECT_EQ((*state)["status"], "playing");
  EXPECT_EQ((*state)["color"], my_color);
  EXPECT_LE((*state)["clocks"]["red"].get<long>(), 182000);
  EXPECT_GT((*state)["clocks"]["red"].get<long>(), 170000);
}

TEST_F(GameFlowTest, PlayerGoneLongerThanTheGraceLosesAsAbandoned) {
  server_.reset();
  redis_.reset();
  start({"--reconnect_grace_s", "1"});
  Pair pair = paired();
  ASSERT_FALSE(pair.game.empty());
  pair.red->send({{"t", "move"}, {"game", pair.game}, {"move", "h2e2"}, {"ply", 0}});
  ASSERT_TRUE(pair.black->recv_type("move"));
  pair.black->send({{"t", "move"}, {"game", pair.game}, {"move", "h9g7"}, {"ply", 1}});
  ASSERT_TRUE(pair.red->recv_type("move"));
  pair.red->close();
  auto end = pair.black->recv_type("game_end", std::chrono::seconds(5));
  ASSERT_TRUE(end);
  EXPECT_EQ((*end)["reason"], "abandoned");
  EXPECT_EQ((*end)["result"], "0-1");
}

TEST_F(GameFlowTest, LogoutClosesTheSessionsSocketsWithin1s) {
  std::string t = token();
  auto ws = client(t);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(http_request(server_->port(), "POST", "/api/auth/logout", "", {{"Authorization", "Bearer " + t}}).status,
            204);
  EXPECT_EQ(ws->wait_closed(std::chrono::seconds(2)), 4001);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST_F(GameFlowTest, SigtermTellsClientsAndExitsZero) {
  auto ws = client();
  ::kill(server_->process().pid(), SIGTERM);
  EXPECT_EQ(ws->wait_closed(std::chrono::seconds(3)), 4004);  // told, and the close handshake completes
  auto status = server_->process().wait_for(std::chrono::seconds(5));
  ASSERT_TRUE(status);
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}
