#include "ai/nn/weights_io.h"

#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

namespace chuhe::ai::nn {

namespace {

constexpr char kMagic[8] = {'C', 'H', 'U', 'H', 'E', 'N', 'N', '\0'};
constexpr std::size_t kHeaderSize = 48;
// Far above any net worth shipping (the default is ~0.5M); stops a corrupt count from allocating.
constexpr std::uint64_t kMaxParams = 64ull << 20;

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

template <class T>
void put(std::vector<std::uint8_t>& out, T v) {
  std::uint8_t b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.insert(out.end(), b, b + sizeof(T));
}
template <class T>
T get(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace

std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  static const auto table = make_crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint8_t b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::vector<std::uint8_t> serialize_weights(const Network& net) {
  std::vector<std::uint8_t> out(kMagic, kMagic + 8);
  put<std::uint32_t>(out, kWeightsVersion);
  const NetworkDims& d = net.dims;
  for (int v : {d.input_planes, d.channels, d.blocks, d.policy_channels, d.value_channels, d.value_hidden,
                d.policy_size})
    put<std::int32_t>(out, v);
  put<std::uint64_t>(out, net.params.size());
  const auto* p = reinterpret_cast<const std::uint8_t*>(net.params.data());
  out.insert(out.end(), p, p + net.params.size() * sizeof(float));
  put<std::uint32_t>(out, crc32(out));
  return out;
}

std::optional<std::string> parse_weights(std::span<const std::uint8_t> bytes, Network& out) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return std::string("not a Chuhe network weight file (bad magic)");
  if (bytes.size() < kHeaderSize + 4)
    return "truncated weight file: " + std::to_string(bytes.size()) + " bytes, shorter than the header";
  const std::uint8_t* h = bytes.data();
  const auto version = get<std::uint32_t>(h + 8);
  if (version != kWeightsVersion)
    return "unsupported weight file version " + std::to_string(version) + " (this build reads " +
           std::to_string(kWeightsVersion) + ")";
  NetworkDims d;
  int* fields[] = {&d.input_planes, &d.channels, &d.blocks, &d.policy_channels, &d.value_channels,
                   &d.value_hidden, &d.policy_size};
  for (int i = 0; i < 7; ++i) *fields[i] = get<std::int32_t>(h + 12 + 4 * i);
  if (std::string e = check_dims(d); !e.empty()) return "bad network dims in weight file: " + e;
  const auto count = get<std::uint64_t>(h + 40);
  const ParamLayout layout = make_layout(d);
  if (count != layout.total || count > kMaxParams)
    return "weight file holds " + std::to_string(count) + " parameters, its dims need " +
           std::to_string(layout.total);
  const std::size_t expected = kHeaderSize + count * sizeof(float) + 4;
  if (bytes.size() < expected)
    return "truncated weight file: " + std::to_string(bytes.size()) + " bytes of " + std::to_string(expected);
  if (bytes.size() > expected)
    return "weight file has " + std::to_string(bytes.size() - expected) + " trailing bytes";
  const auto stored = get<std::uint32_t>(h + expected - 4);
  if (crc32(bytes.first(expected - 4)) != stored) return std::string("weight file checksum mismatch (corrupted)");
  Network n;
  n.dims = d;
  n.layout = layout;
  n.params.resize(count);
  std::memcpy(n.params.data(), h + kHeaderSize, count * sizeof(float));
  for (float v : n.params)
    if (!std::isfinite(v)) return std::string("weight file holds a non-finite parameter");
  out = std::move(n);
  return std::nullopt;
}

std::optional<std::string> save_weights(const Network& net, const std::string& path) {
  const std::vector<std::uint8_t> bytes = serialize_weights(net);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return "cannot write weight file " + path;
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!f.flush()) return "error writing weight file " + path;
  return std::nullopt;
}

std::optional<std::string> load_weights(const std::string& path, Network& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "cannot open weight file " + path;
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (auto e = parse_weights(bytes, out)) return *e + " (" + path + ")";
  return std::nullopt;
}

std::string default_weights_path() { return CHUHE_NN_WEIGHTS; }

}  // namespace chuhe::ai::nn
