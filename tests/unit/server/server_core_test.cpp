// The server's pure pieces: the archive's JSON and PGN-style
// export, the conversion of journal rows into games to resume, and which games are rated.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rooms/game_events.h"
#include "server/game_export.h"
#include "server/ratings.h"
#include "server/recovery.h"

namespace chuhe::server {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

persistence::JournaledGame sample_game(std::string fen = std::string(rules::Position::kStartFen)) {
  persistence::JournaledGame g;
  g.game.id = "G1";
  g.game.red = rooms::player_json(rooms::User{"u_1", "wang \"the\" red", false, 1620});
  g.game.black = rooms::player_json(rooms::AiSeat{4});
  g.game.tc = "5+3";
  g.game.rated = false;
  g.game.initial_fen = std::move(fen);
  g.game.started_at_ms = 1795400000000;  // 2026-11-23
  g.status = "ended";
  g.result = "0-1";
  g.reason = "resign";
  g.ended_at_ms = 1795400060000;
  int ply = 0;
  for (const char* m : {"h2e2", "h9g7", "h0g2"}) g.moves.push_back({"G1", ply++, m, 300000 - ply, 0});
  return g;
}

TEST(GameExport, JsonHasTheProtocolsFields) {
  json j = json::parse(game_json(sample_game()));
  EXPECT_EQ(j["id"], "G1");
  EXPECT_EQ(j["red"]["name"], "wang \"the\" red");
  EXPECT_EQ(j["black"]["ai"], true);
  EXPECT_EQ(j["moves"], json({"h2e2", "h9g7", "h0g2"}));
  EXPECT_EQ(j["clocks"], json({299999, 299998, 299997}));
  EXPECT_EQ(j["result"], "0-1");
  EXPECT_EQ(j["ended_at"], 1795400060000);
  auto playing = sample_game();
  playing.status = "playing";
  json p = json::parse(game_json(playing));
  EXPECT_TRUE(p["result"].is_null());
  EXPECT_TRUE(p["ended_at"].is_null());
}

TEST(GameExport, PgnHasTagsEscapedAndNumberedIccsMoves) {
  std::string pgn = game_pgn(sample_game());
  EXPECT_NE(pgn.find("[Game \"Chinese Chess\"]\n"), std::string::npos);
  EXPECT_NE(pgn.find("[Red \"wang \\\"the\\\" red\"]\n"), std::string::npos) << pgn;
  EXPECT_NE(pgn.find("[Black \"AI level 4\"]\n"), std::string::npos);
  EXPECT_NE(pgn.find("[RedElo \"1620\"]\n"), std::string::npos);
  EXPECT_EQ(pgn.find("BlackElo"), std::string::npos) << "the AI has no rating";
  EXPECT_NE(pgn.find("[Date \"2026.11.23\"]\n"), std::string::npos) << pgn;
  EXPECT_NE(pgn.find("[TimeControl \"300+3\"]\n"), std::string::npos);
  EXPECT_NE(pgn.find("[Termination \"resign\"]\n"), std::string::npos);
  EXPECT_EQ(pgn.find("[FEN"), std::string::npos) << "the standard start needs no FEN tag";
  EXPECT_NE(pgn.find("\n\n1. H2-E2 H9-G7 2. H0-G2 0-1\n"), std::string::npos) << pgn;
}

TEST(GameExport, PgnOfAGameBlackBeginsCarriesItsFen) {
  const std::string fen = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR b - - 0 1";
  auto g = sample_game(fen);
  g.moves = {{"G1", 0, "h7e7", 1, 0}, {"G1", 1, "h2e2", 2, 0}};
  std::string pgn = game_pgn(g);
  EXPECT_NE(pgn.find("[FEN \"" + fen + "\"]"), std::string::npos);
  EXPECT_NE(pgn.find("1. ... H7-E7 2. H2-E2 0-1"), std::string::npos) << pgn;
}

TEST(Recovery, RowsBecomeGamesToResumeAndUnreadableOnesAreSkipped) {
  auto good = sample_game();
  good.status = "playing";
  auto bad = good;
  bad.game.id = "G2";
  bad.game.red = "not json";
  auto bad_tc = good;
  bad_tc.game.id = "G3";
  bad_tc.game.tc = "forever";
  Recovery r = recovered_games({good, bad, bad_tc});
  ASSERT_EQ(r.games.size(), 1u);
  EXPECT_EQ(r.skipped.size(), 2u);
  const auto& g = r.games[0];
  EXPECT_EQ(g.setup.id, "G1");
  EXPECT_EQ(std::get<rooms::User>(g.setup.red).rating, 1620);
  EXPECT_EQ(std::get<rooms::AiSeat>(g.setup.black).level, 4);
  EXPECT_EQ(g.setup.tc.text(), "5+3");
  ASSERT_EQ(g.moves.size(), 3u);
  EXPECT_EQ(g.moves[2].iccs, "h0g2");
  EXPECT_EQ(g.moves[2].clock_ms, 299997);
}

TEST(Ratings, OnlyRatedGamesBetweenTwoRegisteredPlayersWithAResult) {
  rooms::GameSetup s;
  s.rated = true;
  s.red = rooms::User{"u_1", "a", false, 1500};
  s.black = rooms::User{"u_2", "b", false, 1500};
  EXPECT_EQ(rated_score(s, {"1-0", "checkmate"}), 1.0);
  EXPECT_EQ(rated_score(s, {"0-1", "timeout"}), 0.0);
  EXPECT_EQ(rated_score(s, {"1/2-1/2", "agreement"}), 0.5);
  EXPECT_LT(rated_score(s, {"*", "aborted"}), 0);
  auto casual = s;
  casual.rated = false;
  EXPECT_LT(rated_score(casual, {"1-0", "checkmate"}), 0);
  auto guest = s;
  std::get<rooms::User>(guest.black).guest = true;
  EXPECT_LT(rated_score(guest, {"1-0", "checkmate"}), 0);
  auto ai = s;
  ai.black = rooms::AiSeat{3};
  EXPECT_LT(rated_score(ai, {"1-0", "checkmate"}), 0);
}

}  // namespace
}  // namespace chuhe::server
