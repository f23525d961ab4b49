// The CPU backend: the forward pass of network.h as a chain of GEMMs (kernels.h), one per layer
// for the whole batch. Buffers grow to the largest batch seen and are reused.
#include <algorithm>
#include <cmath>
#include <vector>

#include "ai/nn/backend.h"
#include "ai/nn/kernels.h"

namespace chuhe::ai::nn {

namespace {

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(std::shared_ptr<const Network> net) : net_(std::move(net)) {}
  std::string name() const override { return "cpu"; }
  void evaluate(const float* inputs, int n, float* policy_logits, float* values) override;

 private:
  // out[co][n*90] = relu?(W[co][ci*9] * im2col(x) + b)
  void conv3x3(const float* x, int ci, int co, std::size_t w, std::size_t b, int n, float* out) {
    const std::size_t cols = std::size_t(n) * kBoardPoints;
    col_.resize(std::size_t(ci) * 9 * cols);
    im2col3x3(x, ci, n, col_.data());
    sgemm(co, int(cols), ci * 9, net_->at(w), col_.data(), out, false);
    add_bias(out, co, cols, net_->at(b));
  }
  // A 1x1 conv head [k][n*90], then reordered to [k*90][n] for the fully connected layer.
  void head(int k, std::size_t w, std::size_t b, int n, std::vector<float>& flat) {
    const NetworkDims& d = net_->dims;
    const std::size_t cols = std::size_t(n) * kBoardPoints;
    head_.resize(std::size_t(k) * cols);
    sgemm(k, int(cols), d.channels, net_->at(w), x_.data(), head_.data(), false);
    add_bias(head_.data(), k, cols, net_->at(b));
    relu(head_.data(), head_.size());
    flat.resize(std::size_t(k) * cols);
    head_to_flat(head_.data(), k, n, flat.data());
  }

  std::shared_ptr<const Network> net_;
  std::vector<float> in_, x_, t_, u_, col_, head_, flat_, out_, hidden_;
};

void CpuBackend::evaluate(const float* inputs, int n, float* policy_logits, float* values) {
  if (n <= 0) return;
  const NetworkDims& d = net_->dims;
  const ParamLayout& L = net_->layout;
  const int C = d.channels;
  const std::size_t cols = std::size_t(n) * kBoardPoints;

  // Sample-major input -> channel-major [plane][n*90].
  in_.resize(std::size_t(kInputPlanes) * cols);
  to_channel_major(inputs, kInputPlanes, n, in_.data());

  x_.resize(std::size_t(C) * cols);
  t_.resize(x_.size());
  u_.resize(x_.size());
  conv3x3(in_.data(), kInputPlanes, C, L.input_w, L.input_b, n, x_.data());
  relu(x_.data(), x_.size());
  for (std::size_t b = 0; b < std::size_t(d.blocks); ++b) {
    conv3x3(x_.data(), C, C, L.block_w1[b], L.block_b1[b], n, t_.data());
    relu(t_.data(), t_.size());
    conv3x3(t_.data(), C, C, L.block_w2[b], L.block_b2[b], n, u_.data());
    for (std::size_t i = 0; i < x_.size(); ++i) x_[i] = std::max(x_[i] + u_[i], 0.0f);
  }

  // Policy: logits^T [policy][n] = W_fc [policy][P*90] x flat [P*90][n].
  head(d.policy_channels, L.policy_conv_w, L.policy_conv_b, n, flat_);
  out_.resize(std::size_t(d.policy_size) * std::size_t(n));
  sgemm(d.policy_size, n, d.policy_channels * kBoardPoints, net_->at(L.policy_fc_w), flat_.data(), out_.data(),
        false);
  add_bias(out_.data(), d.policy_size, std::size_t(n), net_->at(L.policy_fc_b));
  transpose(out_.data(), d.policy_size, n, policy_logits);

  // Value: tanh(w2 . relu(W1 x flat + b1) + b2).
  head(d.value_channels, L.value_conv_w, L.value_conv_b, n, flat_);
  hidden_.resize(std::size_t(d.value_hidden) * std::size_t(n));
  sgemm(d.value_hidden, n, d.value_channels * kBoardPoints, net_->at(L.value_fc1_w), flat_.data(),
        hidden_.data(), false);
  add_bias(hidden_.data(), d.value_hidden, std::size_t(n), net_->at(L.value_fc1_b));
  relu(hidden_.data(), hidden_.size());
  sgemm(1, n, d.value_hidden, net_->at(L.value_fc2_w), hidden_.data(), values, false);
  for (int s = 0; s < n; ++s) values[s] = std::tanh(values[s] + *net_->at(L.value_fc2_b));
}

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(std::shared_ptr<const Network> net) {
  return std::make_unique<CpuBackend>(std::move(net));
}

}  // namespace chuhe::ai::nn
