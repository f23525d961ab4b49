#include "ai/nn/kernels.h"

#include <cstring>

#include "ai/nn/features.h"

namespace chuhe::ai::nn {

namespace {

// Eight floats as one GCC vector: one AVX register, or two SSE ones on the baseline build. The
// helpers below are always inlined into sgemm (flatten), so no v8f crosses a call: the ABI note
// GCC and clang give for passing it without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float v8f __attribute__((vector_size(32)));

inline v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }

// One R x (8*V) tile of C: accumulators stay in registers for the whole K loop, B's row segment
// is contiguous, A is broadcast. Each element is a plain multiply then add, k in order.
template <int R, int V>
inline void tile(int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  v8f acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) acc[r][v] = accumulate ? load8(C + r * N + 8 * v) : v8f{};
  for (int k = 0; k < K; ++k) {
    const float* b = B + std::size_t(k) * std::size_t(N);
    v8f bv[V];
    for (int v = 0; v < V; ++v) bv[v] = load8(b + 8 * v);
    for (int r = 0; r < R; ++r) {
      const float a = A[r * K + k];
      for (int v = 0; v < V; ++v) acc[r][v] += a * bv[v];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) store8(C + r * N + 8 * v, acc[r][v]);
}

// The last N % 8 columns, one at a time, in the same k order.
inline void column(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  for (int i = 0; i < M; ++i) {
    float acc = accumulate ? C[std::size_t(i) * N] : 0.0f;
    for (int k = 0; k < K; ++k) acc += A[std::size_t(i) * K + k] * B[std::size_t(k) * N];
    C[std::size_t(i) * N] = acc;
  }
}

template <int V>
inline void column_strip(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  int i = 0;
  for (; i + 4 <= M; i += 4) tile<4, V>(N, K, A + std::size_t(i) * K, B, C + std::size_t(i) * N, accumulate);
  for (; i < M; ++i) tile<1, V>(N, K, A + std::size_t(i) * K, B, C + std::size_t(i) * N, accumulate);
}

inline void sgemm_body(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  // Column strips outermost: a strip of B (K x 16 floats, 18 KB at K = 288) stays in L1 while
  // every row of A passes over it.
  int j = 0;
  for (; j + 16 <= N; j += 16) column_strip<2>(M, N, K, A, B + j, C + j, accumulate);
  for (; j + 8 <= N; j += 8) column_strip<1>(M, N, K, A, B + j, C + j, accumulate);
  for (; j < N; ++j) column(M, N, K, A, B + j, C + j, accumulate);
}

// The same code compiled for AVX2 and for the x86-64 baseline; flatten inlines everything into
// each. Chosen at the first call rather than by an ifunc (target_clones): ifunc resolvers run
// before ThreadSanitizer's runtime is up and crash TSan builds at startup. No FMA in either.
#if defined(__x86_64__)
__attribute__((target("avx2"), flatten)) void sgemm_avx2(int M, int N, int K, const float* A, const float* B,
                                                          float* C, bool accumulate) {
  sgemm_body(M, N, K, A, B, C, accumulate);
}
#endif
__attribute__((flatten)) void sgemm_baseline(int M, int N, int K, const float* A, const float* B, float* C,
                                             bool accumulate) {
  sgemm_body(M, N, K, A, B, C, accumulate);
}

}  // namespace

void sgemm(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return sgemm_avx2(M, N, K, A, B, C, accumulate);
#endif
  sgemm_baseline(M, N, K, A, B, C, accumulate);
}

void im2col3x3(const float* x, int channels, int n, float* col) {
  const std::size_t stride = std::size_t(n) * kBoardPoints;
  for (int c = 0; c < channels; ++c)
    for (int dy = 0; dy < 3; ++dy)
      for (int dx = 0; dx < 3; ++dx) {
        float* out = col + (std::size_t(c) * 9 + std::size_t(dy * 3 + dx)) * stride;
        const float* in = x + std::size_t(c) * stride;
        for (int s = 0; s < n; ++s, out += kBoardPoints, in += kBoardPoints)
          for (int r = 0; r < 10; ++r) {
            const int rr = r + dy - 1;
            for (int f = 0; f < 9; ++f) {
              const int ff = f + dx - 1;
              out[r * 9 + f] = (rr >= 0 && rr < 10 && ff >= 0 && ff < 9) ? in[rr * 9 + ff] : 0.0f;
            }
          }
      }
}

void col2im3x3(const float* col, int channels, int n, float* dx_out) {
  const std::size_t stride = std::size_t(n) * kBoardPoints;
  for (int c = 0; c < channels; ++c)
    for (int dy = 0; dy < 3; ++dy)
      for (int dx = 0; dx < 3; ++dx) {
        const float* in = col + (std::size_t(c) * 9 + std::size_t(dy * 3 + dx)) * stride;
        float* out = dx_out + std::size_t(c) * stride;
        for (int s = 0; s < n; ++s, out += kBoardPoints, in += kBoardPoints)
          for (int r = 0; r < 10; ++r) {
            const int rr = r + dy - 1;
            if (rr < 0 || rr >= 10) continue;
            for (int f = 0; f < 9; ++f) {
              const int ff = f + dx - 1;
              if (ff >= 0 && ff < 9) out[rr * 9 + ff] += in[r * 9 + f];
            }
          }
      }
}

void transpose(const float* in, int rows, int cols, float* out) {
  // Blocks of 16 x 16 keep both sides' cache lines in use.
  for (int r0 = 0; r0 < rows; r0 += 16)
    for (int c0 = 0; c0 < cols; c0 += 16)
      for (int r = r0; r < rows && r < r0 + 16; ++r)
        for (int c = c0; c < cols && c < c0 + 16; ++c)
          out[std::size_t(c) * rows + r] = in[std::size_t(r) * cols + c];
}

void to_channel_major(const float* inputs, int planes, int n, float* out) {
  const std::size_t cols = std::size_t(n) * kBoardPoints;
  for (int s = 0; s < n; ++s)
    for (int p = 0; p < planes; ++p)
      std::memcpy(out + std::size_t(p) * cols + std::size_t(s) * kBoardPoints,
                  inputs + (std::size_t(s) * std::size_t(planes) + std::size_t(p)) * kBoardPoints,
                  sizeof(float) * kBoardPoints);
}

void head_to_flat(const float* head, int k, int n, float* flat) {
  for (int c = 0; c < k; ++c)
    for (int s = 0; s < n; ++s)
      for (int p = 0; p < kBoardPoints; ++p)
        flat[(std::size_t(c) * kBoardPoints + std::size_t(p)) * std::size_t(n) + std::size_t(s)] =
            head[(std::size_t(c) * std::size_t(n) + std::size_t(s)) * kBoardPoints + std::size_t(p)];
}

void flat_to_head(const float* flat, int k, int n, float* head) {
  for (int c = 0; c < k; ++c)
    for (int s = 0; s < n; ++s)
      for (int p = 0; p < kBoardPoints; ++p)
        head[(std::size_t(c) * std::size_t(n) + std::size_t(s)) * kBoardPoints + std::size_t(p)] =
            flat[(std::size_t(c) * kBoardPoints + std::size_t(p)) * std::size_t(n) + std::size_t(s)];
}

void add_bias(float* x, int rows, std::size_t cols, const float* b) {
  for (int r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < cols; ++j) x[std::size_t(r) * cols + j] += b[r];
}

void relu(float* x, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

}  // namespace chuhe::ai::nn
