// The CPU backend and the batched evaluator: a position's outputs do not depend on its batch,
// outputs are sane, the evaluator's batches and cache give the backend's answers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <future>
#include <memory>
#include <thread>

#include "ai/nn/backend.h"
#include "ai/nn/evaluator.h"
#include "ai/nn/features.h"
#include "tests/unit/ai/nn_test_util.h"

namespace chuhe::ai::nn {
namespace {

std::shared_ptr<const Network> random_net(int channels = 32, int blocks = 2) {
  NetworkDims d;
  d.channels = channels;
  d.blocks = blocks;
  return std::make_shared<const Network>(Network::random(d, 42));
}

TEST(NnCpuBackend, OutputsDoNotDependOnTheBatch) {
  const auto net = random_net();
  auto backend = make_cpu_backend(net);
  const std::vector<std::string> fens = test::suite_fens(17);
  const std::vector<float> in = test::encode_fens(fens);

  // Each position alone.
  std::vector<float> policy1(fens.size() * kPolicySize), value1(fens.size());
  for (std::size_t i = 0; i < fens.size(); ++i)
    backend->evaluate(in.data() + i * kInputSize, 1, policy1.data() + i * kPolicySize, &value1[i]);

  for (int batch : {1, 3, 8, 17}) {
    std::vector<float> policy(std::size_t(batch) * kPolicySize);
    std::vector<float> value(std::size_t(batch), 0.0f);
    for (std::size_t start = 0; start + std::size_t(batch) <= fens.size(); start += std::size_t(batch)) {
      backend->evaluate(in.data() + start * kInputSize, batch, policy.data(), value.data());
      for (std::size_t j = 0; j < std::size_t(batch); ++j) {
        EXPECT_EQ(value[j], value1[start + j]) << "batch " << batch << " position " << start + j;
        EXPECT_EQ(0, std::memcmp(policy.data() + j * kPolicySize, policy1.data() + (start + j) * kPolicySize,
                                 sizeof(float) * kPolicySize))
            << "batch " << batch << " position " << start + j;
      }
    }
  }
  for (float v : value1) {
    EXPECT_TRUE(std::isfinite(v));
    EXPECT_LE(std::abs(v), 1.0f);
  }
  for (float p : policy1) ASSERT_TRUE(std::isfinite(p));
}

TEST(NnCpuBackend, DifferentPositionsGiveDifferentOutputs) {
  auto backend = make_cpu_backend(random_net());
  const std::vector<float> in = test::encode_fens(test::suite_fens(2));
  std::vector<float> policy(2 * kPolicySize), value(2);
  backend->evaluate(in.data(), 2, policy.data(), value.data());
  EXPECT_NE(value[0], value[1]);
}

TEST(NnEvaluator, BatchesAndCacheGiveTheBackendsAnswers) {
  const auto net = random_net();
  auto direct = make_cpu_backend(net);
  Evaluator ev(make_cpu_backend(net), EvaluatorOptions{.max_batch = 8, .max_wait_us = 2000, .cache_entries = 1024});
  const std::vector<std::string> fens = test::suite_fens(17);
  std::vector<rules::Position> positions(fens.size());
  for (std::size_t i = 0; i < fens.size(); ++i) ASSERT_FALSE(positions[i].set_fen(fens[i]).has_value());

  // Many threads at once, so that batches form; twice, so the second round hits the cache.
  for (int round = 0; round < 2; ++round) {
    std::vector<std::future<Evaluation>> futures;
    for (const auto& p : positions) futures.push_back(ev.submit(p));
    for (std::size_t i = 0; i < positions.size(); ++i) {
      const Evaluation e = futures[i].get();
      std::vector<float> in(kInputSize), policy(kPolicySize);
      float value = 0;
      encode_position(positions[i], in.data());
      direct->evaluate(in.data(), 1, policy.data(), &value);
      EXPECT_EQ(e.value, value) << i;
      rules::MoveList legal;
      rules::generate_legal<rules::GenType::All>(positions[i], legal);
      ASSERT_EQ(e.count, legal.size());
      float sum = 0;
      for (int m = 0; m < e.count; ++m) {
        EXPECT_TRUE(legal.contains(e.moves[std::size_t(m)]));
        EXPECT_GE(e.priors[std::size_t(m)], 0.0f);
        sum += e.priors[std::size_t(m)];
      }
      EXPECT_NEAR(sum, 1.0f, 1e-4f);
    }
  }
  const EvaluatorStats s = ev.stats();
  EXPECT_EQ(s.requests, 2 * positions.size());
  EXPECT_GE(s.cache_hits, positions.size());
  EXPECT_LT(s.batches, positions.size());  // all 17 were submitted before any answer was awaited
}

// Seated search threads: once each seated, unparked thread has a request queued, a partial batch goes
// at once. With a max wait of ten minutes, the futures below are ready within the deadline only if so.
TEST(NnEvaluator, SeatedThreadsDoNotWaitForCompanyThatCannotCome) {
  Evaluator ev(make_cpu_backend(random_net(8, 0)),
               EvaluatorOptions{.max_batch = 32, .max_wait_us = 600'000'000, .cache_entries = 0});
  const std::vector<std::string> fens = test::suite_fens(3);
  std::vector<rules::Position> positions(fens.size());
  for (std::size_t i = 0; i < fens.size(); ++i) ASSERT_FALSE(positions[i].set_fen(fens[i]).has_value());
  {
    // Two seated threads (seated here, on this thread: the evaluator counts seats, not threads).
    Evaluator::Seat a(ev), b(ev);
    auto first = ev.submit(positions[0]);
    auto second = ev.submit(positions[1]);
    ASSERT_EQ(first.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    ASSERT_EQ(second.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(ev.stats().batches, 1u);
    EXPECT_EQ(ev.stats().evaluated, 2u);
    // One of them parked (waiting for another thread's leaf): the other's request alone makes the batch.
    b.park(true);
    auto third = ev.submit(positions[2]);
    ASSERT_EQ(third.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(ev.stats().batches, 2u);
  }
}

TEST(NnEvaluator, PositionWithoutMovesIsLost) {
  Evaluator ev(make_cpu_backend(random_net(8, 0)));
  rules::Position mated;
  // From perft-suite.tsv's positions without a legal move.
  ASSERT_FALSE(mated.set_fen("rnba2b2/4a3r/3c1kn2/p5pcC/5R3/P8/2p3P1P/CN6B/4K3N/2BA1A2R b - - 9 23").has_value());
  const Evaluation e = ev.evaluate(mated);
  EXPECT_EQ(e.count, 0);
  EXPECT_EQ(e.value, -1.0f);
}

TEST(NnBackendSelect, FallsBackToTheCpu) {
  const auto net = random_net(8, 0);
  std::string cuda_error;
  const bool have_cuda = make_cuda_backend(net, &cuda_error) != nullptr;
  std::string note;
  auto b = make_backend(net, BackendKind::Auto, &note);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name(), have_cuda ? "cuda" : "cpu") << note;
  if (!have_cuda) {
    EXPECT_NE(note.find("CUDA backend unavailable (" + cuda_error + ")"), std::string::npos) << note;
  }
  EXPECT_EQ(make_backend(net, BackendKind::Cpu, nullptr)->name(), "cpu");
}

}  // namespace
}  // namespace chuhe::ai::nn
