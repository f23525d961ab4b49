// Backend choice with fallback: the CUDA backend when asked for and it initialises, else the CPU.
#include "ai/nn/backend.h"

namespace chuhe::ai::nn {

std::unique_ptr<Backend> make_backend(std::shared_ptr<const Network> net, BackendKind kind, std::string* note) {
  if (kind != BackendKind::Cpu) {
    std::string error;
    if (auto cuda = make_cuda_backend(net, &error)) {
      if (note) *note = "using the CUDA backend";
      return cuda;
    }
    if (note) *note = "CUDA backend unavailable (" + error + "); using the CPU backend";
  } else if (note) {
    *note = "using the CPU backend";
  }
  return make_cpu_backend(std::move(net));
}

}  // namespace chuhe::ai::nn
