// The network on the GPU, behind an interface in plain C++17 (nvcc here cannot take the rules'
// C++20 headers): cuda_backend.cpp adapts it to nn::Backend. Layouts as in network.h.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace chuhe::ai::nn::gpu {

struct NetShape {
  int input_planes, channels, blocks, policy_channels, value_channels, value_hidden, policy_size;
  // Offsets into the parameter array (ParamLayout).
  std::size_t input_w, input_b;
  std::vector<std::size_t> block_w1, block_b1, block_w2, block_b2;
  std::size_t policy_conv_w, policy_conv_b, policy_fc_w, policy_fc_b;
  std::size_t value_conv_w, value_conv_b, value_fc1_w, value_fc1_b, value_fc2_w, value_fc2_b;
};

class GpuNet {
 public:
  virtual ~GpuNet() = default;
  // inputs: n x (input_planes * 90), sample-major; policy: n x policy_size; values: n.
  // False on any CUDA or cuBLAS failure (outputs then unspecified), with last_error() saying why.
  virtual bool forward(const float* inputs, int n, float* policy, float* values) = 0;
  virtual const std::string& last_error() const = 0;
};

// nullptr with *error when no GPU answers or the upload fails.
std::unique_ptr<GpuNet> create_gpu_net(const NetShape& shape, const float* params, std::size_t count,
                                       std::string* error);

}  // namespace chuhe::ai::nn::gpu
