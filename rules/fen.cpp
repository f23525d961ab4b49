// FEN in and out, in the dialect Fairy-Stockfish and pychess write for xiangqi:
//   <10 ranks, rank 9 first, '/'-separated> <w|b> - - <halfmove clock> <fullmove number>
// The last four fields may be left out (defaults "- - 0 1"); nothing else is accepted.
#include <array>
#include <charconv>
#include <string>

#include "rules/position.h"

namespace chuhe::rules {

namespace {

std::optional<PieceType> type_from_letter(char c) {
  switch (c | 0x20) {  // lower-case ASCII letters
    case 'k': return PieceType::King;
    case 'a': return PieceType::Advisor;
    case 'b': return PieceType::Elephant;
    case 'n': return PieceType::Horse;
    case 'r': return PieceType::Chariot;
    case 'c': return PieceType::Cannon;
    case 'p': return PieceType::Soldier;
    default: return std::nullopt;
  }
}

const char* type_name(PieceType t) {
  constexpr const char* kNames[] = {"general", "advisor", "elephant", "horse", "chariot", "cannon", "soldier"};
  return kNames[int(t)];
}
const char* color_name(Color c) { return c == Color::Red ? "red" : "black"; }

std::string square_name(int s) {
  return std::string{char('a' + geo::file_of(s)), char('0' + geo::rank_of(s))};
}

// Printable excerpt of untrusted input for error messages (control bytes escaped, length capped).
std::string quote(std::string_view s) {
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < 24; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += char(c);
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > 24) out += "...";
  return out + "'";
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Splits on runs of whitespace; at most kMax fields are kept, the count says how many there were.
template <std::size_t kMax>
std::size_t split_fields(std::string_view s, std::array<std::string_view, kMax>& out) {
  std::size_t n = 0, i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i == s.size()) break;
    std::size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (n < kMax) out[n] = s.substr(i, j - i);
    ++n;
    i = j;
  }
  return n;
}

std::optional<int> parse_counter(std::string_view s, int lo, int hi) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

FenError error(FenErrorKind kind, std::string message) { return FenError{kind, std::move(message)}; }

}  // namespace

std::optional<FenError> Position::set_fen(std::string_view fen) {
  std::array<std::string_view, 7> f;
  const std::size_t nfields = split_fields(fen, f);
  if (nfields == 0) return error(FenErrorKind::Empty, "empty FEN");
  if (nfields > 6) return error(FenErrorKind::TrailingFields, "unexpected text after the fullmove number: " + quote(f[6]));

  // Board: ranks 9 down to 0.
  Position p{EmptyTag{}};
  int rank = 9, file = 0;
  for (std::size_t i = 0; i < f[0].size(); ++i) {
    const char c = f[0][i];
    if (c == '/') {
      if (file != 9)
        return error(FenErrorKind::BadFileCount,
                     "rank " + std::to_string(rank) + " has " + std::to_string(file) + " points, expected 9");
      if (--rank < 0) return error(FenErrorKind::BadRankCount, "more than 10 ranks");
      file = 0;
    } else if (c >= '1' && c <= '9') {
      file += c - '0';
      if (file > 9)
        return error(FenErrorKind::BadFileCount, "rank " + std::to_string(rank) + " has more than 9 points");
    } else if (auto t = type_from_letter(c)) {
      if (file >= 9) return error(FenErrorKind::BadFileCount, "rank " + std::to_string(rank) + " has more than 9 points");
      const Color col = (c >= 'A' && c <= 'Z') ? Color::Red : Color::Black;
      const Piece pc = make_piece(col, *t);
      const int s = geo::sq(file, rank);
      if (p.count_[int(pc)] >= geo::kMaxCount[int(*t)]) {
        if (*t == PieceType::King) return error(FenErrorKind::KingCount, std::string("more than one ") + color_name(col) + " general");
        return error(FenErrorKind::TooManyPieces, std::string("more than ") + std::to_string(geo::kMaxCount[int(*t)]) + " " +
                                                      color_name(col) + " " + type_name(*t) + "s");
      }
      if (!geo::reachable(col, *t, file, rank)) {
        if (*t == PieceType::King)
          return error(FenErrorKind::KingOutsidePalace, std::string(color_name(col)) + " general on " + square_name(s) + " is outside its palace");
        return error(FenErrorKind::UnreachableSquare, std::string(color_name(col)) + " " + type_name(*t) + " on " + square_name(s) +
                                                          ", a point it can never reach");
      }
      p.put_piece(pc, s);
      ++file;
    } else {
      return error(FenErrorKind::BadPieceLetter, std::string("bad character ") + quote(f[0].substr(i, 1)) + " in the board field");
    }
  }
  if (rank != 0) return error(FenErrorKind::BadRankCount, "the board has " + std::to_string(10 - rank) + " ranks, expected 10");
  if (file != 9) return error(FenErrorKind::BadFileCount, "rank 0 has " + std::to_string(file) + " points, expected 9");
  for (Color c : {Color::Red, Color::Black})
    if (p.count_[king_code(c)] != 1) return error(FenErrorKind::KingCount, std::string("no ") + color_name(c) + " general");

  // Side to move.
  if (nfields < 2) return error(FenErrorKind::BadSideToMove, "missing side to move ('w' or 'b')");
  if (f[1] == "w") {
    p.side_ = Color::Red;
  } else if (f[1] == "b") {
    p.side_ = Color::Black;
  } else {
    return error(FenErrorKind::BadSideToMove, "side to move must be 'w' or 'b', not " + quote(f[1]));
  }
  if (nfields >= 3 && f[2] != "-") return error(FenErrorKind::BadCastlingField, "third field must be '-', not " + quote(f[2]));
  if (nfields >= 4 && f[3] != "-") return error(FenErrorKind::BadEnPassantField, "fourth field must be '-', not " + quote(f[3]));
  int halfmove = 0, fullmove = 1;
  if (nfields >= 5) {
    auto v = parse_counter(f[4], 0, 999999);
    if (!v) return error(FenErrorKind::BadHalfmoveClock, "halfmove clock must be a number 0-999999, not " + quote(f[4]));
    halfmove = *v;
  }
  if (nfields >= 6) {
    auto v = parse_counter(f[5], 1, 999999);
    if (!v) return error(FenErrorKind::BadFullmoveNumber, "fullmove number must be a number 1-999999, not " + quote(f[5]));
    fullmove = *v;
  }

  // Legality: the side that just moved may not have left its general attacked.
  const int rk = p.king_sq(Color::Red), bk = p.king_sq(Color::Black);
  if (geo::file_of(rk) == geo::file_of(bk)) {
    const std::uint32_t between = p.file_occ_[geo::file_of(rk)] & ((1u << geo::rank_of(bk)) - 1) & ~((2u << geo::rank_of(rk)) - 1);
    if (between == 0)
      return error(FenErrorKind::GeneralsFacing, "the generals face each other on file " + std::string(1, char('a' + geo::file_of(rk))));
  }
  if (p.king_in_check(~p.side_))
    return error(FenErrorKind::OpponentInCheck, std::string("the side not to move (") + color_name(~p.side_) + ") is in check");

  p.game_ply_ = 2 * (fullmove - 1) + (p.side_ == Color::Black ? 1 : 0);
  p.root_.rule60 = halfmove;
  p.root_.key = p.compute_key();
  p.root_.in_check = p.king_in_check(p.side_);
  *this = p;
  return std::nullopt;
}

std::string Position::fen() const {
  std::string s;
  s.reserve(96);
  for (int r = 9; r >= 0; --r) {
    int empty = 0;
    for (int fl = 0; fl < 9; ++fl) {
      const Piece pc = board_[geo::sq(fl, r)];
      if (pc == Piece::None) {
        ++empty;
        continue;
      }
      if (empty) s += char('0' + empty);
      empty = 0;
      s += piece_to_char(pc);
    }
    if (empty) s += char('0' + empty);
    if (r) s += '/';
  }
  s += side_ == Color::Red ? " w - - " : " b - - ";
  s += std::to_string(st_->rule60);
  s += ' ';
  s += std::to_string(fullmove_number());
  return s;
}

}  // namespace chuhe::rules
