// The CUDA backend against the CPU backend on the same positions (skipped without a GPU, and in
// builds without -DCHUHE_CUDA=ON).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

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
  const auto fens = test::suite_fens(256);
  std::vector<float> in(fens.size() * kInputSize);
  for (std::size_t i = 0; i < fens.size(); ++i) {
    rules::Position p;
    ASSERT_FALSE(p.set_fen(fens[i]).has_value());
    encode_position(p, in.data() + i * kInputSize);
  }
  // 1 and 3 padded to 8; exactly 8; 13 padded to 16; 64 and 256 grow the buffers (dropping the
  // graphs captured so far). Each size twice: the first runs eagerly and captures the pass as a graph,
  // the second replays that graph.
  for (int n : {1, 3, 8, 13, 64, 256}) {
    const std::size_t count = std::size_t(n);
    std::vector<float> pc(count * kPolicySize, 0.0f), vc(count, 0.0f);
    cpu->evaluate(in.data(), n, pc.data(), vc.data());
    for (int run = 1; run <= 2; ++run) {
      SCOPED_TRACE("batch " + std::to_string(n) + ", run " + std::to_string(run));
      std::vector<float> pg(count * kPolicySize, 0.0f), vg(count, 0.0f);
      cuda->evaluate(in.data(), n, pg.data(), vg.data());
      // A failing GPU hands over to the CPU backend: the comparison would then prove nothing.
      ASSERT_EQ(cuda->name(), "cuda");
      for (std::size_t i = 0; i < vc.size(); ++i) EXPECT_NEAR(vc[i], vg[i], 1e-3f) << i;
      // TF32 tensor cores may be used by cuBLAS: a loose tolerance relative to the logits' scale.
      for (std::size_t i = 0; i < pc.size(); ++i) ASSERT_NEAR(pc[i], pg[i], 2e-2f + 1e-2f * std::abs(pc[i])) << i;
    }
  }
}

}  // namespace
}  // namespace chuhe::ai::nn
