// Training of the network on the CPU: forward pass with the activations kept, hand-written
// backpropagation through the layers of network.h, and Adam. Loss = policy cross-entropy (softmax
// over all kPolicySize slots against the move played) + value mean squared error (tanh output
// against the game's result for the side to move) + L2 weight decay.
#pragma once

#include <vector>

#include "ai/nn/network.h"

namespace chuhe::ai::nn::train {

struct TrainOptions {
  float learning_rate = 1e-3f;
  float weight_decay = 1e-4f;
  float value_weight = 1.0f;
};

struct Losses {
  double policy = 0;  // mean cross-entropy
  double value = 0;   // mean squared error
  double accuracy = 0;  // fraction whose argmax logit is the target move
};

class Trainer {
 public:
  Trainer(Network& net, TrainOptions options = {});

  // inputs: n x kInputSize; policy_targets: slot per sample; value_targets in [-1, 1].
  // Fills gradients() with d(loss)/d(params) (loss without weight decay) and returns the losses.
  Losses compute_gradients(const float* inputs, const int* policy_targets, const float* value_targets, int n);
  // Forward only.
  Losses evaluate(const float* inputs, const int* policy_targets, const float* value_targets, int n);
  // compute_gradients, then one Adam step.
  Losses step(const float* inputs, const int* policy_targets, const float* value_targets, int n);

  const std::vector<float>& gradients() const { return grad_; }

 private:
  Losses forward(const float* inputs, const int* policy_targets, const float* value_targets, int n);
  void backward(const int* policy_targets, const float* value_targets, int n);
  void head_forward(const std::vector<float>& top, int k, std::size_t w, std::size_t b, int n,
                    std::vector<float>& head, std::vector<float>& flat);
  void conv3x3_forward(const float* x, int ci, int co, std::size_t w, std::size_t b, int n, float* out);
  void conv3x3_backward(const float* x, int ci, int co, std::size_t w, std::size_t b, int n, const float* dout,
                        float* dx);
  void dense_backward(const float* x, int k, int m, std::size_t w, std::size_t b, int cols, const float* dout,
                      float* dx);

  Network& net_;
  TrainOptions options_;
  std::vector<float> grad_, adam_m_, adam_v_;
  long adam_t_ = 0;

  // Activations of the last forward pass, channel-major ([channel][sample * 90 + point]).
  std::vector<float> in_;
  std::vector<std::vector<float>> x_;  // x_[0] after the input conv, x_[b+1] after block b
  std::vector<std::vector<float>> t_;  // inside block b, after its first conv + ReLU
  std::vector<float> phead_, pflat_, logits_, vhead_, vflat_, hidden_, values_;
  std::vector<float> col_, colt_, wt_, tmp_, tmp2_;
};

}  // namespace chuhe::ai::nn::train
