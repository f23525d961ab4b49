// Transposition table: a cache of search results keyed by the rules engine's Zobrist keys.
// One table per search instance, used by one thread at a time, so entries need no atomics or
// lockless XOR tricks. Clusters of four 16-byte entries fill one 64-byte cache line; a probe looks
// at one line. Replacement keeps the deepest result of the current search ("generation") and
// evicts the shallowest or stalest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ai/score.h"
#include "rules/types.h"

namespace chuhe::ai {

enum class Bound : std::uint8_t { None = 0, Upper = 1, Lower = 2, Exact = 3 };

struct TTEntry {
  rules::Key key = 0;
  std::uint16_t move = 0;      // rules::Move raw bits; 0 = none
  std::int16_t score = 0;      // score_to_tt() form
  std::int16_t eval = 0;       // static evaluation, or kNone
  std::uint8_t depth = 0;      // search depth + 1; 0 marks an empty slot
  std::uint8_t gen_bound = 0;  // generation (6 high bits) | Bound (2 low bits)

  rules::Move best_move() const { return rules::Move::from_raw(move); }
  Bound bound() const { return Bound(gen_bound & 3); }
  Score static_eval() const { return eval == kTTNoEval ? kNone : eval; }
  static constexpr std::int16_t kTTNoEval = -32000;
  int search_depth() const { return int(depth) - 1; }
};
static_assert(sizeof(TTEntry) == 16);

class TranspositionTable {
 public:
  explicit TranspositionTable(std::size_t mb = 16) { resize(mb); }

  // Reallocates (and clears) the table; mb is rounded down to a power-of-two number of clusters.
  void resize(std::size_t mb);
  void clear();
  // A new search: entries of older searches become preferred victims.
  void new_search() { generation_ = std::uint8_t(generation_ + 4); }

  // The entry for key, or nullptr. The pointer is valid until the next store or resize.
  const TTEntry* probe(rules::Key key) const;
  void store(rules::Key key, Score score, Score eval, Bound bound, int depth, rules::Move move);
  void prefetch(rules::Key key) const { __builtin_prefetch(&clusters_[key & mask_]); }

  // Per mille of the first 1000 slots used in this search (UCI "hashfull").
  int hashfull() const;
  std::size_t size_mb() const { return size_mb_; }

 private:
  static constexpr int kClusterSize = 4;
  struct alignas(64) Cluster {
    TTEntry entry[kClusterSize];
  };

  std::unique_ptr<Cluster[]> clusters_;
  std::size_t mask_ = 0;  // cluster count - 1
  std::size_t size_mb_ = 0;
  std::uint8_t generation_ = 0;
};

}  // namespace chuhe::ai
