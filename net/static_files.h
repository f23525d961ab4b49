#pragma once
// The browser client's files, read into memory once at start-up so that serving them never touches
// the disk on an io thread.
#include <map>
#include <string>

#include "net/router.h"

namespace chuhe::net {

class StaticFiles {
 public:
  // Loads every regular file under `root` (none if it does not exist).
  explicit StaticFiles(const std::string& root);

  std::size_t size() const { return files_.size(); }
  // GET/HEAD of a known path ("/" is index.html); 404 otherwise.
  Response serve(const Request& req) const;

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, File, std::less<>> files_;  // "/index.html" -> file
};

}  // namespace chuhe::net
