// chuhe-engine: the Chuhe xiangqi engine as a UCI / UCCI process (see ai/engine/protocol.h).
//   chuhe-engine            protocol loop on stdin/stdout
//   chuhe-engine bench [D]  the bench (fixed positions, depth D) and exit
#include <iostream>
#include <string>

#include "ai/engine/protocol.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::cin.tie(nullptr);  // see ProtocolLoop::run: output is flushed per line, under a lock
  chuhe::ai::engine::ProtocolLoop loop(std::cout);
  if (argc >= 2) {
    // Arguments are one command (Stockfish convention: `chuhe-engine bench`).
    std::string line;
    for (int i = 1; i < argc; ++i) {
      if (i > 1) line += ' ';
      line += argv[i];
    }
    loop.handle(line);
    loop.handle("quit");
    return 0;
  }
  return loop.run(std::cin);
}
