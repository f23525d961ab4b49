// MCTS: legal moves, visit and time limits, game-over handling, and level 9 in the worker pool
// (with the shipped network, and falling back to alpha-beta when the weights cannot be loaded).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>

#include "ai/levels.h"
#include "ai/mcts/mcts.h"
#include "ai/worker_pool.h"
#include "rules/notation.h"
#include "tests/unit/ai/nn_test_util.h"

namespace chuhe::ai::mcts {
namespace {

std::unique_ptr<nn::Evaluator> random_evaluator() {
  nn::NetworkDims d;
  d.channels = 16;
  d.blocks = 1;
  auto net = std::make_shared<const nn::Network>(nn::Network::random(d, 11));
  return std::make_unique<nn::Evaluator>(nn::make_cpu_backend(net));
}

TEST(Mcts, ReturnsLegalMovesWithinTheVisitLimit) {
  auto ev = random_evaluator();
  for (const std::string& fen : nn::test::suite_fens(12)) {
    rules::Game game;
    ASSERT_FALSE(game.reset(fen).has_value());
    for (int threads : {1, 3}) {
      MctsLimits lim;
      lim.visits = 60;
      lim.threads = threads;
      const MctsResult r = search(game, *ev, lim);
      rules::MoveList legal;
      game.legal_moves(legal);
      ASSERT_TRUE(legal.contains(r.best)) << fen << " " << rules::to_iccs(r.best);
      if (legal.size() > 1) {
        EXPECT_EQ(r.visits, 60) << fen;
        EXPECT_GT(r.nodes, 1u);
      }
    }
  }
}

TEST(Mcts, RespectsTheTimeLimit) {
  auto ev = random_evaluator();
  rules::Game game;
  MctsLimits lim;
  lim.visits = 0;
  lim.movetime_ms = 200;
  const auto t0 = std::chrono::steady_clock::now();
  const MctsResult r = search(game, *ev, lim);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 5000);  // loose: the limit plus one batch, on a loaded machine
  EXPECT_GE(r.time_ms, 200);
  EXPECT_GT(r.visits, 0);
  rules::MoveList legal;
  game.legal_moves(legal);
  EXPECT_TRUE(legal.contains(r.best));
}

TEST(Mcts, StopsAtOnceWhenAskedAndStillAnswers) {
  auto ev = random_evaluator();
  rules::Game game;
  const std::atomic<bool> stop{true};
  MctsLimits lim;
  lim.visits = 100000;
  const MctsResult r = search(game, *ev, lim, &stop);
  rules::MoveList legal;
  game.legal_moves(legal);
  EXPECT_TRUE(legal.contains(r.best));
  EXPECT_EQ(r.visits, 0);
}

TEST(Mcts, EndedGameHasNoMoveAndMateInOneIsFound) {
  auto ev = random_evaluator();
  rules::Game over;
  ASSERT_FALSE(over.reset("rnba2b2/4a3r/3c1kn2/p5pcC/5R3/P8/2p3P1P/CN6B/4K3N/2BA1A2R b - - 9 23").has_value());
  EXPECT_FALSE(search(over, *ev, MctsLimits{.visits = 10}).best);

  // Red mates with Rd0 (the general on e0 holds e9 and e8, the chariot the d-file; a0a9 is only
  // check, Kd8 escapes): terminal nodes are scored by the rules, so the search finds it whatever
  // the random network says.
  rules::Game g;
  ASSERT_FALSE(g.reset("3k5/9/9/9/9/9/9/9/9/R3K4 w - - 0 1").has_value());
  const MctsResult r = search(g, *ev, MctsLimits{.visits = 400, .threads = 1});
  EXPECT_EQ(rules::to_iccs(r.best), "a0d0");
}

// Level 9 through the worker pool: one job, its result.
JobResult play(WorkerPool& pool, int level) {
  std::promise<JobResult> done;
  Job job{.game_id = "g1", .initial_fen = "", .moves = {"h2e2", "h9g7"}, .level = level, .movetime_ms = 150};
  pool.submit(std::move(job), [&](const JobResult& r) { done.set_value(r); });
  return done.get_future().get();
}

// What a pool logged, collected from its worker threads.
struct Logs {
  std::mutex mu;
  std::vector<std::string> lines;
  WorkerPoolOptions options(std::string weights) {
    return {.workers = 1, .nn_weights = std::move(weights), .log = [this](const std::string& s) {
              std::lock_guard lock(mu);
              lines.push_back(s);
            }};
  }
};

TEST(MctsLevel, WorkerPoolPlaysLevelNineWithTheShippedNetwork) {
  Logs logs;
  WorkerPool pool(logs.options(""));
  const JobResult r = play(pool, kMctsLevel);
  ASSERT_TRUE(r.ok()) << r.error_text;
  rules::Game g;
  ASSERT_EQ(g.play_iccs("h2e2"), rules::PlayResult::Ok);
  ASSERT_EQ(g.play_iccs("h9g7"), rules::PlayResult::Ok);
  EXPECT_EQ(g.play_iccs(r.bestmove), rules::PlayResult::Ok) << r.bestmove;
  std::lock_guard lock(logs.mu);
  ASSERT_EQ(logs.lines.size(), 1u);
  EXPECT_NE(logs.lines[0].find("level 9 (MCTS): loaded"), std::string::npos) << logs.lines[0];
}

TEST(MctsLevel, FallsBackToAlphaBetaWhenTheWeightsCannotLoad) {
  Logs logs;
  WorkerPool pool(logs.options("/nonexistent/weights.bin"));
  for (int i = 0; i < 2; ++i) {
    const JobResult r = play(pool, kMctsLevel);
    ASSERT_TRUE(r.ok()) << r.error_text;
    EXPECT_GT(r.depth, 0);  // an alpha-beta answer
  }
  std::lock_guard lock(logs.mu);
  ASSERT_EQ(logs.lines.size(), 1u);  // logged once, not per job
  EXPECT_NE(logs.lines[0].find("playing it as alpha-beta level 8"), std::string::npos) << logs.lines[0];
  EXPECT_NE(logs.lines[0].find("cannot open"), std::string::npos) << logs.lines[0];
}

TEST(MctsLevel, LevelSpecsOfOneToEightAreUnchanged) {
  EXPECT_EQ(level_spec(kMctsLevel).level, 8);
  EXPECT_EQ(level_spec(1).max_nodes, 400u);
  EXPECT_EQ(kMaxLevel, 8);
}

}  // namespace
}  // namespace chuhe::ai::mcts
