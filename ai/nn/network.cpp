#include "ai/nn/network.h"

#include <cmath>
#include <random>

namespace chuhe::ai::nn {

ParamLayout make_layout(const NetworkDims& d) {
  ParamLayout l{};
  std::size_t at = 0;
  auto take = [&](std::size_t n) {
    const std::size_t o = at;
    at += n;
    return o;
  };
  const std::size_t C = std::size_t(d.channels), pts = kBoardPoints;
  l.input_w = take(C * std::size_t(d.input_planes) * 9);
  l.input_b = take(C);
  for (int b = 0; b < d.blocks; ++b) {
    l.block_w1.push_back(take(C * C * 9));
    l.block_b1.push_back(take(C));
    l.block_w2.push_back(take(C * C * 9));
    l.block_b2.push_back(take(C));
  }
  const std::size_t P = std::size_t(d.policy_channels), V = std::size_t(d.value_channels);
  const std::size_t H = std::size_t(d.value_hidden);
  l.policy_conv_w = take(P * C);
  l.policy_conv_b = take(P);
  l.policy_fc_w = take(std::size_t(d.policy_size) * P * pts);
  l.policy_fc_b = take(std::size_t(d.policy_size));
  l.value_conv_w = take(V * C);
  l.value_conv_b = take(V);
  l.value_fc1_w = take(H * V * pts);
  l.value_fc1_b = take(H);
  l.value_fc2_w = take(H);
  l.value_fc2_b = take(1);
  l.total = at;
  return l;
}

std::string check_dims(const NetworkDims& d) {
  if (d.input_planes != kInputPlanes)
    return "input planes " + std::to_string(d.input_planes) + ", this build expects " + std::to_string(kInputPlanes);
  if (d.policy_size != kPolicySize)
    return "policy size " + std::to_string(d.policy_size) + ", this build expects " + std::to_string(kPolicySize);
  auto in = [](int v, int lo, int hi) { return v >= lo && v <= hi; };
  if (!in(d.channels, 1, 512)) return "channels " + std::to_string(d.channels) + " outside 1..512";
  if (!in(d.blocks, 0, 64)) return "blocks " + std::to_string(d.blocks) + " outside 0..64";
  if (!in(d.policy_channels, 1, 64)) return "policy channels " + std::to_string(d.policy_channels) + " outside 1..64";
  if (!in(d.value_channels, 1, 64)) return "value channels " + std::to_string(d.value_channels) + " outside 1..64";
  if (!in(d.value_hidden, 1, 1024)) return "value hidden " + std::to_string(d.value_hidden) + " outside 1..1024";
  return {};
}

Network Network::random(const NetworkDims& d, std::uint64_t seed) {
  Network n;
  n.dims = d;
  n.layout = make_layout(d);
  n.params.assign(n.layout.total, 0.0f);  // biases start at zero
  std::mt19937_64 rng(seed);
  auto fill = [&](std::size_t off, std::size_t count, std::size_t fan_in, float gain) {
    std::normal_distribution<float> dist(0.0f, gain * std::sqrt(2.0f / float(fan_in)));
    for (std::size_t i = 0; i < count; ++i) n.params[off + i] = dist(rng);
  };
  const std::size_t C = std::size_t(d.channels), pts = kBoardPoints;
  const std::size_t P = std::size_t(d.policy_channels), V = std::size_t(d.value_channels);
  const std::size_t H = std::size_t(d.value_hidden);
  fill(n.layout.input_w, C * std::size_t(d.input_planes) * 9, std::size_t(d.input_planes) * 9, 1.0f);
  for (int b = 0; b < d.blocks; ++b) {
    fill(n.layout.block_w1[std::size_t(b)], C * C * 9, C * 9, 1.0f);
    // The second conv of a block starts small, so that each block starts near the identity and a
    // deep stack without normalisation stays trainable.
    fill(n.layout.block_w2[std::size_t(b)], C * C * 9, C * 9, 0.1f);
  }
  fill(n.layout.policy_conv_w, P * C, C, 1.0f);
  fill(n.layout.policy_fc_w, std::size_t(d.policy_size) * P * pts, P * pts, 0.5f);
  fill(n.layout.value_conv_w, V * C, C, 1.0f);
  fill(n.layout.value_fc1_w, H * V * pts, V * pts, 1.0f);
  fill(n.layout.value_fc2_w, H, H, 0.5f);
  return n;
}

}  // namespace chuhe::ai::nn
