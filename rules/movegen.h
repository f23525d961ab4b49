// Legal move generation. Nothing here allocates: moves go into a fixed-capacity MoveList.
#pragma once

#include <cassert>

#include "rules/position.h"

namespace chuhe::rules {

// No xiangqi position has more legal moves than this: at most 17 per chariot and cannon,
// 8 per horse, 4 per elephant and advisor, 4 for the general and 3 per soldier (119 in all).
constexpr int kMaxMoves = 128;

class MoveList {
 public:
  const Move* begin() const { return moves_; }
  const Move* end() const { return moves_ + size_; }
  Move* begin() { return moves_; }
  Move* end() { return moves_ + size_; }
  int size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Move operator[](int i) const { return moves_[i]; }
  Move& operator[](int i) { return moves_[i]; }
  bool contains(Move m) const {
    for (int i = 0; i < size_; ++i)
      if (moves_[i] == m) return true;
    return false;
  }
  void clear() { size_ = 0; }
  void push_back(Move m) {
    assert(size_ < kMaxMoves);
    moves_[size_++] = m;
  }
  // For generators that write in place: data() for the start, then resize() to the count written.
  Move* data() { return moves_; }
  void resize(int n) {
    assert(n >= 0 && n <= kMaxMoves);
    size_ = n;
  }

 private:
  Move moves_[kMaxMoves];
  int size_ = 0;
};

enum class GenType {
  All,       // every legal move
  Captures,  // legal captures only
  Quiets,    // legal non-captures only
};

// Replaces the list's contents with the legal moves of the side to move (order unspecified but
// deterministic for a given position).
template <GenType G = GenType::All>
void generate_legal(const Position& pos, MoveList& list);

// The number of legal moves, counted without writing them out (perft's bulk counting).
int count_legal(const Position& pos);

// Is m legal in pos? Accepts any 16-bit value: garbage and moves of the wrong side give false.
bool is_legal(const Position& pos, Move m);

// Does the side to move have at least one legal move?
bool has_legal_move(const Position& pos);

extern template void generate_legal<GenType::All>(const Position&, MoveList&);
extern template void generate_legal<GenType::Captures>(const Position&, MoveList&);
extern template void generate_legal<GenType::Quiets>(const Position&, MoveList&);

}  // namespace chuhe::rules
