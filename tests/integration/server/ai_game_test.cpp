// Games against the server's AI over real processes (chuhe-server, redis-server, WebSocket clients):
// a human bot challenges the AI and the game runs to its end; every AI move that arrives is legal in
// the position the client tracks. Level 1 is the alpha-beta search at its weakest; level 9 is MCTS on
// the shipped policy/value network (or alpha-beta level 8 if the network could not be loaded, which
// the server logs).
#include <gtest/gtest.h>

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

class AiGameTest : public ::testing::TestWithParam<int> {
 protected:
  TempDir dir_;
  RedisServer redis_;
};

TEST_P(AiGameTest, GameAgainstTheAiRunsToItsEndWithOnlyLegalAiMoves) {
  const int level = GetParam();
  ServerProcess server(ServerOptions{redis_.host() + ":" + std::to_string(redis_.port()),
                                     dir_.path(),
                                     {"--messages_per_second", "1000", "--message_burst", "1000"},
                                     {}});
  auto guest = http_request(server.port(), "POST", "/api/auth/guest", "{}");
  ASSERT_EQ(guest.status, 200);
  WsClient ws;
  ASSERT_TRUE(ws.connect(server.port(), "/ws?token=" + guest.json()["token"].get<std::string>()));
  ASSERT_TRUE(ws.recv_type("welcome"));
  // 0+2: each side starts with one increment, so the AI thinks well under a second per move; with 0+1,
  // a CI machine busy with other tests (the AI threads run niced) once let the AI's first move, which
  // also loads the network at level 9, overrun its single second.
  ws.send({{"t", "challenge_ai"}, {"level", level}, {"color", "red"}, {"tc", "0+2"}, {"id", 1}});
  auto start = ws.recv_type("game_start");
  ASSERT_TRUE(start);
  EXPECT_EQ((*start)["black"]["level"], level);
  const std::string game = (*start)["game"];

  rules::Game local;
  std::mt19937 rng(7 + level);
  int ai_moves = 0;
  std::optional<json> end;
  while (!end && local.history().size() < 600) {
    const int ply = static_cast<int>(local.history().size());
    if (local.position().side_to_move() == rules::Color::Red) {
      const std::string move = rules::to_iccs(mating_bot_move(local, rng));
      ws.send({{"t", "move"}, {"game", game}, {"move", move}, {"ply", ply}});
    }
    // The next move (ours echoed, or the AI's), or the end.
    auto msg = ws.recv(std::chrono::seconds(20));
    ASSERT_TRUE(msg) << "nothing from the server at ply " << ply;
    const std::string t = (*msg)["t"];
    if (t == "game_end") {
      end = *msg;
    } else if (t == "move") {
      ASSERT_EQ((*msg)["ply"], ply);
      const std::string move = (*msg)["move"];
      const bool ai = local.position().side_to_move() == rules::Color::Black;
      ASSERT_EQ(local.play_iccs(move), rules::PlayResult::Ok) << (ai ? "the AI" : "our bot") << " played " << move;
      EXPECT_EQ((*msg)["fen"], local.fen());
      ai_moves += ai;
    } else if (t == "error") {
      FAIL() << "a legal move was refused: " << msg->dump();
    }
  }
  ASSERT_TRUE(end) << "no end in 600 plies";
  EXPECT_GT(ai_moves, 0);
  // The end is the rules' verdict on the position both sides see (or a flag, which the clock decides).
  if ((*end)["reason"] != "timeout") {
    ASSERT_TRUE(local.is_over());
    EXPECT_EQ((*end)["reason"], std::string(rules::to_string(local.result()->reason)));
  }
  std::cout << "[ ai game  ] level " << level << ": " << local.history().size() << " plies, "
            << (*end)["result"].get<std::string>() << " by " << (*end)["reason"].get<std::string>() << "\n";
}

INSTANTIATE_TEST_SUITE_P(Levels, AiGameTest, ::testing::Values(1, 9),
                         [](const auto& info) { return "Level" + std::to_string(info.param); });

}  // namespace
