// The policy/value network: its shape (read from the weight file's header) and its parameters,
// one flat float array in a fixed order that both the inference backends and the trainer index.
//
//   input 16x10x9 -> conv3x3(C) + ReLU
//   -> B residual blocks: x + conv3x3(C)(ReLU(conv3x3(C)(x))), then ReLU
//   -> policy: conv1x1(P) + ReLU -> fully connected to kPolicySize logits
//   -> value:  conv1x1(V) + ReLU -> fully connected (H) + ReLU -> fully connected (1) -> tanh
//
// No batch normalisation: the nets are small and trained from scratch by chuhe-nn-train, and without
// it inference of a position does not depend on what else is in its batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ai/nn/features.h"
#include "ai/nn/move_table.h"

namespace chuhe::ai::nn {

struct NetworkDims {
  int input_planes = kInputPlanes;
  int channels = 32;       // C
  int blocks = 4;          // B
  int policy_channels = 2; // P
  int value_channels = 1;  // V
  int value_hidden = 32;   // H
  int policy_size = kPolicySize;

  friend bool operator==(const NetworkDims&, const NetworkDims&) = default;
};

// Offsets (in floats) of each parameter tensor within Network::params. Weights are row-major
// [out][in] (convolutions: [out][in_channel][3][3]), each followed by its bias [out].
struct ParamLayout {
  std::size_t input_w, input_b;
  std::vector<std::size_t> block_w1, block_b1, block_w2, block_b2;
  std::size_t policy_conv_w, policy_conv_b, policy_fc_w, policy_fc_b;
  std::size_t value_conv_w, value_conv_b, value_fc1_w, value_fc1_b, value_fc2_w, value_fc2_b;
  std::size_t total;
};
ParamLayout make_layout(const NetworkDims& d);

// Whether the dims are ones this code can run (and a sane file would hold); empty when they are.
std::string check_dims(const NetworkDims& d);

struct Network {
  NetworkDims dims;
  ParamLayout layout;
  std::vector<float> params;

  // A network of these dims with He-initialised weights (the trainer's starting point; tests).
  static Network random(const NetworkDims& d, std::uint64_t seed);
  const float* at(std::size_t offset) const { return params.data() + offset; }
  float* at(std::size_t offset) { return params.data() + offset; }
};

}  // namespace chuhe::ai::nn
