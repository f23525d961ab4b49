// The Redis building blocks for several nodes on one Redis (DESIGN.md, "Scale"), against a real
// redis-server run as in production (appendonly yes, appendfsync always): the per-game lease with its
// fencing token, the move journal as a stream per game, and the lobby whose seeks are paired atomically.
// Two RedisClients stand for two nodes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "persistence/cluster_lease.h"
#include "persistence/cluster_lobby.h"
#include "persistence/redis_client.h"
#include "persistence/redis_journal.h"
#include "persistence/redis_game_archive.h"
#include "persistence/redis_subscriber.h"
#include "tests/support/await.h"
#include "tests/support/redis_server.h"

namespace chuhe::persistence {
namespace {

using namespace std::chrono_literals;
using test::await;
using test::eventually;

test::RedisServerOptions durable_redis() {
  test::RedisServerOptions o;
  o.appendonly = true;
  o.appendfsync = "always";
  return o;
}

// The value a callback-style call hands back; throws (failing the test) after 5 s.
template <class T, class Start>
T wait(Start start) {
  return test::await_value<T>(std::move(start));
}

class ClusterTest : public ::testing::Test {
 protected:
  RedisOptions options() const {
    RedisOptions o;
    o.host = redis_.host();
    o.port = redis_.port();
    o.command_timeout_ms = 5000;  // a loaded CI machine must not turn a slow fsync into "unavailable"
    return o;
  }

  void SetUp() override {
    ASSERT_TRUE(eventually([&] { return node_a_.available() && node_b_.available(); }, 5s));
  }

  RedisReply raw(std::vector<std::string> args) {
    return wait<RedisReply>([&](auto done) { node_a_.command(std::move(args), done); });
  }

  test::RedisServer redis_{durable_redis()};
  RedisClient node_a_{options()};
  RedisClient node_b_{options()};
};

// `node` takes the free lease of `game` for `ttl`: the holder its journal writes then carry. Throws
// (failing the test) if the lease is refused.
LeaseHolder hold(GameLease& lease, const std::string& game, const std::string& node,
                 std::chrono::milliseconds ttl = std::chrono::seconds(10)) {
  auto grant = wait<LeaseGrant>([&](auto done) { lease.acquire(game, node, ttl, done); });
  if (!grant.ok()) throw std::runtime_error("the lease of " + game + " was refused to " + node);
  return LeaseHolder{node, grant.token};
}

JournalGame game_named(const std::string& id) {
  return JournalGame{id, R"({"name":"red"})", R"({"name":"black"})", "5+3", true, "startpos", 1'700'000'000'000};
}

// --- GameLease ---------------------------------------------------------------------------------------

TEST_F(ClusterTest, LeaseIsExclusiveRenewableAndTokensGrow) {
  GameLease a(node_a_), b(node_b_);
  auto g1 = wait<LeaseGrant>([&](auto done) { a.acquire("g1", "A", 10s, done); });
  ASSERT_EQ(g1.status, LeaseStatus::ok);
  EXPECT_GE(g1.token, 1u);

  auto refused = wait<LeaseGrant>([&](auto done) { b.acquire("g1", "B", 10s, done); });
  EXPECT_EQ(refused.status, LeaseStatus::refused);
  EXPECT_EQ(refused.holder, "A|" + std::to_string(g1.token));

  LeaseHolder holder_a{"A", g1.token};
  EXPECT_EQ(wait<LeaseStatus>([&](auto done) { a.renew("g1", holder_a, 10s, done); }), LeaseStatus::ok);
  // Another node, or the same node with a wrong token, cannot renew or release it.
  EXPECT_EQ(wait<LeaseStatus>([&](auto done) { b.renew("g1", LeaseHolder{"B", g1.token}, 10s, done); }),
            LeaseStatus::refused);
  EXPECT_EQ(wait<LeaseStatus>([&](auto done) { b.release("g1", LeaseHolder{"A", g1.token + 1}, done); }),
            LeaseStatus::refused);
  auto owner = wait<std::optional<LeaseHolder>>([&](auto done) { b.owner("g1", done); });
  ASSERT_TRUE(owner);
  EXPECT_EQ(*owner, holder_a);

  // Released: the next acquisition (any node) gets a greater token.
  EXPECT_EQ(wait<LeaseStatus>([&](auto done) { a.release("g1", holder_a, done); }), LeaseStatus::ok);
  auto g2 = wait<LeaseGrant>([&](auto done) { b.acquire("g1", "B", 10s, done); });
  ASSERT_EQ(g2.status, LeaseStatus::ok);
  EXPECT_GT(g2.token, g1.token);
  // The old holder's renew cannot revive it: it is someone else's now.
  EXPECT_EQ(wait<LeaseStatus>([&](auto done) { a.renew("g1", holder_a, 10s, done); }), LeaseStatus::refused);
}

TEST_F(ClusterTest, ExpiredLeaseNobodyTookCanBeRenewedByItsHolder) {
  GameLease a(node_a_), b(node_b_);
  auto grant = wait<LeaseGrant>([&](auto done) { a.acquire("g2", "A", 200ms, done); });
  ASSERT_TRUE(grant.ok());
  ASSERT_TRUE(eventually([&] { return !wait<std::optional<LeaseHolder>>([&](auto d) { b.owner("g2", d); }); }, 5s));
  LeaseHolder holder{"A", grant.token};
  EXPECT_EQ(wait<LeaseStatus>([&](auto done) { a.renew("g2", holder, 10s, done); }), LeaseStatus::ok);
  EXPECT_EQ(wait<LeaseGrant>([&](auto done) { b.acquire("g2", "B", 10s, done); }).status, LeaseStatus::refused);
}

// A node stalls past its lease (as if SIGSTOPped): the game shows up as an orphan, another node takes it
// over with a greater token, and the stalled node, resuming, can neither renew nor write.
TEST_F(ClusterTest, TakeoverAfterExpiryFencesTheStaleNode) {
  GameLease lease_a(node_a_), lease_b(node_b_);
  RedisJournal journal_a(node_a_), journal_b(node_b_);
  test::Mailbox<std::string> fenced_a;
  journal_a.on_fenced([&](const std::string& id) { fenced_a.push(id); });

  auto grant_a = wait<LeaseGrant>([&](auto done) { lease_a.acquire("g3", "A", 10s, done); });
  ASSERT_TRUE(grant_a.ok());
  LeaseHolder a{"A", grant_a.token};
  ASSERT_TRUE(wait<bool>([&](auto done) { journal_a.start_game(a, game_named("g3"), done); }));
  ASSERT_TRUE(wait<bool>([&](auto done) { journal_a.append(a, {"g3", 0, "h2e2", 300000, 0}, done); }));

  // While the lease lives the game is no orphan; once it lapses (A's last renew was for 200 ms, then A
  // stalls), it is.
  EXPECT_EQ(wait<std::vector<std::string>>([&](auto done) { lease_b.orphans(done); }), std::vector<std::string>{});
  ASSERT_EQ(wait<LeaseStatus>([&](auto done) { lease_a.renew("g3", a, 200ms, done); }), LeaseStatus::ok);
  ASSERT_TRUE(eventually(
      [&] {
        return wait<std::vector<std::string>>([&](auto done) { lease_b.orphans(done); }) ==
               std::vector<std::string>{"g3"};
      },
      5s));

  auto grant_b = wait<LeaseGrant>([&](auto done) { lease_b.acquire("g3", "B", 10s, done); });
  ASSERT_TRUE(grant_b.ok());
  EXPECT_GT(grant_b.token, grant_a.token);
  LeaseHolder b{"B", grant_b.token};
  EXPECT_TRUE(wait<std::vector<std::string>>([&](auto done) { lease_b.orphans(done); }).empty());

  // B loads the game and goes on.
  auto loaded = wait<std::optional<JournaledGame>>([&](auto done) { journal_b.load_game("g3", done); });
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->moves.size(), 1u);

  // A resumes: its renew and its writes are refused, and it is told.
  EXPECT_EQ(wait<LeaseStatus>([&](auto done) { lease_a.renew("g3", a, 10s, done); }), LeaseStatus::refused);
  EXPECT_FALSE(wait<bool>([&](auto done) { journal_a.append(a, {"g3", 1, "h9g7", 299000, 0}, done); }));
  EXPECT_EQ(fenced_a.pop(1s), std::optional<std::string>("g3"));
  EXPECT_FALSE(wait<bool>([&](auto done) { journal_a.finish(a, "g3", "1-0", "resign", 0, done); }));
  EXPECT_EQ(journal_a.stats().fenced, 2u);

  EXPECT_TRUE(wait<bool>([&](auto done) { journal_b.append(b, {"g3", 1, "h9g7", 299000, 0}, done); }));
  loaded = wait<std::optional<JournaledGame>>([&](auto done) { journal_b.load_game("g3", done); });
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->moves.size(), 2u);
  EXPECT_EQ(loaded->moves[1].iccs, "h9g7");
  EXPECT_EQ(loaded->status, "playing");
}

// --- RedisJournal ------------------------------------------------------------------------------------

TEST_F(ClusterTest, JournalRoundTripAndPlyChecks) {
  GameLease lease(node_a_);
  RedisJournal journal(node_a_);
  LeaseHolder a = hold(lease, "j1", "A");

  // No writes before the game exists, nor without the lease.
  EXPECT_FALSE(wait<bool>([&](auto done) { journal.append(a, {"j1", 0, "h2e2", 1000, 0}, done); }));
  EXPECT_FALSE(wait<bool>([&](auto done) { journal.start_game(LeaseHolder{"A", a.token + 1}, game_named("j1"), done); }));
  ASSERT_TRUE(wait<bool>([&](auto done) { journal.start_game(a, game_named("j1"), done); }));
  EXPECT_FALSE(wait<bool>([&](auto done) { journal.start_game(a, game_named("j1"), done); }));  // exists

  const std::vector<std::string> iccs = {"h2e2", "h9g7", "h0g2", "i9h9", "i0h0", "b9c7", "b0c2", "a9b9"};
  for (int ply = 0; ply < static_cast<int>(iccs.size()); ++ply) {
    ASSERT_TRUE(wait<bool>([&](auto done) {
      journal.append(a, {"j1", ply, iccs[static_cast<std::size_t>(ply)], 300000 - ply * 1000, 1000 + ply}, done);
    })) << ply;
  }
  const int next = static_cast<int>(iccs.size());
  EXPECT_FALSE(wait<bool>([&](auto done) { journal.append(a, {"j1", next - 1, "c3c4", 1, 0}, done); }));  // duplicate
  EXPECT_FALSE(wait<bool>([&](auto done) { journal.append(a, {"j1", next + 1, "c3c4", 1, 0}, done); }));  // gap
  EXPECT_FALSE(wait<bool>([&](auto done) { journal.append(a, {"j1", -1, "c3c4", 1, 0}, done); }));
  EXPECT_EQ(journal.stats().rejected, 5u);  // the move before the start, the duplicate start, three bad plies
  EXPECT_EQ(journal.stats().fenced, 1u);    // the start with a wrong token

  auto playing = wait<std::optional<JournaledGame>>([&](auto done) { journal.load_game("j1", done); });
  ASSERT_TRUE(playing);
  EXPECT_EQ(playing->status, "playing");
  ASSERT_EQ(playing->moves.size(), iccs.size());
  EXPECT_EQ(wait<std::vector<std::string>>([&](auto done) { lease.orphans(done); }), std::vector<std::string>{});

  ASSERT_TRUE(wait<bool>([&](auto done) { journal.finish(a, "j1", "1-0", "checkmate", 1'700'000'100'000, done); }));
  EXPECT_FALSE(wait<bool>([&](auto done) { journal.finish(a, "j1", "0-1", "resign", 0, done); }));
  EXPECT_FALSE(wait<bool>([&](auto done) { journal.append(a, {"j1", next, "c3c4", 1, 0}, done); }));

  auto ended = wait<std::optional<JournaledGame>>([&](auto done) { journal.load_game("j1", done); });
  ASSERT_TRUE(ended);
  const auto expected = game_named("j1");
  EXPECT_EQ(ended->game.id, "j1");
  EXPECT_EQ(ended->game.red, expected.red);
  EXPECT_EQ(ended->game.black, expected.black);
  EXPECT_EQ(ended->game.tc, expected.tc);
  EXPECT_EQ(ended->game.rated, expected.rated);
  EXPECT_EQ(ended->game.initial_fen, expected.initial_fen);
  EXPECT_EQ(ended->game.started_at_ms, expected.started_at_ms);
  EXPECT_EQ(ended->status, "ended");
  EXPECT_EQ(ended->result, "1-0");
  EXPECT_EQ(ended->reason, "checkmate");
  EXPECT_EQ(ended->ended_at_ms, 1'700'000'100'000);
  ASSERT_EQ(ended->moves.size(), iccs.size());
  for (std::size_t i = 0; i < iccs.size(); ++i) {
    EXPECT_EQ(ended->moves[i].game_id, "j1");
    EXPECT_EQ(ended->moves[i].ply, static_cast<int>(i));
    EXPECT_EQ(ended->moves[i].iccs, iccs[i]);
    EXPECT_EQ(ended->moves[i].clock_ms, 300000 - static_cast<long long>(i) * 1000);
    EXPECT_EQ(ended->moves[i].at_ms, 1000 + static_cast<long long>(i));
  }

  // finish released the lease, left the live set, and no earlier token can revive the lease.
  EXPECT_FALSE(wait<std::optional<LeaseHolder>>([&](auto done) { lease.owner("j1", done); }));
  EXPECT_EQ(raw({"SISMEMBER", "chuhe:games:live", "j1"}).integer, 0);
  EXPECT_EQ(wait<LeaseStatus>([&](auto done) { lease.renew("j1", a, 10s, done); }), LeaseStatus::refused);
  // Finished games' keys expire (archive first).
  EXPECT_GT(raw({"PTTL", "chuhe:moves:{j1}"}).integer, 0);

  EXPECT_FALSE(wait<std::optional<JournaledGame>>([&](auto done) { journal.load_game("nope", done); }));
}

// Writes of one game submitted back to back (no waiting) stay in order: the client runs them in order.
// The archive every node of a cluster reads: games kept after the end, each player's history by start
// time (paged, newest first, AI seats not indexed), the games a user plays now, and a fallback for games
// Redis does not have.
TEST_F(ClusterTest, ArchiveServesHistoriesAndPlayingGamesFromRedis) {
  GameLease lease(node_a_);
  RedisJournal journal(node_a_, RedisJournalOptions{ClusterKeys{}, 0ms});
  auto start = [&](const std::string& id, const std::string& red, const std::string& black, std::int64_t at) {
    LeaseHolder holder = hold(lease, id, "A");
    JournalGame g{id, red, black, "5+3", false, "startpos", at};
    EXPECT_TRUE(wait<bool>([&](auto done) { journal.start_game(holder, g, done); }));
    return holder;
  };
  const std::string ann = R"({"id":"u-ann","name":"ann"})", bob = R"({"id":"u-bob","name":"bob"})",
                    ai = R"({"ai":true,"level":3})";
  LeaseHolder h1 = start("h1", ann, bob, 1000);
  start("h2", bob, ann, 2000);
  start("h3", ann, ai, 3000);
  EXPECT_TRUE(wait<bool>([&](auto done) { journal.append(h1, JournalMove{"h1", 0, "h2e2", 299000, 1001}, done); }));
  EXPECT_TRUE(wait<bool>([&](auto done) { journal.finish(h1, "h1", "1-0", "resign", 1500, done); }));

  auto fallback_calls = std::make_shared<std::atomic<int>>(0);
  class Fallback : public GameArchive {
   public:
    explicit Fallback(std::shared_ptr<std::atomic<int>> calls) : calls_(std::move(calls)) {}
    void find_game(std::string id, std::function<void(GameResult)> done) override {
      ++*calls_;
      GameResult r{ArchiveStatus::not_found, {}};
      if (id == "old") {
        r.status = ArchiveStatus::ok;
        r.game.game.id = "old";
        r.game.status = "ended";
      }
      done(std::move(r));
    }
    void user_games(std::string, int, int, std::function<void(HistoryResult)> done) override { done({}); }

   private:
    std::shared_ptr<std::atomic<int>> calls_;
  };
  RedisGameArchive archive(node_b_, ClusterKeys{}, std::make_unique<Fallback>(fallback_calls));

  // Finished, read by another node: kept (no expiry), with its moves.
  auto found = wait<GameArchive::GameResult>([&](auto done) { archive.find_game("h1", done); });
  ASSERT_EQ(found.status, ArchiveStatus::ok);
  EXPECT_EQ(found.game.status, "ended");
  EXPECT_EQ(found.game.result, "1-0");
  ASSERT_EQ(found.game.moves.size(), 1u);
  EXPECT_EQ(raw({"TTL", ClusterKeys{}.game("h1")}).integer, -1) << "a cluster keeps finished games";
  EXPECT_EQ(fallback_calls->load(), 0);
  // Not in Redis: the fallback answers.
  EXPECT_EQ(wait<GameArchive::GameResult>([&](auto done) { archive.find_game("old", done); }).status, ArchiveStatus::ok);
  EXPECT_EQ(wait<GameArchive::GameResult>([&](auto done) { archive.find_game("none", done); }).status,
            ArchiveStatus::not_found);
  EXPECT_EQ(fallback_calls->load(), 2);

  // Ann's history, newest start first, paged; the AI seat has none.
  auto page = [&](const std::string& user, int offset, int limit) {
    auto r = wait<GameArchive::HistoryResult>([&](auto done) { archive.user_games(user, offset, limit, done); });
    EXPECT_EQ(r.status, ArchiveStatus::ok);
    std::vector<std::string> ids;
    for (const auto& g : r.games) ids.push_back(g.game.id + ":" + g.status + ":" + std::to_string(g.moves));
    return ids;
  };
  EXPECT_EQ(page("u-ann", 0, 10), (std::vector<std::string>{"h3:playing:0", "h2:playing:0", "h1:ended:1"}));
  EXPECT_EQ(page("u-ann", 1, 1), (std::vector<std::string>{"h2:playing:0"}));
  EXPECT_EQ(page("u-ann", 3, 5), (std::vector<std::string>{}));
  EXPECT_EQ(page("u-bob", 0, 10), (std::vector<std::string>{"h2:playing:0", "h1:ended:1"}));
  EXPECT_EQ(page("nobody", 0, 10), (std::vector<std::string>{}));

  auto playing = wait<std::vector<std::string>>([&](auto done) { archive.playing_games("u-ann", done); });
  EXPECT_EQ(playing, (std::vector<std::string>{"h3", "h2"}));
  EXPECT_TRUE(wait<std::vector<std::string>>([&](auto done) { archive.playing_games("nobody", done); }).empty());
}

TEST_F(ClusterTest, JournalPipelinedAppendsKeepTheirOrder) {
  GameLease lease(node_a_);
  RedisJournal journal(node_a_);
  LeaseHolder a = hold(lease, "j2", "A");
  journal.start_game(a, game_named("j2"), nullptr);
  test::Mailbox<std::pair<int, bool>> results;
  for (int ply = 0; ply < 100; ++ply) {
    journal.append(a, {"j2", ply, ply % 2 ? "h9g7" : "h2e2", 1000, 0},
                   [&results, ply](bool durable) { results.push({ply, durable}); });
  }
  for (int ply = 0; ply < 100; ++ply) {
    auto r = results.pop();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first, ply);
    EXPECT_TRUE(r->second) << ply;
  }
  EXPECT_EQ(raw({"XLEN", "chuhe:moves:{j2}"}).integer, 100);
}

// Acknowledged writes survive a Redis crash (SIGKILL) and restart from its AOF, and so do the lease and
// the fencing counter: tokens keep growing across a Redis restart.
TEST_F(ClusterTest, JournalAndLeaseSurviveARedisCrash) {
  GameLease lease(node_a_);
  RedisJournal journal(node_a_);
  LeaseHolder a = hold(lease, "r1", "A", 60s);
  ASSERT_TRUE(wait<bool>([&](auto done) { journal.start_game(a, game_named("r1"), done); }));
  for (int ply = 0; ply < 30; ++ply) {
    ASSERT_TRUE(wait<bool>([&](auto done) { journal.append(a, {"r1", ply, "h2e2", 1000, 0}, done); }));
  }

  redis_.kill();
  redis_.restart();
  ASSERT_TRUE(eventually([&] { return raw({"PING"}).is_status("PONG"); }, 10s));

  auto loaded = wait<std::optional<JournaledGame>>([&](auto done) { journal.load_game("r1", done); });
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->moves.size(), 30u);
  auto owner = wait<std::optional<LeaseHolder>>([&](auto done) { lease.owner("r1", done); });
  ASSERT_TRUE(owner);
  EXPECT_EQ(*owner, a);
  EXPECT_TRUE(wait<bool>([&](auto done) { journal.append(a, {"r1", 30, "h9g7", 1000, 0}, done); }));
  ASSERT_EQ(wait<LeaseStatus>([&](auto done) { lease.release("r1", a, done); }), LeaseStatus::ok);
  GameLease lease_b(node_b_);
  // Node B's own connection may only find out now that Redis restarted (its first command fails and
  // it reconnects on its backoff): "unavailable" is retried, any other answer is final.
  LeaseGrant grant_b;
  ASSERT_TRUE(eventually([&] {
    grant_b = wait<LeaseGrant>([&](auto done) { lease_b.acquire("r1", "B", 60s, done); });
    return grant_b.status != LeaseStatus::unavailable;
  }, 10s));
  ASSERT_TRUE(grant_b.ok()) << grant_b.holder;
  EXPECT_GT(grant_b.token, a.token);
}

// --- ClusterLobby ------------------------------------------------------------------------------------

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ClusterSeek seek(std::string id, std::string user, std::string tc, bool rated, int rating, std::int64_t created = 0) {
  return ClusterSeek{std::move(id), std::move(user), "A", std::move(tc), rated, rating, created, "{\"p\":1}"};
}

// Two nodes add 200 seeks from 8 threads at once: no seek is paired twice, every pair is valid, and no
// seek is lost (each is paired, or still waiting with nobody left it could be paired with).
TEST_F(ClusterTest, RacingSeeksFromTwoNodesArePairedAtMostOnce) {
  ClusterLobby lobby_a(node_a_), lobby_b(node_b_);
  RedisSubscriber subscriber(options());
  std::mutex mutex;
  std::vector<ClusterPairing> pairings, published;
  std::map<std::string, ClusterSeek> sent;
  lobby_a.on_paired(subscriber, [&](const ClusterPairing& p) {
    std::lock_guard lock(mutex);
    published.push_back(p);
  });
  ASSERT_TRUE(eventually([&] { return subscriber.ready(); }, 5s));

  constexpr int kThreads = 8, kPerThread = 25, kSeeks = kThreads * kPerThread;
  std::atomic<int> answered{0}, unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ClusterLobby& lobby = t % 2 == 0 ? lobby_a : lobby_b;
      std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1u);
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * kPerThread + i;
        auto s = seek("s" + std::to_string(n), "u" + std::to_string(rng() % 37), n % 2 ? "5+3" : "10+0",
                      n % 3 == 0, 1200 + static_cast<int>(rng() % 800));
        s.node_id = t % 2 == 0 ? "A" : "B";
        {
          std::lock_guard lock(mutex);
          sent[s.id] = s;
        }
        lobby.add_seek(s, unix_ms(), [&](AddSeekResult r) {
          if (r.status == SeekStatus::paired) {
            std::lock_guard lock(mutex);
            pairings.push_back(*r.pairing);
          } else if (r.status != SeekStatus::waiting) {
            ++unexpected;
          }
          ++answered;
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(eventually([&] { return answered.load() == kSeeks; }, 10s));
  EXPECT_EQ(unexpected.load(), 0);

  // Both nodes tick with windows long unlimited until nothing more pairs.
  for (int round = 0; round < 10; ++round) {
    auto more = wait<std::vector<ClusterPairing>>([&](auto done) {
      (round % 2 ? lobby_b : lobby_a).tick(unix_ms() + 60'000, done);
    });
    if (more.empty()) break;
    std::lock_guard lock(mutex);
    pairings.insert(pairings.end(), more.begin(), more.end());
  }

  std::unique_lock lock(mutex);
  std::set<std::string> seen;
  for (const auto& p : pairings) {
    for (const auto* s : {&p.first, &p.second}) {
      EXPECT_TRUE(seen.insert(s->id).second) << "paired twice: " << s->id;
      ASSERT_TRUE(sent.count(s->id));
      const auto& original = sent[s->id];
      EXPECT_EQ(s->user_id, original.user_id);
      EXPECT_EQ(s->rating, original.rating);
      EXPECT_EQ(s->node_id, original.node_id);
      EXPECT_EQ(s->payload, original.payload);
    }
    EXPECT_NE(p.first.user_id, p.second.user_id);
    EXPECT_EQ(p.first.tc, p.second.tc);
    EXPECT_EQ(p.first.rated, p.second.rated);
    EXPECT_LE(p.first.created_ms, p.second.created_ms);
  }
  EXPECT_GT(pairings.size(), 50u);

  // Whatever still waits: in each pool, only seeks of one user (anything else would have been paired).
  std::size_t waiting = 0;
  for (const auto& pool : raw({"SMEMBERS", "chuhe:seeks:pools"}).elements) {
    std::set<std::string> users;
    for (const auto& id : raw({"ZRANGE", pool.text, "0", "-1"}).elements) {
      EXPECT_FALSE(seen.count(id.text)) << id.text << " paired and still waiting";
      users.insert(raw({"HGET", "chuhe:seek:" + id.text, "user"}).text);
      ++waiting;
    }
    EXPECT_LE(users.size(), 1u) << pool.text;
  }
  EXPECT_EQ(2 * pairings.size() + waiting, static_cast<std::size_t>(kSeeks));

  // Every pairing was also announced to the nodes.
  const std::size_t total = pairings.size();
  lock.unlock();
  EXPECT_TRUE(eventually(
      [&] {
        std::lock_guard l(mutex);
        return published.size() == total;
      },
      5s));
}

TEST_F(ClusterTest, LobbyWindowWidensWithWaiting) {
  ClusterLobby lobby(node_a_);
  const std::int64_t t0 = 1'000'000;
  auto add = [&](ClusterSeek s, std::int64_t now) {
    return wait<AddSeekResult>([&](auto done) { lobby.add_seek(s, now, done); });
  };
  auto tick = [&](std::int64_t now) {
    return wait<std::vector<ClusterPairing>>([&](auto done) { lobby.tick(now, done); });
  };

  // 400 points apart: beyond the 150-point window at first.
  EXPECT_EQ(add(seek("a", "ua", "5+3", true, 1500, t0), t0).status, SeekStatus::waiting);
  EXPECT_EQ(add(seek("b", "ub", "5+3", true, 1900, t0), t0).status, SeekStatus::waiting);
  EXPECT_EQ(add(seek("a", "ua", "5+3", true, 1500, t0), t0).status, SeekStatus::duplicate);
  // Other pools never mix: a different time control, or unrated, at the same rating.
  EXPECT_EQ(add(seek("c", "uc", "10+0", true, 1500, t0), t0).status, SeekStatus::waiting);
  EXPECT_EQ(add(seek("d", "ud", "5+3", false, 1500, t0), t0).status, SeekStatus::waiting);
  EXPECT_TRUE(tick(t0 + 100).empty());  // window 200
  EXPECT_TRUE(tick(t0 + 400).empty());  // window 350
  auto pairs = tick(t0 + 600);          // window 450
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].first.id == "a" ? pairs[0].second.id : pairs[0].first.id, "b");
  EXPECT_TRUE(tick(t0 + 100'000).empty());  // c and d have nobody compatible

  // A newcomer close enough pairs at once with the closest compatible seek, not with itself's user.
  EXPECT_EQ(add(seek("e", "ue", "5+3", false, 1800, t0 + 100'000), t0 + 100'000).status, SeekStatus::waiting);
  EXPECT_EQ(add(seek("f", "ud", "5+3", false, 1510, t0 + 100'000), t0 + 100'000).status, SeekStatus::waiting);
  auto r = add(seek("g", "ug", "5+3", false, 1560, t0 + 100'000), t0 + 100'000);
  ASSERT_EQ(r.status, SeekStatus::paired);
  EXPECT_EQ(r.pairing->second.id, "g");
  EXPECT_EQ(r.pairing->first.id, "f");  // 50 away beats d (60 away, though older)

  // Cancel: once only; a cancelled seek is never paired.
  EXPECT_TRUE(wait<bool>([&](auto done) { lobby.cancel_seek("e", done); }));
  EXPECT_FALSE(wait<bool>([&](auto done) { lobby.cancel_seek("e", done); }));
  EXPECT_FALSE(wait<bool>([&](auto done) { lobby.cancel_seek("b", done); }));  // already paired
  auto late = tick(t0 + 200'000);
  EXPECT_TRUE(late.empty());
  EXPECT_EQ(raw({"EXISTS", "chuhe:seek:e"}).integer, 0);
}

}  // namespace
}  // namespace chuhe::persistence
