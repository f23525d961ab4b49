#pragma once
// Cluster mode: a client connected to ANOTHER node, as the rooms of the node that owns its game see it.
// Its send() and close() go over Redis pub/sub to the connection's node (`chuhe:node:<node>`), which
// hands them to the real socket by its connection id (ClusterNode). One proxy per (node, connection).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "rooms/client.h"
#include "rooms/protocol_in.h"

namespace chuhe::server {

class RemoteClient : public rooms::Client {
 public:
  // publish(node, payload): PUBLISH payload on that node's inbox channel; never blocks.
  using Publish = std::function<void(const std::string& node, std::string payload)>;

  RemoteClient(std::string self_node, std::string node, std::uint64_t conn, rooms::User user, std::string session,
               Publish publish, std::weak_ptr<rooms::WatcherChannel> channel)
      : self_node_(std::move(self_node)),
        node_(std::move(node)),
        conn_(conn),
        user_(std::move(user)),
        session_(std::move(session)),
        publish_(std::move(publish)),
        channel_(std::move(channel)) {}

  // A message for this connection alone, published to its node's inbox. As a spectator, the room's
  // broadcasts reach it through the game's channel instead (GameChannels), once per node.
  void send(rooms::Message message, rooms::Audience audience) override;
  void close(int code, std::string_view reason) override;
  std::shared_ptr<rooms::WatcherChannel> watcher_channel() const override { return channel_.lock(); }
  void watching(const std::string& game, bool on) override;
  const rooms::User& user() const override { return user_; }
  const std::string& session_id() const override { return session_; }

  const std::string& node() const { return node_; }
  std::uint64_t conn() const { return conn_; }

 private:
  const std::string self_node_;
  const std::string node_;
  const std::uint64_t conn_;
  const rooms::User user_;
  const std::string session_;
  Publish publish_;
  const std::weak_ptr<rooms::WatcherChannel> channel_;
};

// The protocol text of a game request (watch, unwatch, move, the actions, chat, resume), `id` included,
// for forwarding to the node that owns the game; nullopt for any other request.
std::optional<std::string> request_text(const rooms::ClientRequest& request);

// The inbox messages between nodes (JSON): what a node publishes on another's `chuhe:node:<id>`.
std::string inbox_request(const std::string& from, std::uint64_t conn, const rooms::User& user,
                          const std::string& session, const std::string& text);
std::string inbox_detach(const std::string& from, std::uint64_t conn);

}  // namespace chuhe::server
