#include "rules/position.h"

#include <cstring>

namespace chuhe::rules {

char piece_to_char(Piece p) {
  if (p == Piece::None) return '.';
  constexpr char kLetters[] = "kabnrcp";
  const char c = kLetters[int(type_of(p))];
  return color_of(p) == Color::Red ? char(c - 'a' + 'A') : c;
}

Position::Position() {
  clear();
  [[maybe_unused]] auto err = set_fen(kStartFen);
  assert(!err);
}

Position::Position(const Position& other) { *this = other; }

Position& Position::operator=(const Position& other) {
  if (this == &other) return *this;
  std::memcpy(board_, other.board_, sizeof board_);
  std::memcpy(rank_occ_, other.rank_occ_, sizeof rank_occ_);
  std::memcpy(file_occ_, other.file_occ_, sizeof file_occ_);
  std::memcpy(list_, other.list_, sizeof list_);
  std::memcpy(count_, other.count_, sizeof count_);
  std::memcpy(index_, other.index_, sizeof index_);
  side_ = other.side_;
  game_ply_ = other.game_ply_;
  root_ = *other.st_;
  root_.previous = nullptr;
  root_.plies_from_null = 0;
  st_ = &root_;
  return *this;
}

void Position::clear() {
  std::memset(board_, 0, sizeof board_);
  std::memset(rank_occ_, 0, sizeof rank_occ_);
  std::memset(file_occ_, 0, sizeof file_occ_);
  std::memset(list_, 0, sizeof list_);
  std::memset(count_, 0, sizeof count_);
  std::memset(index_, 0, sizeof index_);
  side_ = Color::Red;
  game_ply_ = 0;
  root_ = StateInfo{};
  st_ = &root_;
}

void Position::put_piece(Piece p, int s) {
  assert(board_[s] == Piece::None && count_[int(p)] < 5);
  board_[s] = p;
  index_[s] = count_[int(p)];
  list_[int(p)][count_[int(p)]++] = std::uint8_t(s);
  rank_occ_[geo::rank_of(s)] |= std::uint16_t(1u << geo::file_of(s));
  file_occ_[geo::file_of(s)] |= std::uint16_t(1u << geo::rank_of(s));
}

void Position::do_move(Move m, StateInfo& ns) {
  const int from = int(m.from()), to = int(m.to());
  const Piece pc = board_[from];
  const Piece cap = board_[to];
  assert(m.is_ok() && pc != Piece::None && color_of(pc) == side_);
  assert(cap == Piece::None || (color_of(cap) != side_ && type_of(cap) != PieceType::King));

  ns.rule60 = st_->rule60 + 1;
  ns.plies_from_null = st_->plies_from_null + 1;
  Key k = st_->key ^ zobrist::side() ^ zobrist::psq(pc, from) ^ zobrist::psq(pc, to);

  if (cap != Piece::None) {
    // Take the captured piece out of its list: the last entry fills its slot.
    k ^= zobrist::psq(cap, to);
    const int last = list_[int(cap)][--count_[int(cap)]];
    list_[int(cap)][index_[to]] = std::uint8_t(last);
    index_[last] = index_[to];
    ns.rule60 = 0;
  } else {
    rank_occ_[geo::rank_of(to)] |= std::uint16_t(1u << geo::file_of(to));
    file_occ_[geo::file_of(to)] |= std::uint16_t(1u << geo::rank_of(to));
  }
  rank_occ_[geo::rank_of(from)] &= std::uint16_t(~(1u << geo::file_of(from)));
  file_occ_[geo::file_of(from)] &= std::uint16_t(~(1u << geo::rank_of(from)));
  board_[to] = pc;
  board_[from] = Piece::None;
  index_[to] = index_[from];
  list_[int(pc)][index_[to]] = std::uint8_t(to);

  ns.key = k;
  ns.move = m;
  ns.captured = cap;
  ns.chased = 0;
  ns.previous = st_;
  st_ = &ns;
  side_ = ~side_;
  ++game_ply_;
  ns.in_check = king_in_check(side_);
  assert(!king_in_check(~side_));
}

void Position::undo_move(Move m) {
  const int from = int(m.from()), to = int(m.to());
  const Piece pc = board_[to];
  const Piece cap = st_->captured;
  assert(st_->move == m && st_->previous != nullptr);

  board_[from] = pc;
  index_[from] = index_[to];
  list_[int(pc)][index_[from]] = std::uint8_t(from);
  rank_occ_[geo::rank_of(from)] |= std::uint16_t(1u << geo::file_of(from));
  file_occ_[geo::file_of(from)] |= std::uint16_t(1u << geo::rank_of(from));
  if (cap != Piece::None) {
    board_[to] = cap;
    index_[to] = count_[int(cap)];
    list_[int(cap)][count_[int(cap)]++] = std::uint8_t(to);
  } else {
    board_[to] = Piece::None;
    rank_occ_[geo::rank_of(to)] &= std::uint16_t(~(1u << geo::file_of(to)));
    file_occ_[geo::file_of(to)] &= std::uint16_t(~(1u << geo::rank_of(to)));
  }
  st_ = st_->previous;
  side_ = ~side_;
  --game_ply_;
}

void Position::do_null_move(StateInfo& ns) {
  assert(!st_->in_check);
  ns = *st_;
  ns.key ^= zobrist::side();
  ns.rule60 = st_->rule60 + 1;
  ns.plies_from_null = 0;  // repetition scans stop here
  ns.move = Move::none();
  ns.captured = Piece::None;
  ns.chased = 0;
  ns.previous = st_;
  st_ = &ns;
  side_ = ~side_;
  ++game_ply_;
  ns.in_check = false;  // the side that passed was not in check, so the mover cannot be either
}

void Position::undo_null_move() {
  assert(st_->previous != nullptr);
  st_ = st_->previous;
  side_ = ~side_;
  --game_ply_;
}

bool Position::gives_check(Move m) const {
  // Play the move on a scratch copy of the board: gives_check is not on the perft path.
  Position tmp(*this);
  StateInfo st;
  tmp.do_move(m, st);
  return st.in_check;
}

bool Position::is_attacked(Square target, Color by) const {
  const int s = int(target);
  const int f = geo::file_of(s), r = geo::rank_of(s);
  auto is = [&](int sq, PieceType t) { return board_[sq] == make_piece(by, t); };

  // Sliders and the flying general: walk the four lines.
  constexpr int kDirs[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
  const Piece here = board_[s];
  const bool general_here = here != Piece::None && type_of(here) == PieceType::King && color_of(here) != by;
  for (const auto& d : kDirs) {
    int blockers = 0;
    for (int nf = f + d[0], nr = r + d[1]; geo::on_board(nf, nr); nf += d[0], nr += d[1]) {
      const int q = geo::sq(nf, nr);
      if (board_[q] == Piece::None) continue;
      if (blockers == 0 && (is(q, PieceType::Chariot) || (general_here && d[0] == 0 && is(q, PieceType::King))))
        return true;
      if (blockers == 1) {
        if (is(q, PieceType::Cannon)) return true;
        break;
      }
      ++blockers;
    }
  }
  // Horses, through an empty leg.
  for (const geo::HorseAttack& h : geo::kHorseAttack[s])
    if (board_[h.leg] == Piece::None && (is(h.from[0], PieceType::Horse) || is(h.from[1], PieceType::Horse)))
      return true;
  // Short-range pieces: does any of their steps from a neighbouring point land on s?
  auto steps_onto = [&](const auto& table, PieceType t, int from) {
    if (!is(from, t)) return false;
    for (int i = 0; i < table[from].count; ++i)
      if (table[from].steps[i].to == s && board_[table[from].steps[i].block] == Piece::None) return true;
    return false;
  };
  auto steps_onto_plain = [&](const auto& table, PieceType t, int from) {
    if (!is(from, t)) return false;
    for (int i = 0; i < table[from].count; ++i)
      if (table[from].steps[i].to == s) return true;
    return false;
  };
  for (int df = -2; df <= 2; ++df)
    for (int dr = -2; dr <= 2; ++dr) {
      if (!geo::on_board(f + df, r + dr) || (df == 0 && dr == 0)) continue;
      const int q = geo::sq(f + df, r + dr);
      if (board_[q] == Piece::None || color_of(board_[q]) != by) continue;
      if (steps_onto(geo::kElephant, PieceType::Elephant, q) || steps_onto_plain(geo::kAdvisor, PieceType::Advisor, q) ||
          steps_onto_plain(geo::kKing, PieceType::King, q) ||
          steps_onto_plain(geo::kSoldier[int(by)], PieceType::Soldier, q))
        return true;
    }
  return false;
}

Key Position::compute_key() const {
  Key k = side_ == Color::Black ? zobrist::side() : 0;
  for (int s = 0; s < kSquareCount; ++s)
    if (board_[s] != Piece::None) k ^= zobrist::psq(board_[s], s);
  return k;
}

bool Position::is_consistent() const {
  if (board_[geo::kSentinel] != Piece::None) return false;
  int seen[23] = {};
  for (int s = 0; s < kSquareCount; ++s) {
    const Piece p = board_[s];
    const bool occ_r = rank_occ_[geo::rank_of(s)] >> geo::file_of(s) & 1;
    const bool occ_f = file_occ_[geo::file_of(s)] >> geo::rank_of(s) & 1;
    if (occ_r != (p != Piece::None) || occ_f != (p != Piece::None)) return false;
    if (p == Piece::None) continue;
    const int code = int(p);
    if (code < 8 || code > 22 || code == 15) return false;
    if (index_[s] >= count_[code] || list_[code][index_[s]] != s) return false;
    ++seen[code];
  }
  for (int code = 0; code < 23; ++code)
    if (seen[code] != count_[code]) return false;
  if (count_[king_code(Color::Red)] != 1 || count_[king_code(Color::Black)] != 1) return false;
  if (king_in_check(~side_)) return false;
  if (st_->in_check != king_in_check(side_)) return false;
  return st_->key == compute_key();
}

}  // namespace chuhe::rules
