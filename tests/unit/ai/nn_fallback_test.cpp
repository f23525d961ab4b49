// FallbackBackend: a primary backend that fails on its Nth batch hands over to the CPU backend for
// good, that batch included, with one log line; no evaluation is lost (what the CUDA backend relies on
// when the GPU fails mid-game).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ai/nn/backend.h"
#include "ai/nn/fallback_backend.h"
#include "ai/nn/features.h"
#include "tests/unit/ai/nn_test_util.h"

namespace chuhe::ai::nn {
namespace {

std::shared_ptr<const Network> random_net(unsigned seed) {
  NetworkDims d;
  d.channels = 16;
  d.blocks = 1;
  return std::make_shared<const Network>(Network::random(d, seed));
}

struct Calls {
  int batches = 0;
  bool destroyed = false;
};

// A CPU backend over its own network (so that its answers differ from the fallback's) that fails on
// its fail_on-th batch (1-based; 0: never), after scribbling NaNs over the outputs as a half-done
// GPU pass might.
class FlakyBackend final : public FallibleBackend {
 public:
  FlakyBackend(std::shared_ptr<const Network> net, int fail_on, Calls* calls)
      : cpu_(make_cpu_backend(std::move(net))), fail_on_(fail_on), calls_(calls) {}
  ~FlakyBackend() override { calls_->destroyed = true; }
  std::string name() const override { return "flaky"; }
  bool try_evaluate(const float* inputs, int n, float* policy_logits, float* values, std::string* error) override {
    if (++calls_->batches == fail_on_) {
      const float nan = std::numeric_limits<float>::quiet_NaN();
      std::fill_n(policy_logits, std::size_t(n) * kPolicySize, nan);
      std::fill_n(values, std::size_t(n), nan);
      *error = "injected failure";
      return false;
    }
    cpu_->evaluate(inputs, n, policy_logits, values);
    return true;
  }

 private:
  std::unique_ptr<Backend> cpu_;
  int fail_on_;
  Calls* calls_;
};

std::vector<float> encode_suite(std::size_t n) { return test::encode_fens(test::suite_fens(n)); }

struct Outputs {
  std::vector<float> policy, values;
  bool operator==(const Outputs& o) const {
    return policy.size() == o.policy.size() && values.size() == o.values.size() &&
           std::memcmp(policy.data(), o.policy.data(), policy.size() * sizeof(float)) == 0 &&
           std::memcmp(values.data(), o.values.data(), values.size() * sizeof(float)) == 0;
  }
};

Outputs run(Backend& backend, const std::vector<float>& in, int n) {
  Outputs out{std::vector<float>(std::size_t(n) * kPolicySize), std::vector<float>(std::size_t(n))};
  backend.evaluate(in.data(), n, out.policy.data(), out.values.data());
  return out;
}

constexpr int kBatches[] = {1, 3, 8, 13, 5, 2};

TEST(NnFallbackBackend, SwitchesToTheCpuOnTheFailingBatchAndStays) {
  const auto primary_net = random_net(7), cpu_net = random_net(42);
  const std::vector<float> in = encode_suite(13);
  for (int fail_on : {1, 3}) {
    SCOPED_TRACE("fails on batch " + std::to_string(fail_on));
    Calls calls;
    std::vector<std::string> logged;
    FallbackBackend backend(std::make_unique<FlakyBackend>(primary_net, fail_on, &calls), make_cpu_backend(cpu_net),
                            [&](const std::string& line) { logged.push_back(line); });
    auto primary_ref = make_cpu_backend(primary_net), cpu_ref = make_cpu_backend(cpu_net);
    EXPECT_EQ(backend.name(), "flaky");

    int batch = 0;
    for (int n : kBatches) {
      ++batch;
      const Outputs got = run(backend, in, n);
      const bool on_cpu = batch >= fail_on;
      EXPECT_TRUE(got == run(on_cpu ? *cpu_ref : *primary_ref, in, n)) << "batch " << batch << " (" << n << ")";
      EXPECT_FALSE(got == run(on_cpu ? *primary_ref : *cpu_ref, in, n)) << "the two networks should differ";
      EXPECT_EQ(backend.switched(), on_cpu);
    }
    // The primary saw its batches up to the failure and none after; it was released at the switch.
    EXPECT_EQ(calls.batches, fail_on);
    EXPECT_TRUE(calls.destroyed);
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].find("flaky"), std::string::npos) << logged[0];
    EXPECT_NE(logged[0].find("injected failure"), std::string::npos) << logged[0];
    EXPECT_EQ(backend.name(), "cpu (flaky failed: injected failure)");
  }
}

TEST(NnFallbackBackend, APrimaryThatNeverFailsKeepsTheBatches) {
  const auto primary_net = random_net(7), cpu_net = random_net(42);
  const std::vector<float> in = encode_suite(13);
  Calls calls;
  int logged = 0;
  {
    FallbackBackend backend(std::make_unique<FlakyBackend>(primary_net, 0, &calls), make_cpu_backend(cpu_net),
                            [&](const std::string&) { ++logged; });
    auto primary_ref = make_cpu_backend(primary_net);
    for (int n : kBatches) EXPECT_TRUE(run(backend, in, n) == run(*primary_ref, in, n)) << n;
    EXPECT_EQ(backend.name(), "flaky");
    EXPECT_FALSE(backend.switched());
    EXPECT_FALSE(calls.destroyed);
  }
  EXPECT_EQ(calls.batches, int(std::size(kBatches)));
  EXPECT_EQ(logged, 0);
  EXPECT_TRUE(calls.destroyed);
}

}  // namespace
}  // namespace chuhe::ai::nn
