// chuhe-nn-train: self-play data from chuhe_ai's alpha-beta, then CPU training of the network,
// then the weight file. docs/ai.md ("Network training") has the command the shipped file came from.
//
//   chuhe-nn-train --games N --nodes 1500 --threads 2 --seed S --score-weight W --data /tmp/X.samples
//                  --channels 32 --blocks 4 --epochs E --batch 64 --lr 1e-3 --out FILE
// The weights written are those of the epoch with the lowest held-out loss (policy + value).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

#include "ai/nn/features.h"
#include "ai/nn/train/selfplay.h"
#include "ai/nn/train/trainer.h"
#include "ai/nn/weights_io.h"

using namespace chuhe::ai::nn;
using namespace chuhe::ai::nn::train;

namespace {

struct Options {
  SelfPlayOptions play;
  std::string data, out;
  NetworkDims dims;
  int epochs = 4, batch = 64;
  float lr = 1e-3f;
};

int usage() {
  std::cerr << "usage: chuhe-nn-train --out FILE [--data FILE] [--games N] [--nodes N] [--threads N]\n"
               "       [--channels C] [--blocks B] [--epochs E] [--batch N] [--lr X] [--seed S]\n"
               "       [--score-weight W]\n"
               "--data: samples to read if the file exists, else where to write the self-play samples\n"
               "--score-weight: value target = (1-W) * game result + W * tanh(search score / 600 cp)\n"
               "  (applied when the samples are generated; default 0)\n";
  return 2;
}

// Mean losses over samples [begin, end) in batches; with train, one Adam step per batch.
Losses pass(Trainer& t, const std::vector<Sample>& s, std::size_t begin, std::size_t end, int batch, bool train) {
  Losses sum;
  std::vector<float> in, vt;
  std::vector<int> pt;
  std::size_t batches = 0;
  for (std::size_t i = begin; i < end; i += std::size_t(batch)) {
    const std::size_t n = std::min(std::size_t(batch), end - i);
    in.assign(n * kInputSize, 0.0f);
    pt.resize(n);
    vt.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      chuhe::rules::Position p;
      if (p.set_fen(s[i + j].fen)) continue;
      encode_position(p, in.data() + j * kInputSize);
      pt[j] = s[i + j].policy;
      vt[j] = s[i + j].value;
    }
    const Losses l = train ? t.step(in.data(), pt.data(), vt.data(), int(n)) : t.evaluate(in.data(), pt.data(), vt.data(), int(n));
    sum.policy += l.policy;
    sum.value += l.value;
    sum.accuracy += l.accuracy;
    ++batches;
  }
  if (batches) sum.policy /= double(batches), sum.value /= double(batches), sum.accuracy /= double(batches);
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    if (a == "--out") o.out = v;
    else if (a == "--data") o.data = v;
    else if (a == "--games") o.play.games = std::stoi(v);
    else if (a == "--nodes") o.play.nodes = std::stoull(v);
    else if (a == "--threads") o.play.threads = std::stoi(v);
    else if (a == "--seed") o.play.seed = std::stoull(v);
    else if (a == "--score-weight") o.play.score_weight = std::stof(v);
    else if (a == "--channels") o.dims.channels = std::stoi(v);
    else if (a == "--blocks") o.dims.blocks = std::stoi(v);
    else if (a == "--epochs") o.epochs = std::stoi(v);
    else if (a == "--batch") o.batch = std::stoi(v);
    else if (a == "--lr") o.lr = std::stof(v);
    else return usage();
  }
  if (o.out.empty()) return usage();
  if (std::string e = check_dims(o.dims); !e.empty()) {
    std::cerr << "bad dims: " << e << "\n";
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  std::vector<Sample> samples;
  if (!o.data.empty() && std::filesystem::exists(o.data)) {
    samples = read_samples(o.data);
    std::cerr << "read " << samples.size() << " samples from " << o.data << "\n";
  } else {
    samples = self_play(o.play, true);
    std::cerr << "self-play: " << samples.size() << " positions in " << seconds() << " s\n";
    if (!o.data.empty() && !write_samples(samples, o.data)) std::cerr << "cannot write " << o.data << "\n";
  }
  if (samples.size() < 100) {
    std::cerr << "too few samples (" << samples.size() << ")\n";
    return 1;
  }
  std::mt19937_64 rng(o.play.seed);
  std::shuffle(samples.begin(), samples.end(), rng);
  const std::size_t valid = samples.size() / 20;  // 5% held out

  Network net = Network::random(o.dims, o.play.seed);
  Trainer trainer(net, TrainOptions{.learning_rate = o.lr});
  const Losses before = pass(trainer, samples, 0, valid, 256, false);
  std::cerr << "random net, validation: policy " << before.policy << " value " << before.value << " top-1 "
            << before.accuracy << "\n";
  // The file holds the epoch with the lowest held-out loss: once the network starts to overfit,
  // further epochs do not replace it.
  double best = before.policy + before.value;
  int best_epoch = 0;
  for (int e = 0; e < o.epochs; ++e) {
    std::shuffle(samples.begin() + std::ptrdiff_t(valid), samples.end(), rng);
    const Losses tr = pass(trainer, samples, valid, samples.size(), o.batch, true);
    const Losses va = pass(trainer, samples, 0, valid, 256, false);
    std::cerr << "epoch " << e + 1 << " (" << seconds() << " s): train policy " << tr.policy << " value " << tr.value
              << " | validation policy " << va.policy << " value " << va.value << " top-1 " << va.accuracy << "\n";
    if (best_epoch == 0 || va.policy + va.value < best) {
      best = va.policy + va.value;
      best_epoch = e + 1;
      if (auto err = save_weights(net, o.out)) {
        std::cerr << *err << "\n";
        return 1;
      }
    }
  }
  if (best_epoch == 0) {  // --epochs 0: the random network
    if (auto err = save_weights(net, o.out)) {
      std::cerr << *err << "\n";
      return 1;
    }
  }
  std::cerr << "wrote " << o.out << " (epoch " << best_epoch << ", " << net.params.size() << " parameters) in "
            << seconds() << " s\n";
  return 0;
}
