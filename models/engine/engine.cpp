#include "engine/engine.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "pix2gif/pipeline.h"
#include "runtime/device.h"
#include "runtime/error.h"
#include "text/clip_tokenizer.h"

namespace sm::engine {
namespace fs = std::filesystem;

class Model {
public:
    ModelInfo info;
    pix2gif::Pix2GifModel pix2gif{nullptr};
    ComputeTarget target;
};

namespace {

constexpr const char* kVocabName = "bpe_simple_vocab_16e6.txt.gz";

/// Where the CLIP vocabulary is: next to the model, then $STILLMOTION_RESOURCE_DIR, then the build's resources.
text::ClipTokenizer findTokenizer(const std::string& modelPath) {
    const fs::path model(modelPath);
    const fs::path dir = fs::is_directory(model) ? model : model.parent_path();
    std::vector<fs::path> candidates = {dir / "tokenizer", dir / kVocabName};
    if (const char* env = std::getenv("STILLMOTION_RESOURCE_DIR")) {
        candidates.push_back(fs::path(env) / "clip" / kVocabName);
    }
    candidates.push_back(fs::path(STILLMOTION_RESOURCE_DIR) / "clip" / kVocabName);
    for (const auto& candidate : candidates) {
        if (fs::is_directory(candidate) && fs::exists(candidate / "vocab.json")) {
            return text::ClipTokenizer::fromDirectory(candidate.string());
        }
        if (fs::is_regular_file(candidate)) {
            return text::ClipTokenizer::fromOpenAiVocab(candidate.string());
        }
    }
    throw WeightsError(modelPath + ": no CLIP tokenizer found; put " + kVocabName +
                       " (or a tokenizer/ folder with vocab.json and merges.txt) next to the model, or set "
                       "STILLMOTION_RESOURCE_DIR to the Stillmotion resources folder");
}

torch::Tensor toModelTensor(const RgbImage& image, int64_t size) {
    if (image.isNull() || image.pixels.size() != static_cast<size_t>(image.width) * image.height * 3) {
        throw ArgumentError("source image is empty or its pixel buffer does not match " + std::to_string(image.width) +
                            "×" + std::to_string(image.height));
    }
    torch::Tensor t = torch::from_blob(const_cast<uint8_t*>(image.pixels.data()), {1, image.height, image.width, 3},
                                       torch::kUInt8)
                          .permute({0, 3, 1, 2})
                          .to(torch::kFloat32)
                          .div(255.0);
    if (image.width != size || image.height != size) {
        // The authors squash to 256×256 with PIL's bicubic; the studio crops to the model's aspect first.
        t = torch::nn::functional::interpolate(t, torch::nn::functional::InterpolateFuncOptions()
                                                      .size(std::vector<int64_t>{size, size})
                                                      .mode(torch::kBicubic)
                                                      .align_corners(false)
                                                      .antialias(true))
                .clamp(0.0, 1.0);
    }
    return t * 2.0 - 1.0;
}

RgbImage toRgbImage(const torch::Tensor& hwc) {
    const torch::Tensor pixels = hwc.contiguous();
    RgbImage out;
    out.height = static_cast<int>(pixels.size(0));
    out.width = static_cast<int>(pixels.size(1));
    out.pixels.assign(pixels.data_ptr<uint8_t>(), pixels.data_ptr<uint8_t>() + pixels.numel());
    return out;
}

/// Decoded [1, 3, S, S] in [-1, 1] → RGB at the source size (bicubic, as the demo's PIL resize back).
RgbImage toSourceSize(const torch::Tensor& image, int width, int height) {
    torch::Tensor t = image.detach().to(torch::kCPU, torch::kFloat32);
    if (t.size(2) != height || t.size(3) != width) {
        t = torch::nn::functional::interpolate(t, torch::nn::functional::InterpolateFuncOptions()
                                                      .size(std::vector<int64_t>{height, width})
                                                      .mode(torch::kBicubic)
                                                      .align_corners(false)
                                                      .antialias(true));
    }
    return toRgbImage(pix2gif::decodeToUint8(t)[0]);
}

DeviceRequest deviceRequest(const LoadOptions& options) {
    DeviceRequest request;
    const std::string& device = options.device;
    if (device == "cpu") {
        request.kind = DeviceKind::Cpu;
    } else if (device == "auto" || device.empty()) {
        request.kind = DeviceKind::Auto;
    } else if (device.rfind("cuda", 0) == 0) {
        request.kind = DeviceKind::Cuda;
        if (device.size() > 5 && device[4] == ':') {
            request.cudaIndex = std::atoi(device.c_str() + 5);
        }
    } else {
        throw ArgumentError("unknown device '" + device + "'; use cpu, cuda, cuda:N or auto");
    }
    switch (options.precision) {
        case Precision::Float32: request.precision = sm::Precision::Float32; break;
        case Precision::Float16: request.precision = sm::Precision::Float16; break;
        case Precision::BFloat16: request.precision = sm::Precision::BFloat16; break;
    }
    // The Pix2Gif demo keeps float32 weights and runs under CUDA autocast.
    request.autocast = true;
    return request;
}

}  // namespace

std::shared_ptr<Model> loadModel(const std::string& path, const LoadOptions& options) {
    if (!fs::exists(path)) {
        throw WeightsError(path + ": file not found");
    }
    applyThreadCount(options.threads);
    auto model = std::make_shared<Model>();
    model->target = selectComputeTarget(deviceRequest(options));
    // NoGradGuard, not InferenceMode: inference tensors could not be trained or fine-tuned later.
    torch::NoGradGuard noGrad;
    model->pix2gif = pix2gif::loadPix2GifModel(path, findTokenizer(path));
    model->pix2gif->to(model->target.device, model->target.weightDtype());

    ModelInfo& info = model->info;
    info.architecture = Architecture::Pix2Gif;
    info.path = path;
    info.name = model->pix2gif->card().name;
    info.description = model->pix2gif->card().provenance;
    if (!model->pix2gif->card().description.empty()) {
        info.description = model->pix2gif->card().description + " — " + info.description;
    }
    info.width = info.height = static_cast<int>(model->pix2gif->config().imageSize());
    for (const auto& p : model->pix2gif->parameters()) {
        info.parameters += p.numel();
    }
    info.precision = options.precision;
    info.device = model->target.describe();
    info.minMotion = static_cast<int>(pix2gif::kTrainedMotionMin);
    info.maxMotion = static_cast<int>(pix2gif::kTrainedMotionMax);
    return model;
}

ModelInfo modelInfo(const Model& model) { return model.info; }

ModelInfo createPix2Gif(const CreateOptions& options) {
    if (options.output.empty()) {
        throw ArgumentError("no output file given for the new model");
    }
    torch::NoGradGuard noGrad;
    const std::string tokenizerFrom = options.from.empty() ? options.output : options.from;
    const text::ClipTokenizer tokenizer = findTokenizer(tokenizerFrom);
    pix2gif::Pix2GifModel model{nullptr};
    if (options.from.empty()) {
        pix2gif::Pix2GifConfig config;
        if (options.randomSize == "tiny") {
            config = pix2gif::Pix2GifConfig::tiny();
        } else if (options.randomSize == "full") {
            config = pix2gif::Pix2GifConfig::full();
        } else {
            throw ArgumentError("unknown random model size '" + options.randomSize + "' (use tiny or full)");
        }
        model = pix2gif::randomPix2GifModel(config, tokenizer, options.seed);
    } else {
        if (!fs::exists(options.from)) {
            throw WeightsError(options.from + ": file not found");
        }
        torch::manual_seed(options.seed);  // the fresh FlowNet and motion table
        model = pix2gif::loadPix2GifModel(options.from, tokenizer);
    }
    model->card().name = options.name.empty() ? fs::path(options.output).stem().string() : options.name;
    if (!options.description.empty()) {
        model->card().description = options.description;
    }
    pix2gif::savePix2GifModel(model, options.output);
    ModelInfo info;
    info.architecture = Architecture::Pix2Gif;
    info.name = model->card().name;
    info.path = options.output;
    info.description = model->card().provenance;
    info.width = info.height = static_cast<int>(model->config().imageSize());
    for (const auto& p : model->parameters()) {
        info.parameters += p.numel();
    }
    return info;
}

void generate(Model& model, const GenerateParams& params, const GenerateCallbacks& callbacks) {
    // Thread-local state belongs to the thread that runs the job (the studio's inference thread).
    initComputeThread();
    torch::InferenceMode inference;
    AutocastScope autocast(model.target);
    if (params.frames.empty()) {
        throw ArgumentError("no frames requested");
    }
    pix2gif::Pix2GifPipeline pipeline(model.pix2gif);
    const int64_t size = model.pix2gif->config().imageSize();
    pipeline.setSource(toModelTensor(params.source, size));

    pix2gif::SamplerSettings settings;
    settings.steps = params.steps;
    settings.textScale = params.textScale;
    settings.imageScale = params.imageScale;
    switch (params.sampler) {
        case Sampler::EulerAncestral: settings.sampler = pix2gif::SamplerKind::EulerAncestral; break;
        case Sampler::Euler: settings.sampler = pix2gif::SamplerKind::Euler; break;
        case Sampler::DpmPP2MKarras: settings.sampler = pix2gif::SamplerKind::DpmPP2MKarras; break;
        case Sampler::Ddim: throw ArgumentError("DDIM is Cinemo's sampler; Pix2Gif offers Euler-ancestral, Euler and DPM++ 2M");
    }

    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const int frames = static_cast<int>(params.frames.size());
    const int totalSteps = frames * params.steps;
    for (int index = 0; index < frames; ++index) {
        const FrameRequest& request = params.frames[static_cast<size_t>(index)];
        pix2gif::FrameSettings frame;
        frame.caption = request.prompt.empty() ? params.prompt : request.prompt;
        frame.motion = request.motion;
        frame.seed = params.differentNoisePerFrame ? request.seed + static_cast<uint64_t>(index) : request.seed;
        pix2gif::FrameCallbacks frameCallbacks;
        frameCallbacks.cancel = callbacks.cancel;
        frameCallbacks.onWarning = callbacks.onWarning;
        frameCallbacks.onStep = [&](const pix2gif::FrameProgress& progress) {
            StepProgress out;
            out.frame = index;
            out.step = progress.step;
            out.totalSteps = progress.totalSteps;
            out.secondsElapsed = std::chrono::duration<double>(Clock::now() - start).count();
            const int done = index * params.steps + progress.step;
            out.secondsRemaining = out.secondsElapsed / done * (totalSteps - done);
            if (callbacks.onStep) {
                callbacks.onStep(out);
            }
            if (callbacks.onPreview && params.previewEvery > 0 && progress.denoised &&
                (progress.step % params.previewEvery == 0) && progress.step < progress.totalSteps) {
                callbacks.onPreview(index, toRgbImage(pix2gif::latentPreview(*progress.denoised, model.pix2gif->config().vae.downsampleFactor())));
            }
        };
        const torch::Tensor image = pipeline.generateFrame(frame, settings, frameCallbacks);
        if (callbacks.onFrame) {
            callbacks.onFrame(index, toSourceSize(image, params.source.width, params.source.height));
        }
    }
}

}  // namespace sm::engine
