// make_cuda_backend in a build without CHUHE_CUDA: there is no CUDA backend to make.
#include "ai/nn/backend.h"

namespace chuhe::ai::nn {

std::unique_ptr<Backend> make_cuda_backend(std::shared_ptr<const Network>, std::string* error) {
  if (error) *error = "this build has no CUDA backend (configure with -DCHUHE_CUDA=ON)";
  return nullptr;
}

}  // namespace chuhe::ai::nn
