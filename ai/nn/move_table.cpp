#include "ai/nn/move_table.h"

#include <array>
#include <cstdlib>

namespace chuhe::ai::nn {

namespace {

struct Table {
  std::array<std::int16_t, 1 << 14> index;  // by Move::raw()
  std::array<std::uint16_t, kPolicySize> moves;
  int count = 0;
};

bool is_elephant_point(int f, int r) {
  const int rr = r >= 5 ? 9 - r : r;  // fold Black's half onto Red's
  return (rr == 0 && (f == 2 || f == 6)) || (rr == 2 && (f == 0 || f == 4 || f == 8)) ||
         (rr == 4 && (f == 2 || f == 6));
}
bool is_advisor_point(int f, int r) {
  const int rr = r >= 5 ? 9 - r : r;
  return ((rr == 0 || rr == 2) && (f == 3 || f == 5)) || (rr == 1 && f == 4);
}
bool same_half(int r1, int r2) { return (r1 <= 4) == (r2 <= 4); }

// Can some piece, on some board, move from (f1, r1) to (f2, r2)?
bool reachable(int f1, int r1, int f2, int r2) {
  const int df = std::abs(f2 - f1), dr = std::abs(r2 - r1);
  if (df + dr == 0) return false;
  if (df == 0 || dr == 0) return true;                    // chariot / cannon lines
  if ((df == 1 && dr == 2) || (df == 2 && dr == 1)) return true;  // horse
  if (df == 2 && dr == 2)                                 // elephant (never crosses the river)
    return is_elephant_point(f1, r1) && is_elephant_point(f2, r2) && same_half(r1, r2);
  if (df == 1 && dr == 1)                                 // advisor, inside one palace
    return is_advisor_point(f1, r1) && is_advisor_point(f2, r2) && same_half(r1, r2);
  return false;
}

Table build() {
  Table t;
  t.index.fill(-1);
  for (int from = 0; from < rules::kSquareCount; ++from)
    for (int to = 0; to < rules::kSquareCount; ++to) {
      if (!reachable(from % 9, from / 9, to % 9, to / 9)) continue;
      const rules::Move m{rules::Square(from), rules::Square(to)};
      if (t.count >= kPolicySize) std::abort();  // the geometry above disagrees with kPolicySize
      t.index[m.raw()] = std::int16_t(t.count);
      t.moves[std::size_t(t.count++)] = m.raw();
    }
  if (t.count != kPolicySize) std::abort();
  return t;
}

const Table& table() {
  static const Table t = build();
  return t;
}

}  // namespace

int policy_index(rules::Move m) {
  if (m.raw() >= (1u << 14)) return -1;
  return table().index[m.raw()];
}

rules::Move policy_move(int i) { return rules::Move::from_raw(table().moves[std::size_t(i)]); }

}  // namespace chuhe::ai::nn
