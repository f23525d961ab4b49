// CPU kernels of the network: a blocked single-precision GEMM and the im2col/col2im transforms
// that turn a 3x3 convolution over the 10x9 board into one GEMM for a whole batch.
//
// Activations are kept channel-major across the batch: [channel][sample * 90 + point]. A conv is
// then W[out][in*9] x col[in*9][n*90], one GEMM however many samples there are.
//
// Determinism: every output element is accumulated over k in the same order (0..K-1) whatever
// the matrix sizes and wherever the element falls in the tiling, and the file is compiled without
// floating-point contraction, so a position evaluates to bit-identical outputs alone or in any
// batch (tests/unit/ai/nn_backend_test.cpp checks it).
#pragma once

#include <cstddef>

namespace chuhe::ai::nn {

// C[M][N] = A[M][K] * B[K][N] (+ C when accumulate), all row-major and contiguous.
void sgemm(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);

// x [channels][n * 90] -> col [channels * 9][n * 90]: row c*9 + dy*3 + dx holds x shifted by
// (dy-1, dx-1), zero outside the board.
void im2col3x3(const float* x, int channels, int n, float* col);
// The adjoint of im2col3x3: dx [channels][n*90] += folded col (the convolution's input gradient).
void col2im3x3(const float* col, int channels, int n, float* dx);

// out[c][r] = in[r][c] (in is rows x cols).
void transpose(const float* in, int rows, int cols, float* out);

// Layout changes between the batch's sample-major inputs, the channel-major activations and the
// [k*90][n] matrices the fully connected layers read.
void to_channel_major(const float* inputs, int planes, int n, float* out);  // [n][planes][90] -> [planes][n*90]
void head_to_flat(const float* head, int k, int n, float* flat);           // [k][n*90] -> [k*90][n]
void flat_to_head(const float* flat, int k, int n, float* head);           // the inverse

// x[r][j] += b[r] over rows x cols; x = max(x, 0).
void add_bias(float* x, int rows, std::size_t cols, const float* b);
void relu(float* x, std::size_t count);

}  // namespace chuhe::ai::nn
