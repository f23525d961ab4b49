#include <gtest/gtest.h>

#include "rooms/ai_player.h"
#include "rooms/chat_limiter.h"
#include "rooms/game_clock.h"
#include "rooms/game_events.h"

namespace chuhe::rooms {
namespace {

using namespace std::chrono_literals;
using rules::Color;
using Clock = std::chrono::steady_clock;

TEST(GameClock, ChargesTheRunningSideAndAddsTheIncrement) {
  GameClock clock(TimeControl{1, 2});
  const auto t0 = Clock::now();
  EXPECT_FALSE(clock.running());
  clock.start(Color::Red, t0);
  EXPECT_EQ(clock.remaining(Color::Red, t0 + 10s), 50s);
  EXPECT_EQ(clock.remaining(Color::Black, t0 + 10s), 60s);
  EXPECT_EQ(clock.deadline(), t0 + 60s);
  EXPECT_TRUE(clock.stop(t0 + 10s, true));
  EXPECT_EQ(clock.remaining(Color::Red, t0 + 99s), 52s);  // stopped: time passing costs nothing
  clock.start(Color::Black, t0 + 10s);
  EXPECT_FALSE(clock.flagged(t0 + 69s));
  EXPECT_TRUE(clock.flagged(t0 + 70s));
  EXPECT_FALSE(clock.stop(t0 + 71s, true));  // out of time: no increment
  EXPECT_EQ(clock.remaining(Color::Black, t0 + 71s), 0s);
}

TEST(GameClock, NoBaseTimeStartsWithOneIncrement) {
  EXPECT_EQ(GameClock::initial_time(TimeControl{0, 1}), 1s);
  EXPECT_EQ(GameClock::initial_time(TimeControl{5, 3}), 300s);
}

TEST(GameClock, TimeBeforeTheStartIsNotCharged) {
  GameClock clock(TimeControl{0, 1});
  const auto t0 = Clock::now();
  clock.start(Color::Red, t0);
  EXPECT_TRUE(clock.stop(t0 - 5s, true));  // a request read before the clock started
  EXPECT_EQ(clock.remaining(Color::Red, t0), 2s);
}

TEST(AiBudget, StaysWithinAThirdOfTheRemainingTime) {
  EXPECT_EQ(ai_budget(300s, 0s), 10s);
  EXPECT_EQ(ai_budget(300s, 4s), 13s);
  EXPECT_EQ(ai_budget(3s, 60s), 1s);
  EXPECT_GE(ai_budget(0s, 0s).count(), 1);
}

TEST(ChatLimiter, AllowsLinesPerWindowPerUser) {
  ChatLimiter limiter(2, 10s);
  const auto t0 = Clock::now();
  EXPECT_TRUE(limiter.allow("a", t0));
  EXPECT_TRUE(limiter.allow("a", t0 + 1s));
  EXPECT_FALSE(limiter.allow("a", t0 + 2s));
  EXPECT_TRUE(limiter.allow("b", t0 + 2s));
  EXPECT_TRUE(limiter.allow("a", t0 + 10s));
}

TEST(GameEvents, MoveIsValidJsonAndIdIsAppended) {
  std::string move = write_move("g1", 0, "h2e2", "fen w", Clocks{1, 2}, true);
  EXPECT_EQ(
      move,
      R"({"t":"move","game":"g1","ply":0,"move":"h2e2","fen":"fen w","clocks":{"red":1,"black":2},"check":true})");
  EXPECT_EQ(append_id(R"({"t":"x"})", "\"a\""), R"({"t":"x","id":"a"})");
  EXPECT_EQ(append_id(R"({"t":"x"})", ""), R"({"t":"x"})");
  EXPECT_EQ(player_json(AiSeat{3}), R"({"ai":true,"level":3,"name":"AI level 3"})");
}

}  // namespace
}  // namespace chuhe::rooms
