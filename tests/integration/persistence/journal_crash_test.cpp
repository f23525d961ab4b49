// "A move that anyone has seen is never lost, even if the server is killed right after" (PROTOCOL.md),
// tested with a real process: a child journals moves in many games and prints each one only once its
// callback says durable (as a game broadcasts it); the parent SIGKILLs it at a random moment, reopens the
// journal and checks that every move the child printed is there.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "persistence/game_journal.h"
#include "tests/support/temp_dir.h"

namespace chuhe::persistence {
namespace {

constexpr int kGames = 40;

std::string iccs_for(int ply) { return ply % 2 == 0 ? "h2e2" : "h9g7"; }

// Each game's next move is submitted from the previous one's durable callback, one in flight per game,
// so the journal sees kGames concurrent streams and groups them.
struct Chain {
  GameJournal* journal;
  int fd;
  void next(const std::string& id, int ply) {
    journal->append({id, ply, iccs_for(ply), 1000, 0}, [this, id, ply](bool durable) {
      if (!durable) _exit(3);  // never expected here
      std::string line = id + " " + std::to_string(ply) + "\n";
      // One write() of less than PIPE_BUF bytes: whole lines only, even if killed right after.
      if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
      // A broadcast takes time. It also widens the window in which a journal that answered before its
      // COMMIT reached the file would be caught by the kill (checked by mutating the journal that way).
      usleep(100);
      next(id, ply + 1);
    });
  }
};

[[noreturn]] void child(const std::filesystem::path& path, int fd) {
  GameJournalOptions options;
  options.path = path;
  std::string error;
  auto journal = GameJournal::open(options, error);
  if (!journal) _exit(2);
  Chain chain{journal.get(), fd};
  for (int g = 0; g < kGames; ++g) {
    std::string id = "g" + std::to_string(g);
    journal->start_game(JournalGame{id, "{}", "{}", "5+3", false, "startpos", 0}, [&chain, id](bool durable) {
      if (!durable) _exit(3);
      chain.next(id, 0);
    });
  }
  for (;;) pause();  // until SIGKILL
}

// Reads whatever is in the pipe until `deadline` (or EOF), appending to `out`. False at EOF.
bool read_until(int fd, std::chrono::steady_clock::time_point deadline, std::string& out) {
  char buffer[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r <= 0) continue;
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

TEST(JournalCrash, EveryMovePrintedSurvivesSigkill) {
  std::mt19937 rng(std::random_device{}());
  for (int round = 0; round < 3; ++round) {
    test::TempDir dir("chuhe-journal-crash");
    const auto path = dir.path() / "journal.sqlite3";
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      child(path, fds[1]);
    }
    close(fds[1]);
    // Kill at a random moment once moves are flowing.
    std::string seen;
    auto kill_at = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 450)(rng));
    read_until(fds[0], kill_at, seen);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child exited early, status " << status;
    // Lines written before the kill are still in the pipe: they were "seen" too.
    read_until(fds[0], std::chrono::steady_clock::now() + std::chrono::seconds(5), seen);
    close(fds[0]);

    std::map<std::string, int> last_seen;  // game -> highest ply printed
    std::istringstream lines(seen);
    std::string id;
    int ply = 0;
    std::size_t count = 0;
    while (lines >> id >> ply) {
      auto [it, inserted] = last_seen.emplace(id, ply);
      if (!inserted) {
        EXPECT_EQ(ply, it->second + 1) << "plies of a game are printed in order";
        it->second = ply;
      }
      ++count;
    }
    ASSERT_GT(count, 20u) << "the child should have journaled moves before it was killed";

    GameJournalOptions options;
    options.path = path;
    std::string error;
    auto journal = GameJournal::open(options, error);
    ASSERT_NE(journal, nullptr) << error;
    auto games = journal->load_unfinished();
    std::map<std::string, std::size_t> stored;
    for (const auto& g : games) {
      for (std::size_t i = 0; i < g.moves.size(); ++i) {
        ASSERT_EQ(g.moves[i].ply, static_cast<int>(i)) << g.game.id;
        ASSERT_EQ(g.moves[i].iccs, iccs_for(static_cast<int>(i))) << g.game.id;
      }
      stored[g.game.id] = g.moves.size();
    }
    for (const auto& [game, last] : last_seen) {
      EXPECT_GT(stored[game], static_cast<std::size_t>(last)) << game << ": ply " << last << " was seen but lost";
    }
    std::cout << "round " << round << ": " << count << " moves seen, all present\n";
  }
}

}  // namespace
}  // namespace chuhe::persistence
