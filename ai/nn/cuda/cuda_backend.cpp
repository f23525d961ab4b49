// The CUDA backend: nn::Backend over the GPU network of cuda_backend.cu. make_cuda_backend returns
// nullptr (with the reason) when no GPU answers; make_backend then falls back to the CPU backend.
// A GPU that fails later hands over to the CPU backend for good (FallbackBackend), the failed batch
// included, so a game's move is never lost to the GPU.
#include "ai/nn/backend.h"
#include "ai/nn/cuda/gpu_net.h"
#include "ai/nn/fallback_backend.h"

namespace chuhe::ai::nn {

namespace {

class CudaBackend final : public FallibleBackend {
 public:
  explicit CudaBackend(std::unique_ptr<gpu::GpuNet> net) : net_(std::move(net)) {}
  std::string name() const override { return "cuda"; }
  bool try_evaluate(const float* inputs, int n, float* policy_logits, float* values, std::string* error) override {
    if (net_->forward(inputs, n, policy_logits, values)) return true;
    *error = net_->last_error();
    return false;
  }

 private:
  std::unique_ptr<gpu::GpuNet> net_;
};

}  // namespace

std::unique_ptr<Backend> make_cuda_backend(std::shared_ptr<const Network> net, std::string* error) {
  std::string scratch;
  if (!error) error = &scratch;
  const NetworkDims& d = net->dims;
  const ParamLayout& L = net->layout;
  const gpu::NetShape shape{d.input_planes, d.channels,    d.blocks,       d.policy_channels, d.value_channels,
                            d.value_hidden, d.policy_size, L.input_w,      L.input_b,         L.block_w1,
                            L.block_b1,     L.block_w2,    L.block_b2,     L.policy_conv_w,   L.policy_conv_b,
                            L.policy_fc_w,  L.policy_fc_b, L.value_conv_w, L.value_conv_b,    L.value_fc1_w,
                            L.value_fc1_b,  L.value_fc2_w, L.value_fc2_b};
  auto gpu_net = gpu::create_gpu_net(shape, net->params.data(), net->params.size(), error);
  if (!gpu_net) return nullptr;
  return std::make_unique<FallbackBackend>(std::make_unique<CudaBackend>(std::move(gpu_net)),
                                           make_cpu_backend(std::move(net)));
}

}  // namespace chuhe::ai::nn
