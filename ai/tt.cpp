#include "ai/tt.h"

#include <algorithm>
#include <bit>

namespace chuhe::ai {

void TranspositionTable::resize(std::size_t mb) {
  mb = std::max<std::size_t>(mb, 1);
  const std::size_t count = std::bit_floor(mb * 1024 * 1024 / sizeof(Cluster));
  clusters_ = std::make_unique<Cluster[]>(count);  // value-initialised: every slot empty
  mask_ = count - 1;
  size_mb_ = mb;
  generation_ = 0;
}

void TranspositionTable::clear() {
  std::fill_n(clusters_.get(), mask_ + 1, Cluster{});
  generation_ = 0;
}

const TTEntry* TranspositionTable::probe(rules::Key key) const {
  const Cluster& c = clusters_[key & mask_];
  for (const TTEntry& e : c.entry)
    if (e.key == key && e.depth != 0) return &e;
  return nullptr;
}

void TranspositionTable::store(rules::Key key, Score score, Score eval, Bound bound, int depth, rules::Move move) {
  Cluster& c = clusters_[key & mask_];
  TTEntry* victim = &c.entry[0];
  int worst = 1 << 30;
  for (TTEntry& e : c.entry) {
    if (e.depth == 0 || e.key == key) {
      victim = &e;
      break;
    }
    // Older generations count as shallower: an entry from the previous search loses 8 plies.
    const int age = std::uint8_t(generation_ - (e.gen_bound & 0xFC)) / 4;
    const int value = int(e.depth) - 8 * age;
    if (value < worst) {
      worst = value;
      victim = &e;
    }
  }
  // Keep the old best move when the new result has none (e.g. a fail-low at the same key).
  if (victim->key == key && victim->depth != 0 && !move) move = victim->best_move();
  // Do not let a shallow non-exact result overwrite a much deeper one for the same key.
  if (victim->key == key && victim->depth != 0 && bound != Bound::Exact && depth + 1 + 4 < int(victim->depth) &&
      (victim->gen_bound & 0xFC) == generation_)
    return;
  victim->key = key;
  victim->move = move.raw();
  victim->score = std::int16_t(score);
  victim->eval = eval == kNone ? TTEntry::kTTNoEval : std::int16_t(eval);
  victim->depth = std::uint8_t(std::clamp(depth + 1, 1, 255));
  victim->gen_bound = std::uint8_t(generation_ | std::uint8_t(bound));
}

int TranspositionTable::hashfull() const {
  int used = 0;
  const std::size_t clusters = std::min<std::size_t>(mask_ + 1, 250);
  for (std::size_t i = 0; i < clusters; ++i)
    for (const TTEntry& e : clusters_[i].entry)
      if (e.depth != 0 && (e.gen_bound & 0xFC) == generation_) ++used;
  return int(used * 1000 / (clusters * kClusterSize));
}

}  // namespace chuhe::ai
