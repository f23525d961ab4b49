// Issue 8: the search never plays into a perpetual it would lose. Each position comes with a game
// history of 7 plies, so that the side to move's natural move (the next check, or the next attack
// on the chased piece) would make the starting position occur for the third time, and the rules
// (docs/rules.md, "How a game ends" and "Perpetual chase") adjudicate that as a loss for it. Every
// verdict is checked here with rules::Game, as build/bin/adjudicate gives it:
//
//   adjudicate --fen F --moves "<history> <losing move>"   ->  OUTCOME REASON 8
//
// The cases are named by rule, not by WXF diagram number (no WXF rule book is available here; see
// docs/rules.md, "Perpetual check and chase in the search"). The mirror cases give the repeating
// move to the side that wins by it: the search must take it and score it as a win.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ai/levels.h"
#include "ai/searcher.h"
#include "rules/game.h"
#include "tests/unit/ai/test_util.h"

namespace chuhe::ai::test {
namespace {

struct PerpetualCase {
  const char* name;
  const char* fen;
  std::vector<std::string> history;  // 7 plies: the 8th completes the third occurrence
  const char* repeat;                // that 8th move
  rules::EndReason reason;           // what the rules say about it
  rules::Outcome outcome;
};

// The repeating move loses for the side that plays it.
const PerpetualCase kLosing[] = {
    // Red, a chariot down, checks on a9 and a8 while the black general steps e9-e8-e9.
    {"RedPerpetualCheckByChariot", "R3k4/9/9/9/9/8r/7r1/9/4A4/2B1KAB2 b - - 0 1",
     {"e9e8", "a9a8", "e8e9", "a8a9", "e9e8", "a9a8", "e8e9"}, "a8a9", rules::EndReason::PerpetualCheck,
     rules::Outcome::BlackWins},
    // The same for Black (colours and ranks mirrored).
    {"BlackPerpetualCheckByChariot", "2b1kab2/4a4/9/7R1/8R/9/9/9/9/r3K4 w - - 0 1",
     {"e0e1", "a0a1", "e1e0", "a1a0", "e0e1", "a0a1", "e1e0"}, "a1a0", rules::EndReason::PerpetualCheck,
     rules::Outcome::RedWins},
    // A red chariot follows an unprotected black cannon along ranks 7 and 0 (docs/rules.md,
    // chase example 1): every red move attacks the same cannon anew.
    {"RedChariotChasesUnprotectedCannon", "4k4/9/1c7/9/9/9/9/9/9/1R1K5 b - - 0 1",
     {"b7c7", "b0c0", "c7b7", "c0b0", "b7c7", "b0c0", "c7b7"}, "c0b0", rules::EndReason::PerpetualChase,
     rules::Outcome::BlackWins},
    // The same chase by Black (colours and ranks mirrored).
    {"BlackChariotChasesUnprotectedCannon", "1r1k5/9/9/9/9/9/9/1C7/9/4K4 w - - 0 1",
     {"b2c2", "b9c9", "c2b2", "c9b9", "b2c2", "b9c9", "c2b2"}, "c9b9", rules::EndReason::PerpetualChase,
     rules::Outcome::RedWins},
    // One check, one chase: Black's chariot uncovers a cannon check on b3, then comes back to b1
    // attacking the unprotected red cannon on d1. Black, far ahead in material, loses by repeating.
    {"BlackOneCheckOneChase", "3k5/9/9/9/9/9/9/9/cr1CAK3/9 w - - 0 1",
     {"d1d2", "b1b3", "d2d1", "b3b1", "d1d2", "b1b3", "d2d1"}, "b3b1", rules::EndReason::PerpetualChase,
     rules::Outcome::RedWins},
};

// The repeating move wins for the side that plays it: the opponent was the perpetual checker or
// chaser over the cycle.
const PerpetualCase kWinning[] = {
    // Red checked on every move; Black's general completes the third occurrence by stepping back.
    {"OpponentPerpetualCheckEvasionWins", "4k4/R8/9/9/9/8r/7r1/9/4A4/2B1KAB2 w - - 0 1",
     {"a8a9", "e9e8", "a9a8", "e8e9", "a8a9", "e9e8", "a9a8"}, "e8e9", rules::EndReason::PerpetualCheck,
     rules::Outcome::BlackWins},
    // Red's chariot chased the cannon on every move; the cannon, a chariot down, wins by running
    // back once more.
    {"OpponentPerpetualChaseFleeWins", "4k4/9/2c6/9/9/9/9/9/9/1R1K5 w - - 0 1",
     {"b0c0", "c7b7", "c0b0", "b7c7", "b0c0", "c7b7", "c0b0"}, "b7c7", rules::EndReason::PerpetualChase,
     rules::Outcome::BlackWins},
};

rules::Game replay(const PerpetualCase& c) {
  rules::Game g;
  EXPECT_FALSE(g.reset(c.fen)) << c.fen;
  for (const auto& m : c.history) EXPECT_EQ(g.play_iccs(m), rules::PlayResult::Ok) << c.name << " " << m;
  return g;
}

// The rules' verdict on the repeating move, and that the position before it is still open.
void expect_verdict(const PerpetualCase& c) {
  rules::Game g = replay(c);
  ASSERT_FALSE(g.result()) << c.name;
  ASSERT_EQ(g.play_iccs(c.repeat), rules::PlayResult::Ok) << c.name;
  ASSERT_TRUE(g.result()) << c.name << ": " << c.repeat << " does not end the game";
  EXPECT_EQ(g.result()->reason, c.reason) << c.name;
  EXPECT_EQ(g.result()->outcome, c.outcome) << c.name;
  EXPECT_EQ(g.ply(), 8) << c.name;
}

// The engine's move does not lose the game by rule at once.
void expect_not_lost_by_rule(const PerpetualCase& c, rules::Move best, const std::string& where) {
  rules::Game g = replay(c);
  const rules::Color us = g.position().side_to_move();
  ASSERT_EQ(g.play(best), rules::PlayResult::Ok) << where;
  if (g.result()) {
    EXPECT_NE(g.result()->outcome, rules::win_for(~us)) << where << ": " << rules::to_iccs(best);
  }
}

std::string label(const PerpetualCase& c, const char* what, int n) {
  return std::string(c.name) + " " + what + " " + std::to_string(n);
}

TEST(Perpetual, VerdictsAreWhatTheTestsAssume) {
  for (const auto& c : kLosing) {
    expect_verdict(c);
    EXPECT_NE(c.outcome, rules::win_for(replay(c).position().side_to_move())) << c.name;
  }
  for (const auto& c : kWinning) {
    expect_verdict(c);
    EXPECT_EQ(c.outcome, rules::win_for(replay(c).position().side_to_move())) << c.name;
  }
}

TEST(Perpetual, FullStrengthNeverCompletesALosingPerpetualAtAnyDepth) {
  for (const auto& c : kLosing) {
    for (int depth : {1, 2, 3, 4, 5, 6, 8}) {
      Searcher s(8);
      const SearchResult r = search_depth(s, c.fen, depth, 8, c.history);
      const std::string where = label(c, "depth", depth);
      ASSERT_TRUE(r.best) << where;
      EXPECT_NE(rules::to_iccs(r.best), c.repeat) << where;
      EXPECT_GT(r.score, -kMateInMaxPly) << where << ": the alternative is not lost";
      expect_not_lost_by_rule(c, r.best, where);
    }
  }
}

TEST(Perpetual, WeakenedLevelsNeverCompleteALosingPerpetual) {
  // Level 1 searches one ply and picks among moves within 120 cp of the best; the lower levels
  // also stop on node limits, often in the middle of an iteration.
  for (const auto& c : kLosing) {
    for (int level = kMinLevel; level < kMaxLevel; ++level) {
      for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
        Searcher s(8);
        ASSERT_FALSE(s.set_position(c.fen, parse_moves(c.history)));
        SearchLimits limits;
        limits.level = level;
        limits.seed = seed;
        limits.nodes = 60'000;  // keeps levels 6 and 7 quick
        const SearchResult r = s.search(limits);
        const std::string where = label(c, "level", level) + " seed " + std::to_string(seed);
        ASSERT_TRUE(r.best) << where;
        EXPECT_NE(rules::to_iccs(r.best), c.repeat) << where;
        expect_not_lost_by_rule(c, r.best, where);
      }
    }
  }
}

TEST(Perpetual, NodeLimitedSearchesNeverCompleteALosingPerpetual) {
  // Full strength stopped by a node budget: an interrupted iteration must not leave the
  // repeating move on top.
  for (const auto& c : kLosing) {
    for (std::uint64_t nodes : {50u, 200u, 1'000u, 5'000u, 30'000u}) {
      Searcher s(8);
      ASSERT_FALSE(s.set_position(c.fen, parse_moves(c.history)));
      SearchLimits limits;
      limits.nodes = nodes;
      const SearchResult r = s.search(limits);
      const std::string where = label(c, "nodes", int(nodes));
      ASSERT_TRUE(r.best) << where;
      EXPECT_NE(rules::to_iccs(r.best), c.repeat) << where;
    }
  }
}

TEST(Perpetual, RepeatsWhenTheOpponentLosesByIt) {
  for (const auto& c : kWinning) {
    for (int depth : {1, 2, 4, 6}) {
      Searcher s(8);
      const SearchResult r = search_depth(s, c.fen, depth, 8, c.history);
      const std::string where = label(c, "depth", depth);
      EXPECT_EQ(rules::to_iccs(r.best), c.repeat) << where;
      // Winning by rule on the next ply scores like a mate in one.
      EXPECT_EQ(r.score, mate_in(1)) << where;
    }
  }
}

}  // namespace
}  // namespace chuhe::ai::test
