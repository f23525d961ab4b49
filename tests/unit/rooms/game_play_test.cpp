// Playing moves: a whole game with a spectator, every error in the protocol's order, retries, the
// journal's pending state, and one buffer per broadcast.
#include "rooms_test_support.h"

namespace chuhe::rooms::test {
namespace {

using namespace std::chrono_literals;

TEST_F(HubTest, FullGameToCheckmateWithASpectatorSeeingEveryMoveInOrder) {
  make_hub();
  auto p = pair_players("5+3");
  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", p.game}, {"id", "w"}});
  json state = s->last("state");
  EXPECT_EQ(state["id"], "w");
  EXPECT_EQ(state["status"], "playing");
  EXPECT_EQ(state["moves"], json::array());
  EXPECT_EQ(state["spectators"], 1);
  EXPECT_FALSE(state.contains("color"));
  EXPECT_EQ(state["clocks"]["black"], 300000);

  for (std::size_t ply = 0; ply < kMateLine.size(); ++ply) {
    auto mover = ply % 2 == 0 ? p.red : p.black;
    move(mover, p.game, kMateLine[ply], static_cast<int>(ply), static_cast<int>(100 + ply));
    json mine = mover->last("move");
    EXPECT_EQ(mine["id"], 100 + static_cast<int>(ply)) << "the mover's copy echoes its id";
  }
  auto moves = s->of_type("move");
  ASSERT_EQ(moves.size(), kMateLine.size());
  rules::Game replay;
  for (std::size_t ply = 0; ply < moves.size(); ++ply) {
    EXPECT_EQ(moves[ply]["ply"], ply);
    EXPECT_EQ(moves[ply]["move"], kMateLine[ply]);
    EXPECT_FALSE(moves[ply].contains("id"));
    ASSERT_EQ(replay.play_iccs(kMateLine[ply]), rules::PlayResult::Ok);
    EXPECT_EQ(moves[ply]["fen"], replay.fen());
    EXPECT_EQ(moves[ply]["check"], ply == 4);
    // Both clocks in every move; the mover's with the 3 s increment (it thought for well under 3 s).
    const char* mover = ply % 2 == 0 ? "red" : "black";
    EXPECT_GT(moves[ply]["clocks"][mover].get<long long>(), 300000);
  }
  // Opponents get the same moves; the game_end follows the last move everywhere.
  EXPECT_EQ(p.black->count("move"), kMateLine.size());
  for (const auto& c : {p.red, p.black, s}) {
    auto all = c->all();
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.back()["t"], "game_end");
    EXPECT_EQ(all.back()["result"], "1-0");
    EXPECT_EQ(all.back()["reason"], "checkmate");
    EXPECT_EQ(all.back()["game"], p.game);
  }
  auto records = journal->entries(p.game);
  ASSERT_EQ(records.size(), 2 + kMateLine.size());
  EXPECT_EQ(records[1].kind, "move");
  EXPECT_EQ(records[1].text, "b2b4");
  EXPECT_GT(records[1].clock_ms, 300000);
  EXPECT_EQ(records.back().kind, "end");
  EXPECT_EQ(records.back().text, "1-0 checkmate");
  // Resume after the end: the final state.
  send(p.black, {{"t", "resume"}, {"game", p.game}});
  json final_state = p.black->last("state");
  EXPECT_EQ(final_state["status"], "ended");
  EXPECT_EQ(final_state["color"], "black");
  EXPECT_EQ(final_state["moves"].size(), kMateLine.size());
}

TEST_F(HubTest, ErrorsComeInTheProtocolsOrder) {
  make_hub();
  auto p = pair_players();
  auto s = connect("sam");
  auto err = [&](const std::shared_ptr<RecordingClient>& c, const json& msg) {
    c->clear();
    send(c, msg);
    EXPECT_EQ(c->all().size(), 1u) << msg;
    return c->last("error");
  };
  auto mv = [&](const std::string& game, const std::string& m, int ply) {
    return json{{"t", "move"}, {"game", game}, {"move", m}, {"ply", ply}, {"id", 7}};
  };
  json e = err(p.red, mv("nope", "zz", 99));
  EXPECT_EQ(error_code(e), "not_found");
  EXPECT_EQ(e["id"], 7);
  EXPECT_EQ(error_code(err(s, mv(p.game, "zz", 99))), "not_in_game");
  EXPECT_EQ(error_code(err(s, {{"t", "resign"}, {"game", p.game}})), "not_in_game");
  EXPECT_EQ(error_code(err(s, {{"t", "resume"}, {"game", p.game}})), "not_in_game");
  EXPECT_EQ(error_code(err(s, {{"t", "chat"}, {"game", p.game}, {"text", "hi"}})), "not_in_game");
  EXPECT_EQ(error_code(err(p.black, mv(p.game, "zz", 99))), "not_your_turn");
  EXPECT_EQ(error_code(err(p.red, mv(p.game, "zz", 99))), "stale_ply");
  EXPECT_EQ(error_code(err(p.red, mv(p.game, "zz", 0))), "illegal_move");
  EXPECT_EQ(error_code(err(p.red, mv(p.game, "e0e2", 0))), "illegal_move");
  EXPECT_EQ(error_code(err(p.red, mv(p.game, "a0a5", 0))), "illegal_move");
  EXPECT_EQ(error_code(err(p.red, {{"t", "accept_draw"}, {"game", p.game}})), "no_draw_offer");
  move(p.red, p.game, "h2e2", 0);
  move(p.black, p.game, "h7e7", 1);
  EXPECT_EQ(error_code(err(p.red, {{"t", "abort"}, {"game", p.game}})), "cannot_abort");
  send(p.black, {{"t", "resign"}, {"game", p.game}});
  EXPECT_EQ(error_code(err(p.red, mv(p.game, "zz", 99))), "game_over");
  EXPECT_EQ(error_code(err(p.black, mv(p.game, "e2e6", 2))), "game_over");
  EXPECT_EQ(error_code(err(p.red, {{"t", "offer_draw"}, {"game", p.game}})), "game_over");
  EXPECT_EQ(error_code(err(s, mv(p.game, "e2e6", 2))), "not_in_game");  // before game_over
  // Nothing changed by any refusal.
  EXPECT_EQ(hub->find_game(p.game)->moves_played(), 2);
}

TEST_F(HubTest, ARetriedMoveIsAnsweredNotRefused) {
  make_hub();
  auto p = pair_players();
  move(p.red, p.game, "h2e2", 0, 1);
  move(p.black, p.game, "h7e7", 1, 2);
  p.red->clear();
  p.black->clear();
  move(p.red, p.game, "H2E2", 0, 3);  // the same move, written differently
  ASSERT_EQ(p.red->all().size(), 1u);
  json again = p.red->last("move");
  EXPECT_EQ(again["ply"], 0);
  EXPECT_EQ(again["move"], "h2e2");
  EXPECT_EQ(again["id"], 3);
  EXPECT_EQ(p.black->all().size(), 0u);  // only the requester hears it again
  move(p.red, p.game, "h0g2", 0, 4);     // a different move at that ply is not a retry
  EXPECT_EQ(error_code(p.red->last("error")), "stale_ply");
  move(p.black, p.game, "h2e2", 0, 5);  // nor is Red's move sent by Black
  EXPECT_EQ(error_code(p.black->last("error")), "not_your_turn");
  EXPECT_EQ(journal->entries(p.game).size(), 3u);
}

TEST_F(HubTest, NothingIsBroadcastBeforeTheJournalHasIt) {
  auto manual = std::make_shared<ManualJournal>();
  make_hub(manual);
  auto p = pair_players();
  auto s = connect("sam");
  send(s, {{"t", "watch"}, {"game", p.game}});
  p.red->clear();
  move(p.red, p.game, "h2e2", 0, 1);
  EXPECT_EQ(manual->held(), 1u);
  EXPECT_EQ(p.red->count("move") + p.black->count("move") + s->count("move"), 0u);
  // While pending: the same move again (a retry) and an early reply are queued, in order.
  move(p.red, p.game, "h2e2", 0, 2);
  move(p.black, p.game, "h7e7", 1, 3);
  send(p.red, {{"t", "chat"}, {"game", p.game}, {"text", "gl"}});
  EXPECT_EQ(p.red->all().size(), 0u);  // nothing yet
  manual->release_all();
  settle();
  auto red = p.red->all();
  ASSERT_EQ(red.size(), 2u);
  EXPECT_EQ(red[0]["t"], "move");
  EXPECT_EQ(red[0]["id"], 1);
  EXPECT_EQ(red[1]["t"], "move");  // the retry, answered once the move was durable
  EXPECT_EQ(red[1]["id"], 2);
  // Black's move was taken after the first became durable; it now waits for the journal in turn.
  EXPECT_EQ(manual->held(), 1u);
  EXPECT_EQ(s->count("move"), 1u);
  manual->release_all();
  settle();
  EXPECT_EQ(s->count("move"), 2u);
  EXPECT_EQ(p.black->last("move")["id"], 3);
  EXPECT_EQ(s->last("chat")["text"], "gl");
}

TEST_F(HubTest, AMoveTheJournalCannotRecordIsRefusedAndForgotten) {
  make_hub();
  auto p = pair_players();
  journal->set_failing(true);
  move(p.red, p.game, "h2e2", 0, 1);
  EXPECT_EQ(error_code(p.red->last("error")), "unavailable");
  EXPECT_EQ(p.black->count("move"), 0u);
  journal->set_failing(false);
  move(p.red, p.game, "h0g2", 0, 2);  // the position is as before
  EXPECT_EQ(p.black->last("move")["move"], "h0g2");
}

TEST_F(HubTest, OneBufferIsSharedByEveryRecipient) {
  make_hub();
  auto p = pair_players();
  auto red_tab = connect(p.red->user().id);
  send(red_tab, {{"t", "resume"}, {"game", p.game}});
  auto s1 = connect("s1");
  auto s2 = connect("s2");
  send(s1, {{"t", "watch"}, {"game", p.game}});
  send(s2, {{"t", "watch"}, {"game", p.game}});
  move(p.red, p.game, "h2e2", 0, 1);
  auto last_move = [](const std::shared_ptr<RecordingClient>& c) {
    auto r = c->received();
    return r.back();
  };
  auto mover = last_move(p.red), tab = last_move(red_tab), black = last_move(p.black), a = last_move(s1),
       b = last_move(s2);
  EXPECT_EQ(tab.message.get(), black.message.get());
  EXPECT_EQ(a.message.get(), black.message.get());
  EXPECT_EQ(b.message.get(), black.message.get());
  EXPECT_NE(mover.message.get(), black.message.get());  // the one variant: the requester's, with its id
  EXPECT_EQ(json::parse(*mover.message)["id"], 1);
  EXPECT_EQ(a.audience, Audience::spectator);
  EXPECT_EQ(black.audience, Audience::player);
  // The red player's other tab may act too.
  move(p.black, p.game, "h7e7", 1);
  move(red_tab, p.game, "e2e6", 2, 9);
  EXPECT_EQ(red_tab->last("move")["id"], 9);
  EXPECT_EQ(p.red->last("move")["move"], "e2e6");
}

}  // namespace
}  // namespace chuhe::rooms::test
