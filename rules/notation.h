// Move notations: ICCS coordinates (the wire format), WXF and Chinese (display and export).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/position.h"
#include "rules/types.h"

namespace chuhe::rules {

// ---- Squares and ICCS ("h2e2": from then to, file a-i, rank 0-9) ----
std::string to_string(Square s);                          // "e0"; "-" for Square::None
std::optional<Square> parse_square(std::string_view s);   // "e0" or "E0"
std::string to_iccs(Move m);                              // "h2e2"; "0000" for Move::none()
// Syntax only (legality is a separate question: is_legal). Accepts "h2e2", "H2E2" and "H2-E2";
// refuses anything else, including from == to.
std::optional<Move> parse_iccs(std::string_view s);
// Engines differ in how they number ranks: ICCS 0-9, Fairy-Stockfish's UCI 1-10 ("h3e3", "a10a9"). A
// move with its files (0-8) and ranks (0..10) read as written; nullopt if malformed. The caller subtracts
// its rank base and checks the range.
struct RawMove {
  int ff, fr, tf, tr;
};
std::optional<RawMove> parse_raw_move(std::string_view s);

// ---- WXF, e.g. "C2=5", "H8+7", "R1-1" ----
// Piece letter (K A E H R C P), origin file counted 1-9 from the mover's right, then '+' forward,
// '-' backward or '=' sideways, then the destination file (sideways and diagonal moves) or the number
// of points moved (straight forward/backward). Two pieces of a kind on one file replace the file with
// '+' (front) / '-' (rear): "R+=3", "C--1". Advisors and elephants always keep the file (the move's
// direction tells them apart). Soldiers follow the WXF rules for 3-5 on a file ("P+", "P3", "P-",
// "++", "--") and for tandems on two files (file digit then position: "3+=4", "33=4", "3-=4").
// m must be legal in pos.
std::string to_wxf(const Position& pos, Move m);
// The legal move whose WXF form matches s. Also accepts '.' for '=', lower-case letters, B/N for E/H,
// and the tandem prefix written before the letter ("+R=3" for "R+=3").
std::optional<Move> parse_wxf(const Position& pos, std::string_view s);

// ---- Chinese, UTF-8, e.g. "炮二平五", "马８进７" ----
// Red counts files 一..九 from Red's right, Black １..９ (full-width) from Black's right; 进 forward,
// 退 backward, 平 sideways. Tandems: 前/后 (two on a file), 前/中/后 (three), 一二三四五 from the
// front (four or five); with tandem soldiers on two files the piece name gives way to the file:
// "前三平四". Pieces: 帅仕相马车炮兵 (Red), 将士象马车炮卒 (Black). m must be legal in pos.
std::string to_chinese(const Position& pos, Move m);
// The legal move whose Chinese form matches s. Also accepts traditional characters (車馬砲帥將後進),
// ASCII digits for Black, and full-width or Chinese numerals interchangeably.
std::optional<Move> parse_chinese(const Position& pos, std::string_view s);

}  // namespace chuhe::rules
