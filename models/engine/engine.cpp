#include "engine/engine.h"
#include "engine/tokenizer_lookup.h"

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "io/safetensors.h"
#include "io/weight_map.h"
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

/// Where the CLIP vocabulary is: next to the model, in the resources layout around it (<models>/../clip, how
/// resources/ is installed as share/stillmotion/), then the caller's resource folder (LoadOptions::resourceDir),
/// then $STILLMOTION_RESOURCE_DIR, then the build's resources.
text::ClipTokenizer findTokenizer(const std::string& modelPath, const std::string& resourceDir) {
    const fs::path model(modelPath);
    const fs::path dir = fs::is_directory(model) ? model : model.parent_path();
    std::vector<fs::path> candidates = {dir / "tokenizer", dir / kVocabName, dir.parent_path() / "clip" / kVocabName};
    if (!resourceDir.empty()) {
        candidates.push_back(fs::path(resourceDir) / "clip" / kVocabName);
    }
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
                       " (or a tokenizer/ folder with vocab.json and merges.txt) next to the model, or pass the "
                       "Stillmotion resources folder (LoadOptions::resourceDir or STILLMOTION_RESOURCE_DIR)");
}

// ---- loading with progress -----------------------------------------------------------------------------------

/// Reading reports in groups of about this many bytes: a few dozen callbacks for a multi-gigabyte file, and a
/// cancel that takes effect within a fraction of a second on any disk.
constexpr int64_t kLoadGroupBytes = int64_t(32) << 20;
/// Share of the progress bar each stage takes: reading dominates for big files on disk.
constexpr double kReadShare = 0.8;
constexpr double kBuildShare = 0.15;

/// Empty or only spaces: such a frame prompt inherits the project prompt (firstFrameWithoutPrompt()).
bool isBlank(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

void throwIfCancelled(const LoadOptions& options) {
    if (options.cancel && options.cancel->load()) {
        throw CancelledError();
    }
}

void reportLoad(const LoadOptions& options, LoadProgress::Stage stage, int64_t done, int64_t total, double fraction) {
    if (options.onProgress) {
        LoadProgress progress;
        progress.stage = stage;
        progress.bytesDone = done;
        progress.bytesTotal = total;
        progress.fraction = std::clamp(fraction, 0.0, 1.0);
        options.onProgress(progress);
    }
}

bool isSafetensorsFile(const std::string& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec) && io::detectWeightsFormat(path) == io::WeightsFormat::Safetensors;
}

/// Reads a safetensors file's tensors into the page cache group by group, touching one byte per page. The module
/// build that follows maps the same file again and copies from memory, so the slow part of loading a large file
/// (the disk) is where progress is reported and where a cancel is honoured, without holding a second copy of the
/// weights in memory.
void prefetchSafetensors(const std::string& path, const LoadOptions& options) {
    const io::SafetensorsFile file(path);
    int64_t total = 0;
    for (const auto& entry : file.entries()) {
        total += static_cast<int64_t>(entry.end - entry.begin);
    }
    reportLoad(options, LoadProgress::Stage::Reading, 0, total, 0.0);
    constexpr size_t kPageBytes = 4096;
    int64_t done = 0;
    int64_t sinceReport = 0;
    unsigned sink = 0;  // keeps the reads from being optimised away
    for (const auto& entry : file.entries()) {
        const size_t bytes = static_cast<size_t>(entry.end - entry.begin);
        if (bytes > 0) {
            const torch::Tensor view = file.tensor(entry.name);
            const auto* data = static_cast<const volatile uint8_t*>(view.data_ptr());
            for (size_t offset = 0; offset < bytes; offset += kPageBytes) {
                sink += data[offset];
            }
            sink += data[bytes - 1];
        }
        done += static_cast<int64_t>(bytes);
        sinceReport += static_cast<int64_t>(bytes);
        if (sinceReport >= kLoadGroupBytes) {
            sinceReport = 0;
            throwIfCancelled(options);
            reportLoad(options, LoadProgress::Stage::Reading, done, total,
                       kReadShare * static_cast<double>(done) / static_cast<double>(std::max<int64_t>(total, 1)));
        }
    }
    (void)sink;
    throwIfCancelled(options);
    reportLoad(options, LoadProgress::Stage::Reading, done, total, kReadShare);
}

/// Learnable tensors only, as Module::parameters() counts them: floating-point, and not one of the buffers the
/// Lightning layout stores beside the weights (the 12 top-level DDPM schedule tensors, normalisation statistics,
/// the EMA copy of the UNet).
bool countsAsParameter(const io::SafetensorsEntry& entry) {
    if (!torch::isFloatingType(entry.scalarType)) {
        return false;  // position ids, num_batches_tracked
    }
    const std::string& name = entry.name;
    auto endsWith = [&name](const std::string& suffix) {
        return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return name.find('.') != std::string::npos && name.rfind("model_ema.", 0) != 0 && !endsWith("running_mean") &&
           !endsWith("running_var");
}

Precision storagePrecision(const io::SafetensorsFile& file) {
    for (const auto& entry : file.entries()) {
        if (entry.scalarType == torch::kHalf) {
            return Precision::Float16;
        }
        if (entry.scalarType == torch::kBFloat16) {
            return Precision::BFloat16;
        }
        if (entry.scalarType == torch::kFloat) {
            return Precision::Float32;
        }
    }
    return Precision::Float32;
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
    throwIfCancelled(options);
    applyThreadCount(options.threads);
    auto model = std::make_shared<Model>();
    model->target = selectComputeTarget(deviceRequest(options));
    const text::ClipTokenizer tokenizer = findTokenizer(path, options.resourceDir);
    if (isSafetensorsFile(path)) {
        prefetchSafetensors(path, options);
    } else {
        reportLoad(options, LoadProgress::Stage::Reading, 0, 0, 0.0);
    }
    reportLoad(options, LoadProgress::Stage::Building, 0, 0, kReadShare);
    // NoGradGuard, not InferenceMode: inference tensors could not be trained or fine-tuned later.
    torch::NoGradGuard noGrad;
    model->pix2gif = pix2gif::loadPix2GifModel(path, tokenizer);
    throwIfCancelled(options);
    reportLoad(options, LoadProgress::Stage::Moving, 0, 0, kReadShare + kBuildShare);
    model->pix2gif->to(model->target.device, model->target.weightDtype());
    throwIfCancelled(options);

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
    info.device = model->target.device.str();  // the precision has its own field
    info.minMotion = static_cast<int>(pix2gif::kTrainedMotionMin);
    info.maxMotion = static_cast<int>(pix2gif::kTrainedMotionMax);
    reportLoad(options, LoadProgress::Stage::Done, 0, 0, 1.0);
    return model;
}

ModelInfo modelInfo(const Model& model) { return model.info; }

bool canInspect(const std::string& path) {
    try {
        return isSafetensorsFile(path);
    } catch (const Error&) {
        return false;
    }
}

ModelInfo inspectModel(const std::string& path) {
    if (!fs::exists(path)) {
        throw WeightsError(path + ": file not found");
    }
    if (!isSafetensorsFile(path)) {
        throw WeightsError(path + ": not a safetensors file; checkpoints and model folders can only be described by "
                                  "loading them");
    }
    const io::SafetensorsFile file(path);  // header only: the data stays unread in the mapping
    const auto& meta = file.metadata();
    ModelInfo info;
    info.path = path;
    info.name = fs::path(path).stem().string();
    info.precision = storagePrecision(file);
    const auto architecture = meta.find("architecture");
    if (architecture != meta.end() && architecture->second == "cinemo") {
        info.architecture = Architecture::Cinemo;
    }
    pix2gif::Pix2GifConfig config = pix2gif::Pix2GifConfig::full();
    const auto format = meta.find("format");
    if (format != meta.end() && format->second == "stillmotion-model") {
        try {
            if (meta.count("config")) {
                config = pix2gif::Pix2GifConfig::fromJson(nlohmann::json::parse(meta.at("config")));
            }
            if (meta.count("card")) {
                const nlohmann::json card = nlohmann::json::parse(meta.at("card"));
                const std::string name = card.value("name", std::string());
                const std::string description = card.value("description", std::string());
                const std::string provenance = card.value("provenance", std::string());
                if (!name.empty()) {
                    info.name = name;
                }
                info.description = description.empty() ? provenance
                                   : provenance.empty() ? description
                                                        : description + " — " + provenance;
            }
        } catch (const std::exception& e) {
            throw WeightsError(path + ": model card in the header metadata is malformed: " + e.what());
        }
    } else {
        // A plain checkpoint in safetensors (SD-1.5, InstructPix2Pix): loading makes a new full-size Pix2Gif.
        info.description = "a checkpoint without a Stillmotion model card (loads as a new Pix2Gif)";
    }
    info.width = info.height = static_cast<int>(config.imageSize());
    for (const auto& entry : file.entries()) {
        if (countsAsParameter(entry)) {
            int64_t count = 1;
            for (const int64_t dim : entry.shape) {
                count *= dim;
            }
            info.parameters += count;
        }
    }
    info.minMotion = static_cast<int>(pix2gif::kTrainedMotionMin);
    info.maxMotion = static_cast<int>(pix2gif::kTrainedMotionMax);
    return info;
}

int firstFrameWithoutPrompt(const GenerateParams& params) {
    if (!isBlank(params.prompt)) {
        return -1;  // every frame inherits it
    }
    for (size_t i = 0; i < params.frames.size(); ++i) {
        if (isBlank(params.frames[i].prompt)) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

ModelInfo createPix2Gif(const CreateOptions& options) {
    if (options.output.empty()) {
        throw ArgumentError("no output file given for the new model");
    }
    torch::NoGradGuard noGrad;
    const std::string tokenizerFrom = options.from.empty() ? options.output : options.from;
    const text::ClipTokenizer tokenizer = findTokenizer(tokenizerFrom, std::string());
    pix2gif::Pix2GifModel model{nullptr};
    if (options.from.empty()) {
        pix2gif::Pix2GifConfig config;
        if (options.randomSize == "tiny") {
            config = pix2gif::Pix2GifConfig::tiny();
        } else if (options.randomSize == "demo") {
            config = pix2gif::Pix2GifConfig::demo();
        } else if (options.randomSize == "full") {
            config = pix2gif::Pix2GifConfig::full();
        } else {
            throw ArgumentError("unknown random model size '" + options.randomSize + "' (use tiny, demo or full)");
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
    if (!options.evaluationJson.empty()) {
        nlohmann::json evaluation;
        try {
            evaluation = nlohmann::json::parse(options.evaluationJson);
        } catch (const nlohmann::json::exception& e) {
            throw ArgumentError(std::string("the evaluation is not valid JSON: ") + e.what());
        }
        if (!evaluation.is_object()) {
            throw ArgumentError("the evaluation must be a JSON object (e.g. the summary of stillmotion-cli eval)");
        }
        model->card().evaluation = std::move(evaluation);
    }
    pix2gif::savePix2GifModel(model, options.output,
                              options.halfPrecision ? pix2gif::StoragePrecision::Float16
                                                    : pix2gif::StoragePrecision::Float32);
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
    if (const int missing = firstFrameWithoutPrompt(params); missing >= 0) {
        throw ArgumentError("frame " + std::to_string(missing + 1) +
                            " has no prompt and the project prompt is empty: Pix2Gif needs a caption that describes "
                            "the motion, e.g. \"the boat drifts to the right\"");
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
    pix2gif::BatchSettings batching;
    batching.maxFramesPerBatch = params.maxFramesPerBatch;
    const int perBatch = pix2gif::framesPerBatch(model.pix2gif->config(), batching, model.target.device,
                                                 c10::elementSize(model.target.computeDtype()));
    int first = 0;  // index of the batch's first frame
    for (const int batchSize : pix2gif::planBatches(frames, perBatch)) {
        std::vector<pix2gif::FrameSettings> batch;
        for (int index = first; index < first + batchSize; ++index) {
            const FrameRequest& request = params.frames[static_cast<size_t>(index)];
            pix2gif::FrameSettings frame;
            frame.caption = isBlank(request.prompt) ? params.prompt : request.prompt;
            frame.motion = request.motion;
            frame.seed = params.differentNoisePerFrame ? request.seed + static_cast<uint64_t>(index) : request.seed;
            batch.push_back(frame);
        }
        pix2gif::FrameCallbacks frameCallbacks;
        frameCallbacks.cancel = callbacks.cancel;
        frameCallbacks.onWarning = callbacks.onWarning;
        frameCallbacks.onStep = [&](const pix2gif::FrameProgress& progress) {
            const int index = first + progress.frameInBatch;
            StepProgress out;
            out.frame = index;
            out.step = progress.step;
            out.totalSteps = progress.totalSteps;
            out.secondsElapsed = std::chrono::duration<double>(Clock::now() - start).count();
            // Frame-steps finished so far: earlier batches whole, this batch's earlier steps for all its frames.
            const int done = first * params.steps + (progress.step - 1) * progress.batchSize + progress.frameInBatch + 1;
            out.secondsRemaining = out.secondsElapsed / done * (totalSteps - done);
            if (callbacks.onStep) {
                callbacks.onStep(out);
            }
            if (callbacks.onPreview && params.previewEvery > 0 && progress.denoised &&
                (progress.step % params.previewEvery == 0) && progress.step < progress.totalSteps) {
                callbacks.onPreview(index, toRgbImage(pix2gif::latentPreview(*progress.denoised, model.pix2gif->config().vae.downsampleFactor())));
            }
        };
        const torch::Tensor images = pipeline.generateFrames(batch, settings, frameCallbacks);  // [n, 3, S, S]
        if (callbacks.onFrame) {
            for (int i = 0; i < batchSize; ++i) {
                callbacks.onFrame(first + i, toSourceSize(images.narrow(0, i, 1), params.source.width, params.source.height));
            }
        }
        first += batchSize;
    }
}

text::ClipTokenizer findClipTokenizer(const std::string& modelPath, const std::string& resourceDir) {
    return findTokenizer(modelPath, resourceDir);
}

}  // namespace sm::engine
