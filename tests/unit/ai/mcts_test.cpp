// MCTS: legal moves, visit and time limits, game-over handling, and level 9 in the worker pool
// (with the shipped network, and falling back to alpha-beta when the weights cannot be loaded).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <mutex>

#include "ai/levels.h"
#include "ai/mcts/mcts.h"
#include "ai/mcts/puct.h"
#include "ai/nn/features.h"
#include "ai/nn/move_table.h"
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
  // Found at the root's expansion, every child move being adjudicated there: two visits suffice.
  EXPECT_EQ(rules::to_iccs(search(g, *ev, MctsLimits{.visits = 2, .threads = 1}).best), "a0d0");
}

// The first-play value of unvisited children comes from the parent's completed simulations only.
// It used to divide value_sum by all visits, virtual losses in flight included: at every selection
// the parent carries at least this simulation's own virtual loss, counted as a loss for the side
// that moved into it, i.e. a win for the side choosing, so unvisited children looked far better
// than they were (a parent at -0.5 after one simulation was read as +0.25).
TEST(Mcts, FirstPlayValueIgnoresVirtualLossesInFlight) {
  // One completed simulation worth -0.5 to the side to move (+0.5 stored, the other side's view),
  // plus one virtual loss in flight (-1 stored).
  EXPECT_FLOAT_EQ(value_for_side_to_move({.visits = 2, .in_flight = 1, .value_sum = 0.5f - 1.0f}), -0.5f);
  EXPECT_FLOAT_EQ(value_for_side_to_move({.visits = 5, .in_flight = 2, .value_sum = -0.9f - 2.0f}), 0.3f);
  EXPECT_FLOAT_EQ(value_for_side_to_move({.visits = 1, .in_flight = 0, .value_sum = 0.25f}), -0.25f);
  EXPECT_FLOAT_EQ(value_for_side_to_move({.visits = 1, .in_flight = 1, .value_sum = -1.0f}), 0.0f);
  EXPECT_FLOAT_EQ(value_for_side_to_move({}), 0.0f);
}

// A backend with a fixed answer: value 0 for every position, and, when Red is to move, a policy
// that puts (almost) all its weight on one slot; uniform otherwise.
class BiasedBackend : public nn::Backend {
 public:
  explicit BiasedBackend(int red_slot) : slot_(red_slot) {}
  std::string name() const override { return "biased"; }
  void evaluate(const float* inputs, int n, float* policy, float* values) override {
    for (int i = 0; i < n; ++i) {
      const bool red = inputs[std::size_t(i) * nn::kInputSize + 14 * nn::kBoardPoints] != 0.0f;
      float* p = policy + std::size_t(i) * nn::kPolicySize;
      std::fill(p, p + nn::kPolicySize, 0.0f);
      if (red) p[slot_] = 20.0f;
      values[i] = 0.0f;
    }
  }

 private:
  int slot_;
};

std::unique_ptr<nn::Evaluator> biased_evaluator(const char* red_iccs) {
  const auto m = rules::parse_iccs(red_iccs);
  EXPECT_TRUE(m.has_value());
  const int slot = nn::policy_index(*m);  // Red's moves are in the network's frame as they are
  EXPECT_GE(slot, 0);
  return std::make_unique<nn::Evaluator>(std::make_unique<BiasedBackend>(slot));
}

// A backend that sees material only: value tanh(material difference / 8) for the side to move
// (chariot 9, cannon 4.5, horse 4, advisor and elephant 2, soldier 1), and, when Red is to move, a
// policy that puts (almost) all its weight on one slot; uniform otherwise.
class MaterialBackend : public nn::Backend {
 public:
  explicit MaterialBackend(int red_slot) : slot_(red_slot) {}
  std::string name() const override { return "material"; }
  void evaluate(const float* inputs, int n, float* policy, float* values) override {
    static constexpr float kValue[] = {0, 2, 2, 4, 9, 4.5f, 1};
    for (int i = 0; i < n; ++i) {
      const float* in = inputs + std::size_t(i) * nn::kInputSize;
      float diff = 0;
      for (int t = 0; t < 7; ++t)
        for (int pt = 0; pt < nn::kBoardPoints; ++pt)
          diff += kValue[t] * (in[t * nn::kBoardPoints + pt] - in[(7 + t) * nn::kBoardPoints + pt]);
      const bool red = in[14 * nn::kBoardPoints] != 0.0f;
      float* p = policy + std::size_t(i) * nn::kPolicySize;
      std::fill(p, p + nn::kPolicySize, 0.0f);
      if (red) p[slot_] = 20.0f;
      values[i] = std::tanh(diff / 8.0f);
    }
  }

 private:
  int slot_;
};

TEST(Mcts, CapturePriorWeightsAreTheValueOfThePieceTaken) {
  rules::Position pos;
  ASSERT_FALSE(pos.set_fen("3k5/9/9/9/r8/9/9/9/9/R3K4 w - - 0 1").has_value());
  const rules::Move moves[] = {*rules::parse_iccs("a0a5"), *rules::parse_iccs("a0a1"), *rules::parse_iccs("e0f0")};
  EXPECT_EQ(capture_prior_weights(pos, moves, 3), (std::vector<float>{9.0f, 0.0f, 0.0f}));
  EXPECT_TRUE(capture_prior_weights(pos, moves, 0).empty());
}

// A free chariot that the policy gives nothing (it wants a0b0): with the network's priors alone
// PUCT never visits a0a5 and plays a0b0; with a share of the prior for captures (the default) it
// visits the capture, whose value the network does see, and takes the chariot.
TEST(Mcts, ACaptureThePolicyIgnoresIsVisitedThroughTheCapturePrior) {
  const auto quiet = rules::parse_iccs("a0b0");
  ASSERT_TRUE(quiet.has_value());
  auto ev = std::make_unique<nn::Evaluator>(std::make_unique<MaterialBackend>(nn::policy_index(*quiet)));
  rules::Game g;
  ASSERT_FALSE(g.reset("3k5/9/9/9/r8/9/9/9/9/R3K4 w - - 0 1").has_value());
  EXPECT_EQ(rules::to_iccs(search(g, *ev, MctsLimits{.visits = 40, .threads = 1, .capture_prior = 0.0f}).best), "a0b0");
  EXPECT_EQ(MctsLimits{}.capture_prior, 0.3f);
  for (int threads : {1, 4})
    EXPECT_EQ(rules::to_iccs(search(g, *ev, MctsLimits{.visits = 40, .threads = threads}).best), "a0a5") << threads;
}

// Stalemate wins for the side that gives it. Two ways here (Re5 takes e9 from the general, Ke0
// takes it by the flying-general rule; d8 is the soldier's; the a7 soldier keeps the chariot off
// a9, which would mate): found from the root's expansion alone, where every child move is
// adjudicated by the rules, and the search ends there.
TEST(Mcts, StalemateInOneIsFoundAtTheRootsExpansion) {
  auto ev = random_evaluator();
  rules::Game g;
  ASSERT_FALSE(g.reset("3k5/9/P2P5/9/R8/9/9/9/9/5K3 w - - 0 1").has_value());
  for (int threads : {1, 4}) {
    const MctsResult r = search(g, *ev, MctsLimits{.visits = 2, .threads = threads});
    const std::string best = rules::to_iccs(r.best);
    EXPECT_TRUE(best == "a5e5" || best == "f0e0") << best;
    EXPECT_FLOAT_EQ(r.value, 1.0f);
    EXPECT_LE(r.visits, 2 + threads);
    rules::Game after = g;
    ASSERT_EQ(after.play(r.best), rules::PlayResult::Ok);
    ASSERT_TRUE(after.result().has_value());
    EXPECT_EQ(after.result()->reason, rules::EndReason::Stalemate);
  }
}

// A move after which the opponent mates at once is proven lost as soon as that move's node is
// expanded, and is not played, even when the policy puts all its weight on it. Here Red's i5i6
// lets ...Ra0 mate (d1 is Red's own cannon, e0 is on the chariot's rank); the policy wants i5i6.
TEST(Mcts, AMoveThatAllowsMateInOneIsProvenLostAndAvoided) {
  const char* fen = "r4k3/9/9/9/8R/9/9/9/3C5/3K5 w - - 0 1";
  {  // the premise: after i5i6, a9a0 mates
    rules::Game g;
    ASSERT_FALSE(g.reset(fen).has_value());
    ASSERT_EQ(g.play_iccs("i5i6"), rules::PlayResult::Ok);
    ASSERT_EQ(g.play_iccs("a9a0"), rules::PlayResult::Ok);
    ASSERT_TRUE(g.result().has_value());
    EXPECT_EQ(g.result()->reason, rules::EndReason::Checkmate);
  }
  auto ev = biased_evaluator("i5i6");
  rules::Game g;
  ASSERT_FALSE(g.reset(fen).has_value());
  for (int visits : {8, 50, 200}) {
    const MctsResult r = search(g, *ev, MctsLimits{.visits = visits, .threads = 1});
    EXPECT_NE(rules::to_iccs(r.best), "i5i6") << visits << " visits";
  }
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
