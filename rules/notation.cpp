#include "rules/notation.h"

#include <array>
#include <cctype>
#include <cstdint>

#include "rules/movegen.h"

namespace chuhe::rules {

// ---------------------------------------------------------------------------------------------
// Squares and ICCS

std::string to_string(Square s) {
  if (!is_ok(s)) return "-";
  return std::string{char('a' + file_of(s)), char('0' + rank_of(s))};
}

std::optional<Square> parse_square(std::string_view s) {
  if (s.size() != 2) return std::nullopt;
  const char f = char(s[0] | 0x20);  // ASCII lower case
  const char r = s[1];
  if (f < 'a' || f > 'i' || r < '0' || r > '9') return std::nullopt;
  return square_at(f - 'a', r - '0');
}

std::string to_iccs(Move m) {
  if (!m.is_ok()) return "0000";
  return to_string(m.from()) + to_string(m.to());
}

std::optional<RawMove> parse_raw_move(std::string_view s) {
  RawMove m{};
  std::size_t i = 0;
  auto square = [&](int& f, int& r) {
    if (i >= s.size()) return false;
    const char c = char(std::tolower(static_cast<unsigned char>(s[i])));
    if (c < 'a' || c > 'i') return false;
    f = c - 'a';
    ++i;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    r = s[i++] - '0';
    if (r == 1 && i < s.size() && s[i] == '0') {
      r = 10;
      ++i;
    }
    return true;
  };
  if (!square(m.ff, m.fr) || !square(m.tf, m.tr) || i != s.size()) return std::nullopt;
  return m;
}

std::optional<Move> parse_iccs(std::string_view s) {
  std::string_view a, b;
  if (s.size() == 4) {
    a = s.substr(0, 2);
    b = s.substr(2, 2);
  } else if (s.size() == 5 && s[2] == '-') {
    a = s.substr(0, 2);
    b = s.substr(3, 2);
  } else {
    return std::nullopt;
  }
  auto from = parse_square(a), to = parse_square(b);
  if (!from || !to || *from == *to) return std::nullopt;
  return Move(*from, *to);
}

// ---------------------------------------------------------------------------------------------
// What WXF and Chinese notation both describe: which piece (by file, or by its place among pieces of
// its kind on one file), which way it goes, and where to.

namespace {

struct Parts {
  PieceType type;
  Color us;
  int file_no;     // origin file, 1-9 from the mover's right
  int index;       // place among own pieces of this kind on the origin file, 0 = front-most
  int tandem;      // how many own pieces of this kind stand on the origin file
  bool multi;      // soldiers only: more than one file holds two or more of them
  char action;     // '+' forward, '-' backward, '=' sideways
  int dest;        // destination file number, or points moved along the file
};

int file_number(Color c, int file) { return c == Color::Red ? 9 - file : file + 1; }

Parts describe(const Position& pos, Move m) {
  const int from = int(m.from()), to = int(m.to());
  const Piece pc = pos.at(from);
  assert(pc != Piece::None);
  Parts p{};
  p.type = type_of(pc);
  p.us = color_of(pc);
  const int ff = geo::file_of(from), fr = geo::rank_of(from);
  const int tf = geo::file_of(to), tr = geo::rank_of(to);
  p.file_no = file_number(p.us, ff);
  const int dir = p.us == Color::Red ? 1 : -1;  // +1 when forward is towards rank 9

  // Pieces of this kind on the origin file, and on how many files such tandems occur.
  int per_file[9] = {};
  for (int i = 0, n = pos.count(pc); i < n; ++i) {
    const int s = pos.squares(pc)[i];
    ++per_file[geo::file_of(s)];
    if (geo::file_of(s) == ff && (geo::rank_of(s) - fr) * dir > 0) ++p.index;
  }
  p.tandem = per_file[ff];
  int tandem_files = 0;
  for (int n : per_file) tandem_files += n >= 2;
  p.multi = p.type == PieceType::Soldier && tandem_files >= 2;

  if (tr == fr) {
    p.action = '=';
  } else {
    p.action = (tr - fr) * dir > 0 ? '+' : '-';
  }
  p.dest = tf == ff ? (tr > fr ? tr - fr : fr - tr) : file_number(p.us, tf);
  return p;
}

// Advisors and elephants on one file are told apart by their direction, so they keep the file.
bool uses_file(const Parts& p) {
  return p.tandem < 2 || p.type == PieceType::Advisor || p.type == PieceType::Elephant || p.type == PieceType::King;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// WXF

namespace {

constexpr char kWxfLetter[] = {'K', 'A', 'E', 'H', 'R', 'C', 'P'};

std::string wxf_origin(const Parts& p) {
  const char letter = kWxfLetter[int(p.type)];
  const char file = char('0' + p.file_no);
  if (uses_file(p)) return {letter, file};
  if (p.type != PieceType::Soldier) return {letter, p.index == 0 ? '+' : '-'};
  const bool front = p.index == 0, rear = p.index == p.tandem - 1;
  if (p.multi) {
    // Case IV of the WXF rules: the file replaces the letter.
    return {file, front ? '+' : rear ? '-' : file};
  }
  switch (p.tandem) {
    case 2:
    case 3:
      return {letter, front ? '+' : rear ? '-' : file};
    case 4: {
      constexpr const char* kForms[] = {"++", "P+", "P-", "--"};
      return kForms[p.index];
    }
    default: {
      const char* forms[] = {"++", "P+", nullptr, "P-", "--"};
      return p.index == 2 ? std::string{letter, file} : std::string(forms[p.index]);
    }
  }
}

// The same move with the file digit in place of any tandem marker (a lenient input form).
std::string wxf_plain(const Parts& p) {
  return std::string{kWxfLetter[int(p.type)], char('0' + p.file_no), p.action, char('0' + p.dest)};
}

std::string normalize_wxf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    if (c == 'B') c = 'E';
    if (c == 'N') c = 'H';
    if (c == '.') c = '=';
    out += c;
  }
  // "+R=3" (marker before the letter) means "R+=3".
  if (out.size() >= 2 && (out[0] == '+' || out[0] == '-') && std::string_view("KAEHRCP").find(out[1]) != std::string_view::npos)
    std::swap(out[0], out[1]);
  return out;
}

}  // namespace

std::string to_wxf(const Position& pos, Move m) {
  const Parts p = describe(pos, m);
  return wxf_origin(p) + p.action + char('0' + p.dest);
}

std::optional<Move> parse_wxf(const Position& pos, std::string_view s) {
  if (s.size() > 16) return std::nullopt;
  const std::string want = normalize_wxf(s);
  MoveList moves;
  generate_legal(pos, moves);
  std::optional<Move> exact, plain;
  int n_exact = 0, n_plain = 0;
  for (Move m : moves) {
    const Parts p = describe(pos, m);
    if (wxf_origin(p) + p.action + char('0' + p.dest) == want) {
      exact = m;
      ++n_exact;
    }
    if (wxf_plain(p) == want) {
      plain = m;
      ++n_plain;
    }
  }
  if (n_exact == 1) return exact;
  if (n_exact == 0 && n_plain == 1) return plain;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Chinese

namespace {

constexpr std::string_view kRedNames[] = {"帅", "仕", "相", "马", "车", "炮", "兵"};
constexpr std::string_view kBlackNames[] = {"将", "士", "象", "马", "车", "炮", "卒"};
constexpr std::string_view kRedNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
constexpr std::string_view kBlackNumerals[] = {"１", "２", "３", "４", "５", "６", "７", "８", "９"};

std::string_view numeral(Color c, int n) {
  assert(n >= 1 && n <= 9);
  return c == Color::Red ? kRedNumerals[n - 1] : kBlackNumerals[n - 1];
}

std::string chinese(const Parts& p) {
  const std::string_view name = p.us == Color::Red ? kRedNames[int(p.type)] : kBlackNames[int(p.type)];
  const bool front = p.index == 0, rear = p.index == p.tandem - 1;
  std::string s;
  if (uses_file(p)) {
    s.append(name).append(numeral(p.us, p.file_no));
  } else if (p.tandem <= 3) {
    const std::string_view place = front ? "前" : rear ? "后" : "中";
    s.append(place);
    if (p.multi)
      s.append(numeral(p.us, p.file_no));
    else
      s.append(name);
  } else {
    // Four or five soldiers on one file: counted from the front.
    s.append(kRedNumerals[p.index]).append(name);
  }
  s.append(p.action == '+' ? "进" : p.action == '-' ? "退" : "平");
  s.append(numeral(p.us, p.dest));
  return s;
}

// Decodes one UTF-8 code point; returns 0 on malformed input.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + std::size_t(len) > s.size()) return 0;
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) {
    if ((b(i + std::size_t(k)) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + std::size_t(k)) & 0x3F);
  }
  i += std::size_t(len);
  return cp;
}

// Maps every spelling variant to one ASCII token per character, so that comparison ignores colour
// conventions (仕/士, 一/１/1) and traditional forms. Returns "" on anything unknown.
std::string normalize_chinese(std::string_view s) {
  struct Map {
    char32_t cp;
    char token;
  };
  static constexpr Map kMap[] = {
      {U'帅', 'K'}, {U'将', 'K'}, {U'帥', 'K'}, {U'將', 'K'}, {U'仕', 'A'}, {U'士', 'A'}, {U'相', 'E'},
      {U'象', 'E'}, {U'马', 'H'}, {U'馬', 'H'}, {U'傌', 'H'}, {U'车', 'R'}, {U'車', 'R'}, {U'俥', 'R'},
      {U'炮', 'C'}, {U'砲', 'C'}, {U'包', 'C'}, {U'兵', 'P'}, {U'卒', 'P'}, {U'进', '+'}, {U'進', '+'},
      {U'退', '-'}, {U'平', '='}, {U'前', 'f'}, {U'中', 'm'}, {U'后', 'b'}, {U'後', 'b'}, {U'一', '1'},
      {U'二', '2'}, {U'三', '3'}, {U'四', '4'}, {U'五', '5'}, {U'六', '6'}, {U'七', '7'}, {U'八', '8'},
      {U'九', '9'},
  };
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char32_t cp = next_code_point(s, i);
    if (cp == 0) return "";
    if (cp == U' ' || cp == U'\t' || cp == U'\u3000') continue;
    if (cp >= U'1' && cp <= U'9') {
      out += char(cp);
      continue;
    }
    if (cp >= U'１' && cp <= U'９') {
      out += char('1' + (cp - U'１'));
      continue;
    }
    char token = 0;
    for (const Map& m : kMap)
      if (m.cp == cp) token = m.token;
    if (token == 0) return "";
    out += token;
  }
  return out;
}

}  // namespace

std::string to_chinese(const Position& pos, Move m) { return chinese(describe(pos, m)); }

std::optional<Move> parse_chinese(const Position& pos, std::string_view s) {
  if (s.size() > 64) return std::nullopt;
  const std::string want = normalize_chinese(s);
  if (want.empty()) return std::nullopt;
  MoveList moves;
  generate_legal(pos, moves);
  std::optional<Move> found;
  int n = 0;
  for (Move m : moves)
    if (normalize_chinese(chinese(describe(pos, m))) == want) {
      found = m;
      ++n;
    }
  return n == 1 ? found : std::nullopt;
}

}  // namespace chuhe::rules
