// Inference backends: run the network on a batch of encoded positions. The CPU backend is always
// there; the CUDA one exists only in a -DCHUHE_CUDA=ON build and only when a GPU answers.
// A backend is used by one thread at a time (the batched evaluator's).
#pragma once

#include <memory>
#include <string>

#include "ai/nn/network.h"

namespace chuhe::ai::nn {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // inputs: n x kInputSize floats (encode_position), sample-major. Writes n x kPolicySize policy
  // logits (network frame, move_table.h) and n values in [-1, 1] (side to move's view).
  virtual void evaluate(const float* inputs, int n, float* policy_logits, float* values) = 0;
};

std::unique_ptr<Backend> make_cpu_backend(std::shared_ptr<const Network> net);

// The CUDA backend, or nullptr with *error set (no CUDA in this build, no GPU, init failed). If the
// GPU fails later, it logs why and evaluates on the CPU from then on, the failed batch included
// (fallback_backend.h); name() then says so.
std::unique_ptr<Backend> make_cuda_backend(std::shared_ptr<const Network> net, std::string* error);

enum class BackendKind { Cpu, Cuda, Auto };  // Auto: CUDA if it initialises, else the CPU
// Never fails: falls back to the CPU backend; *note (if given) says what was chosen and why.
std::unique_ptr<Backend> make_backend(std::shared_ptr<const Network> net, BackendKind kind, std::string* note);

}  // namespace chuhe::ai::nn
