#include "server/remote_client.h"

#include <nlohmann/json.hpp>
#include <variant>

namespace chuhe::server {

using nlohmann::json;

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

void RemoteClient::send(rooms::Message message, rooms::Audience audience) {
  if (!message) return;
  json j{{"t", "deliver"},
         {"from", self_node_},
         {"conn", conn_},
         {"audience", audience == rooms::Audience::spectator ? "spectator" : "player"},
         {"msg", *message}};
  publish_(node_, dump(j));
}

void RemoteClient::close(int code, std::string_view reason) {
  json j{{"t", "close"}, {"from", self_node_}, {"conn", conn_}, {"code", code}, {"reason", std::string(reason)}};
  publish_(node_, dump(j));
}

void RemoteClient::watching(const std::string& game, bool on) {
  publish_(node_, dump(json{{"t", "watching"}, {"from", self_node_}, {"conn", conn_}, {"game", game}, {"on", on}}));
}

std::optional<std::string> request_text(const rooms::ClientRequest& request) {
  json j = std::visit(
      [](const auto& m) -> json {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, rooms::in::Watch>) return {{"t", "watch"}, {"game", m.game}};
        else if constexpr (std::is_same_v<T, rooms::in::Unwatch>) return {{"t", "unwatch"}, {"game", m.game}};
        else if constexpr (std::is_same_v<T, rooms::in::Resume>) return {{"t", "resume"}, {"game", m.game}};
        else if constexpr (std::is_same_v<T, rooms::in::Move>)
          return {{"t", "move"}, {"game", m.game}, {"move", m.move}, {"ply", m.ply}};
        else if constexpr (std::is_same_v<T, rooms::in::Chat>)
          return {{"t", "chat"}, {"game", m.game}, {"text", m.text}};
        else if constexpr (std::is_same_v<T, rooms::in::Action>)
          return {{"t", rooms::to_string(m.action)}, {"game", m.game}};
        else return nullptr;
      },
      request.message);
  if (j.is_null()) return std::nullopt;
  std::string text = dump(j);
  if (!request.id.empty()) {  // the id is JSON text already (a string or an integer)
    text.pop_back();
    text += ",\"id\":" + request.id + "}";
  }
  return text;
}

std::string inbox_request(const std::string& from, std::uint64_t conn, const rooms::User& user,
                          const std::string& session, const std::string& text) {
  json j{{"t", "request"},
         {"from", from},
         {"conn", conn},
         {"user", {{"id", user.id}, {"name", user.name}, {"guest", user.guest}, {"rating", user.rating}}},
         {"session", session},
         {"text", text}};
  return dump(j);
}

std::string inbox_detach(const std::string& from, std::uint64_t conn) {
  return dump(json{{"t", "detach"}, {"from", from}, {"conn", conn}});
}

}  // namespace chuhe::server
