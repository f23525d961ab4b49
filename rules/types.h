// Value types of the xiangqi rules engine: colours, pieces, squares, moves, keys.
// Everything here is a small trivially copyable value; tables and helpers are constexpr.
#pragma once

#include <cassert>
#include <cstdint>

namespace chuhe::rules {

using Key = std::uint64_t;  // Zobrist hash of a position

enum class Color : std::uint8_t { Red = 0, Black = 1 };

constexpr Color operator~(Color c) { return Color(int(c) ^ 1); }

// Kinds of pieces. King is the general (帅/将), Soldier the pawn (兵/卒).
enum class PieceType : std::uint8_t { King, Advisor, Elephant, Horse, Chariot, Cannon, Soldier };
constexpr int kPieceTypeCount = 7;

// A coloured piece, or None. The encoding is chosen so that one AND tells "own piece?":
// bit 3 marks Red, bit 4 marks Black, bits 0-2 hold the PieceType. None is 0.
enum class Piece : std::uint8_t {
  None = 0,
  RedKing = 8, RedAdvisor, RedElephant, RedHorse, RedChariot, RedCannon, RedSoldier,
  BlackKing = 16, BlackAdvisor, BlackElephant, BlackHorse, BlackChariot, BlackCannon, BlackSoldier,
};

constexpr int color_bit(Color c) { return 8 << int(c); }
constexpr Piece make_piece(Color c, PieceType t) { return Piece(color_bit(c) | int(t)); }
constexpr Color color_of(Piece p) {
  assert(p != Piece::None);
  return Color(int(p) >> 4);
}
constexpr PieceType type_of(Piece p) {
  assert(p != Piece::None);
  return PieceType(int(p) & 7);
}
// Dense index 0..13 (Red 0-6, Black 7-13), for tables such as Zobrist keys.
constexpr int piece_index(Piece p) { return int(color_of(p)) * kPieceTypeCount + int(type_of(p)); }

// FEN letters: Red upper case, Black lower case (k a b n r c p).
char piece_to_char(Piece p);  // None gives '.'

// The 90 points, named as in ICCS: file a-i from Red's left, rank 0-9 from Red's side.
// index = rank * 9 + file, so a0 = 0, i0 = 8, a1 = 9, ..., i9 = 89. None (90) is "no square".
// clang-format off
enum class Square : std::uint8_t {
  a0, b0, c0, d0, e0, f0, g0, h0, i0,
  a1, b1, c1, d1, e1, f1, g1, h1, i1,
  a2, b2, c2, d2, e2, f2, g2, h2, i2,
  a3, b3, c3, d3, e3, f3, g3, h3, i3,
  a4, b4, c4, d4, e4, f4, g4, h4, i4,
  a5, b5, c5, d5, e5, f5, g5, h5, i5,
  a6, b6, c6, d6, e6, f6, g6, h6, i6,
  a7, b7, c7, d7, e7, f7, g7, h7, i7,
  a8, b8, c8, d8, e8, f8, g8, h8, i8,
  a9, b9, c9, d9, e9, f9, g9, h9, i9,
  None
};
// clang-format on
constexpr int kSquareCount = 90;
constexpr int kFileCount = 9;
constexpr int kRankCount = 10;

constexpr int index(Square s) { return int(s); }
constexpr Square square_at(int file, int rank) {
  assert(file >= 0 && file < kFileCount && rank >= 0 && rank < kRankCount);
  return Square(rank * kFileCount + file);
}
constexpr int file_of(Square s) { return int(s) % kFileCount; }
constexpr int rank_of(Square s) { return int(s) / kFileCount; }
constexpr bool is_ok(Square s) { return int(s) < kSquareCount; }

// A move from one point to another. 16 bits:
//   bits  0-6   destination square index (0..89)
//   bits  7-13  origin square index (0..89)
//   bits 14-15  zero (reserved)
// Xiangqi has no promotions, drops or castling, so from+to is the whole move. Move::none() (all
// zero, "a0a0") is never a legal move and serves as the empty value.
class Move {
 public:
  constexpr Move() = default;
  constexpr Move(Square from, Square to) : data_(std::uint16_t(int(from) << 7 | int(to))) {
    assert(int(from) < kSquareCount && int(to) < kSquareCount);
  }
  static constexpr Move none() { return Move(); }
  static constexpr Move from_raw(std::uint16_t raw) {
    Move m;
    m.data_ = raw;
    return m;
  }
  constexpr Square from() const { return Square(data_ >> 7); }
  constexpr Square to() const { return Square(data_ & 0x7F); }
  constexpr std::uint16_t raw() const { return data_; }
  constexpr explicit operator bool() const { return data_ != 0; }
  // True when both squares are on the board and differ; says nothing about legality.
  constexpr bool is_ok() const {
    return data_ < (1u << 14) && int(data_ >> 7) < kSquareCount && int(data_ & 0x7F) < kSquareCount &&
           (data_ >> 7) != (data_ & 0x7F);
  }
  friend constexpr bool operator==(Move a, Move b) = default;

 private:
  std::uint16_t data_ = 0;
};

}  // namespace chuhe::rules
