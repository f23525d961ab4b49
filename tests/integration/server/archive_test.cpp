// The archive over HTTP with a real server: a rated game between two registered players ends in mate;
// GET /api/games/{id} and its export show it, both players' histories list it (paged, newest first),
// their Glicko-2 ratings moved the right way, the leaderboard ranks them, and a new connection's
// welcome carries the new rating. Bad ids and bad paging get clear 4xx answers.
#include <gtest/gtest.h>

#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using namespace chuhe::test;
using nlohmann::json;

namespace {

// Red mates in three from the start position (the cannon takes the elephant on c9).
const std::vector<std::string> kMate = {"b2b4", "a9a8", "b4c4", "a8e8", "c4c9"};

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        ServerOptions{redis_.host() + ":" + std::to_string(redis_.port()), dir_.path(), {}, {}});
  }
  unsigned short port() const { return server_->port(); }

  std::string registered(const std::string& name) {
    auto res = http_request(port(), "POST", "/api/auth/register",
                            json{{"name", name}, {"password", "correct horse"}}.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    return res.json()["token"];
  }
  std::unique_ptr<WsClient> connect(const std::string& token, json* welcome = nullptr) {
    auto ws = std::make_unique<WsClient>();
    EXPECT_TRUE(ws->connect(port(), "/ws?token=" + token));
    auto w = ws->recv_type("welcome");
    EXPECT_TRUE(w);
    if (welcome && w) *welcome = *w;
    return ws;
  }

  // Pairs a and b on `tc` (rated or not); returns the game id and which of them is red.
  std::string pair(WsClient& a, WsClient& b, bool rated, WsClient** red, WsClient** black) {
    a.send({{"t", "seek"}, {"tc", "5+3"}, {"rated", rated}});
    EXPECT_TRUE(a.recv_type("seeking"));
    b.send({{"t", "seek"}, {"tc", "5+3"}, {"rated", rated}});
    auto start = a.recv_type("game_start");
    EXPECT_TRUE(start && b.recv_type("game_start"));
    if (!start) return {};
    const bool a_red = (*start)["color"] == "red";
    *red = a_red ? &a : &b;
    *black = a_red ? &b : &a;
    EXPECT_EQ((*start)["rated"], rated);
    return (*start)["game"];
  }

  void play_mate(const std::string& game, WsClient& red, WsClient& black) {
    for (std::size_t ply = 0; ply < kMate.size(); ++ply) {
      WsClient& mover = ply % 2 == 0 ? red : black;
      mover.send({{"t", "move"}, {"game", game}, {"move", kMate[ply]}, {"ply", ply}});
      // The mover's queue also holds the opponent's last move: wait for this ply's.
      std::optional<json> got;
      while ((got = mover.recv_type("move")) && (*got)["ply"] != ply) {
      }
      ASSERT_TRUE(got) << ply;
    }
    auto end = black.recv_type("game_end");
    ASSERT_TRUE(end);
    EXPECT_EQ((*end)["reason"], "checkmate");
  }

  TempDir dir_;
  RedisServer redis_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ArchiveTest, RatedGameIsArchivedExportedListedAndRated) {
  const std::string alice_token = registered("alice_x"), bob_token = registered("bob_y");
  json welcome;
  auto alice = connect(alice_token, &welcome);
  EXPECT_EQ(welcome["user"]["rating"], 1500);
  auto bob = connect(bob_token);
  WsClient *red = nullptr, *black = nullptr;
  const std::string game = pair(*alice, *bob, true, &red, &black);
  ASSERT_FALSE(game.empty());
  play_mate(game, *red, *black);
  const std::string winner = red == alice.get() ? "alice_x" : "bob_y";
  const std::string loser = red == alice.get() ? "bob_y" : "alice_x";

  auto got = http_request(port(), "GET", "/api/games/" + game);
  ASSERT_EQ(got.status, 200) << got.body;
  json g = got.json();
  for (const char* field : {"id", "red", "black", "tc", "rated", "fen", "moves", "clocks", "status", "result",
                            "reason", "started_at", "ended_at"})
    EXPECT_TRUE(g.contains(field)) << field;
  EXPECT_EQ(g["id"], game);
  EXPECT_EQ(g["red"]["name"], winner);
  EXPECT_EQ(g["moves"], json(kMate));
  ASSERT_EQ(g["clocks"].size(), kMate.size());
  EXPECT_GT(g["clocks"][0].get<long long>(), 300000 - 5000);  // 5+3: the mover's time after its move
  EXPECT_EQ(g["status"], "ended");
  EXPECT_EQ(g["result"], "1-0");
  EXPECT_EQ(g["reason"], "checkmate");
  EXPECT_EQ(g["rated"], true);
  EXPECT_GE(g["ended_at"].get<long long>(), g["started_at"].get<long long>());

  auto pgn = http_request(port(), "GET", "/api/games/" + game + "/export");
  ASSERT_EQ(pgn.status, 200);
  EXPECT_NE(pgn.headers["content-type"].find("pgn"), std::string::npos);
  for (std::string line : {std::string("[Game \"Chinese Chess\"]"), "[Red \"" + winner + "\"]", "[Black \"" + loser + "\"]",
                           std::string("[Result \"1-0\"]"), std::string("[TimeControl \"300+3\"]"),
                           std::string("[Termination \"checkmate\"]"), std::string("[Format \"ICCS\"]"),
                           std::string("1. B2-B4 A9-A8 2. B4-C4 A8-E8 3. C4-C9 1-0")})
    EXPECT_NE(pgn.body.find(line), std::string::npos) << line << "\n" << pgn.body;

  // Ratings: the winner up, the loser down, by the same amount (equal ratings and deviations).
  auto board = http_request(port(), "GET", "/api/leaderboard");
  ASSERT_EQ(board.status, 200);
  json players = board.json()["players"];
  ASSERT_EQ(players.size(), 2u);
  EXPECT_EQ(players[0]["name"], winner);
  EXPECT_EQ(players[0]["rank"], 1);
  EXPECT_EQ(players[1]["name"], loser);
  const long long up = players[0]["rating"].get<long long>() - 1500, down = 1500 - players[1]["rating"].get<long long>();
  EXPECT_GT(up, 100);  // RD 500 on both sides: a first game moves a lot
  EXPECT_NEAR(up, down, 1);
  EXPECT_EQ(players[0]["rated_games"], 1);

  // A new connection of the winner is welcomed with the new rating.
  json again;
  connect(winner == "alice_x" ? alice_token : bob_token, &again);
  EXPECT_EQ(again["user"]["rating"], players[0]["rating"]);

  // A second, casual game: the histories list it first; paging walks back to the rated one.
  WsClient *red2 = nullptr, *black2 = nullptr;
  const std::string casual = pair(*alice, *bob, false, &red2, &black2);
  play_mate(casual, *red2, *black2);
  auto page1 = http_request(port(), "GET", "/api/users/" + loser + "/games?limit=1");
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(page1.json()["games"].size(), 1u);
  EXPECT_EQ(page1.json()["games"][0]["id"], casual);
  EXPECT_EQ(page1.json()["games"][0]["moves"], 5);
  EXPECT_EQ(page1.json()["next"], 1);
  auto page2 = http_request(port(), "GET", "/api/users/" + loser + "/games?limit=1&offset=1");
  ASSERT_EQ(page2.status, 200);
  EXPECT_EQ(page2.json()["games"][0]["id"], game);
  auto page3 = http_request(port(), "GET", "/api/users/" + loser + "/games?offset=2");
  EXPECT_EQ(page3.json()["games"].size(), 0u);
  EXPECT_TRUE(page3.json()["next"].is_null());
  auto board2 = http_request(port(), "GET", "/api/leaderboard").json();
  EXPECT_EQ(board2["players"][0]["rated_games"], 1) << "a casual game changes no rating";
}

TEST_F(ArchiveTest, BadIdsAndPagingGetClearErrors) {
  registered("carol_z");
  struct Case {
    std::string target;
    int status;
  } cases[] = {
      {"/api/games/NOSUCHID", 404},         {"/api/games/NOSUCHID/export", 404},
      {"/api/games/%27%3B--", 404},         {"/api/games/abc/other", 404},
      {"/api/users/nobody_here/games", 404}, {"/api/users/carol_z", 404},
      {"/api/users/carol_z/games?limit=0", 400},   {"/api/users/carol_z/games?limit=101", 400},
      {"/api/users/carol_z/games?limit=abc", 400}, {"/api/users/carol_z/games?offset=-1", 400},
      {"/api/users/carol_z/games?offset=1e3", 400}, {"/api/leaderboard?limit=0", 400},
      {"/api/leaderboard?limit=99999999999", 400},
  };
  for (const auto& c : cases) {
    auto res = http_request(port(), "GET", c.target);
    EXPECT_EQ(res.status, c.status) << c.target << " " << res.body;
    EXPECT_TRUE(res.json()["error"]["message"].is_string()) << c.target;
  }
  auto ok = http_request(port(), "GET", "/api/users/carol_z/games");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json()["games"].size(), 0u);
  EXPECT_EQ(http_request(port(), "POST", "/api/games/NOSUCHID").status, 405);
}

TEST_F(ArchiveTest, GuestsCannotSeekRatedGames) {
  auto guest = http_request(port(), "POST", "/api/auth/guest", "{}");
  ASSERT_EQ(guest.status, 200);
  auto ws = connect(guest.json()["token"]);
  ws->send({{"t", "seek"}, {"tc", "5+3"}, {"rated", true}, {"id", 4}});
  auto err = ws->recv_type("error");
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["code"], "bad_request");
  EXPECT_EQ((*err)["id"], 4);
}

}  // namespace
