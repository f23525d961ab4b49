#include "ai/eval.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>

#include "ai/eval_weights.h"

namespace chuhe::ai {

using rules::Color;
using rules::Piece;
using rules::PieceType;
using rules::Position;
namespace geo = rules::geo;

namespace {

// Rough piece values, only to order attackers and victims ("attacked by a cheaper piece").
constexpr int kOrderValue[rules::kPieceTypeCount] = {100, 2, 2, 4, 9, 4, 1};

constexpr int pst_index(Color c, int s) {
  const int f = s % 9, r = s / 9;
  const int rr = c == Color::Red ? r : 9 - r;
  return rr * 5 + std::min(f, 8 - f);
}
constexpr int rel_rank(Color c, int s) { return c == Color::Red ? s / 9 : 9 - s / 9; }

// The first two pieces met from s in each of the four straight directions, and the empty points
// before the first. Read off the rank and file occupancy masks: a shift and a bit scan each.
struct Ray {
  int empty;
  int first;   // square of the first piece, or -1
  int second;  // square of the second piece, or -1
};
inline void cast_rays(const Position& pos, int s, Ray out[4]) {
  const int f = s % 9, r = s / 9;
  const std::uint32_t R = pos.rank_occ(r), F = pos.file_occ(f);
  std::uint32_t u = R >> (f + 1);  // towards file i
  if (u) {
    const int k = std::countr_zero(u);
    u &= u - 1;
    out[0] = {k, s + k + 1, u ? s + std::countr_zero(u) + 1 : -1};
  } else {
    out[0] = {8 - f, -1, -1};
  }
  std::uint32_t d = R & ((1u << f) - 1);  // towards file a
  if (d) {
    const int hb = 31 - std::countl_zero(d);
    d ^= 1u << hb;
    out[1] = {f - hb - 1, r * 9 + hb, d ? r * 9 + 31 - std::countl_zero(d) : -1};
  } else {
    out[1] = {f, -1, -1};
  }
  u = F >> (r + 1);  // towards rank 9
  if (u) {
    const int k = std::countr_zero(u);
    u &= u - 1;
    out[2] = {k, s + 9 * (k + 1), u ? s + 9 * (std::countr_zero(u) + 1) : -1};
  } else {
    out[2] = {9 - r, -1, -1};
  }
  d = F & ((1u << r) - 1);  // towards rank 0
  if (d) {
    const int hb = 31 - std::countl_zero(d);
    d ^= 1u << hb;
    out[3] = {r - hb - 1, hb * 9 + f, d ? (31 - std::countl_zero(d)) * 9 + f : -1};
  } else {
    out[3] = {r, -1, -1};
  }
}

// Accumulates weighted features for the evaluation proper.
struct ScoreAcc {
  const EvalWeights& w;
  int mg = 0, eg = 0;
  void add(int param, Color c, int n) {
    const int v = c == Color::Red ? n : -n;
    mg += w[param].mg * v;
    eg += w[param].eg * v;
  }
};

// Records the feature coefficients instead (tuner).
struct TraceAcc {
  const EvalWeights& w;
  int mg = 0, eg = 0;
  int coef[prm::kCount] = {};
  void add(int param, Color c, int n) {
    const int v = c == Color::Red ? n : -n;
    coef[param] += v;
    mg += w[param].mg * v;
    eg += w[param].eg * v;
  }
};

// Which squares each side attacks, by its cheapest attacker (occupied squares are all that matter:
// the map only serves "is this piece attacked / defended, and by what").
struct AttackMap {
  std::uint8_t cheapest[2][rules::kSquareCount + 1];
  void reset() { std::memset(cheapest, 0xFF, sizeof cheapest); }
  void mark(Color c, int s, int value) {
    std::uint8_t& v = cheapest[int(c)][s];
    if (value < v) v = std::uint8_t(value);
  }
};

template <class Acc>
int evaluate_side(const Position& pos, Color us, Acc& acc, AttackMap& att) {
  const Color them = ~us;
  const int usb = rules::color_bit(us);
  auto is_ours = [&](int s) { return (int(pos.at(s)) & usb) != 0; };
  auto is_theirs = [&](int s) { return (int(pos.at(s)) & rules::color_bit(them)) != 0; };
  const int their_king = pos.king_sq(them);
  const int tkf = their_king % 9, tkr = their_king / 9;
  int phase = 0;

  auto near_their_king = [&](int s) {
    return std::abs(s % 9 - tkf) <= 2 && std::abs(s / 9 - tkr) <= 2;
  };

  // Material and placement of every kind.
  for (int t = 0; t < rules::kPieceTypeCount; ++t) {
    const Piece p = rules::make_piece(us, PieceType(t));
    const int n = pos.count(p);
    if (n) acc.add(prm::kMaterial + t, us, n);
    const std::uint8_t* sq = pos.squares(p);
    for (int i = 0; i < n; ++i) acc.add(prm::kPst + t * kPstSize + pst_index(us, sq[i]), us, 1);
  }

  // Chariots: mobility, open files, the enemy general's file; attacks on the first piece met.
  {
    const Piece p = rules::make_piece(us, PieceType::Chariot);
    const std::uint8_t* sq = pos.squares(p);
    for (int i = 0; i < pos.count(p); ++i) {
      const int s = sq[i];
      phase += 4;
      Ray ray[4];
      cast_rays(pos, s, ray);
      int mob = 0;
      for (const Ray& r : ray) {
        mob += r.empty;
        if (r.first >= 0) {
          att.mark(us, r.first, kOrderValue[int(PieceType::Chariot)]);
          if (is_theirs(r.first)) ++mob;
        }
      }
      acc.add(prm::kMobility + 0, us, mob);
      // Soldiers on the chariot's file.
      const int f = s % 9;
      bool own_soldier = false, any_soldier = false;
      for (std::uint32_t m = pos.file_occ(f); m; m &= m - 1) {
        const Piece q = pos.at(std::countr_zero(m) * 9 + f);
        if (rules::type_of(q) == PieceType::Soldier) {
          any_soldier = true;
          own_soldier = own_soldier || rules::color_of(q) == us;
        }
      }
      if (!own_soldier) acc.add(prm::kChariotSemiOpen, us, 1);
      if (!any_soldier) acc.add(prm::kChariotOpen, us, 1);
      if (f == tkf) acc.add(prm::kChariotKingFile, us, 1);
      if (near_their_king(s)) acc.add(prm::kKingNearAttackers + 0, us, 1);
    }
  }

  // Cannons: mobility (slides plus captures over a screen), lined up on the enemy general.
  {
    const Piece p = rules::make_piece(us, PieceType::Cannon);
    const std::uint8_t* sq = pos.squares(p);
    for (int i = 0; i < pos.count(p); ++i) {
      const int s = sq[i];
      phase += 2;
      Ray ray[4];
      cast_rays(pos, s, ray);
      int mob = 0;
      for (const Ray& r : ray) {
        mob += r.empty;
        if (r.second >= 0) {
          att.mark(us, r.second, kOrderValue[int(PieceType::Cannon)]);
          if (is_theirs(r.second)) ++mob;
        }
      }
      acc.add(prm::kMobility + 2, us, mob);
      const int f = s % 9, r = s / 9;
      if (f == tkf) {
        const int lo = std::min(r, tkr), hi = std::max(r, tkr);
        const std::uint32_t between = pos.file_occ(f) & ((1u << hi) - 1) & ~((2u << lo) - 1);
        const int n = std::popcount(between);
        if (n <= 2) acc.add(prm::kCannonKingFile + n, us, 1);
      } else if (r == tkr) {
        const int lo = std::min(f, tkf), hi = std::max(f, tkf);
        const std::uint32_t between = pos.rank_occ(r) & ((1u << hi) - 1) & ~((2u << lo) - 1);
        const int n = std::popcount(between);
        if (n <= 2) acc.add(prm::kCannonKingRank + n, us, 1);
      }
      if (near_their_king(s)) acc.add(prm::kKingNearAttackers + 2, us, 1);
    }
  }

  // Horses: reachable points (leg free, not onto an own piece) and blocked legs.
  {
    const Piece p = rules::make_piece(us, PieceType::Horse);
    const std::uint8_t* sq = pos.squares(p);
    for (int i = 0; i < pos.count(p); ++i) {
      const int s = sq[i];
      phase += 2;
      int mob = 0, blocked = 0;
      const auto& steps = geo::kHorse[s];
      for (int k = 0; k < steps.count; ++k) {
        const geo::Step st = steps.steps[k];
        if (pos.at(st.block) != Piece::None) {
          ++blocked;
          continue;
        }
        att.mark(us, st.to, kOrderValue[int(PieceType::Horse)]);
        if (!is_ours(st.to)) ++mob;
      }
      acc.add(prm::kMobility + 1, us, mob);
      // Each leg blocks two of the eight steps; count legs, not steps.
      if (blocked) acc.add(prm::kHorseLegBlocked, us, blocked / 2 + (blocked & 1));
      if (near_their_king(s)) acc.add(prm::kKingNearAttackers + 1, us, 1);
    }
  }

  // Soldiers: attacks, connected crossed soldiers, soldiers at the enemy palace.
  {
    const Piece p = rules::make_piece(us, PieceType::Soldier);
    const std::uint8_t* sq = pos.squares(p);
    for (int i = 0; i < pos.count(p); ++i) {
      const int s = sq[i];
      const auto& steps = geo::kSoldier[int(us)][s];
      for (int k = 0; k < steps.count; ++k) att.mark(us, steps.steps[k].to, kOrderValue[int(PieceType::Soldier)]);
      if (rel_rank(us, s) >= 5) {
        const int f = s % 9;
        if (f < 8 && pos.at(s + 1) == p) acc.add(prm::kSoldierConnected, us, 1);
        if (near_their_king(s)) acc.add(prm::kKingNearAttackers + 3, us, 1);
      }
    }
  }

  // Defenders: advisors, elephants and the general guard their points.
  const int advisors = pos.count(us, PieceType::Advisor), elephants = pos.count(us, PieceType::Elephant);
  {
    const Piece p = rules::make_piece(us, PieceType::Advisor);
    const std::uint8_t* sq = pos.squares(p);
    bool centre = false;
    for (int i = 0; i < advisors; ++i) {
      const auto& steps = geo::kAdvisor[sq[i]];
      for (int k = 0; k < steps.count; ++k) att.mark(us, steps.steps[k].to, kOrderValue[int(PieceType::Advisor)]);
      centre = centre || sq[i] % 9 == 4;
    }
    if (advisors == 2 && centre) acc.add(prm::kAdvisorsConnected, us, 1);
  }
  {
    const Piece p = rules::make_piece(us, PieceType::Elephant);
    const std::uint8_t* sq = pos.squares(p);
    for (int i = 0; i < elephants; ++i) {
      const auto& steps = geo::kElephant[sq[i]];
      for (int k = 0; k < steps.count; ++k)
        if (pos.at(steps.steps[k].block) == Piece::None)
          att.mark(us, steps.steps[k].to, kOrderValue[int(PieceType::Elephant)]);
    }
    if (elephants == 2) {
      const int a = sq[0], b = sq[1];
      if (std::abs(a % 9 - b % 9) == 2 && std::abs(a / 9 - b / 9) == 2 && pos.at((a + b) / 2) == Piece::None)
        acc.add(prm::kElephantsConnected, us, 1);
    }
  }
  const int ksq = pos.king_sq(us);
  {
    const auto& steps = geo::kKing[ksq];
    for (int k = 0; k < steps.count; ++k) att.mark(us, steps.steps[k].to, kOrderValue[int(PieceType::King)]);
  }

  // General safety: what is missing from the palace guard, against what the enemy has left.
  const int their_r = pos.count(them, PieceType::Chariot), their_h = pos.count(them, PieceType::Horse),
            their_c = pos.count(them, PieceType::Cannon);
  if (advisors < 2) {
    const int miss = 2 - advisors;
    if (their_r) acc.add(prm::kAdvisorMissingVs + 0, us, miss * their_r);
    if (their_h) acc.add(prm::kAdvisorMissingVs + 1, us, miss * their_h);
    if (their_c) acc.add(prm::kAdvisorMissingVs + 2, us, miss * their_c);
  }
  if (elephants < 2) {
    const int miss = 2 - elephants;
    if (their_r) acc.add(prm::kElephantMissingVs + 0, us, miss * their_r);
    if (their_h) acc.add(prm::kElephantMissingVs + 1, us, miss * their_h);
    if (their_c) acc.add(prm::kElephantMissingVs + 2, us, miss * their_c);
  }
  if (their_r) {
    // Own pieces on the general's file between it and the enemy side.
    const int kf = ksq % 9, kr = ksq / 9;
    std::uint32_t front = us == Color::Red ? pos.file_occ(kf) & ~((2u << kr) - 1) : pos.file_occ(kf) & ((1u << kr) - 1);
    bool shielded = false;
    for (; front && !shielded; front &= front - 1) shielded = is_ours(std::countr_zero(front) * 9 + kf);
    if (!shielded) acc.add(prm::kKingFileOpen, us, their_r);
  }

  // Cannons want screens, horses want open space: both against the enemy defenders left.
  const int their_defenders = pos.count(them, PieceType::Advisor) + pos.count(them, PieceType::Elephant);
  if (const int c = pos.count(us, PieceType::Cannon)) acc.add(prm::kCannonVsDefenders, us, c * their_defenders);
  if (const int h = pos.count(us, PieceType::Horse)) acc.add(prm::kHorseVsDefenders, us, h * their_defenders);
  return phase;
}

// After both sides' attacks are known: pieces attacked by something cheaper, or attacked and
// undefended.
template <class Acc>
void evaluate_threats(const Position& pos, Color us, Acc& acc, const AttackMap& att) {
  int cheaper = 0, loose = 0;
  for (int t = int(PieceType::Advisor); t < rules::kPieceTypeCount; ++t) {
    const Piece p = rules::make_piece(us, PieceType(t));
    const std::uint8_t* sq = pos.squares(p);
    for (int i = 0; i < pos.count(p); ++i) {
      const int by = att.cheapest[int(~us)][sq[i]];
      if (by == 0xFF) continue;
      if (by < kOrderValue[t]) ++cheaper;
      else if (att.cheapest[int(us)][sq[i]] == 0xFF) ++loose;
    }
  }
  if (cheaper) acc.add(prm::kHanging + 0, us, cheaper);
  if (loose) acc.add(prm::kHanging + 1, us, loose);
}

// Can a side with this material force mate at all, or only with difficulty?
// Returns the scale (of 64) to apply when `strong` is the side ahead.
int endgame_scale(const Position& pos, Color strong) {
  const Color weak = ~strong;
  const int r = pos.count(strong, PieceType::Chariot), h = pos.count(strong, PieceType::Horse),
            c = pos.count(strong, PieceType::Cannon), s = pos.count(strong, PieceType::Soldier);
  if (r + h + c + s == 0) return 0;  // advisors and elephants alone never mate
  const int weak_guard = pos.count(weak, PieceType::Advisor) + pos.count(weak, PieceType::Elephant);
  const int weak_attackers = pos.count(weak, PieceType::Chariot) + pos.count(weak, PieceType::Horse) +
                             pos.count(weak, PieceType::Cannon);
  // Without a chariot, a single horse or cannon (with no soldier) rarely beats a guarded general.
  if (r == 0 && s == 0 && h + c == 1 && weak_guard >= 1) return 8;
  // A lone cannon with one soldier, or one soldier against a full-ish guard.
  if (r + h + c == 0 && s == 1 && weak_guard >= 1) return 12;
  // A chariot against a chariot with defenders on both sides: mostly drawn.
  if (r == 1 && h + c == 0 && s == 0 && pos.count(weak, PieceType::Chariot) == 1 && weak_guard >= 1) return 16;
  if (weak_attackers == 0 && r == 0 && h + c + s <= 1 && weak_guard >= 2) return 16;
  return 64;
}

template <class Acc>
Score evaluate_impl(const Position& pos, Acc& acc, int& phase_out, int& scale_out) {
  AttackMap att;
  att.reset();
  int phase = evaluate_side(pos, Color::Red, acc, att) + evaluate_side(pos, Color::Black, acc, att);
  evaluate_threats(pos, Color::Red, acc, att);
  evaluate_threats(pos, Color::Black, acc, att);
  acc.add(prm::kTempo, pos.side_to_move(), 1);
  phase = std::min(phase, kPhaseMax);
  int score = (acc.mg * phase + acc.eg * (kPhaseMax - phase)) / kPhaseMax;
  const int scale = endgame_scale(pos, score > 0 ? Color::Red : Color::Black);
  score = score * scale / 64;
  phase_out = phase;
  scale_out = scale;
  return pos.side_to_move() == Color::Red ? score : -score;
}

}  // namespace

const EvalWeights& default_weights() { return kEvalWeights; }

Score evaluate(const Position& pos, const EvalWeights& weights) {
  ScoreAcc acc{weights};
  int phase, scale;
  return evaluate_impl(pos, acc, phase, scale);
}

Score evaluate(const Position& pos) { return evaluate(pos, kEvalWeights); }

EvalTrace trace_evaluation(const Position& pos, const EvalWeights& weights) {
  TraceAcc acc{weights};
  EvalTrace t;
  evaluate_impl(pos, acc, t.phase, t.scale);
  t.sign = pos.side_to_move() == Color::Red ? 1 : -1;
  for (int k = 0; k < prm::kCount; ++k)
    if (acc.coef[k]) t.terms.push_back({std::uint16_t(k), std::int16_t(acc.coef[k])});
  return t;
}

}  // namespace chuhe::ai
