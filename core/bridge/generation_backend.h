#pragma once
// The seam between the studio and a diffusion engine. The inference worker (inference_worker.h) drives a
// GenerationBackend on its own thread; the real one calls sm::engine (engine_backend.h), tests use fakes.
//
// Everything here is plain Qt value types: no LibTorch, no engine headers, so ui/ may include it.
//
// Contract for implementations:
// - All member functions are called from one thread (the worker's), never concurrently.
// - loadModel() replaces the loaded model; generate() uses the model loaded last.
// - Failures throw a std::exception whose what() is a message for the user (what is wrong and what to do).
// - generate() polls *callbacks.cancel between denoising steps and frames; once it is true it returns or throws
//   promptly (within one step). The worker decides from the flag, not from the exception type, that the job was
//   cancelled.
// - Callbacks run on the calling (worker) thread. Images passed to them own their pixels (no QImage wrapping a
//   buffer that is reused afterwards): the worker hands them to other threads as they are.
#include <QImage>
#include <QMetaType>
#include <QSize>
#include <QString>
#include <QVector>

#include <atomic>
#include <functional>
#include <memory>

#include "project/project.h"

namespace sm::core {

// Sampler names as stored in projects (SamplerSettings::sampler) and understood by the backends.
inline constexpr char kSamplerEulerAncestral[] = "euler_ancestral";
inline constexpr char kSamplerEuler[] = "euler";
inline constexpr char kSamplerDpmPP2MKarras[] = "dpmpp_2m_karras";
inline constexpr char kSamplerDdim[] = "ddim";

struct BackendLoadOptions {
    QString device = QStringLiteral("cpu");         // "cpu", "cuda", "cuda:N", "auto"
    QString precision = QStringLiteral("float32");  // "float32", "float16", "bfloat16"
    int threads = 0;                                // CPU threads; 0 = all cores
    // The Stillmotion resources folder (clip/ vocabulary); empty = the engine's search (next to the model,
    // $STILLMOTION_RESOURCE_DIR, the build's resources). The studio passes the folder it ships with.
    QString resourceDir;
};

// Progress and cancel of a model load. Called on the loading thread.
struct LoadCallbacks {
    // fraction 0..1 over the whole load; `stage` a short user-facing word ("reading weights", ...).
    std::function<void(double fraction, const QString& stage)> onProgress;
    const std::atomic<bool>* cancel = nullptr;  // polled between groups of tensors; the load then throws
};

// What a backend detected in a weights file or folder (sm::engine::ModelInfo in Qt types).
struct ModelDescription {
    ModelKind architecture = ModelKind::Pix2Gif;
    QString name;      // from the model card, else the file name
    QString path;      // what was loaded
    QSize resolution;  // width x height the model generates at
    qint64 parameters = 0;
    QString precision;    // "float32", "float16", "bfloat16"
    QString device;       // "cpu", "cuda:0"
    QString description;  // one line: provenance, training data
    int minMotion = 2;    // Pix2Gif: trained motion range
    int maxMotion = 19;

    bool isValid() const { return !path.isEmpty(); }
};

// One output frame of a request. An empty prompt inherits GenerationRequest::prompt.
struct FrameRequest {
    QString prompt;
    int motion = 11;  // Pix2Gif optical-flow magnitude, trained range 2..19
    quint64 seed = 1371;
};

struct GenerationRequest {
    QImage source;   // the cropped source at the model's resolution (media/image_fit.h fitToModel)
    QString prompt;  // project prompt
    QVector<FrameRequest> frames;
    QString sampler = QLatin1String(kSamplerEulerAncestral);
    int steps = 100;
    double textScale = 7.5;
    double imageScale = 1.5;
    bool noisePerFrame = false;
    int previewEvery = 5;  // deliver a latent preview every N steps (0 = never)
    // Cinemo only (ignored by Pix2Gif backends).
    int motionIntensity = 10;
    bool dctInit = true;
    double dctInitP = 0.23;
    int dctInitTau = 975;
    double fps = 8.0;
};

struct StepInfo {
    int frame = 0;  // index into GenerationRequest::frames
    int step = 0;   // 1-based within the frame
    int totalSteps = 0;
    double secondsElapsed = 0;
    double secondsRemaining = -1;  // backend's ETA over the whole request; < 0 = unknown
};

struct GenerationCallbacks {
    std::function<void(const StepInfo&)> onStep;
    std::function<void(int frame, const QImage& preview)> onPreview;
    std::function<void(int frame, const QImage& image)> onFrame;
    std::function<void(const QString& message)> onWarning;
    const std::atomic<bool>* cancel = nullptr;
};

class GenerationBackend {
public:
    virtual ~GenerationBackend() = default;

    // Short name for logs and the About box ("LibTorch engine").
    virtual QString name() const = 0;
    // Loads the weights at `path`; throws with a user-facing message when they are missing or unusable, and
    // (anything) once *callbacks.cancel became true.
    virtual ModelDescription loadModel(const QString& path, const BackendLoadOptions& options,
                                       const LoadCallbacks& callbacks = {}) = 0;
    // Describes the weights at `path` as cheaply as the format allows (the model manager's list). The default
    // loads and unloads them; the engine reads only a safetensors header. Throws like loadModel().
    virtual ModelDescription inspectModel(const QString& path) {
        const ModelDescription description = loadModel(path, BackendLoadOptions{});
        unloadModel();
        return description;
    }
    virtual bool hasModel() const = 0;
    virtual void unloadModel() = 0;
    // Generates request.frames in order, calling onFrame once per frame. Throws on failure (see above).
    virtual void generate(const GenerationRequest& request, const GenerationCallbacks& callbacks) = 0;
};

using GenerationBackendFactory = std::function<std::unique_ptr<GenerationBackend>()>;

}  // namespace sm::core

Q_DECLARE_METATYPE(sm::core::ModelDescription)
