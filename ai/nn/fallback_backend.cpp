// FallbackBackend: the primary until it fails once, then the fallback for good.
#include "ai/nn/fallback_backend.h"

#include <iostream>

namespace chuhe::ai::nn {

FallbackBackend::FallbackBackend(std::unique_ptr<FallibleBackend> primary, std::unique_ptr<Backend> fallback, Log log)
    : primary_(std::move(primary)), fallback_(std::move(fallback)), log_(std::move(log)), name_(primary_->name()) {}

std::string FallbackBackend::name() const {
  std::lock_guard lock(name_mu_);
  return name_;
}

bool FallbackBackend::switched() const {
  std::lock_guard lock(name_mu_);
  return switched_;
}

void FallbackBackend::evaluate(const float* inputs, int n, float* policy_logits, float* values) {
  if (primary_) {
    std::string error;
    if (primary_->try_evaluate(inputs, n, policy_logits, values, &error)) return;
    // A failed device rarely recovers (sticky CUDA errors need a new process): switching for good
    // keeps every later batch from paying for a failure first.
    const std::string failed = primary_->name();
    if (error.empty()) error = "unknown error";
    primary_.reset();
    {
      std::lock_guard lock(name_mu_);
      name_ = fallback_->name() + " (" + failed + " failed: " + error + ")";
      switched_ = true;
    }
    const std::string line = "chuhe: the " + failed + " backend failed (" + error + "); using the " +
                             fallback_->name() + " backend from now on";
    if (log_)
      log_(line);
    else
      std::cerr << line << std::endl;
  }
  fallback_->evaluate(inputs, n, policy_logits, values);
}

}  // namespace chuhe::ai::nn
