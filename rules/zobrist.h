// Zobrist keys: one random 64-bit key per (piece, square) and one for "Black to move".
// A position's key is the XOR of the keys of its pieces, plus the side key when Black moves.
// The keys are generated at compile time from a fixed seed (SplitMix64), so every build and every
// process agrees on them: keys may be stored (opening books, journals) and compared across runs.
#pragma once

#include <array>
#include <cstdint>

#include "rules/types.h"

namespace chuhe::rules::zobrist {

constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct Keys {
  // Indexed by the Piece's raw value (8..14 Red, 16..22 Black) so that the hot path needs no
  // re-mapping; the unused rows stay zero.
  std::array<std::array<Key, kSquareCount + 1>, 23> psq{};
  Key side = 0;  // XORed in when Black is to move
};

constexpr Keys make_keys() {
  Keys k;
  std::uint64_t state = 0x43687568652D5851ull;  // "Chuhe-XQ"
  for (int p = 8; p < 23; ++p) {
    if (p == 15) continue;
    for (int s = 0; s < kSquareCount; ++s) k.psq[p][s] = splitmix64(state);
  }
  k.side = splitmix64(state);
  return k;
}

inline constexpr Keys kKeys = make_keys();

constexpr Key psq(Piece p, int s) { return kKeys.psq[int(p)][s]; }
constexpr Key side() { return kKeys.side; }

}  // namespace chuhe::rules::zobrist
