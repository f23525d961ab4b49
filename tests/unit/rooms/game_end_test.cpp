// How games end: draws, resignation, abort, the flag, abandonment (and resuming within the grace),
// chat limits, and a game against the AI seat.
#include <thread>

#include "rooms_test_support.h"

namespace chuhe::rooms::test {
namespace {

using namespace std::chrono_literals;

json action(const char* t, const std::string& game, int id = 0) {
  json j = {{"t", t}, {"game", game}};
  if (id) j["id"] = id;
  return j;
}

TEST_F(HubTest, DrawOfferAcceptedEndsByAgreement) {
  make_hub();
  auto p = pair_players();
  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", p.game}});
  send(p.red, action("offer_draw", p.game));
  EXPECT_EQ(p.black->last("draw_offer")["by"], "red");
  EXPECT_EQ(s->last("draw_offer")["by"], "red");
  EXPECT_EQ(p.red->count("draw_offer"), 0u);
  send(p.red, action("accept_draw", p.game, 4));  // one's own offer cannot be accepted
  EXPECT_EQ(error_code(p.red->last("error")), "no_draw_offer");
  send(p.black, action("accept_draw", p.game));
  for (const auto& c : {p.red, p.black, s}) {
    EXPECT_EQ(c->last("game_end")["result"], "1/2-1/2");
    EXPECT_EQ(c->last("game_end")["reason"], "agreement");
  }
}

TEST_F(HubTest, DrawOfferDeclinedOrPassedOverByAMove) {
  make_hub();
  auto p = pair_players();
  send(p.black, action("offer_draw", p.game));
  send(p.black, action("offer_draw", p.game));  // repeated: not re-sent
  EXPECT_EQ(p.red->count("draw_offer"), 1u);
  send(p.red, action("decline_draw", p.game, 6));
  EXPECT_EQ(p.black->last("draw_declined")["by"], "red");
  EXPECT_EQ(p.red->last("draw_declined")["id"], 6);  // the direct answer
  send(p.black, action("offer_draw", p.game, 7));    // again at the same move: refused
  EXPECT_EQ(error_code(p.black->last("error")), "rate_limited");
  EXPECT_EQ(p.red->count("draw_offer"), 1u);
  send(p.red, action("accept_draw", p.game));
  EXPECT_EQ(error_code(p.red->last("error")), "no_draw_offer");
  // An offer stands until the side it was made to moves.
  move(p.red, p.game, "h2e2", 0);
  send(p.red, action("offer_draw", p.game, 8));
  EXPECT_EQ(p.red->last("draw_offer")["id"], 8);  // with an id, the offer is acknowledged by itself
  EXPECT_EQ(p.black->last("draw_offer")["by"], "red");
  EXPECT_FALSE(p.black->last("draw_offer").contains("id"));
  move(p.black, p.game, "h7e7", 1);
  send(p.black, action("accept_draw", p.game));
  EXPECT_EQ(error_code(p.black->last("error")), "no_draw_offer");
  // Offering while the other side's offer stands is agreeing.
  send(p.black, action("offer_draw", p.game));
  send(p.red, action("offer_draw", p.game));
  EXPECT_EQ(p.black->last("game_end")["reason"], "agreement");
}

TEST_F(HubTest, ResignGivesTheWinToTheOpponent) {
  make_hub();
  auto p = pair_players();
  move(p.red, p.game, "h2e2", 0);
  send(p.red, action("resign", p.game, 12));
  EXPECT_EQ(p.red->last("game_end")["id"], 12);
  EXPECT_FALSE(p.black->last("game_end").contains("id"));
  EXPECT_EQ(p.black->last("game_end")["result"], "0-1");
  EXPECT_EQ(p.black->last("game_end")["reason"], "resign");
  EXPECT_EQ(journal->entries(p.game).back().text, "0-1 resign");
}

TEST_F(HubTest, AbortBeforeBothSidesMoved) {
  make_hub();
  auto p = pair_players();
  move(p.red, p.game, "h2e2", 0);
  send(p.black, action("abort", p.game));
  EXPECT_EQ(p.red->last("game_end")["result"], "*");
  EXPECT_EQ(p.red->last("game_end")["reason"], "aborted");
}

TEST_F(HubTest, TheFlagFallsByTheTimerWithoutAnyMove) {
  make_hub();
  auto p = pair_players("0+1");
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return p.black->count("game_end") == 1; }, 3s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);
  EXPECT_EQ(p.black->last("game_end")["result"], "0-1");
  EXPECT_EQ(p.black->last("game_end")["reason"], "timeout");
  send(p.red, {{"t", "resume"}, {"game", p.game}});
  EXPECT_EQ(p.red->last("state")["clocks"]["red"], 0);
}

TEST_F(HubTest, AMoveAfterTheFlagFellIsRefusedAndEndsTheGameOnTime) {
  make_hub();
  auto p = pair_players("0+1");
  move(p.red, p.game, "h2e2", 0);
  // Let Black's second run out without running the io_context, so the timer cannot have fired.
  std::this_thread::sleep_for(1050ms);
  move(p.black, p.game, "h7e7", 1, 8);
  json err = p.black->last("error");
  EXPECT_EQ(error_code(err), "game_over");
  EXPECT_EQ(err["id"], 8);
  EXPECT_EQ(p.red->last("game_end")["reason"], "timeout");
  EXPECT_EQ(p.red->last("game_end")["result"], "1-0");
  // game_end came before the refusal.
  auto all = p.black->all();
  EXPECT_EQ(all[all.size() - 2]["t"], "game_end");
  EXPECT_EQ(hub->find_game(p.game)->moves_played(), 1);
}

TEST_F(HubTest, AFlagWithNoMatingMaterialLeftIsADraw) {
  // Red has only its king: it cannot win on Black's time. (Direct GameRoom, custom FEN.)
  auto room = GameRoom::create(
      io.get_executor(),
      GameSetup{"g", make_user("r"), make_user("b"), TimeControl{0, 1}, false, "3k5/4a4/9/9/9/9/9/9/p8/4K4 b - - 0 1"},
      GameRoom::Deps{journal, nullptr, config, nullptr});
  auto r = std::make_shared<RecordingClient>(make_user("r"));
  auto b = std::make_shared<RecordingClient>(make_user("b"));
  room->start({r}, {b});
  ASSERT_TRUE(run_until([&] { return r->count("game_end") == 1; }, 3s));
  EXPECT_EQ(r->last("game_end")["result"], "1/2-1/2");
  EXPECT_EQ(r->last("game_end")["reason"], "timeout");
}

TEST_F(HubTest, ResumeWithinTheGraceKeepsTheGame) {
  make_hub();
  auto p = pair_players();
  move(p.red, p.game, "h2e2", 0);
  hub->on_disconnect(p.black);
  settle();
  auto back = connect(p.black->user().id);
  EXPECT_EQ(back->last("welcome")["games"], json::array({p.game}));
  send(back, {{"t", "resume"}, {"game", p.game}, {"id", 1}});
  json state = back->last("state");
  EXPECT_EQ(state["id"], 1);
  EXPECT_EQ(state["color"], "black");
  EXPECT_EQ(state["moves"], json::array({"h2e2"}));
  EXPECT_EQ(state["status"], "playing");
  io.restart();
  io.run_for(config.reconnect_grace * 3);
  EXPECT_EQ(back->count("game_end"), 0u);
  move(back, p.game, "h7e7", 1);
  EXPECT_EQ(p.red->last("move")["move"], "h7e7");
  EXPECT_EQ(p.black->count("move"), 1u);  // the old connection is gone
}

TEST_F(HubTest, APlayerGoneLongerThanTheGraceLoses) {
  make_hub();
  auto p = pair_players();
  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", p.game}});
  hub->on_disconnect(p.red);
  ASSERT_TRUE(run_until([&] { return p.black->count("game_end") == 1; }));
  EXPECT_EQ(p.black->last("game_end")["result"], "0-1");
  EXPECT_EQ(p.black->last("game_end")["reason"], "abandoned");
  EXPECT_EQ(s->last("game_end")["reason"], "abandoned");
}

TEST_F(HubTest, ChatReachesPlayersAndSpectatorsWithinItsRate) {
  config.chat_lines = 2;
  make_hub();
  auto p = pair_players();
  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", p.game}});
  send(s, {{"t", "chat"}, {"game", p.game}, {"text", "hello"}});
  json line = p.red->last("chat");
  EXPECT_EQ(line["text"], "hello");
  EXPECT_EQ(line["from"]["id"], "sam");
  send(p.red, {{"t", "chat"}, {"game", p.game}, {"text", "one"}, {"id", 1}});
  EXPECT_EQ(p.red->last("chat")["id"], 1);
  EXPECT_FALSE(s->last("chat").contains("id"));
  send(p.red, {{"t", "chat"}, {"game", p.game}, {"text", "two"}});
  send(p.red, {{"t", "chat"}, {"game", p.game}, {"text", "three"}, {"id", 3}});
  EXPECT_EQ(error_code(p.red->last("error")), "rate_limited");
  EXPECT_EQ(s->count("chat"), 3u);
  EXPECT_EQ(s->last("chat")["text"], "two");
}

TEST_F(HubTest, AnAiGameRunsToItsEndWithOnlyLegalMoves) {
  make_hub();
  auto a = connect("alice");
  send(a, {{"t", "challenge_ai"}, {"level", 2}, {"color", "black"}, {"tc", "5+0"}, {"id", 11}});
  json start = a->last("game_start");
  EXPECT_EQ(start["id"], 11);
  EXPECT_EQ(start["color"], "black");
  EXPECT_EQ(start["red"]["ai"], true);
  EXPECT_EQ(start["red"]["level"], 2);
  const std::string game = start["game"];
  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", game}});
  // The human also plays the first legal move each turn, until the rules end the game.
  rules::Game mirror;
  auto catch_up = [&] {
    auto moves = a->of_type("move");
    for (std::size_t i = mirror.ply(); i < moves.size(); ++i)
      ASSERT_EQ(mirror.play_iccs(moves[i]["move"].get<std::string>()), rules::PlayResult::Ok);
  };
  for (int guard = 0; guard < 2000 && a->count("game_end") == 0; ++guard) {
    settle();
    catch_up();
    if (a->count("game_end") || mirror.position().side_to_move() != rules::Color::Black) continue;
    rules::MoveList list;
    mirror.legal_moves(list);
    ASSERT_FALSE(list.empty());
    move(a, game, rules::to_iccs(list[0]), mirror.ply());
  }
  catch_up();
  json end = a->last("game_end");
  ASSERT_FALSE(end.is_null());
  ASSERT_TRUE(mirror.is_over());
  EXPECT_NE(end["reason"], "timeout");
  // The spectator came in after the AI's first move: its state, then every later move.
  EXPECT_EQ(s->last("state")["moves"].size() + s->count("move"), static_cast<std::size_t>(mirror.ply()));
  EXPECT_EQ(end["reason"], std::string(rules::to_string(mirror.result()->reason)));
  EXPECT_GE(ai->requests(), mirror.ply() / 2);
}

TEST_F(HubTest, TwoAiSeatsAnsweringFromOtherThreadsPlayAGameOut) {
  ai->threaded = true;
  auto room = GameRoom::create(
      io.get_executor(),
      GameSetup{"g", AiSeat{1}, AiSeat{8}, TimeControl{1, 0}, false, std::string(rules::Position::kStartFen)},
      GameRoom::Deps{journal, ai, config, nullptr});
  auto s = std::make_shared<RecordingClient>(make_user("sam"));
  room->start({}, {});
  room->handle(s, ClientRequest{in::Watch{"g"}, {}});
  ASSERT_TRUE(run_until([&] { return s->count("game_end") == 1; }, 5s));
  rules::Game replay;
  const json state = s->last("state");
  for (const auto& m : state["moves"]) ASSERT_EQ(replay.play_iccs(m.get<std::string>()), rules::PlayResult::Ok);
  for (const auto& m : s->of_type("move"))
    ASSERT_EQ(replay.play_iccs(m["move"].get<std::string>()), rules::PlayResult::Ok);
  ASSERT_TRUE(replay.is_over());
  EXPECT_EQ(s->last("game_end")["reason"], std::string(rules::to_string(replay.result()->reason)));
  EXPECT_EQ(journal->entries("g").size(), static_cast<std::size_t>(replay.ply()) + 2);
}

TEST_F(HubTest, AnIllegalAiAnswerIsDroppedAndTheAiLosesOnTime) {
  ai->answer_override_ = [](std::string) { return std::string("a0a9"); };
  make_hub();
  auto a = connect("alice");
  send(a, {{"t", "challenge_ai"}, {"level", 1}, {"color", "black"}, {"tc", "0+1"}});
  ASSERT_TRUE(run_until([&] { return a->count("game_end") == 1; }, 3s));
  EXPECT_EQ(a->last("game_end")["result"], "0-1");
  EXPECT_EQ(a->last("game_end")["reason"], "timeout");
  EXPECT_EQ(a->count("move"), 0u);
}

TEST_F(HubTest, OfferingADrawToTheAiIsDeclinedAtOnce) {
  make_hub();
  auto a = connect("alice");
  send(a, {{"t", "challenge_ai"}, {"level", 1}, {"color", "red"}});
  std::string game = a->last("game_start")["game"];
  EXPECT_EQ(a->last("game_start")["tc"], config.default_ai_tc.text());
  send(a, action("offer_draw", game));
  EXPECT_EQ(a->last("draw_declined")["by"], "black");
  send(a, action("resign", game));
  EXPECT_EQ(a->last("game_end")["result"], "0-1");
  EXPECT_GE(ai->cancels(), 1);
}

}  // namespace
}  // namespace chuhe::rooms::test
