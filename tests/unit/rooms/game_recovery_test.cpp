// Games recovered after a restart (Hub::recover): moves replayed, clocks as journaled with the downtime
// charged to nobody, players resuming, the game played on to its end, and games the crash left finished.
#include "rooms/game_events.h"
#include "rooms_test_support.h"

namespace chuhe::rooms::test {
namespace {

using namespace std::chrono_literals;

Hub::RecoveredGame recovered(const std::string& id, Player red, Player black, std::size_t plies,
                             const std::vector<long long>& clocks) {
  Hub::RecoveredGame g;
  g.setup.id = id;
  g.setup.red = std::move(red);
  g.setup.black = std::move(black);
  g.setup.tc = *TimeControl::parse("5+3");
  for (std::size_t i = 0; i < plies; ++i) g.moves.push_back({kMateLine[i], clocks[i]});
  return g;
}

TEST_F(HubTest, RecoveredGameResumesWithItsMovesAndJournaledClocksAndPlaysOnToMate) {
  make_hub();
  std::vector<Hub::RecoveredGame> games;
  games.push_back(recovered("G1", make_user("alice"), make_user("bob"), 4, {290000, 295000, 281000, 250000}));
  EXPECT_EQ(hub->recover(std::move(games)), 1u);
  settle();
  EXPECT_TRUE(journal->entries("G1").empty()) << "nothing is journaled again";

  auto red = connect("alice");
  json welcome = red->last("welcome");
  ASSERT_TRUE(welcome.contains("games"));
  EXPECT_EQ(welcome["games"], json::array({"G1"}));
  send(red, {{"t", "resume"}, {"game", "G1"}, {"id", 1}});
  json state = red->last("state");
  EXPECT_EQ(state["color"], "red");
  EXPECT_EQ(state["status"], "playing");
  EXPECT_EQ(state["moves"], json(std::vector<std::string>(kMateLine.begin(), kMateLine.begin() + 4)));
  // Black's clock is what the journal says; Red's has run only since the recovery, not while down.
  EXPECT_EQ(state["clocks"]["black"], 250000);
  EXPECT_LE(state["clocks"]["red"].get<long long>(), 281000);
  EXPECT_GT(state["clocks"]["red"].get<long long>(), 281000 - 2000);

  auto black = connect("bob");
  send(black, {{"t", "resume"}, {"game", "G1"}});
  move(red, "G1", kMateLine[4], 4);
  json end = black->last("game_end");
  EXPECT_EQ(end["result"], "1-0");
  EXPECT_EQ(end["reason"], "checkmate");
  auto records = journal->entries("G1");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].kind, "move");
  EXPECT_EQ(records[0].ply, 4);
  EXPECT_EQ(records[1].kind, "end");
  EXPECT_TRUE(hub->active_games("alice").empty());
}

TEST_F(HubTest, RecoveredGameWhoseLastMoveMatedEndsAtOnce) {
  make_hub();
  std::vector<Hub::RecoveredGame> games;
  games.push_back(recovered("G2", make_user("alice"), make_user("bob"), 5, {1, 2, 3, 4, 5}));
  hub->recover(std::move(games));
  settle();
  auto records = journal->entries("G2");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, "end");
  EXPECT_EQ(records[0].text, "1-0 checkmate");
  auto spectator = connect("sam");
  send(spectator, {{"t", "watch"}, {"game", "G2"}});
  EXPECT_EQ(spectator->last("state")["status"], "ended");
}

TEST_F(HubTest, RecoveredGameNobodyComesBackToIsAbandoned) {
  make_hub();
  std::vector<Hub::RecoveredGame> games;
  games.push_back(recovered("G3", make_user("alice"), make_user("bob"), 2, {290000, 295000}));
  hub->recover(std::move(games));
  ASSERT_TRUE(run_until([&] { return !journal->entries("G3").empty(); }));
  EXPECT_EQ(journal->entries("G3").back().text.substr(4), "abandoned");
}

TEST_F(HubTest, RecoveredAiGameGetsTheAiToMove) {
  make_hub();
  std::vector<Hub::RecoveredGame> games;
  // Black (the AI) is to move after one red move.
  games.push_back(recovered("G4", make_user("alice"), AiSeat{3}, 1, {299000}));
  hub->recover(std::move(games));
  settle();
  EXPECT_EQ(ai->requests(), 1);
  auto records = journal->entries("G4");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, "move");
  EXPECT_EQ(records[0].ply, 1);
}

TEST(PlayerJson, RoundTripsUsersAndAiSeatsAndRefusesOtherText) {
  User alice{"u_1", "alice", false, 1712};
  auto back = parse_player_json(player_json(alice));
  ASSERT_TRUE(back && std::holds_alternative<User>(*back));
  const User& u = std::get<User>(*back);
  EXPECT_EQ(u.id, "u_1");
  EXPECT_EQ(u.name, "alice");
  EXPECT_FALSE(u.guest);
  EXPECT_EQ(u.rating, 1712);
  auto ai = parse_player_json(player_json(AiSeat{5}));
  ASSERT_TRUE(ai && std::holds_alternative<AiSeat>(*ai));
  EXPECT_EQ(std::get<AiSeat>(*ai).level, 5);
  for (const char* bad : {"", "nope", "[]", "{}", R"({"ai":true})", R"({"id":"","name":"x"})", R"({"id":3})"})
    EXPECT_FALSE(parse_player_json(bad)) << bad;
}

}  // namespace
}  // namespace chuhe::rooms::test

namespace chuhe::rooms::test {
namespace {

TEST_F(HubTest, SpectatorCountIsPushedOncePerBurstOfArrivals) {
  make_hub();
  auto p = pair_players();
  auto s1 = connect("sam"), s2 = connect("sue"), s3 = connect("sid");
  for (const auto& s : {s1, s2, s3}) send(s, {{"t", "watch"}, {"game", p.game}});
  ASSERT_TRUE(run_until([&] { return p.red->count("spectators") >= 1; }));
  EXPECT_EQ(p.red->count("spectators"), 1u) << "three arrivals, one message";
  EXPECT_EQ(p.red->last("spectators")["count"], 3);
  EXPECT_EQ(p.red->last("spectators")["game"], p.game);
  EXPECT_EQ(s1->last("spectators")["count"], 3) << "spectators are told too";
  send(s3, {{"t", "unwatch"}, {"game", p.game}});
  hub->on_disconnect(s2);
  ASSERT_TRUE(run_until([&] { return p.black->count("spectators") >= 2; }));
  EXPECT_EQ(p.black->last("spectators")["count"], 1);
  EXPECT_EQ(s1->last("spectators")["count"], 1);
}

}  // namespace
}  // namespace chuhe::rooms::test
