// Legal move generation.
//
// Strategy: generate each piece's pseudo-legal moves and decide legality as cheaply as possible.
// Once per position, `analyse` looks outwards from the side to move's general and finds
//   * "pinned" points: own pieces whose leaving could expose the general (the one piece between the
//     general and an enemy chariot or the other general; either of the two pieces between the general
//     and an enemy cannon; the piece on a horse leg next to the general with an enemy horse behind),
//   * "forbidden" points: the empty points between the general and an enemy cannon that has nothing
//     in between (a piece landing there would become the cannon's screen).
// When not in check, a move of an unpinned piece that is not the general is legal unless it lands on
// a forbidden point; only general moves and moves of pinned pieces get the full test (is the general
// attacked on the board after the move?). In check, every move gets the full test.
// Why this is complete: a non-general move changes the board only at `from` (emptied) and `to`
// (occupied). Emptying a point can only open a line or a horse leg, which the pinned set covers;
// occupying a point can only block, except that it can give an enemy cannon its screen, which the
// forbidden set covers (a piece that moves along the line it already stood on is pinned anyway).
#include "rules/movegen.h"

#include <bit>

namespace chuhe::rules {

namespace {

struct Mask128 {
  std::uint64_t w[2] = {0, 0};
  void set(int s) { w[s >> 6] |= 1ull << (s & 63); }
  bool test(int s) const { return (w[s >> 6] >> (s & 63)) & 1; }
  bool any() const { return (w[0] | w[1]) != 0; }
};

struct Legality {
  bool in_check = false;
  Mask128 pinned;
  Mask128 forbidden;
};

Legality analyse(const Position& pos) {
  Legality lg;
  lg.in_check = pos.in_check();
  if (lg.in_check) return lg;
  const Color us = pos.side_to_move(), them = ~us;
  const int ksq = pos.king_sq(us);
  const int kf = geo::file_of(ksq), kr = geo::rank_of(ksq);
  const Piece chariot = make_piece(them, PieceType::Chariot);
  const Piece cannon = make_piece(them, PieceType::Cannon);
  const Piece king = make_piece(them, PieceType::King);

  // p1..p3: the first three occupied points along a line from the general (-1 where none).
  auto line = [&](int p1, int p2, int p3, int step, bool along_file) {
    if (p1 < 0) return;
    if (pos.at(p1) == cannon)
      for (int s = ksq + step; s != p1; s += step) lg.forbidden.set(s);
    if (p2 < 0) return;
    const Piece q2 = pos.at(p2);
    if (q2 == chariot || (along_file && q2 == king)) lg.pinned.set(p1);
    if (p3 >= 0 && pos.at(p3) == cannon) {
      lg.pinned.set(p1);
      lg.pinned.set(p2);
    }
  };
  // Walking "up" a mask (towards higher bits) and "down" (towards lower bits).
  auto up = [](std::uint32_t u, int base, int step, int out[3]) {
    for (int i = 0; i < 3; ++i) {
      out[i] = u ? base + step * (std::countr_zero(u) + 1) : -1;
      u &= u - 1;
    }
  };
  auto down = [](std::uint32_t d, int scale, int offset, int out[3]) {
    for (int i = 0; i < 3; ++i) {
      if (d) {
        const int hb = 31 - std::countl_zero(d);
        out[i] = hb * scale + offset;
        d ^= 1u << hb;
      } else {
        out[i] = -1;
      }
    }
  };
  const std::uint32_t F = pos.file_occ(kf), R = pos.rank_occ(kr);
  int p[3];
  up(F >> (kr + 1), ksq, 9, p);
  line(p[0], p[1], p[2], 9, true);
  down(F & ((1u << kr) - 1), 9, kf, p);
  line(p[0], p[1], p[2], -9, true);
  up(R >> (kf + 1), ksq, 1, p);
  line(p[0], p[1], p[2], 1, false);
  down(R & ((1u << kf) - 1), 1, kr * 9, p);
  line(p[0], p[1], p[2], -1, false);

  const Piece horse = make_piece(them, PieceType::Horse);
  for (const geo::HorseAttack& h : geo::kHorseAttack[ksq])
    if (pos.at(h.leg) != Piece::None && (pos.at(h.from[0]) == horse || pos.at(h.from[1]) == horse))
      lg.pinned.set(h.leg);
  return lg;
}

// ---- Output policies: write moves, or just count them ----
struct CountOut {
  int n = 0;
  void add(int, int) { ++n; }
  void add_ray(int, int, int, int k) { n += k; }
};
struct ListOut {
  Move* cur;
  void add(int from, int to) { *cur++ = Move::from_raw(std::uint16_t(from << 7 | to)); }
  void add_ray(int from, int to, int step, int k) {
    for (int i = 0; i < k; ++i, to += step) add(from, to);
  }
};

// ---- Legality policies wrapped around an output ----
enum class Check { None, Forbidden, Full };
template <class Out, Check C>
struct Sink {
  Out& out;
  const Position& pos;
  const Legality& lg;
  void add(int from, int to) {
    if constexpr (C == Check::Forbidden)
      if (lg.forbidden.test(to)) return;
    if constexpr (C == Check::Full)
      if (pos.attacked_after(from, to)) return;
    out.add(from, to);
  }
  // k quiet moves from `from` to `to`, `to + step`, ...
  void add_ray(int from, int to, int step, int k) {
    if constexpr (C == Check::None) {
      out.add_ray(from, to, step, k);
    } else {
      for (int i = 0; i < k; ++i, to += step) add(from, to);
    }
  }
};

constexpr bool kQuiets(GenType g) { return g != GenType::Captures; }
constexpr bool kCaptures(GenType g) { return g != GenType::Quiets; }

// Chariots and cannons share the quiet slides; they differ in what they capture: the first piece in
// a direction (chariot) or the second, jumping the first as a screen (cannon).
template <GenType G, bool kCannon, class S>
inline void gen_slider(const Position& pos, S& sink, int s, int own) {
  const int f = geo::file_of(s), r = geo::rank_of(s);
  const std::uint32_t F = pos.file_occ(f), R = pos.rank_occ(r);
  auto capture = [&](int t) {
    if (!(int(pos.at(t)) & own)) sink.add(s, t);
  };
  // Towards rank 9.
  std::uint32_t u = F >> (r + 1);
  int n = u ? std::countr_zero(u) : 9 - r;
  if constexpr (kQuiets(G)) sink.add_ray(s, s + 9, 9, n);
  if (kCaptures(G) && u) {
    if constexpr (kCannon) {
      u &= u - 1;
      if (u) capture(s + 9 * (std::countr_zero(u) + 1));
    } else {
      capture(s + 9 * (n + 1));
    }
  }
  // Towards rank 0.
  std::uint32_t d = F & ((1u << r) - 1);
  if (d) {
    const int hb = 31 - std::countl_zero(d);
    n = r - hb - 1;
    if constexpr (kCaptures(G)) {
      if constexpr (kCannon) {
        d ^= 1u << hb;
        if (d) capture((31 - std::countl_zero(d)) * 9 + f);
      } else {
        capture(hb * 9 + f);
      }
    }
  } else {
    n = r;
  }
  if constexpr (kQuiets(G)) sink.add_ray(s, s - 9, -9, n);
  // Towards file i.
  u = R >> (f + 1);
  n = u ? std::countr_zero(u) : 8 - f;
  if constexpr (kQuiets(G)) sink.add_ray(s, s + 1, 1, n);
  if (kCaptures(G) && u) {
    if constexpr (kCannon) {
      u &= u - 1;
      if (u) capture(s + std::countr_zero(u) + 1);
    } else {
      capture(s + n + 1);
    }
  }
  // Towards file a.
  d = R & ((1u << f) - 1);
  if (d) {
    const int hb = 31 - std::countl_zero(d);
    n = f - hb - 1;
    if constexpr (kCaptures(G)) {
      if constexpr (kCannon) {
        d ^= 1u << hb;
        if (d) capture(r * 9 + 31 - std::countl_zero(d));
      } else {
        capture(r * 9 + hb);
      }
    }
  } else {
    n = f;
  }
  if constexpr (kQuiets(G)) sink.add_ray(s, s - 1, -1, n);
}

// Step pieces: each table entry is a target and the point that must be empty (leg/eye), if any.
template <GenType G, bool kBlockable, int N, class S>
inline void gen_steps(const Position& pos, S& sink, int s, int own, const geo::StepList<N>& list) {
  for (int i = 0; i < list.count; ++i) {
    const geo::Step st = list.steps[i];
    if (kBlockable && pos.at(st.block) != Piece::None) continue;
    const Piece p = pos.at(st.to);
    if (p == Piece::None) {
      if constexpr (kQuiets(G)) sink.add(s, st.to);
    } else if (!(int(p) & own)) {
      if constexpr (kCaptures(G)) sink.add(s, st.to);
    }
  }
}

template <GenType G, class S>
inline void gen_piece(const Position& pos, S& sink, PieceType t, int s, Color us) {
  const int own = color_bit(us);
  switch (t) {
    case PieceType::Chariot: gen_slider<G, false>(pos, sink, s, own); break;
    case PieceType::Cannon: gen_slider<G, true>(pos, sink, s, own); break;
    case PieceType::Horse: gen_steps<G, true>(pos, sink, s, own, geo::kHorse[s]); break;
    case PieceType::Elephant: gen_steps<G, true>(pos, sink, s, own, geo::kElephant[s]); break;
    case PieceType::Advisor: gen_steps<G, false>(pos, sink, s, own, geo::kAdvisor[s]); break;
    case PieceType::Soldier: gen_steps<G, false>(pos, sink, s, own, geo::kSoldier[int(us)][s]); break;
    case PieceType::King: gen_steps<G, false>(pos, sink, s, own, geo::kKing[s]); break;
  }
}

// Every piece of the side to move: unpinned pieces through `free`, pinned ones and the general
// through `checked`.
template <GenType G, class SF, class SC>
inline void gen_all_pieces(const Position& pos, const Legality& lg, SF& free, SC& checked) {
  const Color us = pos.side_to_move();
  constexpr PieceType kOrder[] = {PieceType::Chariot, PieceType::Cannon,  PieceType::Horse,
                                  PieceType::Elephant, PieceType::Advisor, PieceType::Soldier};
  for (PieceType t : kOrder) {
    const Piece pc = make_piece(us, t);
    const std::uint8_t* sq = pos.squares(pc);
    for (int i = 0, n = pos.count(pc); i < n; ++i) {
      const int s = sq[i];
      if (lg.pinned.test(s))
        gen_piece<G>(pos, checked, t, s, us);
      else
        gen_piece<G>(pos, free, t, s, us);
    }
  }
  gen_piece<G>(pos, checked, PieceType::King, pos.king_sq(us), us);
}

template <GenType G, class Out>
inline void generate(const Position& pos, Out& out) {
  const Legality lg = analyse(pos);
  Sink<Out, Check::Full> checked{out, pos, lg};
  if (lg.in_check) {
    gen_all_pieces<G>(pos, lg, checked, checked);
  } else if (lg.forbidden.any()) {
    Sink<Out, Check::Forbidden> free{out, pos, lg};
    gen_all_pieces<G>(pos, lg, free, checked);
  } else {
    Sink<Out, Check::None> free{out, pos, lg};
    gen_all_pieces<G>(pos, lg, free, checked);
  }
}

// Is from->to a pseudo-legal move of the piece on `from` (its own geometry and blockers)?
bool pseudo_legal(const Position& pos, int from, int to) {
  const Piece pc = pos.at(from);
  const Piece target = pos.at(to);
  if (pc == Piece::None || color_of(pc) != pos.side_to_move()) return false;
  if (target != Piece::None && color_of(target) == color_of(pc)) return false;
  auto in_steps = [&](const auto& list, bool blockable) {
    for (int i = 0; i < list.count; ++i)
      if (list.steps[i].to == to) return !blockable || pos.at(list.steps[i].block) == Piece::None;
    return false;
  };
  switch (type_of(pc)) {
    case PieceType::Chariot:
    case PieceType::Cannon: {
      const int ff = geo::file_of(from), fr = geo::rank_of(from), tf = geo::file_of(to), tr = geo::rank_of(to);
      int between;
      if (ff == tf) {
        const int lo = std::min(fr, tr), hi = std::max(fr, tr);
        between = std::popcount(pos.file_occ(ff) & ((1u << hi) - 1) & ~((2u << lo) - 1));
      } else if (fr == tr) {
        const int lo = std::min(ff, tf), hi = std::max(ff, tf);
        between = std::popcount(pos.rank_occ(fr) & ((1u << hi) - 1) & ~((2u << lo) - 1));
      } else {
        return false;
      }
      if (type_of(pc) == PieceType::Chariot) return between == 0;
      return target == Piece::None ? between == 0 : between == 1;
    }
    case PieceType::Horse: return in_steps(geo::kHorse[from], true);
    case PieceType::Elephant: return in_steps(geo::kElephant[from], true);
    case PieceType::Advisor: return in_steps(geo::kAdvisor[from], false);
    case PieceType::King: return in_steps(geo::kKing[from], false);
    case PieceType::Soldier: return in_steps(geo::kSoldier[int(color_of(pc))][from], false);
  }
  return false;
}

}  // namespace

template <GenType G>
void generate_legal(const Position& pos, MoveList& list) {
  ListOut out{list.data()};
  generate<G>(pos, out);
  list.resize(int(out.cur - list.data()));
}

template void generate_legal<GenType::All>(const Position&, MoveList&);
template void generate_legal<GenType::Captures>(const Position&, MoveList&);
template void generate_legal<GenType::Quiets>(const Position&, MoveList&);

int count_legal(const Position& pos) {
  CountOut out;
  generate<GenType::All>(pos, out);
  return out.n;
}

bool is_legal(const Position& pos, Move m) {
  if (!m.is_ok()) return false;
  const int from = int(m.from()), to = int(m.to());
  return pseudo_legal(pos, from, to) && !pos.attacked_after(from, to);
}

bool has_legal_move(const Position& pos) { return count_legal(pos) > 0; }

}  // namespace chuhe::rules
