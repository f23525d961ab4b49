// Search behaviour in built positions: mates, material, stopping, repetition rules, levels.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "ai/levels.h"
#include "ai/searcher.h"
#include "rules/game.h"
#include "tests/unit/ai/test_util.h"

namespace chuhe::ai::test {
namespace {

using namespace std::chrono_literals;

// Red chariots on a0 and i8 against a lone general on e9; the red general on d0 guards the d-file.
constexpr const char* kMateIn1 = "4k4/8R/9/9/9/9/9/9/9/R2K5 w - - 0 1";
// Chariots on a1 and i0: a1a8 (only Kf9 is left) then i0i9.
constexpr const char* kMateIn2 = "4k4/9/9/9/9/9/9/9/R8/3K4R w - - 0 1";

TEST(Search, FindsMateInOne) {
  Searcher s(4);
  const SearchResult r = search_depth(s, kMateIn1, 4);
  EXPECT_EQ(rules::to_iccs(r.best), "a0a9");
  EXPECT_EQ(r.score, mate_in(1));
}

TEST(Search, FindsMateInTwo) {
  Searcher s(4);
  const SearchResult r = search_depth(s, kMateIn2, 6);
  EXPECT_EQ(r.score, mate_in(3));
  // Whatever the first move, it must keep a forced mate in one more move for every reply.
  rules::Game g;
  ASSERT_FALSE(g.reset(kMateIn2));
  ASSERT_EQ(g.play(r.best), rules::PlayResult::Ok);
  rules::MoveList replies;
  g.legal_moves(replies);
  ASSERT_FALSE(replies.empty());
  for (rules::Move reply : replies) {
    rules::Game after = g;
    ASSERT_EQ(after.play(reply), rules::PlayResult::Ok);
    Searcher s2(4);
    ASSERT_FALSE(s2.set_position(after));
    SearchLimits limits;
    limits.depth = 3;
    EXPECT_EQ(s2.search(limits).score, mate_in(1)) << rules::to_iccs(reply);
  }
}

TEST(Search, MatedSideReportsNoMove) {
  Searcher s(4);
  // After a0a9 in kMateIn1 Black is mated.
  const SearchResult r = search_depth(s, kMateIn1, 3, 8, {"a0a9"});
  EXPECT_FALSE(r.best);
  EXPECT_EQ(r.score, mated_in(0));
}

TEST(Search, CapturesAFreeChariot) {
  // Red's chariot e0 faces Black's on e5 with nothing between; Black's general is on d9.
  Searcher s(4);
  const SearchResult r = search_depth(s, "3k5/9/9/9/4r4/9/9/9/9/4RK3 w - - 0 1", 5);
  EXPECT_EQ(rules::to_iccs(r.best), "e0e5");
  EXPECT_GT(r.score, 500);
}

TEST(Search, DoesNotGrabADefendedSoldierWithTheChariot) {
  // a0xa5 would be met by a9xa5: a chariot for a soldier.
  Searcher s(4);
  const SearchResult r = search_depth(s, "r2k5/9/9/9/p8/9/9/9/9/R3K4 w - - 0 1", 6);
  EXPECT_NE(rules::to_iccs(r.best), "a0a5");
}

TEST(Search, MovesAnAttackedChariotAway) {
  // Black's horse on c7 attacks Red's chariot on b5 (leg c6 empty); nothing defends it.
  Searcher s(4);
  const char* fen = "3k5/9/2n6/9/1R7/9/9/9/9/4K4 w - - 0 1";
  const SearchResult r = search_depth(s, fen, 6);
  ASSERT_TRUE(r.best);
  rules::Game g;
  ASSERT_FALSE(g.reset(fen));
  ASSERT_EQ(g.play(r.best), rules::PlayResult::Ok);
  // After Red's move, Black cannot win the chariot by a capture on its square.
  rules::MoveList replies;
  g.legal_moves(replies);
  const rules::Square chariot = r.best.from() == rules::Square::b5 ? r.best.to() : rules::Square::b5;
  for (rules::Move m : replies) EXPECT_NE(m.to(), chariot) << rules::to_iccs(m);
}

TEST(Search, NeverRepeatsAPerpetualCheckItWouldLose) {
  // Red (down a chariot) checks on a9 and a8 alternately; the history already holds one cycle.
  // Repeating a8a9 would make Red the perpetual checker, which loses by rule; any other move
  // only leaves Red a chariot down. A chess-style search would take the "draw".
  const char* fen = "4k4/R8/9/9/9/8r/7r1/9/4A4/2B1KAB2 w - - 0 1";
  const std::vector<std::string> history = {"a8a9", "e9e8", "a9a8", "e8e9"};
  Searcher s(8);
  const SearchResult r = search_depth(s, fen, 8, 8, history);
  ASSERT_TRUE(r.best);
  EXPECT_NE(rules::to_iccs(r.best), "a8a9");
  // Cross-check with the rules engine: the engine's move does not lose by perpetual check, and
  // a8a9 would have lost (the game rules use threefold: play the cycle once more to see it).
  rules::Game g;
  ASSERT_FALSE(g.reset(fen));
  for (const auto& m : history) ASSERT_EQ(g.play_iccs(m), rules::PlayResult::Ok);
  rules::Game bad = g;
  for (const char* m : {"a8a9", "e9e8", "a9a8", "e8e9"}) ASSERT_EQ(bad.play_iccs(m), rules::PlayResult::Ok);
  ASSERT_TRUE(bad.result());
  EXPECT_EQ(bad.result()->reason, rules::EndReason::PerpetualCheck);
  EXPECT_EQ(bad.result()->outcome, rules::Outcome::BlackWins);
  ASSERT_EQ(g.play(r.best), rules::PlayResult::Ok);
  EXPECT_FALSE(g.result());
}

TEST(Search, BlackAlsoAvoidsALosingPerpetualCheck) {
  // The same rule for Black: its chariot checked on a0 and a1 alternately, Red's general stepped
  // back and forth, and the history holds one cycle.
  const char* fen = "2b1kab2/4a4/9/7R1/8R/9/9/9/r8/4K4 b - - 0 1";
  Searcher s(8);
  const SearchResult r = search_depth(s, fen, 6, 8, {"a1a0", "e0e1", "a0a1", "e1e0"});
  ASSERT_TRUE(r.best);
  // Black to move, a chariot down: checking on a0 again would lose by rule.
  EXPECT_NE(rules::to_iccs(r.best), "a1a0");
}

TEST(Search, StopReturnsQuickly) {
  Searcher s(16);
  ASSERT_FALSE(s.set_position(rules::Position::kStartFen));
  std::promise<SearchResult> done;
  SearchLimits limits;
  limits.infinite = true;
  s.go(limits, {}, [&](const SearchResult& r) { done.set_value(r); });
  std::this_thread::sleep_for(100ms);
  const auto t0 = std::chrono::steady_clock::now();
  s.stop();
  auto fut = done.get_future();
  ASSERT_EQ(fut.wait_for(2s), std::future_status::ready);
  const auto waited = std::chrono::steady_clock::now() - t0;
  // The search polls the flag every 1024 nodes (about a millisecond); the slack is for a loaded
  // machine or a sanitizer build, where the thread may wait to be scheduled.
  EXPECT_LT(waited, 250ms);
  EXPECT_TRUE(fut.get().best);
}

TEST(Search, BlockingSearchStopsFromAnotherThread) {
  Searcher s(16);
  ASSERT_FALSE(s.set_position(rules::Position::kStartFen));
  SearchLimits limits;
  limits.movetime_ms = 60'000;
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    s.stop();
  });
  const auto t0 = std::chrono::steady_clock::now();
  const SearchResult r = s.search(limits);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_TRUE(r.best);
}

TEST(Search, NodeLimitIsRespected) {
  Searcher s(4);
  ASSERT_FALSE(s.set_position(rules::Position::kStartFen));
  SearchLimits limits;
  limits.nodes = 5000;
  const SearchResult r = s.search(limits);
  EXPECT_TRUE(r.best);
  EXPECT_LT(r.nodes, 5000u + 2048u);
}

TEST(Search, SameInputSameNodeCount) {
  // The bench relies on this: no time-dependent decision in a depth-limited search.
  auto run = [] {
    Searcher s(16);
    return search_depth(s, std::string(rules::Position::kStartFen), 7).nodes;
  };
  EXPECT_EQ(run(), run());
}

TEST(Levels, TableIsMonotonic) {
  for (int l = kMinLevel; l < kMaxLevel; ++l) {
    const LevelSpec& a = level_spec(l);
    const LevelSpec& b = level_spec(l + 1);
    EXPECT_EQ(a.level, l);
    EXPECT_GE(a.margin_cp, b.margin_cp);
    if (b.max_depth) {
      EXPECT_LE(a.max_depth, b.max_depth);
    }
    if (b.max_nodes) {
      EXPECT_LE(a.max_nodes, b.max_nodes);
    }
  }
  EXPECT_EQ(level_spec(8).max_depth, 0);
  EXPECT_EQ(level_spec(8).margin_cp, 0);
  EXPECT_EQ(level_spec(0).level, 1);
  EXPECT_EQ(level_spec(99).level, 8);
}

TEST(Levels, EveryLevelPlaysLegalSensibleMoves) {
  const char* fens[] = {
      rules::Position::kStartFen.data(),
      "r1bakabr1/9/1cn3nc1/p1p1p1p1p/9/9/P1P1P1P1P/1CN3NC1/9/R1BAKABR1 w - - 4 3",
      "2bakab2/9/9/4p4/9/9/4P4/9/9/2BAKAB2 w - - 0 1",
  };
  for (int level = kMinLevel; level <= kMaxLevel; ++level) {
    Searcher s(4);
    for (const char* fen : fens) {
      for (std::uint64_t seed : {1u, 2u, 3u}) {
        ASSERT_FALSE(s.set_position(fen));
        SearchLimits limits;
        limits.level = level;
        limits.seed = seed;
        limits.movetime_ms = 200;
        limits.nodes = 10'000;  // keeps the high levels quick here
        const SearchResult r = s.search(limits);
        rules::MoveList legal;
        rules::generate_legal(s.position(), legal);
        EXPECT_TRUE(legal.contains(r.best)) << "level " << level << " " << fen;
      }
    }
    // A free chariot is won at every level (e0e5 at once, or e0d0+ e5d5 d0xd5): the margin never
    // reaches a chariot's worth, so no level gives up the win.
    ASSERT_FALSE(s.set_position("3k5/9/9/9/4r4/9/9/9/9/4RK3 w - - 0 1"));
    for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
      SearchLimits limits;
      limits.level = level;
      limits.seed = seed;
      limits.nodes = 20'000;
      const SearchResult r = s.search(limits);
      EXPECT_GT(r.score, 700) << "level " << level << " " << rules::to_iccs(r.best);
      EXPECT_TRUE(rules::to_iccs(r.best) == "e0e5" || rules::to_iccs(r.best) == "e0d0") << rules::to_iccs(r.best);
    }
  }
}

TEST(Levels, WeakLevelsVaryTheirChoiceWithTheSeed) {
  Searcher s(4);
  std::set<std::string> seen;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    ASSERT_FALSE(s.set_position(rules::Position::kStartFen));
    SearchLimits limits;
    limits.level = 1;
    limits.seed = seed;
    seen.insert(rules::to_iccs(s.search(limits).best));
  }
  EXPECT_GE(seen.size(), 2u);
}

}  // namespace
}  // namespace chuhe::ai::test
