// Glicko-2 against Glickman's worked example ("Example of the Glicko-2 system", glicko2.pdf), and the
// one-game update and bounds the server uses.
#include "persistence/glicko2.h"

#include <gtest/gtest.h>

namespace chuhe::persistence::glicko2 {
namespace {

TEST(Glicko2, PaperWorkedExample) {
  const Rating player{1500, 200, 0.06};
  const Outcome games[] = {{{1400, 30, 0.06}, 1}, {{1550, 100, 0.06}, 0}, {{1700, 300, 0.06}, 0}};
  Rating r = update(player, games, kPaper);
  EXPECT_NEAR(r.rating, 1464.06, 0.01);
  EXPECT_NEAR(r.deviation, 151.52, 0.01);
  EXPECT_NEAR(r.volatility, 0.05999, 0.00001);
}

TEST(Glicko2, NoGamesOnlyWidensTheDeviation) {
  const Rating player{1500, 200, 0.06};
  Rating r = update(player, {}, kPaper);
  EXPECT_DOUBLE_EQ(r.rating, 1500);
  EXPECT_DOUBLE_EQ(r.volatility, 0.06);
  EXPECT_NEAR(r.deviation, 200.27, 0.01);  // sqrt(phi^2 + sigma^2) on the Glicko-2 scale
}

TEST(Glicko2, OneGameIsSymmetricAndZeroSumForEqualPlayers) {
  auto [red, black] = rate_game(kNewPlayer, kNewPlayer, 1.0);
  EXPECT_GT(red.rating, 1500);
  EXPECT_LT(black.rating, 1500);
  EXPECT_NEAR(red.rating - 1500, 1500 - black.rating, 1e-9);
  EXPECT_LT(red.deviation, kNewPlayer.deviation);
  EXPECT_DOUBLE_EQ(red.deviation, black.deviation);

  auto [r2, b2] = rate_game(kNewPlayer, kNewPlayer, 0.5);
  EXPECT_NEAR(r2.rating, 1500, 1e-9);
  EXPECT_NEAR(b2.rating, 1500, 1e-9);
}

TEST(Glicko2, UpsetMovesMoreThanExpectedWin) {
  const Rating strong{2000, 80, 0.06}, weak{1600, 80, 0.06};
  auto [s_win, w_loss] = rate_game(strong, weak, 1.0);
  auto [s_loss, w_win] = rate_game(strong, weak, 0.0);
  EXPECT_LT(s_win.rating - strong.rating, strong.rating - s_loss.rating);
  EXPECT_LT(weak.rating - w_loss.rating, w_win.rating - weak.rating);
}

TEST(Glicko2, LichessBoundsHold) {
  // An established player's deviation never drops below 45; the volatility never passes 0.1.
  Rating r{1800, 45, 0.1};
  for (int i = 0; i < 50; ++i) r = rate_game(r, Rating{1800, 45, 0.06}, i % 2).first;
  EXPECT_GE(r.deviation, 45);
  EXPECT_LE(r.volatility, 0.1);
  Rating low = rate_game(Rating{400, 60, 0.06}, Rating{2500, 60, 0.06}, 0).first;
  EXPECT_GE(low.rating, 400);
}

TEST(Glicko2, AgeingCapsAtTheMaximum) {
  Rating r{1700, 60, 0.06};
  Rating year = age(r, 365 * kLichessPeriodsPerDay);
  EXPECT_GT(year.deviation, 60);
  EXPECT_LT(year.deviation, 150);
  EXPECT_DOUBLE_EQ(age(r, 1e9).deviation, 500);
  EXPECT_DOUBLE_EQ(age(r, 0).deviation, 60);
}

TEST(Glicko2, ResultScores) {
  EXPECT_EQ(red_score("1-0"), 1.0);
  EXPECT_EQ(red_score("0-1"), 0.0);
  EXPECT_EQ(red_score("1/2-1/2"), 0.5);
  EXPECT_EQ(red_score("*"), -1.0);
}

}  // namespace
}  // namespace chuhe::persistence::glicko2
