// The forward pass of network.h on the GPU: GEMMs in cuBLAS, the rest in small kernels below.
// Built only with -DCHUHE_CUDA=ON (see cuda_backend.cpp for the nn::Backend around it).
//
// Layout as on the CPU: activations [channel][sample * 90 + point]. cuBLAS is column-major, so a
// row-major C[M][N] = A[M][K] B[K][N] is computed as C^T = B^T A^T.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ai/nn/cuda/gpu_net.h"

namespace chuhe::ai::nn::gpu {

namespace {

constexpr int kPoints = 90;

__global__ void im2col_kernel(const float* x, int channels, int n, float* col) {
  const long total = long(channels) * 9 * n * kPoints;
  for (long i = blockIdx.x * long(blockDim.x) + threadIdx.x; i < total; i += long(gridDim.x) * blockDim.x) {
    const int point = int(i % kPoints);
    const int sample = int((i / kPoints) % n);
    const int row = int(i / (long(n) * kPoints));  // c * 9 + dy * 3 + dx
    const int c = row / 9, dy = (row % 9) / 3, dx = row % 3;
    const int r = point / 9 + dy - 1, f = point % 9 + dx - 1;
    col[i] = (r >= 0 && r < 10 && f >= 0 && f < 9) ? x[(long(c) * n + sample) * kPoints + r * 9 + f] : 0.0f;
  }
}

// x[r][j] = act(x[r][j] + b[r] (+ skip[r][j]))
__global__ void bias_act_kernel(float* x, const float* b, const float* skip, long cols, long total, bool relu) {
  for (long i = blockIdx.x * long(blockDim.x) + threadIdx.x; i < total; i += long(gridDim.x) * blockDim.x) {
    float v = x[i] + b[i / cols];
    if (skip) v += skip[i];
    x[i] = relu ? fmaxf(v, 0.0f) : v;
  }
}

// head [k][n*90] -> flat [k*90][n]
__global__ void flatten_kernel(const float* head, int k, int n, float* flat) {
  const long total = long(k) * n * kPoints;
  for (long i = blockIdx.x * long(blockDim.x) + threadIdx.x; i < total; i += long(gridDim.x) * blockDim.x) {
    const int p = int(i % kPoints);
    const int s = int((i / kPoints) % n);
    const int c = int(i / (long(n) * kPoints));
    flat[(long(c) * kPoints + p) * n + s] = head[i];
  }
}

__global__ void tanh_kernel(float* v, float b, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) v[i] = tanhf(v[i] + b);
}

int blocks_for(long total) { return int(std::min<long>((total + 255) / 256, 4096)); }

class CudaNet final : public GpuNet {
 public:
  CudaNet(const NetShape& shape, const float* params, std::size_t count, cublasHandle_t handle)
      : d_(shape), host_params_(params, params + count), blas_(handle) {}
  ~CudaNet() override {
    for (float* p : {params_, in_, x_, t_, u_, col_, head_, flat_, out_, hidden_, values_}) cudaFree(p);
    cublasDestroy(blas_);
  }
  // Uploads the parameters; false (with *error) on failure.
  bool init(std::string* error) {
    const std::size_t bytes = host_params_.size() * sizeof(float);
    if (cudaMalloc(&params_, bytes) != cudaSuccess ||
        cudaMemcpy(params_, host_params_.data(), bytes, cudaMemcpyHostToDevice) != cudaSuccess) {
      *error = "cannot upload the network to the GPU";
      return false;
    }
    return true;
  }

  void forward(const float* inputs, int n, float* policy_logits, float* values) override;

 private:
  void reserve(int n) {
    if (n <= capacity_) return;
    for (float* p : {in_, x_, t_, u_, col_, head_, flat_, out_, hidden_, values_}) cudaFree(p);
    const NetShape& d = d_;
    const std::size_t cols = std::size_t(n) * kPoints;
    const std::size_t widest = std::size_t(std::max(d.channels, d.input_planes));
    cudaMalloc(&in_, std::size_t(d.input_planes) * cols * sizeof(float));
    cudaMalloc(&x_, std::size_t(d.channels) * cols * sizeof(float));
    cudaMalloc(&t_, std::size_t(d.channels) * cols * sizeof(float));
    cudaMalloc(&u_, std::size_t(d.channels) * cols * sizeof(float));
    cudaMalloc(&col_, widest * 9 * cols * sizeof(float));
    cudaMalloc(&head_, std::size_t(std::max(d.policy_channels, d.value_channels)) * cols * sizeof(float));
    cudaMalloc(&flat_, std::size_t(std::max(d.policy_channels, d.value_channels)) * cols * sizeof(float));
    cudaMalloc(&out_, std::size_t(d.policy_size) * std::size_t(n) * sizeof(float));
    cudaMalloc(&hidden_, std::size_t(d.value_hidden) * std::size_t(n) * sizeof(float));
    cudaMalloc(&values_, std::size_t(n) * sizeof(float));
    host_in_.resize(std::size_t(d.input_planes) * cols);
    host_out_.resize(std::size_t(d.policy_size) * std::size_t(n));
    capacity_ = n;
  }
  // Row-major C[M][N] = A[M][K] B[K][N].
  void gemm(int M, int N, int K, const float* A, const float* B, float* C) {
    const float one = 1.0f, zero = 0.0f;
    cublasSgemm(blas_, CUBLAS_OP_N, CUBLAS_OP_N, N, M, K, &one, B, N, A, K, &zero, C, N);
  }
  const float* p(std::size_t offset) const { return params_ + offset; }
  void conv3x3(const float* x, int ci, int co, std::size_t w, std::size_t b, int n, float* out, const float* skip,
               bool relu) {
    const long cols = long(n) * kPoints;
    im2col_kernel<<<blocks_for(long(ci) * 9 * cols), 256>>>(x, ci, n, col_);
    gemm(co, int(cols), ci * 9, p(w), col_, out);
    bias_act_kernel<<<blocks_for(long(co) * cols), 256>>>(out, p(b), skip, cols, long(co) * cols, relu);
  }
  void head(int k, std::size_t w, std::size_t b, int n) {
    const long cols = long(n) * kPoints;
    gemm(k, int(cols), d_.channels, p(w), x_, head_);
    bias_act_kernel<<<blocks_for(long(k) * cols), 256>>>(head_, p(b), nullptr, cols, long(k) * cols, true);
    flatten_kernel<<<blocks_for(long(k) * cols), 256>>>(head_, k, n, flat_);
  }

  NetShape d_;
  std::vector<float> host_params_;
  cublasHandle_t blas_;
  float* params_ = nullptr;
  float *in_ = nullptr, *x_ = nullptr, *t_ = nullptr, *u_ = nullptr, *col_ = nullptr, *head_ = nullptr,
        *flat_ = nullptr, *out_ = nullptr, *hidden_ = nullptr, *values_ = nullptr;
  int capacity_ = 0;
  std::vector<float> host_in_, host_out_;
};

void CudaNet::forward(const float* inputs, int real, float* policy_logits, float* values) {
  if (real <= 0) return;
  // The batch is padded to a multiple of 8 with all-zero samples, computed and dropped: cuBLAS's
  // tensor-core kernels want aligned sizes, and a handful of batch shapes is all the GPU ever sees.
  const int n = (real + 7) / 8 * 8;
  reserve(n);
  const NetShape& d = d_;
  const NetShape& L = d_;
  const int kInputPlanes = d.input_planes;
  const std::size_t kInputSize = std::size_t(d.input_planes) * kPoints;
  const std::size_t cols = std::size_t(n) * kPoints;
  for (int s = 0; s < n; ++s)
    for (int pl = 0; pl < kInputPlanes; ++pl) {
      float* to = host_in_.data() + std::size_t(pl) * cols + std::size_t(s) * kPoints;
      if (s < real)
        std::copy_n(inputs + std::size_t(s) * kInputSize + std::size_t(pl) * kPoints, kPoints, to);
      else
        std::fill_n(to, kPoints, 0.0f);
    }
  cudaMemcpy(in_, host_in_.data(), host_in_.size() * sizeof(float), cudaMemcpyHostToDevice);

  conv3x3(in_, kInputPlanes, d.channels, L.input_w, L.input_b, n, x_, nullptr, true);
  for (std::size_t b = 0; b < std::size_t(d.blocks); ++b) {
    conv3x3(x_, d.channels, d.channels, L.block_w1[b], L.block_b1[b], n, t_, nullptr, true);
    conv3x3(t_, d.channels, d.channels, L.block_w2[b], L.block_b2[b], n, u_, x_, true);
    std::swap(x_, u_);
  }
  head(d.policy_channels, L.policy_conv_w, L.policy_conv_b, n);
  gemm(d.policy_size, n, d.policy_channels * kPoints, p(L.policy_fc_w), flat_, out_);
  bias_act_kernel<<<blocks_for(long(d.policy_size) * n), 256>>>(out_, p(L.policy_fc_b), nullptr, n,
                                                                long(d.policy_size) * n, false);
  head(d.value_channels, L.value_conv_w, L.value_conv_b, n);
  gemm(d.value_hidden, n, d.value_channels * kPoints, p(L.value_fc1_w), flat_, hidden_);
  bias_act_kernel<<<blocks_for(long(d.value_hidden) * n), 256>>>(hidden_, p(L.value_fc1_b), nullptr, n,
                                                                 long(d.value_hidden) * n, true);
  gemm(1, n, d.value_hidden, p(L.value_fc2_w), hidden_, values_);
  tanh_kernel<<<(n + 255) / 256, 256>>>(values_, host_params_[L.value_fc2_b], n);

  cudaMemcpy(host_out_.data(), out_, std::size_t(d.policy_size) * std::size_t(n) * sizeof(float),
             cudaMemcpyDeviceToHost);
  cudaMemcpy(values, values_, std::size_t(real) * sizeof(float), cudaMemcpyDeviceToHost);
  // [policy][n] -> [real][policy]: the padding's outputs stay behind.
  for (int a = 0; a < d.policy_size; ++a)
    for (int s = 0; s < real; ++s)
      policy_logits[std::size_t(s) * std::size_t(d.policy_size) + std::size_t(a)] =
          host_out_[std::size_t(a) * std::size_t(n) + std::size_t(s)];
}

}  // namespace

std::unique_ptr<GpuNet> create_gpu_net(const NetShape& shape, const float* params, std::size_t count,
                                       std::string* error) {
  int devices = 0;
  const cudaError_t e = cudaGetDeviceCount(&devices);
  if (e != cudaSuccess || devices == 0) {
    *error = std::string("no GPU found (") + (e != cudaSuccess ? cudaGetErrorString(e) : "0 devices") + ")";
    return nullptr;
  }
  cublasHandle_t handle;
  if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) {
    *error = "cuBLAS initialisation failed";
    return nullptr;
  }
  auto net = std::make_unique<CudaNet>(shape, params, count, handle);
  if (!net->init(error)) return nullptr;
  return net;
}

}  // namespace chuhe::ai::nn::gpu
