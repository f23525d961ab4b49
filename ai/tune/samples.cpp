#include <fstream>
#include <sstream>

#include "ai/tune/tune.h"

namespace chuhe::ai::tune {

// One sample per line: FEN <tab> result (Red's view) <tab> FSF score (Red's view) or '-'.
std::vector<Sample> read_samples(const std::string& path) {
  std::ifstream in(path);
  std::vector<Sample> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Sample s;
    std::string result, cp;
    if (!std::getline(fields, s.fen, '\t') || !std::getline(fields, result, '\t')) continue;
    s.result = std::stof(result);
    if (std::getline(fields, cp, '\t') && cp != "-") s.fsf_cp = std::stoi(cp);
    out.push_back(std::move(s));
  }
  return out;
}

bool write_samples(const std::string& path, const std::vector<Sample>& samples) {
  std::ofstream out(path);
  for (const Sample& s : samples) {
    out << s.fen << '\t' << s.result << '\t';
    if (s.fsf_cp == kNoLabel) out << '-';
    else out << s.fsf_cp;
    out << '\n';
  }
  return bool(out);
}

}  // namespace chuhe::ai::tune
