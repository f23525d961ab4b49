// chuhe-tune gen|label|tune ... (see tune.h and docs/ai.md).
#include <cstdlib>
#include <iostream>
#include <string>

#include "ai/tune/tune.h"

#ifndef CHUHE_SOURCE_DIR
#define CHUHE_SOURCE_DIR "."
#endif

int main(int argc, char** argv) {
  using namespace chuhe::ai::tune;
  if (argc < 2) {
    std::cerr << "usage: chuhe-tune gen [--games N] [--threads T] [--nodes N] [--seed S] --out FILE\n"
                 "       chuhe-tune label [--fsf PATH] [--depth D] [--threads T] --in FILE --out FILE\n"
                 "       chuhe-tune tune --data FILE --out ai/eval_weights.h [--lambda L] [--iterations N]\n"
                 "                       [--local-passes N] [--chariot-value CP] [--prior N]\n"
                 "                       [--from seed|current]\n";
    return 2;
  }
  const std::string cmd = argv[1];
  GenOptions g;
  g.openings = std::string(CHUHE_SOURCE_DIR) + "/bench/match/openings.txt";
  LabelOptions l;
  TuneOptions t;
  t.command_line = "chuhe-tune";
  for (int i = 1; i < argc; ++i) t.command_line += std::string(" ") + argv[i];
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "missing value after " << a << "\n";
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--games") g.games = std::atoi(v.c_str());
    else if (a == "--threads") g.threads = l.threads = std::atoi(v.c_str());
    else if (a == "--nodes") g.nodes = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--seed") g.seed = t.seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--openings") g.openings = v;
    else if (a == "--out") g.out = l.out = t.out = v;
    else if (a == "--fsf") l.fsf = v;
    else if (a == "--depth") l.depth = std::atoi(v.c_str());
    else if (a == "--in") l.in = v;
    else if (a == "--data") t.data = v;
    else if (a == "--lambda") t.lambda = std::atof(v.c_str());
    else if (a == "--iterations") t.adam_iterations = std::atoi(v.c_str());
    else if (a == "--local-passes") t.local_passes = std::atoi(v.c_str());
    else if (a == "--chariot-value") t.chariot_value = std::atof(v.c_str());
    else if (a == "--prior") t.prior_positions = std::atof(v.c_str());
    else if (a == "--from") t.from_current = v == "current";
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  if (cmd == "gen") return run_gen(g);
  if (cmd == "label") return run_label(l);
  if (cmd == "tune") return run_tune(t);
  std::cerr << "unknown command " << cmd << "\n";
  return 2;
}
