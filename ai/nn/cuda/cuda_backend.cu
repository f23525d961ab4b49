// The forward pass of network.h on the GPU: GEMMs in cuBLAS, the rest in small kernels below.
// Built only with -DCHUHE_CUDA=ON (see cuda_backend.cpp for the nn::Backend around it).
//
// Layout as on the CPU: activations [channel][sample * 90 + point]. cuBLAS is column-major, so a
// row-major C[M][N] = A[M][K] B[K][N] is computed as C^T = B^T A^T.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
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

// cuBLAS's own workspace, so that it allocates nothing while a graph is captured (32 MiB: NVIDIA's
// recommendation for Hopper, ample for the others).
constexpr std::size_t kBlasWorkspaceBytes = std::size_t(32) << 20;

// Everything runs on one non-blocking stream of its own: a graph is captured from a stream and
// replayed onto it. Device and pinned host buffers are sized for the largest batch seen; each padded
// batch size gets its forward pass captured once as a CUDA graph, then replayed (one launch instead
// of a few dozen kernel and GEMM launches).
class CudaNet final : public GpuNet {
 public:
  CudaNet(const NetShape& shape, const float* params, std::size_t count)
      : d_(shape), host_params_(params, params + count) {}
  ~CudaNet() override {
    if (stream_) cudaStreamSynchronize(stream_);
    drop_graphs();
    free_buffers();
    cudaFree(params_);
    if (blas_) cublasDestroy(blas_);
    cudaFree(workspace_);
    if (stream_) cudaStreamDestroy(stream_);
  }
  // Stream, cuBLAS handle and workspace, and the parameters' upload; false (with *error) on failure.
  bool init(std::string* error) {
    const std::size_t bytes = host_params_.size() * sizeof(float);
    // cublasSetStream resets the workspace to cuBLAS's default pool: the workspace is set after it.
    const bool ok =
        check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate") &&
        check(cublasCreate(&blas_), "cublasCreate") && check(cublasSetStream(blas_, stream_), "cublasSetStream") &&
        check(cudaMalloc(&workspace_, kBlasWorkspaceBytes), "cudaMalloc (cuBLAS workspace)") &&
        check(cublasSetWorkspace(blas_, workspace_, kBlasWorkspaceBytes), "cublasSetWorkspace") &&
        check(cudaMalloc(&params_, bytes), "cudaMalloc (parameters)") &&
        // On stream_, then waited for: a non-blocking stream does not wait for the legacy default one.
        check(cudaMemcpyAsync(params_, host_params_.data(), bytes, cudaMemcpyHostToDevice, stream_),
              "cudaMemcpyAsync (parameters)") &&
        check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    if (!ok) *error = "cannot set up the network on the GPU: " + error_;
    return ok;
  }

  bool forward(const float* inputs, int n, float* policy_logits, float* values) override;
  const std::string& last_error() const override { return error_; }

 private:
  // The first failure's text is kept: later ones are usually its consequences.
  bool check(cudaError_t e, const char* what) {
    if (e == cudaSuccess) return true;
    if (error_.empty()) error_ = std::string(what) + ": " + cudaGetErrorString(e);
    return false;
  }
  bool check(cublasStatus_t s, const char* what) {
    if (s == CUBLAS_STATUS_SUCCESS) return true;
    if (error_.empty()) error_ = std::string(what) + ": " + cublasGetStatusString(s);
    return false;
  }
  bool launched(const char* kernel) { return check(cudaGetLastError(), kernel); }

  bool reserve(int n);
  void free_buffers() {
    for (float* p : {in_, x_, t_, u_, col_, head_, flat_, out_, hidden_, values_}) cudaFree(p);
    in_ = x_ = t_ = u_ = col_ = head_ = flat_ = out_ = hidden_ = values_ = nullptr;
    cudaFreeHost(host_in_);
    cudaFreeHost(host_out_);
    host_in_ = host_out_ = nullptr;
    capacity_ = 0;
  }
  // The graphs hold the buffers' addresses: dropped whenever the buffers move.
  void drop_graphs() {
    for (auto& entry : graphs_)
      if (entry.second) cudaGraphExecDestroy(entry.second);
    graphs_.clear();
  }
  cudaGraphExec_t capture(int n);
  bool enqueue_pass(int n);

  // Row-major C[M][N] = A[M][K] B[K][N]. The scalars are host values, read when the call is made
  // (or captured): they never change.
  bool gemm(int M, int N, int K, const float* A, const float* B, float* C) {
    const float one = 1.0f, zero = 0.0f;
    return check(cublasSgemm(blas_, CUBLAS_OP_N, CUBLAS_OP_N, N, M, K, &one, B, N, A, K, &zero, C, N), "cublasSgemm");
  }
  const float* p(std::size_t offset) const { return params_ + offset; }
  bool conv3x3(const float* x, int ci, int co, std::size_t w, std::size_t b, int n, float* out, const float* skip,
               bool relu) {
    const long cols = long(n) * kPoints;
    im2col_kernel<<<blocks_for(long(ci) * 9 * cols), 256, 0, stream_>>>(x, ci, n, col_);
    if (!launched("im2col_kernel") || !gemm(co, int(cols), ci * 9, p(w), col_, out)) return false;
    bias_act_kernel<<<blocks_for(long(co) * cols), 256, 0, stream_>>>(out, p(b), skip, cols, long(co) * cols, relu);
    return launched("bias_act_kernel");
  }
  bool head(const float* x, int k, std::size_t w, std::size_t b, int n) {
    const long cols = long(n) * kPoints;
    if (!gemm(k, int(cols), d_.channels, p(w), x, head_)) return false;
    bias_act_kernel<<<blocks_for(long(k) * cols), 256, 0, stream_>>>(head_, p(b), nullptr, cols, long(k) * cols, true);
    if (!launched("bias_act_kernel")) return false;
    flatten_kernel<<<blocks_for(long(k) * cols), 256, 0, stream_>>>(head_, k, n, flat_);
    return launched("flatten_kernel");
  }

  NetShape d_;
  std::vector<float> host_params_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t blas_ = nullptr;
  void* workspace_ = nullptr;
  float* params_ = nullptr;
  float *in_ = nullptr, *x_ = nullptr, *t_ = nullptr, *u_ = nullptr, *col_ = nullptr, *head_ = nullptr,
        *flat_ = nullptr, *out_ = nullptr, *hidden_ = nullptr, *values_ = nullptr;
  float *host_in_ = nullptr, *host_out_ = nullptr;  // pinned: async copies, and faster ones
  int capacity_ = 0;
  // Padded batch size -> its captured pass; nullptr where capture failed (that size runs eagerly).
  std::map<int, cudaGraphExec_t> graphs_;
  std::string error_;
};

bool CudaNet::reserve(int n) {
  if (n <= capacity_) return true;
  drop_graphs();
  free_buffers();
  const NetShape& d = d_;
  const std::size_t cols = std::size_t(n) * kPoints, count = std::size_t(n);
  const std::size_t widest = std::size_t(std::max(d.channels, d.input_planes));
  const std::size_t heads = std::size_t(std::max(d.policy_channels, d.value_channels));
  const std::size_t channels = std::size_t(d.channels);
  const std::pair<float**, std::size_t> device[] = {{&in_, std::size_t(d.input_planes) * cols},
                                                    {&x_, channels * cols},
                                                    {&t_, channels * cols},
                                                    {&u_, channels * cols},
                                                    {&col_, widest * 9 * cols},
                                                    {&head_, heads * cols},
                                                    {&flat_, heads * cols},
                                                    {&out_, std::size_t(d.policy_size) * count},
                                                    {&hidden_, std::size_t(d.value_hidden) * count},
                                                    {&values_, count}};
  bool ok = true;
  for (const auto& [ptr, floats] : device)
    ok = ok && check(cudaMalloc(ptr, floats * sizeof(float)), "cudaMalloc (activations)");
  // host_out_: the policy logits [policy][n], then the n values.
  ok = ok && check(cudaMallocHost(&host_in_, std::size_t(d.input_planes) * cols * sizeof(float)), "cudaMallocHost") &&
       check(cudaMallocHost(&host_out_, (std::size_t(d.policy_size) + 1) * count * sizeof(float)), "cudaMallocHost");
  if (!ok) {
    free_buffers();
    return false;
  }
  capacity_ = n;
  return true;
}

// The whole pass for a padded batch of n, from in_ to out_ and values_, enqueued on stream_ (to run
// now, or to be recorded into a graph). Local pointers, not swapped members: a recorded pass must
// leave the object as it found it.
bool CudaNet::enqueue_pass(int n) {
  const NetShape& d = d_;
  float *x = x_, *u = u_;
  if (!conv3x3(in_, d.input_planes, d.channels, d.input_w, d.input_b, n, x, nullptr, true)) return false;
  for (std::size_t b = 0; b < std::size_t(d.blocks); ++b) {
    if (!conv3x3(x, d.channels, d.channels, d.block_w1[b], d.block_b1[b], n, t_, nullptr, true) ||
        !conv3x3(t_, d.channels, d.channels, d.block_w2[b], d.block_b2[b], n, u, x, true))
      return false;
    std::swap(x, u);
  }
  if (!head(x, d.policy_channels, d.policy_conv_w, d.policy_conv_b, n) ||
      !gemm(d.policy_size, n, d.policy_channels * kPoints, p(d.policy_fc_w), flat_, out_))
    return false;
  bias_act_kernel<<<blocks_for(long(d.policy_size) * n), 256, 0, stream_>>>(out_, p(d.policy_fc_b), nullptr, n,
                                                                            long(d.policy_size) * n, false);
  if (!launched("bias_act_kernel") || !head(x, d.value_channels, d.value_conv_w, d.value_conv_b, n) ||
      !gemm(d.value_hidden, n, d.value_channels * kPoints, p(d.value_fc1_w), flat_, hidden_))
    return false;
  bias_act_kernel<<<blocks_for(long(d.value_hidden) * n), 256, 0, stream_>>>(hidden_, p(d.value_fc1_b), nullptr, n,
                                                                             long(d.value_hidden) * n, true);
  if (!launched("bias_act_kernel") || !gemm(1, n, d.value_hidden, p(d.value_fc2_w), hidden_, values_)) return false;
  tanh_kernel<<<(n + 255) / 256, 256, 0, stream_>>>(values_, host_params_[d.value_fc2_b], n);
  return launched("tanh_kernel");
}

// The pass for n recorded as a graph, or nullptr when capture or instantiation fails. Such a failure
// is not the GPU failing: the caller runs that size eagerly instead (uncaptured, launch by launch),
// which fails in earnest if the device does.
cudaGraphExec_t CudaNet::capture(int n) {
  // Thread-local mode: another thread's CUDA calls (another backend's) cannot spoil this capture.
  if (cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal) != cudaSuccess) {
    cudaGetLastError();
    return nullptr;
  }
  const std::string before = error_;
  const bool recorded = enqueue_pass(n);
  error_ = before;  // a capture's failure is not forward's
  cudaGraph_t graph = nullptr;
  const cudaError_t ended = cudaStreamEndCapture(stream_, &graph);
  cudaGraphExec_t exec = nullptr;
  const bool ok = recorded && ended == cudaSuccess && graph && cudaGraphInstantiate(&exec, graph, 0) == cudaSuccess;
  if (graph) cudaGraphDestroy(graph);
  if (ok) return exec;
  if (exec) cudaGraphExecDestroy(exec);
  cudaGetLastError();  // clears a non-sticky error the failed capture left
  return nullptr;
}

bool CudaNet::forward(const float* inputs, int real, float* policy_logits, float* values) {
  if (real <= 0) return true;
  error_.clear();
  // The batch is padded to a multiple of 8 with all-zero samples, computed and dropped: cuBLAS's
  // tensor-core kernels want aligned sizes, and a handful of batch shapes (and graphs) is all the
  // GPU ever sees.
  const int n = (real + 7) / 8 * 8;
  if (!reserve(n)) return false;
  const NetShape& d = d_;
  const std::size_t input_size = std::size_t(d.input_planes) * kPoints;
  const std::size_t cols = std::size_t(n) * kPoints, count = std::size_t(n);
  const std::size_t policy_size = std::size_t(d.policy_size);
  // Sample-major -> channel-major [plane][n*90], straight into the pinned staging buffer.
  for (std::size_t s = 0; s < count; ++s)
    for (std::size_t pl = 0; pl < std::size_t(d.input_planes); ++pl) {
      float* to = host_in_ + pl * cols + s * kPoints;
      if (s < std::size_t(real))
        std::copy_n(inputs + s * input_size + pl * kPoints, kPoints, to);
      else
        std::fill_n(to, kPoints, 0.0f);
    }

  // A size's first batch runs eagerly, and is then captured for the next ones: the eager run loads
  // the kernels (lazy module loading) and lets cuBLAS settle before anything is recorded.
  const auto found = graphs_.find(n);
  const cudaGraphExec_t graph = found == graphs_.end() ? nullptr : found->second;
  const bool ran =
      check(cudaMemcpyAsync(in_, host_in_, std::size_t(d.input_planes) * cols * sizeof(float), cudaMemcpyHostToDevice,
                            stream_),
            "cudaMemcpyAsync (inputs)") &&
      (graph ? check(cudaGraphLaunch(graph, stream_), "cudaGraphLaunch") : enqueue_pass(n)) &&
      check(cudaMemcpyAsync(host_out_, out_, policy_size * count * sizeof(float), cudaMemcpyDeviceToHost, stream_),
            "cudaMemcpyAsync (policy)") &&
      check(cudaMemcpyAsync(host_out_ + policy_size * count, values_, count * sizeof(float), cudaMemcpyDeviceToHost,
                            stream_),
            "cudaMemcpyAsync (values)");
  // Synchronised even after a failed enqueue, so that nothing still runs on the buffers; a kernel's
  // own failure shows only here.
  const bool synced = check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  if (!ran || !synced) return false;
  // A size whose capture failed keeps nullptr and runs eagerly until the buffers next grow.
  if (found == graphs_.end()) graphs_.emplace(n, capture(n));

  // [policy][n] -> [real][policy]: the padding's outputs stay behind.
  for (std::size_t a = 0; a < policy_size; ++a)
    for (std::size_t s = 0; s < std::size_t(real); ++s) policy_logits[s * policy_size + a] = host_out_[a * count + s];
  std::copy_n(host_out_ + policy_size * count, std::size_t(real), values);
  return true;
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
  auto net = std::make_unique<CudaNet>(shape, params, count);
  if (!net->init(error)) return nullptr;
  return net;
}

}  // namespace chuhe::ai::nn::gpu
