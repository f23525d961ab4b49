// The Hub's own work: welcome, seeks and pairing, the live list, finished games' retention.
#include "rooms_test_support.h"

namespace chuhe::rooms::test {
namespace {

using namespace std::chrono_literals;

TEST_F(HubTest, WelcomesEachConnection) {
  make_hub();
  auto a = connect("alice");
  ASSERT_EQ(a->count("welcome"), 1u);
  json w = a->last("welcome");
  EXPECT_EQ(w["user"]["id"], "alice");
  EXPECT_GT(w["server_time"].get<long long>(), 0);
  EXPECT_FALSE(w.contains("games"));
  EXPECT_EQ(hub->online_users(), 1u);
}

TEST_F(HubTest, TwoSeeksArePairedWithRandomColours) {
  make_hub();
  auto a = connect("alice");
  auto b = connect("bob");
  send(a, {{"t", "seek"}, {"tc", "5+3"}, {"id", 1}});
  json seeking = a->last("seeking");
  EXPECT_EQ(seeking["tc"], "5+3");
  EXPECT_EQ(seeking["id"], 1);
  EXPECT_EQ(a->count("game_start"), 0u);
  EXPECT_EQ(hub->seek_count(), 1u);

  send(b, {{"t", "seek"}, {"tc", "5+3"}, {"id", "x"}});
  EXPECT_EQ(b->last("seeking")["id"], "x");
  ASSERT_EQ(a->count("game_start"), 1u);
  ASSERT_EQ(b->count("game_start"), 1u);
  json sa = a->last("game_start"), sb = b->last("game_start");
  EXPECT_EQ(sa["game"], sb["game"]);
  EXPECT_NE(sa["color"], sb["color"]);
  EXPECT_EQ(sa["tc"], "5+3");
  EXPECT_EQ(sa["fen"], std::string(rules::Position::kStartFen));
  const bool a_red = sa["color"] == "red";
  EXPECT_EQ(sa["red"]["id"], a_red ? "alice" : "bob");
  EXPECT_EQ(sa["black"]["id"], a_red ? "bob" : "alice");
  EXPECT_FALSE(sa.contains("id"));  // the direct answer to a seek is `seeking`
  EXPECT_EQ(hub->seek_count(), 0u);
  EXPECT_EQ(hub->active_games("alice"), std::vector<std::string>{sa["game"].get<std::string>()});
  // The journal had the start before anyone was told.
  auto records = journal->entries(sa["game"]);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, "start");
}

TEST_F(HubTest, DifferentTimeControlsOrACancelledSeekDoNotPair) {
  make_hub();
  auto a = connect("alice");
  auto b = connect("bob");
  auto c = connect("carol");
  send(a, {{"t", "seek"}, {"tc", "5+3"}});
  send(b, {{"t", "seek"}, {"tc", "3+2"}});
  EXPECT_EQ(hub->seek_count(), 2u);
  send(a, {{"t", "cancel_seek"}});
  send(c, {{"t", "seek"}, {"tc", "5+3"}});
  EXPECT_EQ(a->count("game_start") + c->count("game_start"), 0u);
  // A disconnect withdraws the seek too.
  hub->on_disconnect(c);
  EXPECT_EQ(hub->seek_count(), 1u);
}

TEST_F(HubTest, DistantRatingsArePairedByTheTickOnceTheWindowWidens) {
  make_hub();
  auto a = connect("alice", 1200);
  auto b = connect("bob", 2200);
  send(a, {{"t", "seek"}, {"tc", "1+0"}});
  send(b, {{"t", "seek"}, {"tc", "1+0"}});
  EXPECT_EQ(a->count("game_start"), 0u);  // 1000 points apart: not at once
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return a->count("game_start") == 1 && b->count("game_start") == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);  // the protocol's promise
}

TEST_F(HubTest, SameUserOnTwoTabsIsNotPairedWithItselfAndBothTabsGetTheGame) {
  make_hub();
  auto a1 = connect("alice");
  auto a2 = connect("alice");
  auto b = connect("bob");
  send(a1, {{"t", "seek"}, {"tc", "5+0"}});
  send(a2, {{"t", "seek"}, {"tc", "5+0"}});
  EXPECT_EQ(a1->count("game_start") + a2->count("game_start"), 0u);
  send(b, {{"t", "seek"}, {"tc", "5+0"}});
  EXPECT_EQ(a1->count("game_start"), 1u);
  EXPECT_EQ(a2->count("game_start"), 1u);
  EXPECT_EQ(hub->online_users(), 2u);
}

TEST_F(HubTest, LiveListShowsGamesInPlayAndWhoIsOnline) {
  make_hub();
  auto p = pair_players("5+3");
  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", p.game}});
  move(p.red, p.game, "h2e2", 0);
  json live = json::parse(hub->live_games_json());
  EXPECT_EQ(live["online"], 3);
  ASSERT_EQ(live["games"].size(), 1u);
  json g = live["games"][0];
  EXPECT_EQ(g["game"], p.game);
  EXPECT_EQ(g["tc"], "5+3");
  EXPECT_EQ(g["moves"], 1);
  EXPECT_EQ(g["spectators"], 1);
  EXPECT_EQ(g["red"]["id"], p.red->user().id);
  send(p.red, {{"t", "resign"}, {"game", p.game}});
  EXPECT_EQ(json::parse(hub->live_games_json())["games"].size(), 0u);
}

TEST_F(HubTest, FinishedGamesStayReachableForTheRetentionThenGo) {
  make_hub();
  auto p = pair_players();
  send(p.black, {{"t", "resign"}, {"game", p.game}});
  EXPECT_TRUE(hub->active_games(p.red->user().id).empty());
  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", p.game}, {"id", 5}});
  json state = s->last("state");
  EXPECT_EQ(state["status"], "ended");
  EXPECT_EQ(state["result"], "1-0");
  EXPECT_EQ(state["reason"], "resign");
  EXPECT_EQ(state["id"], 5);
  ASSERT_TRUE(run_until([&] { return hub->find_game(p.game) == nullptr; }));
  send(s, {{"t", "watch"}, {"game", p.game}, {"id", 6}});
  EXPECT_EQ(error_code(s->last("error")), "not_found");
  EXPECT_EQ(s->last("error")["id"], 6);
}

TEST_F(HubTest, WelcomeListsTheGamesAReconnectingUserPlays) {
  make_hub();
  auto p = pair_players();
  auto again = connect(p.red->user().id);
  json w = again->last("welcome");
  ASSERT_TRUE(w.contains("games"));
  EXPECT_EQ(w["games"], json::array({p.game}));
}

TEST_F(HubTest, WatchedGamesPerConnectionAreBounded) {
  config.max_watched_games = 2;
  make_hub();
  auto p1 = pair_players();
  auto c = connect("carol");
  auto d = connect("dave");
  send(c, {{"t", "seek"}, {"tc", "5+3"}});
  send(d, {{"t", "seek"}, {"tc", "5+3"}});
  std::string g2 = c->last("game_start")["game"];
  auto e = connect("erin");
  auto f = connect("frank");
  send(e, {{"t", "seek"}, {"tc", "5+3"}});
  send(f, {{"t", "seek"}, {"tc", "5+3"}});
  std::string g3 = e->last("game_start")["game"];

  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", p1.game}});
  send(s, {{"t", "watch"}, {"game", g2}});
  send(s, {{"t", "watch"}, {"game", g2}});  // again: not a new one
  send(s, {{"t", "watch"}, {"game", g3}, {"id", 9}});
  EXPECT_EQ(s->count("state"), 3u);
  EXPECT_EQ(error_code(s->last("error")), "rate_limited");
  send(s, {{"t", "unwatch"}, {"game", p1.game}});
  send(s, {{"t", "watch"}, {"game", g3}});
  EXPECT_EQ(s->count("state"), 4u);
  EXPECT_EQ(hub->find_game(p1.game)->spectator_count(), 0);
}

TEST_F(HubTest, ChallengeAiWithoutAnAiIsRefused) {
  ai = nullptr;
  make_hub();
  auto a = connect("alice");
  send(a, {{"t", "challenge_ai"}, {"level", 3}, {"color", "red"}, {"id", 2}});
  EXPECT_EQ(error_code(a->last("error")), "unavailable");
  EXPECT_EQ(a->last("error")["id"], 2);
}

}  // namespace
}  // namespace chuhe::rooms::test
