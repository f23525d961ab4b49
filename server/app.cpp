#include "server/app.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/verb.hpp>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "net/listener.h"
#include "net/log.h"
#include "net/router.h"
#include "net/server_context.h"
#include "net/static_files.h"
#include "net/websocket_session.h"
#include "rooms/hub.h"
#include "rooms/journal.h"
#include "rooms/metrics.h"
#include "server/ai_seats.h"
#include "server/cluster_node.h"
#include "server/ratings.h"
#include "server/guest_pruning.h"
#include "server/recovery.h"
#include "server/session_audit.h"
#include "server/embedded_redis.h"
#include "server/sqlite_journal.h"
#include "server/routes.h"
#include "server/services.h"

namespace chuhe::server {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

net::LogLevel parse_level(const std::string& name) {
  if (name == "debug") return net::LogLevel::debug;
  if (name == "warn") return net::LogLevel::warn;
  if (name == "error") return net::LogLevel::error;
  return net::LogLevel::info;
}

// Where the built browser client lives when the config does not say: web/dist of the source tree.
std::string default_web_root() {
#ifdef CHUHE_SOURCE_DIR
  return std::string(CHUHE_SOURCE_DIR) + "/web/dist";
#else
  return "web/dist";
#endif
}

// Games, players and the AI pool in Prometheus text.
std::string rooms_metrics(const rooms::Hub& hub, const ai::WorkerPoolStats& ai) {
  std::string out;
  auto gauge = [&](const char* name, const char* help, double value, const char* type = "gauge") {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value) + "\n";
  };
  out += rooms::metrics::prometheus_text();
  gauge("chuhe_games", "games reachable (in play, and finished ones kept a while)", double(hub.game_count()));
  gauge("chuhe_online_users", "distinct users connected", double(hub.online_users()));
  gauge("chuhe_seeks", "seeks waiting for an opponent", double(hub.seek_count()));
  gauge("chuhe_ai_queue_length", "AI moves waiting for a worker", double(ai.queue_length));
  gauge("chuhe_ai_busy_workers", "AI workers searching now", ai.busy_workers);
  gauge("chuhe_ai_jobs_total", "AI moves answered", double(ai.jobs_done), "counter");
  gauge("chuhe_ai_jobs_failed_total", "AI jobs answered with an error", double(ai.jobs_failed), "counter");
  gauge("chuhe_ai_job_seconds_total", "time spent searching AI moves", ai.total_job_ms / 1000.0, "counter");
  return out;
}

std::string journal_metrics(const persistence::GameJournalStats& j) {
  std::string out;
  auto line = [&](const char* name, const char* help, const char* type, double value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value) + "\n";
  };
  line("chuhe_journal_records_total", "records written to the move journal", "counter", double(j.records));
  line("chuhe_journal_commits_total", "group commits (fsyncs) of the move journal", "counter", double(j.commits));
  line("chuhe_journal_commit_seconds_total", "time spent committing", "counter", double(j.total_commit_us) / 1e6);
  line("chuhe_journal_queue_length", "records waiting for the next commit", "gauge", double(j.queue_length));
  return out;
}

rooms::RoomsConfig rooms_config(const Config& config) {
  rooms::RoomsConfig rc;
  rc.reconnect_grace = std::chrono::seconds(config.reconnect_grace_s);
  rc.max_watched_games = config.net.max_watched_games;
  if (auto tc = rooms::TimeControl::parse(config.ai_time_control)) rc.default_ai_tc = *tc;
  return rc;
}

// Token checks for upgrades, Redis health for /healthz, and revocations closing sockets.
void wire_auth(net::ServerContext& ctx, Services& services) {
  std::weak_ptr<net::AuthService> weak_auth = services.auth;
  persistence::UserDirectory* users = services.users.get();
  ctx.authenticate = [weak_auth, users](std::string token, std::function<void(net::AuthOutcome)> done) {
    auto auth = weak_auth.lock();
    if (!auth) return done(net::AuthOutcome{net::AuthOutcome::Kind::unavailable, {}, {}, "shutting down"});
    auth->authenticate(token, [users, done = std::move(done)](net::AuthResult result) {
      net::AuthOutcome outcome;
      outcome.kind = result.ok() ? net::AuthOutcome::Kind::ok
                     : result.kind == net::AuthResult::Kind::refused ? net::AuthOutcome::Kind::refused
                                                                     : net::AuthOutcome::Kind::unavailable;
      outcome.user = rooms::User{result.user.id, result.user.name, result.user.guest, 1500};
      outcome.session_id = result.user.jti;
      outcome.message = result.reason;
      if (!result.ok()) return done(std::move(outcome));
      // The rating as it stands now (the token carries none: it changes after every rated game). If
      // the archive cannot say, the connection goes ahead at the default rather than fail.
      std::string id = outcome.user.id;  // not read from `outcome` in the call: the lambda moves it
      users->find_by_id(std::move(id), [outcome = std::move(outcome), done](persistence::UserResult user) mutable {
        if (user.status == persistence::UserStatus::ok)
          outcome.user.rating = static_cast<int>(std::lround(user.user.rating.rating));
        done(std::move(outcome));
      });
    });
  };
  persistence::RedisClient* redis = services.redis.get();
  ctx.health_json = [redis] {
    return std::string(R"({"redis":")") + (redis->available() ? "up" : "down") + "\"}";
  };
  net::SessionRegistry* registry = &ctx.sessions;
  services.sessions->on_revoked([registry](const std::string& jti) {
    registry->close_session(jti, rooms::kCloseRevoked, "session revoked");
  });
}

// Resumes the games that were in play when the server stopped. False only if the journal cannot be read.
bool recover_games(persistence::GameJournal& journal, rooms::Hub& hub) {
  std::string error;
  auto rows = journal.load_unfinished(&error);
  if (!error.empty()) {
    net::log_error("startup", "journal: cannot read the games in play: " + error);
    return false;
  }
  Recovery recovery = recovered_games(rows);
  for (const auto& why : recovery.skipped) net::log_warn("recovery", "not resumed: " + why);
  std::size_t resumed = hub.recover(std::move(recovery.games));
  if (!rows.empty()) net::log_info("recovery", "resumed " + std::to_string(resumed) + " games in play");
  return true;
}

}  // namespace

int run_server(const Config& config) {
  net::set_log_level(parse_level(config.log_level));

  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) {
    net::log_error("startup", "cannot create data dir " + config.data_dir + ": " + ec.message());
    return 1;
  }

  EmbeddedRedis embedded_redis;
  std::string redis_address = config.redis;
  if (redis_address.empty()) {
    if (auto err = embedded_redis.start(config.redis_server_binary, config.data_dir + "/redis"); !err.empty()) {
      net::log_error("startup", "embedded redis: " + err);
      return 1;
    }
    redis_address = embedded_redis.address();
    net::log_info("startup", "started redis-server on " + redis_address);
  }

  Services services;
  if (auto err = start_services(config, redis_address, services); !err.empty()) {
    net::log_error("startup", err);
    return 1;
  }

  // Say "serving" only once Redis answers, so the first sign-in is not a 503 because the client was
  // still connecting. A Redis that stays down does not stop the start: auth answers 503 until it is up.
  auto redis_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!services.redis->available() && std::chrono::steady_clock::now() < redis_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!services.redis->available()) net::log_warn("startup", "redis at " + redis_address + " is not answering yet");

  auto ctx = std::make_shared<net::ServerContext>();
  ctx->config = config.net;
  if (ctx->config.web_root.empty()) ctx->config.web_root = default_web_root();
  wire_auth(*ctx, services);

  int threads = config.net.io_threads > 0 ? config.net.io_threads
                                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  asio::io_context ioc{threads};

  // The rooms: games on strands of the io_context; moves journaled before they are broadcast.
  std::shared_ptr<persistence::GameJournal> move_journal = services.journal;
  std::shared_ptr<rooms::Journal> journal = std::make_shared<SqliteJournal>(move_journal);
  // Cluster mode: games are journaled in Redis under a lease (the SQLite journal keeps finished games).
  std::shared_ptr<ClusterNode> cluster;
  if (config.cluster) {
    cluster = std::make_shared<ClusterNode>(ioc.get_executor(), *services.redis, *services.subscriber,
                                            std::chrono::milliseconds(config.lease_ms), move_journal,
                                            config.net.max_watched_games);
    journal = cluster->journal();
    // `welcome` lists the user's games on every node: looked up in Redis while the upgrade is
    // authenticated (off the io threads), so the Hub can write it at once when the connection arrives.
    std::weak_ptr<ClusterNode> weak_cluster = cluster;
    ctx->authenticate = [inner = std::move(ctx->authenticate), weak_cluster](
                            std::string token, std::function<void(net::AuthOutcome)> done) {
      inner(std::move(token), [weak_cluster, done = std::move(done)](net::AuthOutcome outcome) mutable {
        auto node = weak_cluster.lock();
        if (!node || outcome.kind != net::AuthOutcome::Kind::ok) return done(std::move(outcome));
        const std::string user = outcome.user.id;
        node->prefetch_games(user, [outcome = std::move(outcome), done = std::move(done)]() mutable {
          done(std::move(outcome));
        });
      });
    };
  }
  ai::WorkerPoolOptions ai_options;
  ai_options.workers = config.ai_threads;
  ai_options.hash_mb = static_cast<std::size_t>(config.ai_hash_mb);
  ai_options.max_queue = static_cast<std::size_t>(config.ai_max_queue);
  auto ai_pool = std::make_shared<ai::WorkerPool>(ai_options);
  auto ai_seats = std::make_shared<PoolAiPlayer>(ai_pool);
  auto hub = std::make_shared<rooms::Hub>(ioc.get_executor(), rooms_config(config), journal, ai_seats);
  std::weak_ptr<ClusterNode> metrics_cluster = cluster;  // ctx must not keep the node past its Redis client
  ctx->extra_metrics = [hub, ai_pool, move_journal, metrics_cluster] {
    auto node = metrics_cluster.lock();
    return rooms_metrics(*hub, ai_pool->stats()) + journal_metrics(move_journal->stats()) +
           (node ? node->metrics_text() : std::string());
  };
  auto audit = std::make_shared<SessionAudit>(ioc.get_executor(), ctx->sessions, *services.sessions,
                                              std::chrono::seconds(config.session_check_s));
  audit->start();
  std::weak_ptr<SessionAudit> weak_audit = audit;
  services.subscriber->on_ready([weak_audit] {
    if (auto a = weak_audit.lock()) a->check_now();
  });
  net::AuthConfig auth_defaults;  // guests live as long as their token (plus the leeway), then go
  auto pruning = std::make_shared<GuestPruning>(
      ioc.get_executor(), *services.users, auth_defaults.guest_token_lifetime + std::chrono::seconds(config.jwt_leeway_s));
  pruning->start();
  persistence::UserDirectory* users = services.users.get();
  hub->set_game_ended_hook(
      [users](const rooms::GameSetup& setup, const rooms::EndInfo& end) { rate_finished_game(*users, setup, end); });
  if (!cluster) {
    if (!recover_games(*move_journal, *hub)) return 1;
  } else if (!move_journal->load_unfinished().empty()) {
    net::log_warn("startup", "cluster mode: games left in play in the local SQLite journal (from a run "
                             "without cluster) are not resumed");
  }
  hub->start();
  ctx->on_upgrade = [ctx, hub](boost::beast::tcp_stream stream, net::Request req, net::RequestInfo info,
                               boost::beast::flat_buffer buffer) {
    net::upgrade_to_websocket(std::move(stream), std::move(req), std::move(info), std::move(buffer), ctx, hub);
  };

  auto statics = std::make_shared<net::StaticFiles>(ctx->config.web_root);
  auto router = std::make_shared<net::Router>();
  add_routes(*router, ctx, statics);
  add_auth_routes(*router, services.auth);
  add_game_routes(*router, hub, cluster, rooms_config(config).live_games_listed);
  add_archive_routes(*router, services);

  std::shared_ptr<net::Listener> listener;
  try {
    asio::ip::tcp::endpoint endpoint{asio::ip::make_address(config.net.listen_address), config.net.listen_port};
    listener = std::make_shared<net::Listener>(ioc, endpoint, ctx, router);
  } catch (const std::exception& e) {
    net::log_error("startup", "cannot listen on " + config.net.listen_address + ":" +
                                  std::to_string(config.net.listen_port) + ": " + e.what());
    return 1;
  }
  if (cluster) {
    std::string node_id = config.node_id.empty()
                              ? default_node_id(config.net.listen_address, listener->port())
                              : config.node_id;
    if (auto err = cluster->start(hub, node_id); !err.empty()) {
      net::log_error("startup", err);
      return 1;
    }
  }
  listener->run();

  // SIGINT (Ctrl-C) and SIGTERM drain: stop accepting, /healthz answers 503, tell every client
  // (close code 4004 after its queued messages), wait for them to go (bounded), then stop.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  asio::steady_timer drain_timer(ioc);
  auto drain_deadline = std::chrono::steady_clock::time_point::max();
  std::function<void()> wait_for_clients = [&] {
    if (ctx->counters.ws_connections.load() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](boost::system::error_code) { wait_for_clients(); });
  };
  signals.async_wait([&](boost::system::error_code ec, int signo) {
    if (ec) return;
    net::log_info("shutdown", std::string("draining on ") + (signo == SIGINT ? "SIGINT" : "SIGTERM"));
    ctx->draining = true;
    listener->stop();
    hub->stop();
    if (cluster) cluster->release_all();  // other nodes take our games over now, not after the lease
    audit->stop();
    pruning->stop();
    std::size_t clients = ctx->sessions.close_all(rooms::kCloseDraining, "server shutting down");
    net::log_info("shutdown", "closing " + std::to_string(clients) + " WebSocket connections");
    drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    wait_for_clients();
  });

  std::string host = config.net.listen_address == "0.0.0.0" ? "127.0.0.1" : config.net.listen_address;
  std::cout << "Chuhe is serving: open http://" << host << ":" << listener->port() << "/" << std::endl;
  net::log_info("startup", "listening on " + config.net.listen_address + ":" + std::to_string(listener->port()) +
                               " with " + std::to_string(threads) + " io threads, " +
                               std::to_string(statics->size()) + " web files");

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();

  if (cluster) cluster->stop();  // likewise for the Redis callbacks
  ai_pool->stop();  // before the games and the io_context go: no callback may reach them after this
  move_journal->drain();  // likewise: the last commits answer into strands of a still living io_context
  embedded_redis.stop();
  net::log_info("shutdown", "stopped");
  return 0;
}

}  // namespace chuhe::server
