// The CUDA backend against the CPU backend on the same positions (skipped without a GPU, and in
// builds without -DCHUHE_CUDA=ON).
#include <gtest/gtest.h>

#include <cmath>

#include "ai/nn/backend.h"
#include "ai/nn/features.h"
#include "tests/unit/ai/nn_test_util.h"

namespace chuhe::ai::nn {
namespace {

TEST(NnCudaBackend, MatchesTheCpuBackend) {
  NetworkDims d;
  auto net = std::make_shared<const Network>(Network::random(d, 9));
  std::string error;
  auto cuda = make_cuda_backend(net, &error);
  if (!cuda) GTEST_SKIP() << "no GPU found / no CUDA backend: " << error;
  auto cpu = make_cpu_backend(net);
  const auto fens = test::suite_fens(17);
  std::vector<float> in(fens.size() * kInputSize);
  for (std::size_t i = 0; i < fens.size(); ++i) {
    rules::Position p;
    ASSERT_FALSE(p.set_fen(fens[i]).has_value());
    encode_position(p, in.data() + i * kInputSize);
  }
  for (int n : {1, 8, 17}) {  // padded to 8, exactly 8, padded to 24
    const std::size_t count = std::size_t(n);
    std::vector<float> pc(count * kPolicySize, 0.0f), pg(count * kPolicySize, 0.0f), vc(count, 0.0f), vg(count, 0.0f);
    cpu->evaluate(in.data(), n, pc.data(), vc.data());
    cuda->evaluate(in.data(), n, pg.data(), vg.data());
    for (std::size_t i = 0; i < vc.size(); ++i) EXPECT_NEAR(vc[i], vg[i], 1e-3f) << i;
    // TF32 tensor cores may be used by cuBLAS: a loose tolerance relative to the logits' scale.
    for (std::size_t i = 0; i < pc.size(); ++i) ASSERT_NEAR(pc[i], pg[i], 2e-2f + 1e-2f * std::abs(pc[i])) << i;
  }
}

}  // namespace
}  // namespace chuhe::ai::nn
