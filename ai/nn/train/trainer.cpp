#include "ai/nn/train/trainer.h"

#include <algorithm>
#include <cmath>

#include "ai/nn/kernels.h"

namespace chuhe::ai::nn::train {

namespace {

void relu(std::vector<float>& x) { nn::relu(x.data(), x.size()); }

}  // namespace

Trainer::Trainer(Network& net, TrainOptions options) : net_(net), options_(options) {
  grad_.assign(net.params.size(), 0.0f);
  adam_m_.assign(net.params.size(), 0.0f);
  adam_v_.assign(net.params.size(), 0.0f);
}

void Trainer::conv3x3_forward(const float* x, int ci, int co, std::size_t w, std::size_t b, int n, float* out) {
  const std::size_t cols = std::size_t(n) * kBoardPoints;
  col_.resize(std::size_t(ci) * 9 * cols);
  im2col3x3(x, ci, n, col_.data());
  sgemm(co, int(cols), ci * 9, net_.at(w), col_.data(), out, false);
  add_bias(out, co, cols, net_.at(b));
}

// y = W x + b with x [k][cols], W [m][k], y [m][cols]: dW += dy x^T, db += sum dy, dx = W^T dy.
void Trainer::dense_backward(const float* x, int k, int m, std::size_t w, std::size_t b, int cols,
                             const float* dout, float* dx) {
  colt_.resize(std::size_t(k) * std::size_t(cols));
  transpose(x, k, cols, colt_.data());
  sgemm(m, k, cols, dout, colt_.data(), grad_.data() + w, true);
  for (int r = 0; r < m; ++r) {
    float s = 0;
    for (int j = 0; j < cols; ++j) s += dout[std::size_t(r) * std::size_t(cols) + std::size_t(j)];
    grad_[b + std::size_t(r)] += s;
  }
  if (!dx) return;
  wt_.resize(std::size_t(m) * std::size_t(k));
  transpose(net_.at(w), m, k, wt_.data());
  sgemm(k, cols, m, wt_.data(), dout, dx, false);
}

void Trainer::conv3x3_backward(const float* x, int ci, int co, std::size_t w, std::size_t b, int n,
                               const float* dout, float* dx) {
  const int cols = n * kBoardPoints;
  col_.resize(std::size_t(ci) * 9 * std::size_t(cols));
  im2col3x3(x, ci, n, col_.data());
  tmp_.resize(col_.size());
  dense_backward(col_.data(), ci * 9, co, w, b, cols, dout, dx ? tmp_.data() : nullptr);
  if (dx) col2im3x3(tmp_.data(), ci, n, dx);
}

// A head's 1x1 conv + ReLU over the trunk's output, kept ([k][n*90]) and reordered ([k*90][n]).
void Trainer::head_forward(const std::vector<float>& top, int k, std::size_t w, std::size_t b, int n,
                           std::vector<float>& head, std::vector<float>& flat) {
  const std::size_t cols = std::size_t(n) * kBoardPoints;
  head.resize(std::size_t(k) * cols);
  sgemm(k, int(cols), net_.dims.channels, net_.at(w), top.data(), head.data(), false);
  add_bias(head.data(), k, cols, net_.at(b));
  relu(head);
  flat.resize(head.size());
  head_to_flat(head.data(), k, n, flat.data());
}

Losses Trainer::forward(const float* inputs, const int* policy_targets, const float* value_targets, int n) {
  const NetworkDims& d = net_.dims;
  const ParamLayout& L = net_.layout;
  const int C = d.channels;
  const std::size_t cols = std::size_t(n) * kBoardPoints;
  in_.resize(std::size_t(kInputPlanes) * cols);
  to_channel_major(inputs, kInputPlanes, n, in_.data());
  x_.resize(std::size_t(d.blocks) + 1);
  t_.resize(std::size_t(d.blocks));
  x_[0].resize(std::size_t(C) * cols);
  conv3x3_forward(in_.data(), kInputPlanes, C, L.input_w, L.input_b, n, x_[0].data());
  relu(x_[0]);
  for (std::size_t b = 0; b < std::size_t(d.blocks); ++b) {
    t_[b].resize(std::size_t(C) * cols);
    conv3x3_forward(x_[b].data(), C, C, L.block_w1[b], L.block_b1[b], n, t_[b].data());
    relu(t_[b]);
    x_[b + 1].resize(std::size_t(C) * cols);
    conv3x3_forward(t_[b].data(), C, C, L.block_w2[b], L.block_b2[b], n, x_[b + 1].data());
    for (std::size_t i = 0; i < x_[b + 1].size(); ++i) x_[b + 1][i] = std::max(x_[b + 1][i] + x_[b][i], 0.0f);
  }
  const std::vector<float>& top = x_.back();

  const int P = d.policy_channels, V = d.value_channels, H = d.value_hidden, A = d.policy_size;
  head_forward(top, P, L.policy_conv_w, L.policy_conv_b, n, phead_, pflat_);
  logits_.resize(std::size_t(A) * std::size_t(n));
  sgemm(A, n, P * kBoardPoints, net_.at(L.policy_fc_w), pflat_.data(), logits_.data(), false);
  add_bias(logits_.data(), A, std::size_t(n), net_.at(L.policy_fc_b));

  head_forward(top, V, L.value_conv_w, L.value_conv_b, n, vhead_, vflat_);
  hidden_.resize(std::size_t(H) * std::size_t(n));
  sgemm(H, n, V * kBoardPoints, net_.at(L.value_fc1_w), vflat_.data(), hidden_.data(), false);
  add_bias(hidden_.data(), H, std::size_t(n), net_.at(L.value_fc1_b));
  relu(hidden_);
  values_.resize(std::size_t(n));
  sgemm(1, n, H, net_.at(L.value_fc2_w), hidden_.data(), values_.data(), false);
  for (float& v : values_) v = std::tanh(v + *net_.at(L.value_fc2_b));

  Losses out;
  for (int s = 0; s < n; ++s) {
    // Softmax of column s of logits_ [A][n]; logits_ becomes the probabilities (backward reads them).
    float mx = -1e30f;
    int arg = 0;
    for (int a = 0; a < A; ++a) {
      const float l = logits_[std::size_t(a) * std::size_t(n) + std::size_t(s)];
      if (l > mx) mx = l, arg = a;
    }
    double sum = 0;
    for (int a = 0; a < A; ++a) sum += std::exp(double(logits_[std::size_t(a) * std::size_t(n) + std::size_t(s)] - mx));
    const float target_logit = logits_[std::size_t(policy_targets[s]) * std::size_t(n) + std::size_t(s)];
    out.policy += -(double(target_logit - mx) - std::log(sum));
    out.accuracy += arg == policy_targets[s] ? 1 : 0;
    for (int a = 0; a < A; ++a) {
      float& l = logits_[std::size_t(a) * std::size_t(n) + std::size_t(s)];
      l = float(std::exp(double(l - mx)) / sum);
    }
    const double e = double(values_[std::size_t(s)]) - double(value_targets[s]);
    out.value += e * e;
  }
  out.policy /= n;
  out.value /= n;
  out.accuracy /= n;
  return out;
}

void Trainer::backward(const int* policy_targets, const float* value_targets, int n) {
  const NetworkDims& d = net_.dims;
  const ParamLayout& L = net_.layout;
  const int C = d.channels, P = d.policy_channels, V = d.value_channels, H = d.value_hidden, A = d.policy_size;
  const int cols = n * kBoardPoints;
  std::fill(grad_.begin(), grad_.end(), 0.0f);
  std::vector<float> dtop(std::size_t(C) * std::size_t(cols), 0.0f);

  // Policy head. d(cross-entropy)/d(logits) = softmax - onehot.
  std::vector<float> dlogits = logits_;
  for (int s = 0; s < n; ++s) dlogits[std::size_t(policy_targets[s]) * std::size_t(n) + std::size_t(s)] -= 1.0f;
  for (float& g : dlogits) g /= float(n);
  std::vector<float> dflat(std::size_t(P) * std::size_t(cols));
  dense_backward(pflat_.data(), P * kBoardPoints, A, L.policy_fc_w, L.policy_fc_b, n, dlogits.data(), dflat.data());
  std::vector<float> dhead(dflat.size());
  flat_to_head(dflat.data(), P, n, dhead.data());
  for (std::size_t i = 0; i < dhead.size(); ++i)
    if (phead_[i] <= 0) dhead[i] = 0;
  tmp2_.resize(dtop.size());
  dense_backward(x_.back().data(), C, P, L.policy_conv_w, L.policy_conv_b, cols, dhead.data(), tmp2_.data());
  for (std::size_t i = 0; i < dtop.size(); ++i) dtop[i] += tmp2_[i];

  // Value head.
  std::vector<float> dy(std::size_t(n), 0.0f);
  for (int s = 0; s < n; ++s) {
    const float v = values_[std::size_t(s)];
    dy[std::size_t(s)] = options_.value_weight * 2.0f * (v - value_targets[s]) * (1.0f - v * v) / float(n);
  }
  std::vector<float> dhidden(std::size_t(H) * std::size_t(n));
  dense_backward(hidden_.data(), H, 1, L.value_fc2_w, L.value_fc2_b, n, dy.data(), dhidden.data());
  for (std::size_t i = 0; i < dhidden.size(); ++i)
    if (hidden_[i] <= 0) dhidden[i] = 0;
  std::vector<float> dvflat(std::size_t(V) * std::size_t(cols));
  dense_backward(vflat_.data(), V * kBoardPoints, H, L.value_fc1_w, L.value_fc1_b, n, dhidden.data(), dvflat.data());
  std::vector<float> dvhead(dvflat.size());
  flat_to_head(dvflat.data(), V, n, dvhead.data());
  for (std::size_t i = 0; i < dvhead.size(); ++i)
    if (vhead_[i] <= 0) dvhead[i] = 0;
  dense_backward(x_.back().data(), C, V, L.value_conv_w, L.value_conv_b, cols, dvhead.data(), tmp2_.data());
  for (std::size_t i = 0; i < dtop.size(); ++i) dtop[i] += tmp2_[i];

  // Trunk, top down. x_{b+1} = relu(x_b + conv2(relu(conv1(x_b)))).
  std::vector<float> dt(dtop.size()), dx(dtop.size());
  for (int b = d.blocks - 1; b >= 0; --b) {
    const std::size_t bb = std::size_t(b);
    const std::vector<float>& out = x_[bb + 1];
    for (std::size_t i = 0; i < dtop.size(); ++i)
      if (out[i] <= 0) dtop[i] = 0;  // through the ReLU: dtop is now d(sum)
    std::fill(dt.begin(), dt.end(), 0.0f);
    conv3x3_backward(t_[bb].data(), C, C, L.block_w2[bb], L.block_b2[bb], n, dtop.data(), dt.data());
    for (std::size_t i = 0; i < dt.size(); ++i)
      if (t_[bb][i] <= 0) dt[i] = 0;
    dx = dtop;  // the skip connection
    conv3x3_backward(x_[bb].data(), C, C, L.block_w1[bb], L.block_b1[bb], n, dt.data(), dx.data());
    dtop.swap(dx);
  }
  for (std::size_t i = 0; i < dtop.size(); ++i)
    if (x_[0][i] <= 0) dtop[i] = 0;
  conv3x3_backward(in_.data(), kInputPlanes, C, L.input_w, L.input_b, n, dtop.data(), nullptr);
  (void)C;
}

Losses Trainer::compute_gradients(const float* inputs, const int* policy_targets, const float* value_targets, int n) {
  const Losses l = forward(inputs, policy_targets, value_targets, n);
  backward(policy_targets, value_targets, n);
  return l;
}

Losses Trainer::evaluate(const float* inputs, const int* policy_targets, const float* value_targets, int n) {
  return forward(inputs, policy_targets, value_targets, n);
}

Losses Trainer::step(const float* inputs, const int* policy_targets, const float* value_targets, int n) {
  const Losses l = compute_gradients(inputs, policy_targets, value_targets, n);
  constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
  ++adam_t_;
  const float c1 = 1.0f - std::pow(b1, float(adam_t_)), c2 = 1.0f - std::pow(b2, float(adam_t_));
  for (std::size_t i = 0; i < grad_.size(); ++i) {
    const float g = grad_[i] + options_.weight_decay * net_.params[i];
    adam_m_[i] = b1 * adam_m_[i] + (1 - b1) * g;
    adam_v_[i] = b2 * adam_v_[i] + (1 - b2) * g * g;
    net_.params[i] -= options_.learning_rate * (adam_m_[i] / c1) / (std::sqrt(adam_v_[i] / c2) + eps);
  }
  return l;
}

}  // namespace chuhe::ai::nn::train
