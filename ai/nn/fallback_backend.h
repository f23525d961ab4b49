// A backend that can fail (the GPU: device lost, out of memory, a driver error) in front of one that
// cannot (the CPU): no evaluation is ever lost. On the primary's first failure the wrapper logs once
// why, switches to the fallback for good and evaluates that same batch there. Needs no CUDA, so the
// switch is unit-tested in every build (tests/unit/ai/nn_fallback_test.cpp).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "ai/nn/backend.h"

namespace chuhe::ai::nn {

class FallibleBackend {
 public:
  virtual ~FallibleBackend() = default;
  virtual std::string name() const = 0;
  // As Backend::evaluate; false (with *error) when the batch could not be evaluated, its outputs
  // then being unspecified.
  virtual bool try_evaluate(const float* inputs, int n, float* policy_logits, float* values, std::string* error) = 0;
};

class FallbackBackend final : public Backend {
 public:
  using Log = std::function<void(const std::string&)>;
  // log: where the one line about the switch goes (nullptr: stderr).
  FallbackBackend(std::unique_ptr<FallibleBackend> primary, std::unique_ptr<Backend> fallback, Log log = nullptr);

  // The primary's name; after the switch, the fallback's with why, e.g. "cpu (cuda failed: ...)".
  std::string name() const override;
  void evaluate(const float* inputs, int n, float* policy_logits, float* values) override;
  bool switched() const;

 private:
  std::unique_ptr<FallibleBackend> primary_;  // released at the switch (frees the GPU's memory)
  std::unique_ptr<Backend> fallback_;
  Log log_;
  mutable std::mutex name_mu_;  // name() may be asked from another thread than evaluate()'s
  std::string name_;
  bool switched_ = false;
};

}  // namespace chuhe::ai::nn
