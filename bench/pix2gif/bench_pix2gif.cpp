// bench_pix2gif: how fast Pix2Gif runs on this machine's CPU, how close that is to the machine's ceiling, and what
// the fast preset (DPM++ 2M, 20 steps) costs in quality against the authors' default (Euler-a, 100 steps).
//
// Measures (CPU, float32, torch::set_num_threads = all cores unless --threads):
//   1. the ceiling: best GFLOP/s of fp32 matmuls (1024², 2048²) and of a 3×3 conv 320→320 at 32×32, batch 3;
//   2. seconds per UNet call with 3 CFG branches (median of --unet-runs), and with 3·n branches for the frame
//      batch sizes of --batch-sizes (seconds per frame-call, measured activation memory vs the pipeline's estimate);
//   3. seconds per frame at --euler-steps Euler-a steps and at --dpm-steps DPM++ 2M steps (one frame each);
//   4. memory: RSS after loading the model and the peak (VmHWM) of the whole run;
//   5. achieved GFLOP/s of the UNet = analytic FLOPs / median time. FLOPs count convolutions
//      (2·Cin·Cout·k²·Hout·Wout / groups), linear layers (2·in·out·tokens) and the attention matmuls
//      (QKᵀ and PV: 2·2·N·M·d summed over heads); norms, activations, softmax and additions are ignored. Two
//      independent counts are printed: from the LdmUNetConfig (walking UNetModel.__init__'s structure) and from the
//      instantiated UNet's weight shapes with activation sizes taken from a traced forward pass;
//   6. quality: PSNR/SSIM of DPM++ 2M frames against Euler-a frames of the same seed and source. With the random
//      full-size weights this only shows that the code runs; with --model (a trained model) it also compares
//      Euler@100 and DPM++ 2M@100 with Euler-a@100 and DPM++ 2M@20 with DPM++ 2M@100 (sampler family vs step
//      count), plus Euler-a with another seed as the "different sample" floor.
//
// Usage: bench_pix2gif [--quick] [--config full|tiny] [--model PATH] [--source IMAGE] [--prompt TEXT]
//                      [--threads N] [--unet-runs N] [--euler-steps N] [--dpm-steps N] [--batch-sizes 1,2]
//                      [--quality-frames N] [--seed S] [--markdown-out FILE]
#include <QCoreApplication>
#include <QImage>
#include <QStringList>

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "pix2gif/pipeline.h"
#include "pix2gif/pix2gif_model.h"
#include "runtime/device.h"
#include "runtime/error.h"
#include "text/clip_tokenizer.h"
#include "unet/ldm_unet.h"

namespace {

using Clock = std::chrono::steady_clock;
using sm::pix2gif::SamplerKind;

struct Options {
    bool quick = false;
    std::string config = "full";
    std::string modelPath;
    std::string sourcePath;
    std::string prompt = "a red kite flies in the wind";
    int threads = 0;
    int unetRuns = 5;
    int eulerSteps = 100;
    int dpmSteps = 20;
    std::vector<int> batchSizes{1, 2};
    int qualityFrames = 4;
    uint64_t seed = 1371;
    std::string markdownOut;
};

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/// A field of /proc/self/status in bytes (VmRSS, VmHWM), -1 when unavailable.
int64_t procStatusBytes(const std::string& field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::stoll(line.substr(field.size() + 1)) * 1024;  // "VmHWM:   123456 kB"
        }
    }
    return -1;
}

/// The process peak over the whole run: VmHWM is folded in before every reset.
int64_t g_processPeak = 0;
int64_t processPeak() {
    g_processPeak = std::max(g_processPeak, procStatusBytes("VmHWM"));
    return g_processPeak;
}

/// Resets VmHWM to the current RSS (Linux >= 4.0: "5" > clear_refs), so a peak can be measured per phase.
bool resetPeakRss() {
    processPeak();
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    return static_cast<bool>(clear);
}

/// "1.23 GiB", or "456.7 MiB" below 1 GiB.
std::string gib(int64_t bytes) {
    char buffer[32];
    if (std::llabs(bytes) >= (int64_t(1) << 30)) {
        std::snprintf(buffer, sizeof buffer, "%.2f GiB", double(bytes) / double(int64_t(1) << 30));
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f MiB", double(bytes) / double(int64_t(1) << 20));
    }
    return buffer;
}

/// Four significant digits (FLOP counts span 10⁷ to 10¹¹ between the tiny and the full model).
std::string sig4(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
    return buffer;
}

std::string fixed(double value, int digits) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
    return buffer;
}

// ------------------------------------------------------------------------------------------------ the report
struct Row {
    std::string what;
    std::string value;
    std::string note;
};

class Report {
public:
    void add(const std::string& what, const std::string& value, const std::string& note = {}) {
        m_rows.push_back({what, value, note});
        std::printf("  %-58s %-18s %s\n", what.c_str(), value.c_str(), note.c_str());
        std::fflush(stdout);
    }
    std::string markdown(const std::string& header) const {
        std::ostringstream out;
        out << header << "\n\n| measurement | value | note |\n|---|---:|---|\n";
        for (const Row& row : m_rows) {
            out << "| " << row.what << " | " << row.value << " | " << row.note << " |\n";
        }
        return out.str();
    }

private:
    std::vector<Row> m_rows;
};

// ------------------------------------------------------------------------------------------------ 1. ceiling
/// Best GFLOP/s of `run` (which performs `flops` floating-point operations) over repeats filling ~`seconds`.
double bestGflops(const std::function<void()>& run, double flops, double seconds, int minRuns) {
    run();  // warm-up: first-touch allocation, kernel selection
    double best = 0;
    const auto start = Clock::now();
    for (int i = 0; i < minRuns || secondsSince(start) < seconds; ++i) {
        const auto t0 = Clock::now();
        run();
        best = std::max(best, flops / secondsSince(t0) / 1e9);
    }
    return best;
}

// ------------------------------------------------------------------------------------------------ 5. FLOPs
struct FlopCount {
    double conv = 0;
    double linear = 0;
    double attention = 0;
    double total() const { return conv + linear + attention; }
};

constexpr int64_t kContextTokens = 77;

/// FLOPs of ONE branch from the config, mirroring UNetModel.__init__ (see models/unet/ldm_unet.h).
FlopCount countFromConfig(const sm::unet::LdmUNetConfig& u, int64_t latentSide) {
    FlopCount f;
    auto conv = [&f](double cin, double cout, double k, double positions) {
        f.conv += 2 * cin * cout * k * k * positions;
    };
    auto linear = [&f](double in, double out, double tokens) { f.linear += 2 * in * out * tokens; };
    const int64_t embDim = u.timeEmbedDim();
    auto resBlock = [&](int64_t cin, int64_t cout, double positions) {
        conv(cin, cout, 3, positions);
        linear(embDim, cout, 1);
        conv(cout, cout, 3, positions);
        if (cin != cout) {
            conv(cin, cout, 1, positions);
        }
    };
    auto transformer = [&](int64_t channels, double tokens) {
        const auto [heads, dimHead] = u.headsFor(channels);
        const double inner = double(heads * dimHead);
        conv(channels, inner, 1, tokens);  // proj_in
        for (int64_t d = 0; d < u.transformerDepth; ++d) {
            linear(inner, inner, tokens * 4);  // attn1 q, k, v, out
            f.attention += 2 * 2 * tokens * tokens * inner;
            linear(inner, inner, tokens * 2);                         // attn2 q, out
            linear(double(u.contextDim), inner, kContextTokens * 2);  // attn2 k, v
            f.attention += 2 * 2 * tokens * kContextTokens * inner;
            linear(inner, 8 * inner, tokens);  // GEGLU proj (value and gate halves)
            linear(4 * inner, inner, tokens);  // ff.net.2
        }
        conv(inner, channels, 1, tokens);  // proj_out
    };
    auto hasAttention = [&u](int64_t ds) {
        return std::find(u.attentionResolutions.begin(), u.attentionResolutions.end(), ds) !=
               u.attentionResolutions.end();
    };

    linear(u.modelChannels, embDim, 1);
    linear(embDim, embDim, 1);
    int64_t side = latentSide;
    conv(u.inChannels, u.modelChannels, 3, double(side * side));
    std::vector<int64_t> skipChannels{u.modelChannels};
    int64_t ch = u.modelChannels;
    int64_t ds = 1;
    const auto levels = static_cast<int64_t>(u.channelMult.size());
    for (int64_t level = 0; level < levels; ++level) {
        for (int64_t r = 0; r < u.numResBlocks; ++r) {
            const int64_t out = u.modelChannels * u.channelMult[size_t(level)];
            resBlock(ch, out, double(side * side));
            ch = out;
            if (hasAttention(ds)) {
                transformer(ch, double(side * side));
            }
            skipChannels.push_back(ch);
        }
        if (level != levels - 1) {
            side = (side + 1) / 2;
            conv(ch, ch, 3, double(side * side));  // stride-2 conv: output positions
            skipChannels.push_back(ch);
            ds *= 2;
        }
    }
    resBlock(ch, ch, double(side * side));
    transformer(ch, double(side * side));
    resBlock(ch, ch, double(side * side));
    for (int64_t level = levels - 1; level >= 0; --level) {
        for (int64_t i = 0; i <= u.numResBlocks; ++i) {
            const int64_t skip = skipChannels.back();
            skipChannels.pop_back();
            const int64_t out = u.modelChannels * u.channelMult[size_t(level)];
            resBlock(ch + skip, out, double(side * side));
            ch = out;
            if (hasAttention(ds)) {
                transformer(ch, double(side * side));
            }
            if (level > 0 && i == u.numResBlocks) {
                side *= 2;
                conv(ch, ch, 3, double(side * side));  // Upsample conv after nearest ×2
                ds /= 2;
            }
        }
    }
    conv(ch, u.outChannels, 3, double(side * side));
    return f;
}

/// FLOPs of ONE branch from the instantiated UNet's weights, with every block's input and output size taken from
/// a traced forward pass: 2·numel(W)·positions for each conv/linear weight, plus the attention matmuls of every
/// attn1/attn2 (inner width from to_q's rows). Independent of countFromConfig's walk of the structure.
FlopCount countFromWeights(sm::unet::LdmUNet& unet, int64_t latentSide) {
    const auto& u = unet->config();
    sm::unet::LdmUNetTrace trace;
    const auto param = unet->parameters().front();
    const auto options = param.options();
    unet->forward(torch::randn({1, u.inChannels, latentSide, latentSide}, options), torch::full({1}, 500.0, options),
                  torch::randn({1, kContextTokens, u.contextDim}, options), &trace);
    auto positions = [](const torch::Tensor& activation) { return double(activation.size(2) * activation.size(3)); };
    const double latentPositions = double(latentSide * latentSide);

    FlopCount f;
    for (const auto& item : unet->named_parameters()) {
        const std::string& name = item.key();
        const torch::Tensor& w = item.value();
        if (name.size() < 7 || name.compare(name.size() - 7, 7, ".weight") != 0 || (w.dim() != 2 && w.dim() != 4)) {
            continue;  // biases and norm scales
        }
        // The block's input and output activation sizes.
        double in = latentPositions;
        double out = latentPositions;
        auto blockIndex = [&name](const std::string& prefix) { return std::stoi(name.substr(prefix.size())); };
        if (name.rfind("input_blocks.", 0) == 0) {
            const int n = blockIndex("input_blocks.");
            in = n == 0 ? latentPositions : positions(trace.inputBlocks[size_t(n - 1)]);
            out = positions(trace.inputBlocks[size_t(n)]);
        } else if (name.rfind("middle_block.", 0) == 0) {
            in = out = positions(trace.middleBlock);
        } else if (name.rfind("output_blocks.", 0) == 0) {
            const int n = blockIndex("output_blocks.");
            in = n == 0 ? positions(trace.middleBlock) : positions(trace.outputBlocks[size_t(n - 1)]);
            out = positions(trace.outputBlocks[size_t(n)]);
        } else if (name.rfind("out.", 0) == 0) {
            in = out = positions(trace.outputBlocks.back());
        }
        auto endsWith = [&name](const std::string& tail) {
            return name.size() >= tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
        };
        if (w.dim() == 4) {
            // Downsample (.op) and Upsample (.conv) convolutions produce the block's output size; all others keep
            // the input size.
            const bool resamples = endsWith(".op.weight") || endsWith(".conv.weight");
            f.conv += 2.0 * double(w.numel()) * (resamples ? out : in);
            continue;
        }
        double tokens = in;
        if (name.rfind("time_embed.", 0) == 0 || name.find("emb_layers") != std::string::npos) {
            tokens = 1;
        } else if (endsWith("attn2.to_k.weight") || endsWith("attn2.to_v.weight")) {
            tokens = kContextTokens;
        }
        f.linear += 2.0 * double(w.numel()) * tokens;
        if (endsWith("attn1.to_q.weight")) {
            f.attention += 2 * 2 * in * in * double(w.size(0));
        } else if (endsWith("attn2.to_q.weight")) {
            f.attention += 2 * 2 * in * kContextTokens * double(w.size(0));
        }
    }
    return f;
}

// ------------------------------------------------------------------------------------------------ 6. quality
/// PSNR (dB) of two uint8 [.., 3] frames over all pixels and channels.
double psnr(const torch::Tensor& a, const torch::Tensor& b) {
    const double mse = (a.to(torch::kFloat64) - b.to(torch::kFloat64)).pow(2).mean().item<double>();
    return mse == 0 ? INFINITY : 10.0 * std::log10(255.0 * 255.0 / mse);
}

/// SSIM of two uint8 [H, W, 3] frames: Gaussian 11×11 window (σ 1.5), valid positions only, C1 = (0.01·255)²,
/// C2 = (0.03·255)², mean over positions and channels (Wang et al. 2004).
double ssim(const torch::Tensor& a, const torch::Tensor& b) {
    const torch::Tensor g1 = torch::arange(11, torch::kFloat64).sub(5).pow(2).div(-2 * 1.5 * 1.5).exp();
    const torch::Tensor g = (g1 / g1.sum());
    const torch::Tensor window = torch::outer(g, g).view({1, 1, 11, 11}).repeat({3, 1, 1, 1});
    auto prep = [](const torch::Tensor& t) { return t.to(torch::kFloat64).permute({2, 0, 1}).unsqueeze(0); };
    const torch::Tensor x = prep(a);
    const torch::Tensor y = prep(b);
    auto blur = [&window](const torch::Tensor& t) {
        const std::vector<int64_t> one{1}, zero{0};  // stride, padding (valid), dilation
        return torch::conv2d(t, window, torch::Tensor(), one, zero, one, /*groups=*/3);
    };
    const torch::Tensor muX = blur(x);
    const torch::Tensor muY = blur(y);
    const torch::Tensor sxx = blur(x * x) - muX * muX;
    const torch::Tensor syy = blur(y * y) - muY * muY;
    const torch::Tensor sxy = blur(x * y) - muX * muY;
    const double c1 = 6.5025, c2 = 58.5225;
    const torch::Tensor map =
        ((2 * muX * muY + c1) * (2 * sxy + c2)) / ((muX * muX + muY * muY + c1) * (sxx + syy + c2));
    return map.mean().item<double>();
}

// ------------------------------------------------------------------------------------------------ setup
torch::Tensor loadSource(const Options& options, int64_t size) {
    torch::Tensor image;
    if (!options.sourcePath.empty()) {
        QImage q(QString::fromStdString(options.sourcePath));
        if (q.isNull()) {
            throw sm::ArgumentError(options.sourcePath + ": cannot read the source image");
        }
        q = q.convertToFormat(QImage::Format_RGB888);
        torch::Tensor pixels = torch::empty({q.height(), q.width(), 3}, torch::kUInt8);
        for (int y = 0; y < q.height(); ++y) {
            std::memcpy(pixels[y].data_ptr<uint8_t>(), q.constScanLine(y), size_t(q.width()) * 3);
        }
        image = pixels.permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32).div(255.0);
        image = torch::nn::functional::interpolate(image, torch::nn::functional::InterpolateFuncOptions()
                                                              .size(std::vector<int64_t>{size, size})
                                                              .mode(torch::kBicubic)
                                                              .align_corners(false))
                    .clamp(0, 1);
    } else {
        // A deterministic synthetic scene: a bright disc on a two-colour gradient.
        const torch::Tensor ramp = torch::linspace(0.0, 1.0, size);
        const torch::Tensor xs = ramp.view({1, size}).expand({size, size});
        const torch::Tensor ys = ramp.view({size, 1}).expand({size, size});
        const torch::Tensor disc = ((xs - 0.35).pow(2) + (ys - 0.4).pow(2)).lt(0.04).to(torch::kFloat32);
        image = torch::stack({0.2 + 0.6 * xs + 0.2 * disc, 0.3 + 0.5 * ys + 0.5 * disc, 0.8 - 0.5 * ys + 0.1 * disc})
                    .clamp(0, 1)
                    .unsqueeze(0);
    }
    return image * 2.0 - 1.0;
}

std::vector<int> parseIntList(const std::string& text) {
    std::vector<int> values;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        values.push_back(std::stoi(item));
        if (values.back() < 1) {
            throw sm::ArgumentError("--batch-sizes: sizes must be at least 1");
        }
    }
    return values;
}

Options parseOptions(int argc, char** argv) {
    Options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (const std::string& a : args) {
        if (a == "--quick") {
            // Small counts for development and smoke runs; the numbers are NOT for the report.
            o.quick = true;
            o.unetRuns = 1;
            o.eulerSteps = 2;
            o.dpmSteps = 2;
            o.batchSizes = {1, 2};
            o.qualityFrames = 1;
        }
    }
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= args.size()) {
                throw sm::ArgumentError(a + " needs a value");
            }
            return args[++i];
        };
        if (a == "--quick") {
        } else if (a == "--config") {
            o.config = next();
        } else if (a == "--model") {
            o.modelPath = next();
        } else if (a == "--source") {
            o.sourcePath = next();
        } else if (a == "--prompt") {
            o.prompt = next();
        } else if (a == "--threads") {
            o.threads = std::stoi(next());
        } else if (a == "--unet-runs") {
            o.unetRuns = std::max(1, std::stoi(next()));
        } else if (a == "--euler-steps") {
            o.eulerSteps = std::max(1, std::stoi(next()));
        } else if (a == "--dpm-steps") {
            o.dpmSteps = std::max(1, std::stoi(next()));
        } else if (a == "--batch-sizes") {
            o.batchSizes = parseIntList(next());
        } else if (a == "--quality-frames") {
            o.qualityFrames = std::max(1, std::stoi(next()));
        } else if (a == "--seed") {
            o.seed = std::stoull(next());
        } else if (a == "--markdown-out") {
            o.markdownOut = next();
        } else {
            throw sm::ArgumentError("unknown option " + a +
                                    " (see the top of bench/pix2gif/bench_pix2gif.cpp for the usage)");
        }
    }
    if (o.config != "full" && o.config != "tiny") {
        throw sm::ArgumentError("--config must be full or tiny, got " + o.config);
    }
    return o;
}

int run(const Options& options) {
    torch::NoGradGuard noGrad;
    const int threads = sm::applyThreadCount(options.threads);
    Report report;
    std::printf("bench_pix2gif: CPU float32, %d threads%s\n", threads,
                options.quick ? " (--quick: NOT for reports)" : "");

    // 1. The machine's ceiling.
    std::printf("[1] ceiling\n");
    for (int64_t n : {int64_t(1024), int64_t(2048)}) {
        const torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n});
        const double g =
            bestGflops([&] { (void)torch::mm(a, b); }, 2.0 * double(n * n * n), options.quick ? 0.3 : 2.0, 3);
        report.add("fp32 matmul " + std::to_string(n) + "² (best)", fixed(g, 1) + " GFLOP/s", "2·n³ per product");
    }
    {
        const torch::Tensor x = torch::randn({3, 320, 32, 32}), w = torch::randn({320, 320, 3, 3});
        const double flops = 2.0 * 320 * 320 * 9 * 32 * 32 * 3;
        const double g = bestGflops(
            [&] { (void)torch::conv2d(x, w, torch::Tensor(), std::vector<int64_t>{1}, std::vector<int64_t>{1}); },
            flops, options.quick ? 0.3 : 2.0, 3);
        report.add("fp32 conv 3×3 320→320 32×32 batch 3 (best)", fixed(g, 1) + " GFLOP/s", "2·Cin·Cout·9·H·W·B");
    }

    // Model.
    std::printf("[2] model\n");
    const std::string vocab = std::string(STILLMOTION_RESOURCE_DIR) + "/clip/bpe_simple_vocab_16e6.txt.gz";
    const auto tokenizer = sm::text::ClipTokenizer::fromOpenAiVocab(vocab);
    const int64_t rssBefore = procStatusBytes("VmRSS");
    const auto loadStart = Clock::now();
    sm::pix2gif::Pix2GifModel model{nullptr};
    std::string modelName;
    if (!options.modelPath.empty()) {
        model = sm::pix2gif::loadPix2GifModel(options.modelPath, tokenizer);
        modelName = options.modelPath;
    } else {
        const auto config =
            options.config == "full" ? sm::pix2gif::Pix2GifConfig::full() : sm::pix2gif::Pix2GifConfig::tiny();
        model = sm::pix2gif::randomPix2GifModel(config, tokenizer, options.seed);
        modelName = "random " + options.config;
    }
    model->eval();
    int64_t parameters = 0;
    for (const auto& p : model->parameters()) {
        parameters += p.numel();
    }
    const int64_t rssLoaded = procStatusBytes("VmRSS");
    const auto& config = model->config();
    const int64_t side = config.latentSize();
    report.add("model", modelName,
               std::to_string(config.imageSize()) + "² images, latent " + std::to_string(side) + "², " +
                   fixed(double(parameters) / 1e6, 1) + " M parameters");
    report.add("load / create time", fixed(secondsSince(loadStart), 1) + " s");
    report.add("RSS after loading", gib(rssLoaded), "+" + gib(rssLoaded - rssBefore) + " for the model");

    // 5 (count first, so the timing rows can show GFLOP/s). One branch; a call has 3·n.
    const FlopCount fromConfig = countFromConfig(config.unet, side);
    const FlopCount fromWeights = countFromWeights(model->unet, side);
    report.add("UNet FLOPs per branch (config walk)", sig4(fromConfig.total() / 1e9) + " GFLOP",
               "conv " + sig4(fromConfig.conv / 1e9) + ", linear " + sig4(fromConfig.linear / 1e9) + ", attention " +
                   sig4(fromConfig.attention / 1e9));
    report.add("UNet FLOPs per branch (weights + trace)", sig4(fromWeights.total() / 1e9) + " GFLOP",
               "conv " + sig4(fromWeights.conv / 1e9) + ", linear " + sig4(fromWeights.linear / 1e9) + ", attention " +
                   sig4(fromWeights.attention / 1e9) + "; relative difference " +
                   sig4(std::abs(fromWeights.total() - fromConfig.total()) / fromConfig.total()));
    if (side != 64) {
        // For comparison with figures quoted for SD-1.5 at 512 px (often in MACs, i.e. half these FLOPs).
        report.add("UNet FLOPs per branch at a 64² latent (512 px)",
                   sig4(countFromConfig(config.unet, 64).total() / 1e9) + " GFLOP", "config walk");
    }
    const double flopsPerBranch = fromConfig.total();

    // 2. UNet calls.
    std::printf("[3] UNet calls\n");
    const auto paramOptions = model->unet->parameters().front().options();
    auto unetCall = [&](int64_t branches) {
        const torch::Tensor x = torch::randn({branches, config.unet.inChannels, side, side}, paramOptions);
        const torch::Tensor t = torch::full({branches}, 500.0, paramOptions);
        const torch::Tensor context = torch::randn({branches, kContextTokens, config.unet.contextDim}, paramOptions);
        return [=]() mutable { (void)model->unet->forward(x, t, context); };
    };
    double secondsPerCall3 = 0;
    for (int n : options.batchSizes) {
        auto call = unetCall(3 * n);
        const int64_t rssStart = procStatusBytes("VmRSS");
        const bool peakReset = resetPeakRss();
        call();  // warm-up, and the memory measurement
        const int64_t activation = procStatusBytes("VmHWM") - rssStart;
        std::vector<double> times;
        for (int r = 0; r < options.unetRuns; ++r) {
            const auto t0 = Clock::now();
            call();
            times.push_back(secondsSince(t0));
        }
        const double m = median(times);
        if (n == 1) {
            secondsPerCall3 = m;
        }
        const std::string label = "UNet call, " + std::to_string(3 * n) + " branches (" + std::to_string(n) + " frame" +
                                  (n > 1 ? "s" : "") + "), median of " + std::to_string(options.unetRuns);
        report.add(label, fixed(m, 3) + " s",
                   fixed(m / n, 3) + " s per frame-call, " + sig4(3 * n * flopsPerBranch / m / 1e9) + " GFLOP/s");
        const int64_t estimate = 3 * n * sm::pix2gif::estimateBranchActivationBytes(config);
        report.add("  activation memory, " + std::to_string(3 * n) + " branches",
                   peakReset ? gib(activation) + " measured" : std::string("n/a"),
                   "estimate " + gib(estimate) + " (pipeline.h formula)");
    }
    if (secondsPerCall3 > 0) {  // 1 is in --batch-sizes
        report.add("UNet achieved (3 branches)", sig4(3 * flopsPerBranch / secondsPerCall3 / 1e9) + " GFLOP/s",
                   "config-walk FLOPs / median time");
    }

    // 3. Whole frames (text + warp + sampler + VAE decode).
    std::printf("[4] frames\n");
    sm::pix2gif::Pix2GifPipeline pipeline(model);
    pipeline.setSource(loadSource(options, config.imageSize()));
    auto frameAt = [&](SamplerKind kind, int steps, int64_t motion, uint64_t seed, double* seconds) {
        sm::pix2gif::SamplerSettings settings;
        settings.sampler = kind;
        settings.steps = steps;
        const auto t0 = Clock::now();
        const torch::Tensor image = pipeline.generateFrame({options.prompt, motion, seed}, settings);
        if (seconds) {
            *seconds = secondsSince(t0);
        }
        return sm::pix2gif::decodeToUint8(image)[0];
    };
    double eulerSeconds = 0, dpmSeconds = 0;
    const torch::Tensor eulerFrame =
        frameAt(SamplerKind::EulerAncestral, options.eulerSteps, 11, options.seed, &eulerSeconds);
    report.add("frame, Euler-a " + std::to_string(options.eulerSteps) + " steps", fixed(eulerSeconds, 2) + " s",
               fixed(eulerSeconds / options.eulerSteps, 3) + " s/step incl. text, warp, decode");
    const torch::Tensor dpmFrame = frameAt(SamplerKind::DpmPP2MKarras, options.dpmSteps, 11, options.seed, &dpmSeconds);
    report.add(
        "frame, DPM++ 2M " + std::to_string(options.dpmSteps) + " steps", fixed(dpmSeconds, 2) + " s",
        fixed(dpmSeconds / options.dpmSteps, 3) + " s/step; " + fixed(eulerSeconds / dpmSeconds, 1) + "× faster");

    // 6. Quality.
    std::printf("[5] quality\n");
    const std::string ea = "Euler-a@" + std::to_string(options.eulerSteps);
    report.add("DPM++ 2M@" + std::to_string(options.dpmSteps) + " vs " + ea + " (motion 11)",
               fixed(psnr(dpmFrame, eulerFrame), 2) + " dB / " + fixed(ssim(dpmFrame, eulerFrame), 4),
               options.modelPath.empty() ? "PSNR / SSIM; random weights: meaningless" : "PSNR / SSIM");
    if (!options.modelPath.empty()) {
        // Sampler family vs step count, averaged over frames of different motions (same seed and source).
        struct Pair {
            std::string label;
            double psnr = 0, ssim = 0;
        };
        const std::string fast = "DPM++ 2M@" + std::to_string(options.dpmSteps);
        const std::string dpmFull = "DPM++ 2M@" + std::to_string(options.eulerSteps);
        const std::string euler = "Euler@" + std::to_string(options.eulerSteps);
        std::vector<Pair> pairs = {{fast + " vs " + ea},
                                   {euler + " vs " + ea},
                                   {dpmFull + " vs " + ea},
                                   {fast + " vs " + dpmFull},
                                   {ea + " seed+1 vs " + ea}};
        for (int f = 0; f < options.qualityFrames; ++f) {
            const int64_t motion = 4 + (12 * f) / std::max(1, options.qualityFrames - 1);  // spread over 4..16
            const torch::Tensor ref =
                frameAt(SamplerKind::EulerAncestral, options.eulerSteps, motion, options.seed, nullptr);
            const torch::Tensor fastFrame =
                frameAt(SamplerKind::DpmPP2MKarras, options.dpmSteps, motion, options.seed, nullptr);
            const torch::Tensor eulerFull =
                frameAt(SamplerKind::Euler, options.eulerSteps, motion, options.seed, nullptr);
            const torch::Tensor dpm =
                frameAt(SamplerKind::DpmPP2MKarras, options.eulerSteps, motion, options.seed, nullptr);
            const torch::Tensor other =
                frameAt(SamplerKind::EulerAncestral, options.eulerSteps, motion, options.seed + 1, nullptr);
            const std::vector<std::pair<torch::Tensor, torch::Tensor>> compared = {
                {fastFrame, ref}, {eulerFull, ref}, {dpm, ref}, {fastFrame, dpm}, {other, ref}};
            for (size_t i = 0; i < pairs.size(); ++i) {
                pairs[i].psnr += psnr(compared[i].first, compared[i].second) / options.qualityFrames;
                pairs[i].ssim += ssim(compared[i].first, compared[i].second) / options.qualityFrames;
            }
        }
        for (const Pair& p : pairs) {
            report.add(p.label, fixed(p.psnr, 2) + " dB / " + fixed(p.ssim, 4),
                       "mean over " + std::to_string(options.qualityFrames) + " motions, seed " +
                           std::to_string(options.seed));
        }
    }

    // 4. Memory of the whole run.
    report.add("peak RSS of the run (VmHWM)", gib(processPeak()), "max of VmHWM over the run's phases");

    if (!options.markdownOut.empty()) {
        std::ofstream out(options.markdownOut);
        out << report.markdown("bench_pix2gif — " + modelName + ", CPU float32, " + std::to_string(threads) +
                               " threads" + (options.quick ? " (--quick)" : ""));
        if (!out) {
            throw sm::ArgumentError(options.markdownOut + ": cannot write the markdown table");
        }
        std::printf("markdown table written to %s\n", options.markdownOut.c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);  // image format plugins for --source
    try {
        return run(parseOptions(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_pix2gif: %s\n", e.what());
        return 1;
    }
}
