// Perpetual-chase detection. See chase.h and docs/rules.md ("Perpetual chase") for the rules; the
// comments below name the rule each step applies.
//
// This works on a plain copy of the board (a piece per point plus an occupancy set), not on the
// Position, because it needs the board both before and after each move of a cycle. Speed matters
// little here (it runs only when a repetition is adjudicated), clarity more.
#include "rules/chase.h"

#include <cstdlib>
#include <vector>

#include "rules/geometry.h"

namespace chuhe::rules {
namespace {

struct Board {
  Piece sq[kSquareCount];
  SquareSet occ;
};

Board board_of(const Position& pos) {
  Board b;
  for (int s = 0; s < kSquareCount; ++s) {
    b.sq[s] = pos.piece_on(Square(s));
    b.occ.set(std::size_t(s), b.sq[s] != Piece::None);
  }
  return b;
}

// The board before move m (which captured `captured`) was made on `after`.
Board board_before(const Board& after, Move m, Piece captured) {
  Board b = after;
  const int from = int(m.from()), to = int(m.to());
  b.sq[from] = after.sq[to];
  b.sq[to] = captured;
  b.occ.set(std::size_t(from));
  b.occ.set(std::size_t(to), captured != Piece::None);
  return b;
}

bool is_color(Piece p, Color c) { return p != Piece::None && color_of(p) == c; }

template <class F>
void for_each_bit(const SquareSet& set, F&& f) {
  for (int s = 0; s < kSquareCount; ++s)
    if (set.test(std::size_t(s))) f(s);
}

SquareSet pieces(const Board& b, Color c) {
  SquareSet out;
  for (int s = 0; s < kSquareCount; ++s)
    if (is_color(b.sq[s], c)) out.set(std::size_t(s));
  return out;
}

SquareSet pieces(const Board& b, Color c, PieceType t) {
  SquareSet out;
  const Piece p = make_piece(c, t);
  for (int s = 0; s < kSquareCount; ++s)
    if (b.sq[s] == p) out.set(std::size_t(s));
  return out;
}

int king_of(const Board& b, Color c) {
  const Piece k = make_piece(c, PieceType::King);
  for (int s = 0; s < kSquareCount; ++s)
    if (b.sq[s] == k) return s;
  return geo::kSentinel;  // unreachable: every legal position has both generals
}

// The points a piece of colour c and kind t standing on s attacks (could capture on, whatever
// stands there now) when the occupied points are occ.
SquareSet attacks(Color c, PieceType t, int s, const SquareSet& occ) {
  SquareSet a;
  auto add_steps = [&](const auto& list, bool blockable) {
    for (int i = 0; i < list.count; ++i)
      if (!blockable || !occ.test(list.steps[i].block)) a.set(list.steps[i].to);
  };
  switch (t) {
    case PieceType::King: add_steps(geo::kKing[s], false); break;
    case PieceType::Advisor: add_steps(geo::kAdvisor[s], false); break;
    case PieceType::Elephant: add_steps(geo::kElephant[s], true); break;
    case PieceType::Horse: add_steps(geo::kHorse[s], true); break;
    case PieceType::Soldier: add_steps(geo::kSoldier[int(c)][s], false); break;
    case PieceType::Chariot:
    case PieceType::Cannon: {
      constexpr int df[4] = {1, -1, 0, 0}, dr[4] = {0, 0, 1, -1};
      for (int d = 0; d < 4; ++d) {
        bool screen = false;
        for (int f = geo::file_of(s) + df[d], r = geo::rank_of(s) + dr[d]; geo::on_board(f, r); f += df[d], r += dr[d]) {
          const int x = geo::sq(f, r);
          const bool full = occ.test(std::size_t(x));
          if (t == PieceType::Chariot) {
            a.set(std::size_t(x));
            if (full) break;
          } else if (full) {
            if (screen) {
              a.set(std::size_t(x));
              break;
            }
            screen = true;
          }
        }
      }
      break;
    }
  }
  return a;
}

// The pieces of colour c on the board (and in occ) that attack s.
SquareSet attackers(const Board& b, int s, const SquareSet& occ, Color c) {
  SquareSet out;
  for (int p = 0; p < kSquareCount; ++p)
    if (occ.test(std::size_t(p)) && is_color(b.sq[p], c) && attacks(c, type_of(b.sq[p]), p, occ).test(std::size_t(s)))
      out.set(std::size_t(p));
  return out;
}

// The occupied points strictly between a and b on one rank or file; `aligned` says whether they are.
SquareSet between(int a, int b, const SquareSet& occ, bool& aligned) {
  SquareSet out;
  const int fa = geo::file_of(a), ra = geo::rank_of(a), fb = geo::file_of(b), rb = geo::rank_of(b);
  aligned = (fa == fb) != (ra == rb);
  if (!aligned) return out;
  const int df = fb > fa ? 1 : fb < fa ? -1 : 0, dr = rb > ra ? 1 : rb < ra ? -1 : 0;
  for (int f = fa + df, r = ra + dr; f != fb || r != rb; f += df, r += dr)
    if (occ.test(std::size_t(geo::sq(f, r)))) out.set(std::size_t(geo::sq(f, r)));
  return out;
}

// Pieces of either colour that alone stand between c's general and an enemy attack on it: the one
// piece between it and an enemy chariot, the one or two pieces between it and an enemy cannon, a
// piece on the leg of an enemy horse that would otherwise attack it. (The generals' facing is
// handled by the caller where it matters.) Moving such a piece of c's exposes c's general (the piece
// is pinned); moving such a piece of the enemy gives a discovered check.
SquareSet king_blockers(const Board& b, Color c) {
  SquareSet out;
  const int k = king_of(b, c);
  for (int p = 0; p < kSquareCount; ++p) {
    if (!is_color(b.sq[p], ~c)) continue;
    const PieceType t = type_of(b.sq[p]);
    if (t == PieceType::Chariot || t == PieceType::Cannon) {
      bool aligned = false;
      const SquareSet btw = between(p, k, b.occ, aligned);
      const std::size_t n = btw.count();
      if (aligned && (n == 1 || (t == PieceType::Cannon && n == 2))) out |= btw;
    } else if (t == PieceType::Horse) {
      const auto& list = geo::kHorse[p];
      for (int i = 0; i < list.count; ++i)
        if (list.steps[i].to == k && b.occ.test(list.steps[i].block)) out.set(list.steps[i].block);
    }
  }
  return out;
}

bool same_line(int a, int b) { return geo::file_of(a) == geo::file_of(b) || geo::rank_of(a) == geo::rank_of(b); }

// Would c's general be attacked (the generals facing each other included) on b?
bool king_attacked(const Board& b, Color c) {
  const int k = king_of(b, c), other = king_of(b, ~c);
  if (attackers(b, k, b.occ, ~c).any()) return true;
  bool aligned = false;
  return geo::file_of(k) == geo::file_of(other) && between(k, other, b.occ, aligned).none();
}

// b after the piece on `from` moved to `to` (capturing whatever stood there).
Board after_move(const Board& b, int from, int to) {
  Board out = b;
  out.sq[to] = b.sq[from];
  out.sq[from] = Piece::None;
  out.occ.reset(std::size_t(from));
  out.occ.set(std::size_t(to));
  return out;
}

bool legal_capture(const Board& b, int from, int to) { return !king_attacked(after_move(b, from, to), color_of(b.sq[from])); }

// What the chase rules need to know about one board, for chases of `victim`'s pieces.
struct Side {
  const Board& b;
  Color victim;
  SquareSet ours;    // the victim's pieces
  SquareSet exempt;  // pieces that cannot be chased: the general, soldiers that have not crossed
  SquareSet pins;    // the victim's pinned pieces (against the general, or alone between the generals)

  Side(const Board& board, Color v) : b(board), victim(v), ours(pieces(board, v)) {
    exempt = pieces(b, victim, PieceType::King);
    for_each_bit(pieces(b, victim, PieceType::Soldier), [&](int s) {
      if (geo::on_own_half(victim, geo::rank_of(s))) exempt.set(std::size_t(s));
    });
    pins = king_blockers(b, victim) & ours;
    bool aligned = false;
    const int vk = king_of(b, victim), ck = king_of(b, ~victim);
    const SquareSet btw = between(vk, ck, b.occ, aligned);
    if (geo::file_of(vk) == geo::file_of(ck) && btw.count() == 1 && (btw & ours).any()) pins |= btw;
  }

  // Is the victim's piece on s protected against a capture by the piece on attacker_sq: could the
  // victim legally take back on s after that capture? A protector behind the attacker counts; a
  // pinned protector, or a general that would face the other general, does not.
  bool protected_against(int attacker_sq, int s) const {
    const Board after_capture = after_move(b, attacker_sq, s);
    const SquareSet roots = attackers(after_capture, s, after_capture.occ, victim);
    for (int r = 0; r < kSquareCount; ++r)
      if (roots.test(std::size_t(r)) && legal_capture(after_capture, r, s)) return true;
    return false;
  }

  // Which of `targets` (the victim's pieces that the piece on attacker_sq, of kind attacker, attacks)
  // that attack chases.
  SquareSet chases(int attacker_sq, PieceType attacker, SquareSet targets) const {
    SquareSet out;
    targets &= ~exempt;
    // Attacks on a piece worth more are chases whether or not it is protected.
    if (attacker == PieceType::Horse || attacker == PieceType::Cannon)
      out |= targets & pieces(b, victim, PieceType::Chariot);
    if (attacker == PieceType::Elephant || attacker == PieceType::Advisor)
      out |= targets & (pieces(b, victim, PieceType::Chariot) | pieces(b, victim, PieceType::Cannon) |
                        pieces(b, victim, PieceType::Horse));
    // Attacking a piece of one's own kind is an offer to exchange, not a chase, unless the attacked
    // piece cannot strike back: it is pinned, or (horses) its own leg is blocked.
    if (attacker == PieceType::Horse) {
      bool impaired = false;
      for (int df : {-1, 1})
        for (int dr : {-1, 1}) {
          const int f = geo::file_of(attacker_sq) + df, r = geo::rank_of(attacker_sq) + dr;
          if (geo::on_board(f, r) && b.occ.test(std::size_t(geo::sq(f, r)))) impaired = true;
        }
      if (impaired) {
        for_each_bit(targets & pieces(b, victim, PieceType::Horse), [&](int h) {
          if (attacks(victim, PieceType::Horse, h, b.occ).test(std::size_t(attacker_sq))) targets.reset(std::size_t(h));
        });
      } else {
        targets &= ~pieces(b, victim, PieceType::Horse) | pins;
      }
    } else {
      targets &= ~pieces(b, victim, attacker) | pins;
    }
    for_each_bit(targets, [&](int s) {
      if (!protected_against(attacker_sq, s)) out.set(std::size_t(s));
    });
    return out;
  }
};

// The pieces of `victim` (the side to move on `after`) that move m, played on `before`, chases.
SquareSet chased_by_move(const Board& before, const Board& after, Move m, Color victim) {
  const Color chaser = ~victim;
  const SquareSet& occ = after.occ;
  const Side now(after, victim);
  const SquareSet& ours = now.ours;
  const SquareSet& exempt = now.exempt;
  const int vk = king_of(after, victim);
  SquareSet chased;
  auto add_chased = [&](int attacker_sq, PieceType attacker, const SquareSet& targets) {
    chased |= now.chases(attacker_sq, attacker, targets);
  };

  const int from = int(m.from()), to = int(m.to());
  // 1. Attacks by the moved piece (never a general's or a soldier's). For a chariot or cannon only
  //    the attacks off its line of travel are new; those along it are tested exactly in step 2.
  const PieceType moved = type_of(after.sq[to]);
  if (moved != PieceType::King && moved != PieceType::Soldier) {
    SquareSet direct = attacks(chaser, moved, to, occ) & ours;
    if (moved == PieceType::Chariot || moved == PieceType::Cannon)
      for (int s = 0; s < kSquareCount; ++s)
        if ((geo::file_of(from) == geo::file_of(to) && geo::file_of(s) == geo::file_of(to)) ||
            (geo::rank_of(from) == geo::rank_of(to) && geo::rank_of(s) == geo::rank_of(to)))
          direct.reset(std::size_t(s));
    add_chased(to, moved, direct);
  }

  // 2. Discovered attacks: new attacks of pieces whose line, leg or eye the move opened (or, for a
  //    cannon, whose screen it supplied), the moved chariot or cannon along its own line included.
  for (int s = 0; s < kSquareCount; ++s) {
    if (!is_color(after.sq[s], chaser)) continue;
    const PieceType t = type_of(after.sq[s]);
    const int df = std::abs(geo::file_of(s) - geo::file_of(from)), dr = std::abs(geo::rank_of(s) - geo::rank_of(from));
    const bool candidate = (t == PieceType::Horse && df + dr == 1) || (t == PieceType::Elephant && df == 1 && dr == 1) ||
                           ((t == PieceType::Chariot || t == PieceType::Cannon) && s != from && same_line(s, from)) ||
                           (t == PieceType::Cannon && s != to && same_line(s, to));
    if (!candidate) continue;
    const SquareSet found = ours & attacks(chaser, t, s, occ) & ~attacks(chaser, t, s, before.occ);
    add_chased(s, t, found);
  }

  const SquareSet new_blockers = king_blockers(after, victim) & ~king_blockers(before, victim);
  // 3. New pins undermine roots: a piece of the victim that the move pinned no longer protects, so
  //    every chaseable piece it was protecting that an unpinned chaser piece attacks is chased.
  const SquareSet chaser_blockers = king_blockers(after, chaser);
  for_each_bit(new_blockers & ours, [&](int s) {
    const SquareSet fake = ours & ~exempt & attacks(victim, type_of(after.sq[s]), s, occ);
    for_each_bit(fake, [&](int s2) {
      if ((attackers(after, s2, occ, chaser) & ~chaser_blockers).any()) chased.set(std::size_t(s2));
    });
  });
  // 4. Discovered-check threats: a chaser piece that now masks a check on the victim's general
  //    threatens to capture with check. What it attacks is chased unless the general could take it
  //    back safely.
  const SquareSet king_reach = attacks(victim, PieceType::King, vk, occ);
  for_each_bit(new_blockers & pieces(after, chaser), [&](int s) {
    SquareSet threatened = attacks(chaser, type_of(after.sq[s]), s, occ) & ours;
    chased |= threatened & ~king_reach;
    threatened &= king_reach;
    SquareSet without = occ;
    without.reset(std::size_t(s));
    without.reset(std::size_t(vk));
    for_each_bit(threatened, [&](int s2) {
      SquareSet guards = attackers(after, s2, without, chaser);
      guards.reset(std::size_t(s));
      if (guards.any()) chased.set(std::size_t(s2));
    });
  });
  // 5. Chases the move made possible without a new attack: a piece of the mover that attacked a
  //    piece before and after the move, but could win it only after it because the move unpinned
  //    the attacker, or made the target's protector unable to recapture legally (pinned it, or
  //    made the generals face each other after the recapture).
  const Side earlier(before, victim);
  for (int p = 0; p < kSquareCount; ++p) {
    if (p == to || !is_color(after.sq[p], chaser)) continue;
    const PieceType t = type_of(after.sq[p]);
    const SquareSet both = ours & ~exempt & ~chased & attacks(chaser, t, p, occ) & attacks(chaser, t, p, before.occ);
    for_each_bit(both, [&](int s) {
      if (!legal_capture(after, p, s)) return;
      SquareSet one;
      one.set(std::size_t(s));
      if (now.chases(p, t, one).none()) return;
      if (!legal_capture(before, p, s)) {  // the move unpinned the attacker
        chased.set(std::size_t(s));
        return;
      }
      if (earlier.chases(p, t, one).any()) return;  // chased before already: nothing new
      // New only if a protector that could take back before still reaches s but may no longer
      // take back (a protector merely blocked or left unscreened does not count: the attack is
      // judged as Fairy-Stockfish does, by the attacks the move itself creates).
      const Board then = after_move(before, p, s), later = after_move(after, p, s);
      const SquareSet roots = attackers(then, s, then.occ, victim) & attackers(later, s, later.occ, victim);
      for_each_bit(roots, [&](int r) {
        if (legal_capture(then, r, s) && !legal_capture(later, r, s)) chased.set(std::size_t(s));
      });
    });
  }
  return chased;
}

// Follows a set of pieces back over one move of theirs: a piece now on m's destination stood on its origin.
SquareSet undo_squares(SquareSet set, Move m) {
  if (set.test(std::size_t(m.to()))) {
    set.reset(std::size_t(m.to()));
    set.set(std::size_t(m.from()));
  }
  return set;
}

}  // namespace

SquareSet chased_by_last_move(const Position& pos) {
  const StateInfo* st = pos.state();
  if (!st->move || st->previous == nullptr) return {};
  const Board after = board_of(pos);
  return chased_by_move(board_before(after, st->move, st->captured), after, st->move, pos.side_to_move());
}

ChaseVerdict find_perpetual_chase(const Position& pos, int length) {
  ChaseVerdict verdict;
  if (length < 2) return verdict;
  // boards[i]: the board after the i-th most recent move, moves[i]; boards[length]: before them all.
  std::vector<Board> boards;
  std::vector<Move> moves;
  std::vector<bool> checks;  // checks[i]: the i-th most recent move gave check
  boards.reserve(static_cast<std::size_t>(length) + 1);
  moves.reserve(static_cast<std::size_t>(length));
  boards.push_back(board_of(pos));
  const StateInfo* st = pos.state();
  for (int i = 0; i < length; ++i, st = st->previous) {
    if (!st->move || st->previous == nullptr) return verdict;  // not a real cycle: no verdict
    moves.push_back(st->move);
    checks.push_back(st->in_check);
    boards.push_back(board_before(boards.back(), st->move, st->captured));
  }
  auto chased = [&](int i) {
    const Color victim = i % 2 == 0 ? pos.side_to_move() : ~pos.side_to_move();
    return chased_by_move(boards[std::size_t(i) + 1], boards[std::size_t(i)], moves[std::size_t(i)], victim);
  };
  // A side chases perpetually if one piece is chased by every one of its moves in the cycle that
  // did not give check (one check, one chase counts as a perpetual chase), followed through the
  // chased side's own moves in between. A move's chases are computed only while its side still has
  // a candidate.
  for (int first = 0; first < 2; ++first) {
    bool any_chase_move = false;
    SquareSet acc;
    for (int j = first; j < length; j += 2) {
      if (j > first) acc = undo_squares(acc, moves[std::size_t(j - 1)]);
      if (checks[std::size_t(j)]) continue;
      const SquareSet c = chased(j);
      acc = any_chase_move ? (acc & c) : c;
      any_chase_move = true;
      if (acc.none()) break;
    }
    const Color mover = first == 0 ? ~pos.side_to_move() : pos.side_to_move();
    verdict.chasing[int(mover)] = any_chase_move && acc.any();
  }
  return verdict;
}

}  // namespace chuhe::rules
