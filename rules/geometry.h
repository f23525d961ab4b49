// Board geometry, precomputed at compile time: where each piece kind may step from each point,
// which point blocks the step (horse leg, elephant eye), and which points each kind can ever occupy.
// Internal code works on plain int square indices (rank * 9 + file, 0..89); index 90 is a sentinel
// that is always empty on the board, so tables may point at it instead of carrying a bounds check.
#pragma once

#include <array>
#include <cstdint>

#include "rules/types.h"

namespace chuhe::rules::geo {

constexpr int kSentinel = kSquareCount;  // 90: always-empty board slot

constexpr int sq(int file, int rank) { return rank * kFileCount + file; }
constexpr bool on_board(int file, int rank) {
  return file >= 0 && file < kFileCount && rank >= 0 && rank < kRankCount;
}

struct SquareTable {
  std::array<std::uint8_t, kSquareCount + 1> file{};
  std::array<std::uint8_t, kSquareCount + 1> rank{};
};
constexpr SquareTable make_square_table() {
  SquareTable t;
  for (int s = 0; s < kSquareCount; ++s) {
    t.file[s] = std::uint8_t(s % kFileCount);
    t.rank[s] = std::uint8_t(s / kFileCount);
  }
  t.file[kSentinel] = 15;  // never matches a real file or rank
  t.rank[kSentinel] = 15;
  return t;
}
inline constexpr SquareTable kSq = make_square_table();
constexpr int file_of(int s) { return kSq.file[s]; }
constexpr int rank_of(int s) { return kSq.rank[s]; }

// Red's half is ranks 0-4, Black's ranks 5-9. A piece "has crossed the river" on the other half.
constexpr bool on_own_half(Color c, int rank) { return c == Color::Red ? rank <= 4 : rank >= 5; }
constexpr bool in_palace(int file, int rank) {
  return file >= 3 && file <= 5 && (rank <= 2 || rank >= 7);
}

// A step and the point that must be empty for it (the horse leg or elephant eye; the target itself
// for pieces that have no blocking point, which the generator never inspects).
struct Step {
  std::uint8_t to;
  std::uint8_t block;
};

template <int N>
struct StepList {
  std::array<Step, N> steps{};
  int count = 0;
  constexpr void add(int to, int block) { steps[count++] = Step{std::uint8_t(to), std::uint8_t(block)}; }
};

template <int N>
using StepTable = std::array<StepList<N>, kSquareCount>;

constexpr StepTable<8> make_horse_table() {
  StepTable<8> t{};
  for (int s = 0; s < kSquareCount; ++s) {
    const int f = s % 9, r = s / 9;
    constexpr int d[8][2] = {{1, 2}, {-1, 2}, {1, -2}, {-1, -2}, {2, 1}, {2, -1}, {-2, 1}, {-2, -1}};
    for (const auto& v : d) {
      if (!on_board(f + v[0], r + v[1])) continue;
      // The leg is the orthogonal neighbour in the direction of the two-point stride.
      const int lf = f + (v[0] == 2 || v[0] == -2 ? v[0] / 2 : 0);
      const int lr = r + (v[1] == 2 || v[1] == -2 ? v[1] / 2 : 0);
      t[s].add(sq(f + v[0], r + v[1]), sq(lf, lr));
    }
  }
  return t;
}

// Elephants never cross the river, so a point's table keeps only targets on its own half.
constexpr StepTable<4> make_elephant_table() {
  StepTable<4> t{};
  for (int s = 0; s < kSquareCount; ++s) {
    const int f = s % 9, r = s / 9;
    for (int dx : {-2, 2})
      for (int dy : {-2, 2}) {
        const int nf = f + dx, nr = r + dy;
        if (!on_board(nf, nr) || (r <= 4) != (nr <= 4)) continue;
        t[s].add(sq(nf, nr), sq(f + dx / 2, r + dy / 2));
      }
  }
  return t;
}

constexpr StepTable<4> make_advisor_table() {
  StepTable<4> t{};
  for (int s = 0; s < kSquareCount; ++s) {
    const int f = s % 9, r = s / 9;
    if (!in_palace(f, r)) continue;
    for (int dx : {-1, 1})
      for (int dy : {-1, 1}) {
        const int nf = f + dx, nr = r + dy;
        // Stay inside the same palace (the two palaces are far apart, so in_palace suffices).
        if (on_board(nf, nr) && in_palace(nf, nr)) t[s].add(sq(nf, nr), sq(nf, nr));
      }
  }
  return t;
}

constexpr StepTable<4> make_king_table() {
  StepTable<4> t{};
  for (int s = 0; s < kSquareCount; ++s) {
    const int f = s % 9, r = s / 9;
    if (!in_palace(f, r)) continue;
    constexpr int d[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    for (const auto& v : d) {
      const int nf = f + v[0], nr = r + v[1];
      if (on_board(nf, nr) && in_palace(nf, nr)) t[s].add(sq(nf, nr), sq(nf, nr));
    }
  }
  return t;
}

// Soldiers step forward, and also sideways once across the river.
constexpr std::array<StepTable<3>, 2> make_soldier_table() {
  std::array<StepTable<3>, 2> t{};
  for (int c = 0; c < 2; ++c)
    for (int s = 0; s < kSquareCount; ++s) {
      const int f = s % 9, r = s / 9;
      const int fwd = c == 0 ? 1 : -1;
      if (on_board(f, r + fwd)) t[c][s].add(sq(f, r + fwd), sq(f, r + fwd));
      if (!on_own_half(Color(c), r)) {
        if (f > 0) t[c][s].add(sq(f - 1, r), sq(f - 1, r));
        if (f < 8) t[c][s].add(sq(f + 1, r), sq(f + 1, r));
      }
    }
  return t;
}

inline constexpr StepTable<8> kHorse = make_horse_table();
inline constexpr StepTable<4> kElephant = make_elephant_table();
inline constexpr StepTable<4> kAdvisor = make_advisor_table();
inline constexpr StepTable<4> kKing = make_king_table();
inline constexpr std::array<StepTable<3>, 2> kSoldier = make_soldier_table();

// Horses that could attack a point: for each of its four diagonal neighbours (a horse leg), the two
// points from which a horse reaches the target through that leg. Off-board entries are kSentinel.
struct HorseAttack {
  std::uint8_t leg;
  std::uint8_t from[2];
};
constexpr std::array<std::array<HorseAttack, 4>, kSquareCount> make_horse_attack_table() {
  std::array<std::array<HorseAttack, 4>, kSquareCount> t{};
  for (int s = 0; s < kSquareCount; ++s) {
    const int f = s % 9, r = s / 9;
    int i = 0;
    for (int dx : {-1, 1})
      for (int dy : {-1, 1}) {
        auto at = [&](int ff, int rr) { return std::uint8_t(on_board(ff, rr) ? sq(ff, rr) : kSentinel); };
        t[s][i++] = HorseAttack{at(f + dx, r + dy), {at(f + 2 * dx, r + dy), at(f + dx, r + 2 * dy)}};
      }
  }
  return t;
}
inline constexpr auto kHorseAttack = make_horse_attack_table();

// Points each piece kind of each colour can ever stand on (FEN validation).
constexpr bool reachable(Color c, PieceType t, int file, int rank) {
  const int rr = c == Color::Red ? rank : 9 - rank;  // rank counted from the piece's own side
  switch (t) {
    case PieceType::King:
      return file >= 3 && file <= 5 && rr <= 2;
    case PieceType::Advisor:
      return (rr == 0 || rr == 2) ? (file == 3 || file == 5) : rr == 1 && file == 4;
    case PieceType::Elephant:
      return ((rr == 0 || rr == 4) && (file == 2 || file == 6)) || (rr == 2 && (file == 0 || file == 4 || file == 8));
    case PieceType::Soldier:
      // Before the river a soldier only steps forward from its start on files a, c, e, g, i.
      return rr >= 5 || ((rr == 3 || rr == 4) && file % 2 == 0);
    default:
      return true;
  }
}

// How many of each kind a side starts with; more cannot occur (there are no promotions).
constexpr int kMaxCount[kPieceTypeCount] = {1, 2, 2, 2, 2, 2, 5};

}  // namespace chuhe::rules::geo
