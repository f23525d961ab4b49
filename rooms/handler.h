#pragma once
// What the network layer calls for each connection. The rooms implement it (the Hub); the network
// layer only reads frames, checks size and rate, parses, and hands requests over.
#include <memory>

#include "rooms/client.h"
#include "rooms/protocol_in.h"

namespace chuhe::rooms {

class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  // A client finished the upgrade; the handler sends `welcome`.
  virtual void on_connect(const std::shared_ptr<Client>& client) = 0;
  // A well-formed request within the rate limit. Called on the connection's strand; must not block.
  virtual void on_message(const std::shared_ptr<Client>& client, ClientRequest request) = 0;
  // The connection is gone (called once).
  virtual void on_disconnect(const std::shared_ptr<Client>& client) = 0;
};

}  // namespace chuhe::rooms
