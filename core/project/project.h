#pragma once
// The project document: one source image, the project prompt, the model and sampler settings, and an ordered
// list of frames (per-frame prompt override, motion value, seed, generated image).
//
// Project and FrameSpec are plain value types (copyable, no QObject, no signals). They are not thread-safe:
// copy a Project to hand it to a worker thread. QImage members are implicitly shared, so copies are cheap.
// Saving and loading live in project_io.h; autosave and recovery in autosave.h.
#include <QImage>
#include <QRect>
#include <QSize>
#include <QString>
#include <QVector>

#include <optional>

namespace sm::core {

// The diffusion model family a project generates with.
enum class ModelKind { Pix2Gif, Cinemo };

// The model input size in pixels: Pix2Gif 256x256, Cinemo 512x320 (width x height; the papers write H x W 320x512).
QSize modelInputSize(ModelKind kind);

// Stable identifiers used in project files and settings ("pix2gif", "cinemo"); parseModelKind returns
// std::nullopt for an unknown name.
QString modelKindName(ModelKind kind);
std::optional<ModelKind> parseModelKind(const QString& name);

// Which model to use: the family plus an identifier of the weights (a folder name or hub id; empty = the
// default weights of that family). The id is opaque to core/: the model bridge resolves it.
struct ModelChoice {
    ModelKind kind = ModelKind::Pix2Gif;
    QString weightsId;

    friend bool operator==(const ModelChoice& a, const ModelChoice& b) {
        return a.kind == b.kind && a.weightsId == b.weightsId;
    }
    friend bool operator!=(const ModelChoice& a, const ModelChoice& b) { return !(a == b); }
};

// Sampler settings shared by all frames of a project. Defaults follow the reference implementations
// (Pix2Gif: InstructPix2Pix-style double guidance; Cinemo: DDIM 50 steps, DCTInit with p = 0.23 at t = 975).
struct SamplerSettings {
    QString sampler = QStringLiteral("euler_ancestral");  // sampler name as the engine knows it ("ddim", ...)
    int steps = 50;                                       // denoising steps, >= 1
    double textGuidanceScale = 7.5;                       // classifier-free guidance on the prompt
    double imageGuidanceScale = 1.5;                      // guidance on the source image (Pix2Gif)
    double fps = 8.0;                                     // playback rate of the generated frames, > 0
    bool dctInit = true;                                  // Cinemo: DCTInit noise initialisation
    double dctInitP = 0.23;                               // Cinemo: DCT low-pass ratio, 0..1
    int dctInitTau = 975;                                 // Cinemo: diffusion timestep of the noised base content
    int motionIntensity = 10;                             // Cinemo: motion bucket id (larger = calmer)
    bool noisePerFrame = false;                           // draw different noise for every frame
    quint64 seed = 1371;                                  // project seed: new frames start with it (Pix2Gif default)
    bool seedLocked = true;                               // false: every full generation draws a fresh seed first

    friend bool operator==(const SamplerSettings& a, const SamplerSettings& b);
    friend bool operator!=(const SamplerSettings& a, const SamplerSettings& b) { return !(a == b); }
};

// Fine-tuning settings kept with a project (the Project dock's Training tab); mirrors core::TrainingSettings
// (bridge/training_backend.h) so core/project does not depend on the bridge. Defaults follow Pix2Gif's train.yaml.
struct TrainingConfig {
    QString baseModel;             // weights to start from; empty = the default Pix2Gif
    QString outputFolder;          // checkpoints and samples; empty = next to the project
    double learningRate = 1e-4;    // > 0
    int warmupSteps = 10000;       // >= 0
    int batchSize = 2;             // >= 1
    int gradientAccumulation = 8;  // >= 1
    int maxSteps = 25000;          // >= 1
    int checkpointEvery = 1000;    // >= 1
    int sampleEvery = 2000;        // >= 1
    bool ema = true;
    QString precision = QStringLiteral("float32");
    quint64 seed = 1371;
    // The Pix2Gif trainer's own knobs (authors' defaults). Added to format version 2 later: a file without them
    // opens with these defaults.
    bool horizontalFlip = true;         // random joint flip of source and target, p = 0.5
    bool trainTextEncoder = false;      // also train CLIP (models built from scratch); the authors freeze it
    double conditioningDropout = 0.05;  // 0..1/3: text / image / both dropped with this probability each
    double perceptualWeight = 0.01;     // 0..1: λ_P of the latent perceptual loss; 0 = off
    QString vggWeightsPath;             // torchvision VGG19 ImageNet weights; empty = random VGG features
    int sampleSteps = 20;               // >= 1: DPM++ 2M Karras steps of the sample frames
    int threads = 0;                    // >= 0: CPU threads of the trainer; 0 = all cores

    friend bool operator==(const TrainingConfig& a, const TrainingConfig& b);
    friend bool operator!=(const TrainingConfig& a, const TrainingConfig& b) { return !(a == b); }
};

// The project's training data: the clips (GIFs, videos) and folders imported in the Project dock, in import order,
// as absolute paths (they live outside the project folder and are not copied), plus the training settings.
// Curation results (pairs, motion histogram) are not stored: they are measured again from the clips on open.
struct ProjectDataset {
    QStringList sources;
    TrainingConfig training;

    bool isEmpty() const { return sources.isEmpty() && training == TrainingConfig(); }
    friend bool operator==(const ProjectDataset& a, const ProjectDataset& b) {
        return a.sources == b.sources && a.training == b.training;
    }
    friend bool operator!=(const ProjectDataset& a, const ProjectDataset& b) { return !(a == b); }
};

// One frame to generate. The prompt is inherited from the project unless overridden; an override may be the
// empty string (an explicitly empty prompt), which is different from "no override".
class FrameSpec {
public:
    FrameSpec() = default;
    FrameSpec(int motion, quint64 seed) : m_motion(motion), m_seed(seed) {}

    bool hasPromptOverride() const { return m_promptOverride.has_value(); }
    // The override text; empty when there is none (check hasPromptOverride()).
    QString promptOverride() const { return m_promptOverride.value_or(QString()); }
    void setPromptOverride(const QString& prompt) { m_promptOverride = prompt; }
    void clearPromptOverride() { m_promptOverride.reset(); }

    // Pix2Gif motion magnitude for this frame (model units; the model clamps to its trained range).
    int motion() const { return m_motion; }
    void setMotion(int motion) { m_motion = motion; }

    quint64 seed() const { return m_seed; }
    void setSeed(quint64 seed) { m_seed = seed; }

    // The generated image at model resolution; null until the frame is generated.
    bool hasImage() const { return !m_image.isNull(); }
    const QImage& image() const { return m_image; }
    void setImage(const QImage& image) { m_image = image; }
    void clearImage() { m_image = QImage(); }

    // Images compare by pixels (QImage::operator==), so a loaded project equals the saved one.
    friend bool operator==(const FrameSpec& a, const FrameSpec& b);
    friend bool operator!=(const FrameSpec& a, const FrameSpec& b) { return !(a == b); }

private:
    std::optional<QString> m_promptOverride;
    int m_motion = 0;
    quint64 m_seed = 0;
    QImage m_image;
};

class Project {
public:
    Project() = default;

    // The still image everything is generated from, alpha already flattened (see media/image_loader.h).
    const QImage& sourceImage() const { return m_sourceImage; }
    void setSourceImage(const QImage& image) { m_sourceImage = image; }
    bool hasSourceImage() const { return !m_sourceImage.isNull(); }

    // Where the source image was loaded from (informational; the project keeps its own copy in source.png).
    QString sourcePath() const { return m_sourcePath; }
    void setSourcePath(const QString& path) { m_sourcePath = path; }

    // The crop of the source image fed to the model, in source pixels. A null rect means "the default
    // crop" (media/image_fit.h defaultCrop for the model's input size).
    QRect crop() const { return m_crop; }
    void setCrop(const QRect& crop) { m_crop = crop; }

    QString prompt() const { return m_prompt; }
    void setPrompt(const QString& prompt) { m_prompt = prompt; }

    const ModelChoice& model() const { return m_model; }
    void setModel(const ModelChoice& model) { m_model = model; }

    const SamplerSettings& sampler() const { return m_sampler; }
    void setSampler(const SamplerSettings& sampler) { m_sampler = sampler; }

    // Frames in playback order. Indexes are 0-based; frame(i) and the mutators require 0 <= i < frameCount().
    int frameCount() const { return m_frames.size(); }
    const QVector<FrameSpec>& frames() const { return m_frames; }
    const FrameSpec& frame(int index) const { return m_frames.at(index); }
    FrameSpec& frame(int index) { return m_frames[index]; }
    void setFrames(const QVector<FrameSpec>& frames) { m_frames = frames; }
    void appendFrame(const FrameSpec& frame) { m_frames.append(frame); }
    void insertFrame(int index, const FrameSpec& frame) { m_frames.insert(index, frame); }
    void removeFrame(int index) { m_frames.removeAt(index); }
    void clearFrames() { m_frames.clear(); }

    // Training data and settings (format version 2; empty in projects saved by version 1).
    const ProjectDataset& dataset() const { return m_dataset; }
    void setDataset(const ProjectDataset& dataset) { m_dataset = dataset; }

    // The prompt frame `index` is generated with: its override if it has one, else the project prompt.
    QString effectivePrompt(int index) const;

    // Frames that have a generated image, in order (what an export writes).
    QVector<QImage> generatedImages() const;

    friend bool operator==(const Project& a, const Project& b);
    friend bool operator!=(const Project& a, const Project& b) { return !(a == b); }

private:
    QImage m_sourceImage;
    QString m_sourcePath;
    QRect m_crop;
    QString m_prompt;
    ModelChoice m_model;
    SamplerSettings m_sampler;
    QVector<FrameSpec> m_frames;
    ProjectDataset m_dataset;
};

}  // namespace sm::core
