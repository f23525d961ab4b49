// Cluster mode end to end (issue 9 part B): three chuhe-server nodes started with `--cluster true` and the
// same JWT secret share one redis-server (appendonly yes, appendfsync always). Players on two nodes pair
// and play a game to mate while a spectator on the third sees every move; two seeks sent to two nodes at
// the same moment are paired with each other exactly once; a logout on one node closes the session's
// socket on another; and after kill -9 of the node that owns a game, a surviving node takes it over: the
// players resume on surviving nodes, find every move they had seen, and finish the game; a node stopped
// (SIGSTOP) past its lease cannot apply a move after it wakes. Every wait polls with a deadline; nothing
// sleeps to synchronise.
#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <random>

#include "persistence/cluster_lease.h"
#include "persistence/redis_client.h"
#include "rules/game.h"
#include "rules/notation.h"
#include "tests/support/await.h"
#include "tests/support/bot_moves.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

using namespace chuhe::test;
using nlohmann::json;
namespace rules = chuhe::rules;
namespace persistence = chuhe::persistence;
using namespace std::chrono_literals;

namespace {

constexpr int kNodes = 3;
const std::string kSecret = "cluster-test-secret-0123456789abcdefghij";  // 40 bytes, shared by every node

class ClusterServerTest : public ::testing::Test {
 protected:
  static RedisServerOptions aof_always() {
    RedisServerOptions options;
    options.appendonly = true;
    options.appendfsync = "always";
    return options;
  }
  ClusterServerTest() : redis_(aof_always()) {}

  void SetUp() override {
    for (int i = 0; i < kNodes; ++i) {
      nodes_.push_back(std::make_unique<ServerProcess>(ServerOptions{
          redis_address(), dirs_[i].path(),
          {"--cluster", "true", "--jwt_secret", kSecret, "--lease_ms", "1000", "--messages_per_second", "10000",
           "--message_burst", "10000", "--reconnect_grace_s", "120"},
          {}}));
    }
    persistence::RedisOptions options;
    options.host = redis_.host();
    options.port = redis_.port();
    redis_client_ = std::make_unique<persistence::RedisClient>(options);
    lease_ = std::make_unique<persistence::GameLease>(*redis_client_);
  }

  persistence::RedisReply redis_command(std::vector<std::string> args) {
    std::promise<persistence::RedisReply> promise;
    auto future = promise.get_future();
    redis_client_->command(std::move(args), [&promise](persistence::RedisReply r) { promise.set_value(std::move(r)); });
    EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
    return future.get();
  }

  // GET /api/games/{id} of `node` once it shows the game ended (the end reaches Redis, which every node's
  // archive reads, just before game_end is sent); null if it does not within the deadline.
  json archived_game(int node, const std::string& game) {
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
      auto res = http_request(port(node), "GET", "/api/games/" + game);
      if (res.status == 200 && res.json().value("status", "") == "ended") return res.json();
      EXPECT_TRUE(res.status == 200 || res.status == 404) << res.body;
      std::this_thread::sleep_for(20ms);  // poll interval, under the deadline
    }
    return {};
  }

  std::string redis_address() const { return redis_.host() + ":" + std::to_string(redis_.port()); }
  unsigned short port(int node) const { return nodes_[node]->port(); }

  std::string guest_token(int node) {
    auto res = http_request(port(node), "POST", "/api/auth/guest", "{}");
    EXPECT_EQ(res.status, 200) << res.body;
    return res.json().value("token", "");
  }

  std::unique_ptr<WsClient> connect(int node, const std::string& token) {
    auto ws = std::make_unique<WsClient>();
    EXPECT_TRUE(ws->connect(port(node), "/ws?token=" + token)) << "node " << node;
    EXPECT_TRUE(ws->recv_type("welcome"));
    return ws;
  }

  // A guest on node `a` seeks first, one on node `b` then: they are paired with each other (pair_up).
  struct Pairing paired_guests(int a, int b);

  // The node (index) whose lease holds `game` now; -1 if none.
  int owner_of(const std::string& game) {
    std::promise<std::optional<persistence::LeaseHolder>> promise;
    auto future = promise.get_future();
    lease_->owner(game, [&promise](std::optional<persistence::LeaseHolder> h) { promise.set_value(std::move(h)); });
    if (future.wait_for(5s) != std::future_status::ready) return -1;
    auto holder = future.get();
    if (!holder) return -1;
    for (int i = 0; i < kNodes; ++i)
      if (nodes_[i] && holder->node_id == "127.0.0.1:" + std::to_string(port(i))) return i;
    return -1;
  }

  RedisServer redis_;
  TempDir dirs_[kNodes];
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
  std::unique_ptr<persistence::RedisClient> redis_client_;
  std::unique_ptr<persistence::GameLease> lease_;
};

struct Seat {
  std::string token;
  int node = 0;
  std::unique_ptr<WsClient> ws;
};

struct Pairing {
  std::string game;
  Seat red, black;
};

// `a` and `b` seek (b only once a's seek is queued) and are paired with each other.
Pairing pair_up(Seat a, Seat b) {
  Pairing p;
  a.ws->send({{"t", "seek"}, {"tc", "10+5"}});
  EXPECT_TRUE(a.ws->recv_type("seeking"));
  const auto sent = std::chrono::steady_clock::now();
  b.ws->send({{"t", "seek"}, {"tc", "10+5"}});
  auto start_a = a.ws->recv_type("game_start", 5s);
  auto start_b = b.ws->recv_type("game_start", 5s);
  EXPECT_TRUE(start_a && start_b);
  if (!start_a || !start_b) return p;
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 2s) << "pairing across nodes took too long";
  EXPECT_EQ((*start_a)["game"], (*start_b)["game"]);
  EXPECT_NE((*start_a)["color"], (*start_b)["color"]);
  p.game = (*start_a)["game"];
  const bool a_red = (*start_a)["color"] == "red";
  p.red = std::move(a_red ? a : b);
  p.black = std::move(a_red ? b : a);
  return p;
}

Pairing ClusterServerTest::paired_guests(int a, int b) {
  Seat first{guest_token(a), a, nullptr}, second{guest_token(b), b, nullptr};
  first.ws = connect(a, first.token);
  second.ws = connect(b, second.token);
  return pair_up(std::move(first), std::move(second));
}

// The next `state` or `error` answering a request with id `id`; nothing after the timeout.
std::optional<json> answer(WsClient& ws, const std::string& id, std::chrono::milliseconds timeout = 3s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = ws.recv(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!m) return std::nullopt;
    if (m->value("id", json()) == id && ((*m)["t"] == "state" || (*m)["t"] == "error")) return m;
  }
  return std::nullopt;
}

// Sends `t` (resume or watch) until the game's owner answers with its state: while a dead node's
// lease runs out and a survivor takes the game over, the answer is an error (not_found / unavailable).
std::optional<json> poll_state(WsClient& ws, const std::string& type, const std::string& game,
                               std::chrono::seconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (int attempt = 0; std::chrono::steady_clock::now() < deadline; ++attempt) {
    std::string id = type + std::to_string(attempt);
    if (!ws.send({{"t", type}, {"game", game}, {"id", id}})) return std::nullopt;
    auto a = answer(ws, id);
    if (a && (*a)["t"] == "state") return a;
    if (a) {
      EXPECT_TRUE((*a)["code"] == "not_found" || (*a)["code"] == "unavailable") << a->dump();
      // Ask again a little later (the answer came at once; do not hammer the cluster). A timed-out
      // recv would close our client, so this pause is a plain one: a poll interval, under a deadline.
      std::this_thread::sleep_for(100ms);
    }
  }
  return std::nullopt;
}

// One move by the side to move, seen by both players (and the spectator if any); `seen` records it.
bool play_one(Pairing& p, rules::Game& local, std::mt19937& rng, std::vector<std::string>& seen,
              WsClient* spectator = nullptr) {
  const bool red = local.position().side_to_move() == rules::Color::Red;
  WsClient& mover = *(red ? p.red : p.black).ws;
  WsClient& other = *(red ? p.black : p.red).ws;
  const int ply = static_cast<int>(local.history().size());
  const std::string move = rules::to_iccs(mating_bot_move(local, rng));
  if (!mover.send({{"t", "move"}, {"game", p.game}, {"move", move}, {"ply", ply}, {"id", ply}})) return false;
  auto echo = mover.recv_type("move");
  if (!echo) {
    ADD_FAILURE() << "no echo of ply " << ply;
    return false;
  }
  EXPECT_EQ((*echo)["id"], ply);
  auto other_saw = other.recv_type("move");
  if (!other_saw) {
    ADD_FAILURE() << "the opponent did not see ply " << ply;
    return false;
  }
  EXPECT_EQ((*other_saw)["move"], move);
  EXPECT_EQ((*other_saw)["ply"], ply);
  if (local.play_iccs(move) != rules::PlayResult::Ok) {
    ADD_FAILURE() << "the bot's own move " << move << " is illegal";
    return false;
  }
  EXPECT_EQ((*other_saw)["fen"], local.fen());
  seen.push_back(move);
  if (spectator) {
    auto s = spectator->recv_type("move");
    if (!s) {
      ADD_FAILURE() << "the spectator missed ply " << ply;
      return false;
    }
    EXPECT_EQ((*s)["ply"], ply);
    EXPECT_EQ((*s)["move"], move);
  }
  return true;
}

TEST_F(ClusterServerTest, PlayersOnTwoNodesPlayToMateWhileASpectatorOnTheThirdSeesEveryMove) {
  Pairing p = paired_guests(0, 1);
  ASSERT_FALSE(p.game.empty());
  const int owner = owner_of(p.game);
  ASSERT_GE(owner, 0) << "a node holds the game's lease";

  auto spectator = connect(2, guest_token(2));
  auto state = poll_state(*spectator, "watch", p.game, 5s);
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)["status"], "playing");
  EXPECT_EQ((*state)["moves"].size(), 0u);
  EXPECT_FALSE(state->contains("color"));

  // A new tab of a player on the third node is welcomed with the game it plays on another node.
  {
    WsClient tab;
    ASSERT_TRUE(tab.connect(port(2), "/ws?token=" + p.red.token));
    auto welcome = tab.recv_type("welcome");
    ASSERT_TRUE(welcome);
    EXPECT_EQ((*welcome)["games"], json::array({p.game})) << welcome->dump();
  }

  rules::Game local;
  std::mt19937 rng(20261124);
  std::vector<std::string> seen;
  for (int guard = 0; guard < 400 && !local.is_over(); ++guard) ASSERT_TRUE(play_one(p, local, rng, seen, spectator.get()));
  ASSERT_TRUE(local.is_over());
  auto end_red = p.red.ws->recv_type("game_end");
  auto end_black = p.black.ws->recv_type("game_end");
  auto end_spectator = spectator->recv_type("game_end");
  ASSERT_TRUE(end_red && end_black && end_spectator);
  EXPECT_EQ((*end_red)["reason"], "checkmate");
  EXPECT_EQ((*end_spectator)["reason"], "checkmate");
  EXPECT_EQ((*end_spectator)["result"], (*end_red)["result"]);

  // Every node serves the finished game (the archive is shared), its export, and the players' histories.
  for (int node = 0; node < kNodes; ++node) {
    json archived = archived_game(node, p.game);
    ASSERT_FALSE(archived.is_null()) << "node " << node << " does not serve the finished game";
    EXPECT_EQ(archived["status"], "ended");
    EXPECT_EQ(archived["reason"], "checkmate");
    EXPECT_EQ(archived["moves"].get<std::vector<std::string>>(), seen);
    auto exported = http_request(port(node), "GET", "/api/games/" + p.game + "/export");
    EXPECT_EQ(exported.status, 200);
    EXPECT_NE(exported.body.find("[Termination"), std::string::npos) << exported.body;
    for (const char* side : {"red", "black"}) {
      const std::string id = archived[side]["id"];
      auto history = http_request(port(node), "GET", "/api/users/" + id + "/games");
      ASSERT_EQ(history.status, 200) << history.body;
      ASSERT_EQ(history.json()["games"].size(), 1u) << history.body;
      EXPECT_EQ(history.json()["games"][0]["id"], p.game);
      EXPECT_EQ(history.json()["games"][0]["moves"], seen.size());
    }
  }
  EXPECT_EQ(http_request(port(2), "GET", "/api/games/nosuchgame").status, 404);
  EXPECT_EQ(owner_of(p.game), -1) << "the lease is released with the end";
  // The game no longer counts as played: a new tab's welcome lists nothing.
  WsClient later;
  ASSERT_TRUE(later.connect(port(2), "/ws?token=" + p.red.token));
  auto welcome = later.recv_type("welcome");
  ASSERT_TRUE(welcome);
  EXPECT_FALSE(welcome->contains("games")) << welcome->dump();
}

// The spectators' fan-out goes through the game's channel: each node with spectators subscribes once,
// however many it has, and unsubscribes when its last one leaves; every spectator gets every broadcast
// exactly once, in order, and its own chat line's answer once, with its id.
TEST_F(ClusterServerTest, SpectatorsOnOtherNodesShareOneChannelSubscriptionPerNode) {
  Pairing p = paired_guests(0, 1);
  ASSERT_FALSE(p.game.empty());
  const int owner = owner_of(p.game);
  ASSERT_GE(owner, 0);
  const int other = owner == 0 ? 1 : 0;  // the non-owning player's node
  const int third = 2;
  const std::string channel = "chuhe:game:" + p.game;
  auto subscribers = [&] {
    auto r = redis_command({"PUBSUB", "NUMSUB", channel});
    return r.is_array() && r.elements.size() == 2 ? r.elements[1].integer : -1;
  };

  std::vector<std::unique_ptr<WsClient>> spectators;
  for (int i = 0; i < 3; ++i) spectators.push_back(connect(third, guest_token(third)));
  spectators.push_back(connect(other, guest_token(other)));
  spectators.push_back(connect(owner, guest_token(owner)));  // on the owner: served directly, no channel
  for (auto& s : spectators) ASSERT_TRUE(poll_state(*s, "watch", p.game, 5s));
  EXPECT_EQ(subscribers(), 2) << "one subscription for the third node's three spectators, one for the other's";

  // PUBLISH commands Redis has run so far (every node's inbox messages and channel messages).
  auto publishes = [&] {
    auto r = redis_command({"INFO", "commandstats"});
    const auto at = r.text.find("cmdstat_publish:calls=");
    return at == std::string::npos ? 0LL : std::stoll(r.text.substr(at + 22));
  };
  rules::Game local;
  std::mt19937 rng(7);
  std::vector<std::string> seen;
  const long long publishes_before = publishes();
  constexpr int kMoves = 12;
  for (int i = 0; i < kMoves; ++i) ASSERT_TRUE(play_one(p, local, rng, seen));
  // Per move at most three: the remote player's request and the answer to it (or, for the owner's own
  // player, its move sent to the remote player), and one channel message for the four spectators on other
  // nodes (one publish per spectator would be 5 or more per move); a spectator count push may fall in.
  EXPECT_LE(publishes() - publishes_before, 3 * kMoves + 4);

  // /metrics of one node: the value of an unlabelled metric (-1 if absent).
  auto metric = [&](int node, const std::string& name) {
    return metric_value(http_request(port(node), "GET", "/metrics").body, name);
  };
  EXPECT_EQ(metric(owner, "chuhe_cluster_owned_games"), 1.0);
  EXPECT_EQ(metric(other, "chuhe_cluster_owned_games"), 0.0);

  // Everything each spectator receives, read in order.
  std::vector<std::vector<json>> log(spectators.size());
  auto read_until = [&](std::size_t i, const std::function<bool(const json&)>& done) {
    for (;;) {
      auto m = spectators[i]->recv(5s);
      if (!m) return false;
      log[i].push_back(*m);
      if (done(*m)) return true;
    }
  };
  // A spectator's chat line: its own answer carries its id; the others get it once, without.
  ASSERT_TRUE(spectators[0]->send({{"t", "chat"}, {"game", p.game}, {"text", "nice"}, {"id", "c1"}}));
  ASSERT_TRUE(read_until(0, [](const json& m) { return m["t"] == "chat"; }));
  EXPECT_EQ(log[0].back()["id"], "c1");
  ASSERT_TRUE(p.red.ws->send({{"t", "resign"}, {"game", p.game}}));
  ASSERT_TRUE(p.red.ws->recv_type("game_end"));

  // Everything up to game_end, per spectator: every move once, in order, and the chat line once.
  for (std::size_t i = 0; i < spectators.size(); ++i) {
    ASSERT_TRUE(read_until(i, [](const json& m) { return m["t"] == "game_end"; })) << "spectator " << i;
    std::vector<std::string> moves;
    int chats = 0;
    for (const auto& m : log[i]) {
      if (m["t"] == "move") moves.push_back(m["move"]);
      if (m["t"] == "chat") {
        ++chats;
        EXPECT_EQ(m.contains("id"), i == 0) << m.dump();
      }
    }
    EXPECT_EQ(moves, seen) << "spectator " << i;
    EXPECT_EQ(chats, 1) << "spectator " << i;
  }

  // Each node reports its part on /metrics: the owner its game (until the end released it) and the remote
  // connections it serves; the third node its one game channel.
  EXPECT_EQ(metric(third, "chuhe_cluster_game_channels"), 1.0);
  EXPECT_EQ(metric(owner, "chuhe_cluster_owned_games"), 0.0) << "the lease went with the end";
  EXPECT_GE(metric(owner, "chuhe_cluster_remote_clients"), 4.0);

  // The last spectator of a node leaves (unwatch, or gone): that node unsubscribes.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(spectators[i]->send({{"t", "unwatch"}, {"game", p.game}}));
  spectators[3].reset();
  EXPECT_TRUE(eventually([&] { return subscribers() == 0; }, 5s)) << subscribers() << " subscriptions left";
  EXPECT_EQ(metric(third, "chuhe_cluster_game_channels"), 0.0);
}

TEST_F(ClusterServerTest, SeeksSentToTwoNodesAtOnceArePairedWithEachOtherExactlyOnce) {
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const int na = round % kNodes, nb = (round + 1) % kNodes;
    auto a = connect(na, guest_token(na));
    auto b = connect(nb, guest_token(nb));
    // At the same moment: neither waits for the other's seek to be queued.
    ASSERT_TRUE(a->send({{"t", "seek"}, {"tc", "3+2"}}));
    ASSERT_TRUE(b->send({{"t", "seek"}, {"tc", "3+2"}}));
    auto start_a = a->recv_type("game_start", 5s);
    auto start_b = b->recv_type("game_start", 5s);
    ASSERT_TRUE(start_a && start_b);
    EXPECT_EQ((*start_a)["game"], (*start_b)["game"]);
    EXPECT_NE((*start_a)["color"], (*start_b)["color"]);
    EXPECT_EQ((*start_a)["tc"], "3+2");
    EXPECT_GE(owner_of((*start_a)["game"]), 0);
    // Both play the game they got: the first move is accepted by its owner, wherever it is.
    WsClient& red = (*start_a)["color"] == "red" ? *a : *b;
    WsClient& black = &red == a.get() ? *b : *a;
    ASSERT_TRUE(red.send({{"t", "move"}, {"game", (*start_a)["game"]}, {"move", "h2e2"}, {"ply", 0}}));
    auto seen = black.recv_type("move");
    ASSERT_TRUE(seen);
    EXPECT_EQ((*seen)["move"], "h2e2");
    // Chat and a declined draw offer cross the nodes too (whichever node owns the game).
    ASSERT_TRUE(black.send({{"t", "chat"}, {"game", (*start_a)["game"]}, {"text", "good luck"}, {"id", "c"}}));
    auto chat = red.recv_type("chat");
    ASSERT_TRUE(chat);
    EXPECT_EQ((*chat)["text"], "good luck");
    ASSERT_TRUE(black.send({{"t", "offer_draw"}, {"game", (*start_a)["game"]}}));
    ASSERT_TRUE(red.recv_type("draw_offer"));
    ASSERT_TRUE(red.send({{"t", "decline_draw"}, {"game", (*start_a)["game"]}}));
    ASSERT_TRUE(red.send({{"t", "resign"}, {"game", (*start_a)["game"]}}));
    auto resigned = black.recv_type("game_end");
    ASSERT_TRUE(resigned);
    EXPECT_EQ((*resigned)["reason"], "resign");
    ASSERT_TRUE(red.recv_type("game_end"));
    // Exactly once: no seek is left waiting in the shared lobby, no other game is in play, and neither
    // client got a second game_start before the answer to a ping.
    EXPECT_EQ(redis_command({"ZCARD", "chuhe:seeks:3+2:c"}).integer, 0);
    EXPECT_EQ(redis_command({"KEYS", "chuhe:seek:*"}).elements.size(), 0u);
    EXPECT_EQ(redis_command({"SCARD", "chuhe:games:live"}).integer, 0);
    for (WsClient* ws : {a.get(), b.get()}) {
      ASSERT_TRUE(ws->send({{"t", "ping"}, {"id", "barrier"}}));
      for (auto m = ws->recv(); ; m = ws->recv()) {
        ASSERT_TRUE(m);
        EXPECT_NE((*m)["t"], "game_start") << m->dump();
        if ((*m)["t"] == "pong") break;
      }
    }
  }
}

TEST_F(ClusterServerTest, LogoutOnOneNodeClosesTheSessionsSocketOnAnother) {
  const std::string token = guest_token(0);
  auto on_c = connect(2, token);
  auto other = connect(2, guest_token(1));  // another session on the same node stays open
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(http_request(port(0), "POST", "/api/auth/logout", "", {{"Authorization", "Bearer " + token}}).status, 204);
  EXPECT_EQ(on_c->wait_closed(3s), 4001);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_FALSE(other->closed());
  WsClient again;
  EXPECT_FALSE(again.connect(port(1), "/ws?token=" + token));
  EXPECT_EQ(again.refused_status(), 401);
}

TEST_F(ClusterServerTest, KillNineOfTheOwnerMovesItsGameToASurvivorAndNoSeenMoveIsLost) {
  Pairing p = paired_guests(0, 1);
  ASSERT_FALSE(p.game.empty());
  const int owner = owner_of(p.game);
  ASSERT_GE(owner, 0);

  rules::Game local;
  std::mt19937 rng(7);
  std::vector<std::string> seen;
  for (int i = 0; i < 12 && !local.is_over(); ++i) ASSERT_TRUE(play_one(p, local, rng, seen));
  ASSERT_FALSE(local.is_over());

  nodes_[owner]->kill();
  const auto killed_at = std::chrono::steady_clock::now();
  // Players of the dead node come back on the next node; the others stay where they are.
  for (Seat* s : {&p.red, &p.black}) {
    if (s->node != owner) continue;
    s->node = (owner + 1) % kNodes;
    s->ws = connect(s->node, s->token);
  }
  nodes_[owner].reset();

  // Both resume (polling until a survivor has taken the game over): every move they saw is there.
  std::vector<std::string> moves;
  for (Seat* s : {&p.red, &p.black}) {
    auto state = poll_state(*s->ws, "resume", p.game);
    ASSERT_TRUE(state) << "no survivor took the game over";
    EXPECT_EQ((*state)["status"], "playing");
    moves = (*state)["moves"].get<std::vector<std::string>>();
    ASSERT_GE(moves.size(), seen.size());
    EXPECT_LE(moves.size(), seen.size() + 1);
    for (std::size_t ply = 0; ply < seen.size(); ++ply) EXPECT_EQ(moves[ply], seen[ply]) << "ply " << ply;
  }
  const auto took = std::chrono::steady_clock::now() - killed_at;
  const int new_owner = owner_of(p.game);
  EXPECT_GE(new_owner, 0);
  EXPECT_NE(new_owner, owner);
  std::cout << "[ failover ] game " << p.game << " moved from node " << owner << " to node " << new_owner << " in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";

  // They finish the game on the new owner.
  ASSERT_EQ(moves.size(), seen.size());  // nothing was in flight at the kill
  for (int guard = 0; guard < 400 && !local.is_over(); ++guard) ASSERT_TRUE(play_one(p, local, rng, seen));
  ASSERT_TRUE(local.is_over());
  auto end_red = p.red.ws->recv_type("game_end");
  auto end_black = p.black.ws->recv_type("game_end");
  ASSERT_TRUE(end_red && end_black);
  EXPECT_EQ((*end_red)["reason"], "checkmate");
  json archived = archived_game(new_owner, p.game);
  ASSERT_FALSE(archived.is_null()) << "the finished game never reached the new owner's archive";
  EXPECT_EQ(archived["reason"], "checkmate");
  EXPECT_EQ(archived["moves"].get<std::vector<std::string>>(), seen);
}

// A node stopped (SIGSTOP, as a stall or a partition would) past its lease loses the game to a survivor.
// Woken up (SIGCONT) with a move waiting on a player's socket, it cannot make that move happen on its own
// authority: its journal write carries the old fencing token and Redis refuses it (or, once it has
// noticed the lost lease, it forwards the request to the new owner like any other node). Either way no
// client is told of a move that the game, as its owner keeps it, does not have.
// After a takeover, the sockets that outlived the old owner are served again without asking: the new
// owner announces the takeover, and each node has its players `resume` and its spectators `watch` again.
TEST_F(ClusterServerTest, AfterATakeoverSurvivingSocketsAreServedAgainUnasked) {
  Pairing p = paired_guests(0, 1);
  ASSERT_FALSE(p.game.empty());
  const int owner = owner_of(p.game);
  ASSERT_GE(owner, 0);
  const int spectator_node = (owner + 2) % kNodes;  // a survivor
  auto spectator = connect(spectator_node, guest_token(spectator_node));
  ASSERT_TRUE(poll_state(*spectator, "watch", p.game, 5s));

  rules::Game local;
  std::mt19937 rng(11);
  std::vector<std::string> seen;
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(play_one(p, local, rng, seen, spectator.get()));

  nodes_[owner]->kill();
  Seat* moved = p.red.node == owner ? &p.red : &p.black;  // its socket died with the node
  Seat* stayed = moved == &p.red ? &p.black : &p.red;
  ASSERT_NE(stayed->node, owner);
  moved->node = (owner + 1) % kNodes;
  moved->ws = connect(moved->node, moved->token);
  nodes_[owner].reset();

  // The surviving player and the spectator send nothing: each gets the game's state from the new owner.
  for (WsClient* ws : {stayed->ws.get(), spectator.get()}) {
    auto state = ws->recv_type("state", 20s);
    ASSERT_TRUE(state) << "no state pushed after the takeover";
    EXPECT_EQ((*state)["status"], "playing");
    EXPECT_EQ((*state)["moves"].get<std::vector<std::string>>(), seen);
  }
  // The player whose node died resumes as any reconnecting client does; then the game goes on, and the
  // surviving player and the spectator see the next moves.
  ASSERT_TRUE(poll_state(*moved->ws, "resume", p.game));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(play_one(p, local, rng, seen, spectator.get()));
}

TEST_F(ClusterServerTest, ANodeStoppedPastItsLeaseCannotApplyAMoveAfterItWakes) {
  Pairing p = paired_guests(1, 0);
  ASSERT_FALSE(p.game.empty());
  const int owner = owner_of(p.game);
  ASSERT_GE(owner, 0);
  // The "stale" player is connected to the owner (moved there if the pairing landed elsewhere).
  Seat* stale = p.red.node == owner ? &p.red : &p.black;
  if (stale->node != owner) {
    stale->node = owner;
    stale->ws = connect(owner, stale->token);
    ASSERT_TRUE(poll_state(*stale->ws, "resume", p.game, 5s));
  }
  Seat* live = stale == &p.red ? &p.black : &p.red;

  rules::Game local;
  std::mt19937 rng(11);
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(play_one(p, local, rng, seen));
  const rules::Color stale_color = stale == &p.red ? rules::Color::Red : rules::Color::Black;
  if (local.position().side_to_move() != stale_color) {
    ASSERT_TRUE(play_one(p, local, rng, seen));
  }
  ASSERT_FALSE(local.is_over());

  const pid_t pid = nodes_[owner]->process().pid();
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  // A survivor takes the game once the lease lapses (lease_ms 1000).
  int new_owner = -1;
  for (auto deadline = std::chrono::steady_clock::now() + 15s; std::chrono::steady_clock::now() < deadline;) {
    new_owner = owner_of(p.game);
    if (new_owner >= 0 && new_owner != owner) break;
    std::this_thread::sleep_for(50ms);  // poll interval, under the deadline
  }
  ASSERT_TRUE(new_owner >= 0 && new_owner != owner) << "no survivor took the game over";

  // The stale player's move waits in the stopped node's socket buffer; then the node wakes up.
  const int ply = static_cast<int>(local.history().size());
  const std::string move = rules::to_iccs(mating_bot_move(local, rng));
  ASSERT_TRUE(stale->ws->send({{"t", "move"}, {"game", p.game}, {"move", move}, {"ply", ply}, {"id", "stale"}}));
  ASSERT_EQ(::kill(pid, SIGCONT), 0);
  std::optional<json> told;  // what the stale player is told about its move: `move` or `error`
  for (auto deadline = std::chrono::steady_clock::now() + 10s; !told && std::chrono::steady_clock::now() < deadline;) {
    auto m = stale->ws->recv(std::chrono::seconds(10));
    if (!m) break;  // the connection went away: told nothing
    if (m->value("id", json()) == "stale" && ((*m)["t"] == "move" || (*m)["t"] == "error")) told = m;
  }

  // The game as its owner keeps it, through the other player's node.
  auto state = poll_state(*live->ws, "resume", p.game);
  ASSERT_TRUE(state);
  const auto moves = (*state)["moves"].get<std::vector<std::string>>();
  ASSERT_GE(moves.size(), seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(moves[i], seen[i]) << "ply " << i;
  if (told && (*told)["t"] == "move") {
    ASSERT_EQ(moves.size(), seen.size() + 1) << "the stale player was told of a move the game does not have";
    EXPECT_EQ(moves.back(), move);
  } else {
    EXPECT_EQ(moves.size(), seen.size()) << "a move nobody was told of was applied";
  }
  EXPECT_NE(owner_of(p.game), owner) << "the woken node took its lease back";
  std::cout << "[ fencing  ] woken node " << owner << " told the player: " << (told ? told->dump() : "nothing")
            << "; the owner (node " << new_owner << ") has " << moves.size() << " moves\n";
}

// Accounts and ratings live in Redis in cluster mode: a user registered on one node logs in on another,
// and a rated game between registered users on two nodes moves both ratings on the third's leaderboard.
TEST_F(ClusterServerTest, AccountsAndRatingsAreSharedByEveryNode) {
  auto reg = http_request(port(0), "POST", "/api/auth/register", R"({"name":"Shared_Ann","password":"correct horse"})");
  ASSERT_EQ(reg.status, 201) << reg.body;
  const std::string ann_id = reg.json()["user"]["id"];
  EXPECT_EQ(http_request(port(1), "POST", "/api/auth/register", R"({"name":"shared_ann","password":"other pass"})")
                .status,
            409)
      << "the name is taken on every node";
  auto login = http_request(port(2), "POST", "/api/auth/login", R"({"name":"shared_ann","password":"correct horse"})");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json()["user"]["id"], ann_id);
  EXPECT_EQ(http_request(port(1), "POST", "/api/auth/login", R"({"name":"Shared_Ann","password":"wrong"})").status, 401);

  Seat ann{login.json()["token"], 2, std::make_unique<WsClient>()};
  ASSERT_TRUE(ann.ws->connect(port(2), "/ws?token=" + ann.token));
  auto welcome = ann.ws->recv_type("welcome");
  ASSERT_TRUE(welcome);
  EXPECT_EQ((*welcome)["user"]["id"], ann_id);
  EXPECT_EQ((*welcome)["user"]["name"], "Shared_Ann");
  EXPECT_EQ((*welcome)["user"]["guest"], false);
  EXPECT_EQ((*welcome)["user"]["rating"], 1500);

  auto reg_ben = http_request(port(1), "POST", "/api/auth/register", R"({"name":"Shared_Ben","password":"correct horse"})");
  ASSERT_EQ(reg_ben.status, 201) << reg_ben.body;
  Seat ben{reg_ben.json()["token"], 1, nullptr};
  ben.ws = connect(1, ben.token);

  // A rated game between them (Ann on node 2, Ben on node 1): two moves, then red resigns.
  ASSERT_TRUE(ann.ws->send({{"t", "seek"}, {"tc", "10+5"}, {"rated", true}}));
  ASSERT_TRUE(ann.ws->recv_type("seeking"));
  ASSERT_TRUE(ben.ws->send({{"t", "seek"}, {"tc", "10+5"}, {"rated", true}}));
  auto start_ann = ann.ws->recv_type("game_start", 5s);
  auto start_ben = ben.ws->recv_type("game_start", 5s);
  ASSERT_TRUE(start_ann && start_ben);
  EXPECT_EQ((*start_ann)["rated"], true);
  const bool ann_red = (*start_ann)["color"] == "red";
  Pairing p;
  p.game = (*start_ann)["game"];
  p.red = std::move(ann_red ? ann : ben);
  p.black = std::move(ann_red ? ben : ann);
  rules::Game local;
  std::mt19937 rng(7);
  std::vector<std::string> seen;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(play_one(p, local, rng, seen));
  ASSERT_TRUE(p.red.ws->send({{"t", "resign"}, {"game", p.game}}));
  auto end = p.black.ws->recv_type("game_end");
  ASSERT_TRUE(end);
  EXPECT_EQ((*end)["result"], "0-1");
  const std::string winner = ann_red ? "Shared_Ben" : "Shared_Ann";
  const std::string loser = ann_red ? "Shared_Ann" : "Shared_Ben";

  // The leaderboard of node 0, which had no part in the game, lists both with their new ratings (the
  // owner rates the game just after its end: poll under a deadline).
  json players;
  for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
    auto res = http_request(port(0), "GET", "/api/leaderboard");
    ASSERT_EQ(res.status, 200) << res.body;
    players = res.json()["players"];
    if (players.size() >= 2) break;
    std::this_thread::sleep_for(50ms);  // poll interval, under the deadline
  }
  ASSERT_EQ(players.size(), 2u) << players.dump();
  EXPECT_EQ(players[0]["name"], winner);
  EXPECT_EQ(players[1]["name"], loser);
  EXPECT_GT(players[0]["rating"].get<int>(), 1500);
  EXPECT_LT(players[1]["rating"].get<int>(), 1500);
  EXPECT_EQ(players[0]["rated_games"], 1);
  EXPECT_EQ(players[1]["rated_games"], 1);
  // And the next connection, on yet another node, starts from the new rating.
  auto again = http_request(port(0), "POST", "/api/auth/login", R"({"name":"SHARED_ANN","password":"correct horse"})");
  ASSERT_EQ(again.status, 200) << again.body;
  WsClient ws;
  ASSERT_TRUE(ws.connect(port(0), "/ws?token=" + again.json()["token"].get<std::string>()));
  auto w = ws.recv_type("welcome");
  ASSERT_TRUE(w);
  EXPECT_EQ((*w)["user"]["rating"], ann_red ? players[1]["rating"] : players[0]["rating"]);
}

}  // namespace

namespace {

TEST_F(ClusterServerTest, AnAiGameIsOwnedByItsNodeAndWatchedFromAnother) {
  auto human = connect(1, guest_token(1));
  ASSERT_TRUE(human->send({{"t", "challenge_ai"}, {"level", 1}, {"color", "red"}, {"tc", "5+3"}, {"id", "ai"}}));
  auto start = human->recv_type("game_start");
  ASSERT_TRUE(start);
  EXPECT_EQ((*start)["color"], "red");
  const std::string game = (*start)["game"];
  EXPECT_EQ(owner_of(game), 1) << "the node that created the game holds its lease";

  auto spectator = connect(0, guest_token(0));
  ASSERT_TRUE(poll_state(*spectator, "watch", game, 5s));
  ASSERT_TRUE(human->send({{"t", "move"}, {"game", game}, {"move", "h2e2"}, {"ply", 0}}));
  auto echo = human->recv_type("move");
  ASSERT_TRUE(echo);
  auto reply = human->recv_type("move", 10s);  // the AI's answer
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["ply"], 1);
  for (int ply = 0; ply < 2; ++ply) {
    auto m = spectator->recv_type("move", 10s);
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["ply"], ply);
    EXPECT_EQ((*m)["move"], ply == 0 ? json("h2e2") : (*reply)["move"]);
  }
  ASSERT_TRUE(human->send({{"t", "resign"}, {"game", game}}));
  auto end = spectator->recv_type("game_end");
  ASSERT_TRUE(end);
  EXPECT_EQ((*end)["reason"], "resign");
  EXPECT_EQ((*end)["result"], "0-1");
}

TEST_F(ClusterServerTest, ADrainingOwnerHandsItsGameOverAtOnce) {
  Pairing p = paired_guests(0, 1);
  ASSERT_FALSE(p.game.empty());
  const int owner = owner_of(p.game);
  ASSERT_GE(owner, 0);
  rules::Game local;
  std::mt19937 rng(11);
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(play_one(p, local, rng, seen));

  // SIGTERM: the drain gives the lease up and tells the node's clients to go (4004).
  ASSERT_EQ(::kill(nodes_[owner]->process().pid(), SIGTERM), 0);
  for (Seat* s : {&p.red, &p.black}) {
    if (s->node != owner) continue;
    EXPECT_EQ(s->ws->wait_closed(5s), 4004);
  }
  EXPECT_EQ(nodes_[owner]->stop(), 0);
  for (Seat* s : {&p.red, &p.black}) {
    if (s->node != owner) continue;
    s->node = (owner + 1) % kNodes;
    s->ws = connect(s->node, s->token);
  }
  nodes_[owner].reset();
  for (Seat* s : {&p.red, &p.black}) {
    auto state = poll_state(*s->ws, "resume", p.game, 10s);
    ASSERT_TRUE(state);
    EXPECT_EQ((*state)["moves"].get<std::vector<std::string>>(), seen);
  }
  EXPECT_GE(owner_of(p.game), 0);
  ASSERT_TRUE(play_one(p, local, rng, seen));
}

}  // namespace

namespace {

// GET /api/games/live of `node` until `ok` accepts it; the last answer (or null) after the deadline.
json poll_live(unsigned short port, const std::function<bool(const json&)>& ok, std::chrono::seconds limit = 10s) {
  json last;
  for (auto deadline = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < deadline;) {
    auto res = http_request(port, "GET", "/api/games/live");
    EXPECT_EQ(res.status, 200) << res.body;
    last = res.json();
    if (ok(last)) return last;
    std::this_thread::sleep_for(50ms);  // poll interval, under the deadline (summaries are written every 1 s)
  }
  return last;
}

TEST_F(ClusterServerTest, TheLiveListAndOnlineCountCoverEveryNode) {
  auto seat = [&](int node) {
    Seat s;
    s.token = guest_token(node);
    s.node = node;
    s.ws = connect(node, s.token);
    return s;
  };
  // One game owned by node 0 (both players there), one by node 1; a fifth user only on node 2.
  Pairing on0 = pair_up(seat(0), seat(0));
  Pairing on1 = pair_up(seat(1), seat(1));
  ASSERT_FALSE(on0.game.empty());
  ASSERT_FALSE(on1.game.empty());
  ASSERT_EQ(owner_of(on0.game), 0);
  ASSERT_EQ(owner_of(on1.game), 1);
  Seat watcher = seat(2);

  auto lists = [&](const json& live, int online) {
    if (!live.is_object() || !live.contains("games") || live.value("online", -1) != online) return false;
    bool g0 = false, g1 = false;
    for (const auto& g : live["games"]) {
      g0 = g0 || g.value("game", "") == on0.game;
      g1 = g1 || g.value("game", "") == on1.game;
    }
    return g0 && g1;
  };
  // Asked of the node that owns neither game, and of an owner (its own games and the other node's).
  for (int node : {2, 0}) {
    json live = poll_live(port(node), [&](const json& j) { return lists(j, 5); });
    ASSERT_TRUE(lists(live, 5)) << "node " << node << ": " << live.dump();
    for (const auto& g : live["games"]) {
      EXPECT_TRUE(g.contains("red") && g.contains("black") && g.contains("tc") && g.contains("moves") &&
                  g.contains("spectators"))
          << g.dump();
    }
  }

  // A watcher on node 2 makes node 1's game the most watched, first in the list of any node.
  ASSERT_TRUE(poll_state(*watcher.ws, "watch", on1.game, 5s));
  json live = poll_live(port(0), [&](const json& j) {
    return lists(j, 5) && j["games"][0].value("game", "") == on1.game && j["games"][0].value("spectators", 0) == 1;
  });
  ASSERT_TRUE(lists(live, 5)) << live.dump();
  EXPECT_EQ(live["games"][0].value("game", ""), on1.game) << live.dump();

  // Users leaving node 1 are no longer counted (after its next summary).
  on1.red.ws.reset();
  on1.black.ws.reset();
  live = poll_live(port(2), [&](const json& j) { return j.value("online", -1) == 3; });
  EXPECT_EQ(live.value("online", -1), 3) << live.dump();
}

}  // namespace
