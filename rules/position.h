// Position: the board, the side to move, and a chain of StateInfo records that make/unmake walk.
//
// Representation (chosen for speed, see docs/rules.md "Performance"): a 90-point mailbox
// (board_[91], the last slot an always-empty sentinel) plus, per rank and per file, a bit mask of
// occupied points. The masks turn every slider question (how far can a chariot slide, what is the
// cannon's screen, what faces the general) into a shift and a count-trailing-zeros. Piece lists per
// kind give the pieces of one side without scanning the board. Nothing here allocates.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rules/geometry.h"
#include "rules/types.h"
#include "rules/zobrist.h"

namespace chuhe::rules {

// What is wrong with a FEN. Every malformed input maps to exactly one of these.
enum class FenErrorKind : std::uint8_t {
  Empty,                 // nothing but whitespace
  BadPieceLetter,        // a character that is neither k a b n r c p (either case), a digit 1-9 nor '/'
  BadRankCount,          // not exactly 10 ranks separated by '/'
  BadFileCount,          // a rank that does not add up to exactly 9 points
  KingCount,             // a side has no general, or more than one
  KingOutsidePalace,     // a general outside its palace
  UnreachableSquare,     // a piece on a point its kind can never reach (advisor off its 5 points, ...)
  TooManyPieces,         // more pieces of a kind than a side starts with
  GeneralsFacing,        // the generals face each other on an open file
  OpponentInCheck,       // the side that just moved left its general attacked
  BadSideToMove,         // missing, or not 'w' / 'b'
  BadCastlingField,      // third field present and not '-'
  BadEnPassantField,     // fourth field present and not '-'
  BadHalfmoveClock,      // not a number in 0..999999
  BadFullmoveNumber,     // not a number in 1..999999
  TrailingFields,        // anything after the sixth field
};

struct FenError {
  FenErrorKind kind;
  std::string message;  // names what is wrong and where, for people
};

// Everything do_move must remember to undo a move, linked to the previous ply's record.
// The first two fields are carried forward (and updated) by do_move; the rest are set fresh.
struct StateInfo {
  int rule60 = 0;           // plies since the last capture (the FEN halfmove clock)
  int plies_from_null = 0;  // how many plies back `previous` can be followed (0 at a root/null)
  Key key = 0;              // Zobrist key of this position (side to move included)
  Move move;                // the move that led here; none at a root or after a null move
  Piece captured = Piece::None;  // what `move` captured
  bool in_check = false;    // the side to move here is in check, i.e. `move` gave check
  // Unused, always 0 (kept for compatibility): chases are computed lazily, only for the moves of a
  // repetition cycle, by rules/chase.h, so that do_move pays nothing for them.
  std::uint32_t chased = 0;
  StateInfo* previous = nullptr;
};

class Position {
 public:
  static constexpr std::string_view kStartFen =
      "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - 0 1";

  Position();  // the start position
  // A copy holds the same board and current state, as a fresh root: the copy's StateInfo chain
  // (and so its repetition history) starts at the copied position.
  Position(const Position& other);
  Position& operator=(const Position& other);

  // Sets the position from a FEN (format of Fairy-Stockfish / pychess, see docs/rules.md).
  // Returns the error, and leaves *this unchanged, if the FEN is malformed or the position illegal.
  std::optional<FenError> set_fen(std::string_view fen);
  std::string fen() const;

  Color side_to_move() const { return side_; }
  Piece piece_on(Square s) const { return board_[int(s)]; }
  Square king_square(Color c) const { return Square(list_[king_code(c)][0]); }
  int count(Color c, PieceType t) const { return count_[int(make_piece(c, t))]; }
  // The i-th piece of a kind (0 <= i < count(c, t)); order is unspecified.
  Square piece_square(Color c, PieceType t, int i) const { return Square(list_[int(make_piece(c, t))][i]); }
  Key key() const { return st_->key; }
  int rule60() const { return st_->rule60; }  // plies since the last capture
  int game_ply() const { return game_ply_; }   // plies since the FEN's fullmove 1, Red to move
  int fullmove_number() const { return 1 + game_ply_ / 2; }
  bool in_check() const { return st_->in_check; }
  const StateInfo* state() const { return st_; }
  bool is_capture(Move m) const { return board_[int(m.to())] != Piece::None; }

  // Can a piece of `by` capture on s with a pseudo-legal move? (Generals facing count as an attack
  // on a general's point.) For check tests use in_check(), which is faster.
  bool is_attacked(Square s, Color by) const;
  // Does the legal move m give check?
  bool gives_check(Move m) const;

  // m must be legal (generate_legal / is_legal). st must outlive the move (until undo_move).
  void do_move(Move m, StateInfo& st);
  void undo_move(Move m);
  // Passes the turn (for null-move pruning); not allowed in check.
  void do_null_move(StateInfo& st);
  void undo_null_move();

  Key compute_key() const;      // the key recomputed from scratch
  bool is_consistent() const;   // board, lists, masks and key agree (tests, asserts)

  // ---- Low-level access for the move generator (internal square indices 0..90) ----
  Piece at(int s) const { return board_[s]; }
  std::uint32_t file_occ(int f) const { return file_occ_[f]; }
  std::uint32_t rank_occ(int r) const { return rank_occ_[r]; }
  const std::uint8_t* squares(Piece p) const { return list_[int(p)]; }
  int count(Piece p) const { return count_[int(p)]; }
  int king_sq(Color c) const { return list_[king_code(c)][0]; }
  // Would the general of the side to move be attacked after moving the piece on `from` to `to`?
  bool attacked_after(int from, int to) const { return king_attacked<true>(side_, from, to); }
  // Is c's general attacked on the current board?
  bool king_in_check(Color c) const { return king_attacked<false>(c, geo::kSentinel, geo::kSentinel); }

 private:
  static constexpr int king_code(Color c) { return int(make_piece(c, PieceType::King)); }

  struct EmptyTag {};
  explicit Position(EmptyTag) { clear(); }  // an empty board, only as a scratch for set_fen
  void clear();
  void put_piece(Piece p, int s);
  template <bool kVirtual>
  bool king_attacked(Color us, int from, int to) const;

  // board_[90] is a sentinel that stays Piece::None.
  Piece board_[kSquareCount + 1];
  std::uint16_t rank_occ_[kRankCount];   // bit f: point (f, r) occupied
  std::uint16_t file_occ_[kFileCount];   // bit r: point (f, r) occupied
  std::uint8_t list_[23][5];             // squares of each piece, indexed by the Piece's raw value
  std::uint8_t count_[23];
  std::uint8_t index_[kSquareCount + 1]; // position of a square's piece within its list
  Color side_ = Color::Red;
  int game_ply_ = 0;
  StateInfo* st_ = &root_;
  StateInfo root_;
};

// ---------------------------------------------------------------------------------------------
// Check detection, used by do_move (once per move) and by the legality test of the generator
// (once per move that could expose the general), so it is inline and branch-light.
//
// With kVirtual, the board is read as if the piece on `from` stood on `to` (capturing what was
// there). The general is always inside its palace, so only chariots, cannons, horses, soldiers and
// the other general (along the file) can attack it: advisors and elephants never leave their half.
template <bool kVirtual>
inline bool Position::king_attacked(Color us, int from, int to) const {
  const Color them = ~us;
  int ksq = list_[king_code(us)][0];
  Piece moved = Piece::None;
  if constexpr (kVirtual) {
    moved = board_[from];
    if (from == ksq) ksq = to;
  }
  auto at = [&](int s) {
    if constexpr (kVirtual) {
      if (s == to) return moved;
      if (s == from) return Piece::None;
    }
    return board_[s];
  };
  const int kf = geo::file_of(ksq), kr = geo::rank_of(ksq);
  std::uint32_t F = file_occ_[kf], R = rank_occ_[kr];
  if constexpr (kVirtual) {
    if (geo::file_of(from) == kf) F &= ~(1u << geo::rank_of(from));
    if (geo::rank_of(from) == kr) R &= ~(1u << geo::file_of(from));
    if (geo::file_of(to) == kf) F |= 1u << geo::rank_of(to);
    if (geo::rank_of(to) == kr) R |= 1u << geo::file_of(to);
  }
  const Piece chariot = make_piece(them, PieceType::Chariot);
  const Piece cannon = make_piece(them, PieceType::Cannon);
  const Piece king = make_piece(them, PieceType::King);

  // Along the file, towards rank 9: first piece a chariot or general, second a cannon.
  std::uint32_t u = F >> (kr + 1);
  if (u) {
    const Piece p = at(ksq + 9 * (std::countr_zero(u) + 1));
    if (p == chariot || p == king) return true;
    u &= u - 1;
    if (u && at(ksq + 9 * (std::countr_zero(u) + 1)) == cannon) return true;
  }
  // Along the file, towards rank 0.
  std::uint32_t d = F & ((1u << kr) - 1);
  if (d) {
    int hb = 31 - std::countl_zero(d);
    const Piece p = at(hb * 9 + kf);
    if (p == chariot || p == king) return true;
    d ^= 1u << hb;
    if (d && at((31 - std::countl_zero(d)) * 9 + kf) == cannon) return true;
  }
  // Along the rank (the generals are never on one rank).
  u = R >> (kf + 1);
  if (u) {
    if (at(ksq + std::countr_zero(u) + 1) == chariot) return true;
    u &= u - 1;
    if (u && at(ksq + std::countr_zero(u) + 1) == cannon) return true;
  }
  d = R & ((1u << kf) - 1);
  if (d) {
    int hb = 31 - std::countl_zero(d);
    if (at(kr * 9 + hb) == chariot) return true;
    d ^= 1u << hb;
    if (d && at(kr * 9 + 31 - std::countl_zero(d)) == cannon) return true;
  }
  // Horses: through each empty diagonal neighbour (leg), from the two points behind it.
  const Piece horse = make_piece(them, PieceType::Horse);
  for (const geo::HorseAttack& h : geo::kHorseAttack[ksq]) {
    if (at(h.leg) != Piece::None) continue;
    if (at(h.from[0]) == horse || at(h.from[1]) == horse) return true;
  }
  // Soldiers: in front of the general, or beside it (any enemy soldier in our palace has crossed).
  const Piece soldier = make_piece(them, PieceType::Soldier);
  if (at(us == Color::Red ? ksq + 9 : ksq - 9) == soldier) return true;
  return at(ksq - 1) == soldier || at(ksq + 1) == soldier;  // palace files 3-5: both on the board
}

}  // namespace chuhe::rules
