#include "net/static_files.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace chuhe::net {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

namespace {
std::string content_type_of(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}
}  // namespace

StaticFiles::StaticFiles(const std::string& root) {
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    std::string url = "/" + fs::relative(entry.path(), root).generic_string();
    files_[url] = File{content_type_of(entry.path()), body.str()};
  }
}

Response StaticFiles::serve(const Request& req) const {
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/") path = "/index.html";
  auto it = files_.find(path);
  if (it == files_.end() || (req.method() != http::verb::get && req.method() != http::verb::head)) {
    return error_response(req, 404, "not_found", "no such resource");
  }
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, it->second.content_type);
  res.set(http::field::cache_control, "no-cache");
  res.keep_alive(req.keep_alive());
  if (req.method() == http::verb::get) res.body() = it->second.body;
  res.content_length(it->second.body.size());
  return res;
}

}  // namespace chuhe::net
