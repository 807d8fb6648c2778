#pragma once
// The engine's public API: everything the studio and the CLI need from models/, and nothing else.
// No LibTorch types appear here, so core/bridge can include it from a .cpp and the UI never sees torch.
//
//   sm::engine::LoadOptions options;                       // CPU float32, all cores
//   auto model = sm::engine::loadModel("resources/models/pix2gif-demo", options);   // throws sm::Error
//   sm::engine::GenerateParams params;
//   params.source = image;                                  // RGB888, any size: fitted to the model's resolution
//   params.frames = {{"a red star drifts to the left", 4, 1371}, {"", 8, 1371}};
//   sm::engine::GenerateCallbacks callbacks;
//   callbacks.onFrame = [](int index, const sm::engine::RgbImage& frame) { ... };
//   callbacks.cancel = &cancelFlag;                         // checked between denoising steps
//   sm::engine::generate(*model, params, callbacks);       // throws sm::CancelledError when cancelled
//
// Thread-safety: a Model is immutable after loading and may be shared; generate() on one Model must not run on
// two threads at once (the studio has one inference thread that owns the model). Callbacks run on the calling
// thread, between steps; keep them short.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sm::engine {

/// An 8-bit RGB image, rows top to bottom, 3 bytes per pixel, no padding.
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;  // width * height * 3
    bool isNull() const { return width <= 0 || height <= 0; }
};

enum class Architecture { Pix2Gif, Cinemo };

enum class Precision { Float32, Float16, BFloat16 };

struct ModelInfo {
    Architecture architecture = Architecture::Pix2Gif;
    std::string name;         // from the model card, else the file name
    std::string path;         // what was loaded
    int width = 256;          // the resolution the model generates at
    int height = 256;
    int64_t parameters = 0;   // total parameter count
    Precision precision = Precision::Float32;
    std::string device;       // "cpu", "cuda:0"
    std::string description;  // one line for the model manager (provenance, training data)
    int minMotion = 2;        // Pix2Gif: the trained motion range; values outside are clamped with a warning
    int maxMotion = 19;
};

/// Where loadModel() is: reported once per group of tensors while the weights are read (big models take seconds
/// to minutes from disk), then once when the modules are built and once when they are on the device.
struct LoadProgress {
    enum class Stage { Reading, Building, Moving, Done };
    Stage stage = Stage::Reading;
    int64_t bytesDone = 0;   // Reading: weight bytes read so far
    int64_t bytesTotal = 0;  // weight bytes in the file (0 for formats whose size is only known after parsing)
    double fraction = 0;     // 0..1 over the whole load
};

struct LoadOptions {
    std::string device = "cpu";  // "cpu", "cuda", "cuda:N"; "auto" = CUDA when available
    Precision precision = Precision::Float32;
    int threads = 0;             // CPU threads; 0 = all cores
    /// The Stillmotion resources folder (holds clip/bpe_simple_vocab_16e6.txt.gz). Empty = look next to the model,
    /// then $STILLMOTION_RESOURCE_DIR, then the build's resources folder. When set, it is searched right after the
    /// model's own folder and before the environment, so an application can pin its bundled resources.
    std::string resourceDir;
    /// Called on the loading thread (see LoadProgress); keep it short.
    std::function<void(const LoadProgress&)> onProgress;
    /// Polled between groups of tensors and between stages: loadModel() throws sm::CancelledError once it is true.
    const std::atomic<bool>* cancel = nullptr;
};

class Model;  // opaque: a loaded bundle of weights (UNet, VAE, text encoder, ...)

/// Loads a model file or folder: our safetensors + model card, a Pix2Gif Lightning .ckpt, an SD-1.5 or
/// InstructPix2Pix checkpoint (turned into a fresh Pix2Gif). Throws sm::Error with a message saying what to do,
/// sm::CancelledError when options.cancel became true. Progress goes to options.onProgress (safetensors files
/// report per group of tensors while reading; other formats report the stage changes only).
std::shared_ptr<Model> loadModel(const std::string& path, const LoadOptions& options = {});

ModelInfo modelInfo(const Model& model);

/// What a weights file is, from the safetensors header and its metadata alone: no tensor is read, so this takes
/// milliseconds even for multi-gigabyte files (the model manager lists models with it). Fills architecture,
/// name, description, width/height (from the model card's config), parameters (elements of the learnable
/// tensors: the DDPM schedule and normalisation statistics are buffers, not parameters, so the count equals what
/// loadModel() reports), precision (the storage type of the floating-point tensors), path, minMotion/maxMotion;
/// `device` stays empty. Throws sm::WeightsError for a missing or corrupt file and for anything that is not a
/// safetensors file (checkpoints and folders must be loaded to be inspected: use loadModel()).
ModelInfo inspectModel(const std::string& path);

/// Whether inspectModel() can describe `path` (a .safetensors file): checkpoints and folders cannot.
bool canInspect(const std::string& path);

/// One output frame. An empty (or all-space) prompt inherits GenerateParams::prompt (see firstFrameWithoutPrompt()).
struct FrameRequest {
    std::string prompt;
    int motion = 11;      // Pix2Gif optical-flow magnitude in pixels (trained range 2..19)
    uint64_t seed = 1371;
};

enum class Sampler { EulerAncestral, Euler, DpmPP2MKarras, Ddim };

struct GenerateParams {
    RgbImage source;
    std::string prompt;               // the project prompt (a caption; the motion sentence is added by the model)
    std::vector<FrameRequest> frames;
    Sampler sampler = Sampler::EulerAncestral;
    int steps = 100;                  // the authors' default; 20 with DpmPP2MKarras is the fast preview preset
    float textScale = 7.5f;
    float imageScale = 1.8f;
    bool differentNoisePerFrame = false;  // false = the authors' behaviour: every frame re-seeds identically
    int previewEvery = 5;             // deliver a cheap latent preview every N steps (0 = never)
    /// Frames generated together in one sampler run (pix2gif::framesPerBatch): 1 = one at a time (the first frame
    /// arrives soonest), 0 = as many as the memory budget allows, N = at most N. onFrame still arrives in frame
    /// order; onStep/onPreview then interleave the frames of a batch (step 1 of frames k..k+n−1, step 2, ...).
    int maxFramesPerBatch = 1;
};

struct StepProgress {
    int frame = 0;        // index into GenerateParams::frames
    int step = 0;         // 1-based step within the frame
    int totalSteps = 0;
    double secondsElapsed = 0;
    double secondsRemaining = 0;  // ETA over all frames, from the measured step time
};

struct GenerateCallbacks {
    std::function<void(const StepProgress&)> onStep;
    std::function<void(int frame, const RgbImage& preview)> onPreview;  // cheap latent→RGB projection
    std::function<void(int frame, const RgbImage& image)> onFrame;      // the decoded frame at source size
    std::function<void(const std::string& message)> onWarning;          // e.g. motion clamped to 2..19
    const std::atomic<bool>* cancel = nullptr;                          // polled between steps
};

/// How to make a new Pix2Gif model file (stillmotion-cli create-model, the model manager).
struct CreateOptions {
    std::string from;          // an SD-1.5 / InstructPix2Pix / Pix2Gif checkpoint or diffusers folder; empty = random
    std::string randomSize = "tiny";  // with an empty `from`: "tiny" (a 32×32 fixture), "demo" (64×64, the demo model's architecture) or "full" (SD-1.5 sizes)
    std::string output;        // the .safetensors file to write (atomically)
    std::string name;          // model card name; default: the output file's stem
    std::string description;   // model card description
    uint64_t seed = 0;         // initialisation seed of random and fresh parts
    std::string evaluationJson;  // when set: a JSON object that replaces the model card's "evaluation" entry
    bool halfPrecision = false;  // store float tensors as float16 (half the file; computed in float32 on load)
};

/// Creates a Pix2Gif model file: from a checkpoint (first conv widened to 12 channels, FlowNet and motion table
/// fresh) or entirely random. Returns the new model's info. Throws sm::Error with a readable message.
ModelInfo createPix2Gif(const CreateOptions& options);

/// Generates params.frames one by one. Throws sm::CancelledError when *cancel became true (within one step),
/// sm::ArgumentError for unusable parameters (among them a frame without any prompt, see below), sm::Error for
/// anything else.
void generate(Model& model, const GenerateParams& params, const GenerateCallbacks& callbacks);

/// Pix2Gif needs a caption for every frame: its demo rejects an empty one ("Please enter a caption"), and the
/// motion sentence alone gives the model nothing to animate. The effective prompt of a frame is its own prompt, or
/// GenerateParams::prompt when that is empty; when both are empty (after trimming spaces) generate() throws
/// sm::ArgumentError before any step runs, naming the first such frame. Front-ends should check first with this
/// function and say so before starting. Returns the 0-based index of the first frame without a caption, or -1.
int firstFrameWithoutPrompt(const GenerateParams& params);

}  // namespace sm::engine
