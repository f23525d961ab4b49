// The trainer's hand-written backpropagation against finite differences, and a few Adam steps
// lowering the loss on a fixed batch.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ai/nn/features.h"
#include "ai/nn/train/selfplay.h"
#include "ai/nn/train/trainer.h"
#include "tests/unit/ai/nn_test_util.h"

namespace chuhe::ai::nn::train {
namespace {

struct Batch {
  std::vector<float> in;
  std::vector<int> policy;
  std::vector<float> value;
};

Batch make_batch(int n) {
  Batch b;
  const auto fens = nn::test::suite_fens(std::size_t(n));
  b.in.resize(std::size_t(n) * kInputSize);
  for (int i = 0; i < n; ++i) {
    rules::Position p;
    EXPECT_FALSE(p.set_fen(fens[std::size_t(i)]).has_value());
    encode_position(p, b.in.data() + std::size_t(i) * kInputSize);
    b.policy.push_back((i * 397) % kPolicySize);
    b.value.push_back(i % 3 == 0 ? 1.0f : i % 3 == 1 ? -1.0f : 0.0f);
  }
  return b;
}

TEST(NnTrainer, GradientsMatchFiniteDifferences) {
  NetworkDims d;
  d.channels = 4;
  d.blocks = 1;
  d.policy_channels = 2;
  d.value_hidden = 4;
  Network net = Network::random(d, 7);
  // Larger second-conv weights than the trainer's start, so the residual branch matters here.
  for (std::size_t i = 0; i < std::size_t(d.channels * d.channels * 9); ++i) net.params[net.layout.block_w2[0] + i] *= 10;
  // Biases start at zero, which puts ReLU inputs of all-zero points exactly on the kink, where a
  // finite difference is one-sided: move every parameter off it.
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  for (float& p : net.params) p += noise(rng);
  const Batch b = make_batch(3);
  Trainer t(net, TrainOptions{.weight_decay = 0});
  t.compute_gradients(b.in.data(), b.policy.data(), b.value.data(), 3);
  const std::vector<float> grad = t.gradients();
  auto loss = [&] {
    const Losses l = t.evaluate(b.in.data(), b.policy.data(), b.value.data(), 3);
    return l.policy + l.value;
  };
  const ParamLayout& L = net.layout;
  const std::size_t probes[] = {L.input_w + 5,        L.input_b + 1,       L.block_w1[0] + 17, L.block_b1[0] + 2,
                                L.block_w2[0] + 100,  L.block_b2[0] + 3,   L.policy_conv_w + 1, L.policy_conv_b,
                                L.policy_fc_w + 397 * 180 + 20, L.policy_fc_b + 397, L.value_conv_w + 2,
                                L.value_conv_b,       L.value_fc1_w + 95,  L.value_fc1_b + 1, L.value_fc2_w + 2,
                                L.value_fc2_b};
  int checked = 0;
  for (std::size_t p : probes) {
    const float saved = net.params[p];
    const float h = 3e-4f;
    net.params[p] = saved + h;
    const double up = loss();
    net.params[p] = saved - h;
    const double down = loss();
    net.params[p] = saved;
    const double numeric = (up - down) / (2 * h);
    const double analytic = grad[p];
    if (std::abs(numeric) < 1e-4 && std::abs(analytic) < 1e-4) continue;  // a dead ReLU path
    EXPECT_NEAR(analytic, numeric, 0.05 * std::abs(numeric) + 2e-3) << "param " << p;
    ++checked;
  }
  EXPECT_GE(checked, 8);  // the rest have (near-)zero gradients on this batch
}

TEST(NnTrainer, AdamLowersTheLoss) {
  NetworkDims d;
  d.channels = 8;
  d.blocks = 1;
  Network net = Network::random(d, 3);
  const Batch b = make_batch(8);
  Trainer t(net, TrainOptions{.learning_rate = 3e-3f});
  const Losses first = t.evaluate(b.in.data(), b.policy.data(), b.value.data(), 8);
  for (int i = 0; i < 30; ++i) t.step(b.in.data(), b.policy.data(), b.value.data(), 8);
  const Losses last = t.evaluate(b.in.data(), b.policy.data(), b.value.data(), 8);
  EXPECT_LT(last.policy, first.policy * 0.5);
  EXPECT_LT(last.value, first.value);
}

// The value target blends the game result with the search's score (tanh(score / 600 cp)), clamped.
TEST(NnSelfPlay, ValueTargetBlendsResultAndScore) {
  EXPECT_FLOAT_EQ(value_target(1.0f, -5000, 0.0f), 1.0f);  // weight 0: the result alone
  EXPECT_FLOAT_EQ(value_target(-1.0f, 0, 0.5f), -0.5f);
  EXPECT_NEAR(value_target(0.0f, 600, 0.5f), 0.5f * std::tanh(1.0f), 1e-6);
  EXPECT_NEAR(value_target(1.0f, 100000, 1.0f), std::tanh(3000.0f / 600.0f), 1e-6);  // mate scores clamped
  EXPECT_NEAR(value_target(1.0f, -100000, 0.5f), 0.5f - 0.5f * std::tanh(5.0f), 1e-6);
}

// Self-play output is in game order, so it does not depend on the thread count; value targets with
// a score weight stay in [-1, 1] and follow the side to move.
TEST(NnSelfPlay, SamplesDoNotDependOnTheThreadCount) {
  SelfPlayOptions o{.games = 3, .nodes = 200, .max_plies = 24, .seed = 5, .score_weight = 0.5f};
  o.threads = 1;
  const std::vector<Sample> one = self_play(o, false);
  o.threads = 3;
  const std::vector<Sample> three = self_play(o, false);
  ASSERT_EQ(one.size(), three.size());
  ASSERT_GT(one.size(), 0u);
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].fen, three[i].fen) << i;
    EXPECT_EQ(one[i].policy, three[i].policy) << i;
    EXPECT_EQ(one[i].value, three[i].value) << i;
    EXPECT_LE(std::abs(one[i].value), 1.0f);
  }
}

}  // namespace
}  // namespace chuhe::ai::nn::train
