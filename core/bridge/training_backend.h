#pragma once
// The seam between the studio's Project panel and a trainer (fine-tuning Pix2Gif on curated GIF pairs).
// No trainer ships yet: the panel asks trainingBackendAvailable() and shows "not available in this build" when
// nothing is registered. A trainer registers a factory once at start-up (tests register a fake one).
//
// Threading: a TrainingBackend is a QObject used from the thread it lives in (the GUI thread); it runs its work
// elsewhere and emits its signals on its own thread. start() returns at once.
#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVector>

#include <functional>
#include <memory>

#include "bridge/dataset_curation.h"

namespace sm::core {

struct TrainingSettings {
    QString baseModelPath;         // weights to start from (a Pix2Gif model, or SD-1.5 to start fresh)
    QString outputFolder;          // checkpoints and samples go here
    double learningRate = 1e-4;    // Pix2Gif: 1e-4 (train.yaml)
    int warmupSteps = 10000;       // linear warm-up of the learning rate from 1e-6 x lr
    int batchSize = 2;             // per step
    int gradientAccumulation = 8;  // steps per optimiser update
    int maxSteps = 25000;          // optimiser updates
    int checkpointEvery = 1000;    // steps between checkpoints
    int sampleEvery = 2000;        // steps between sample GIF frames
    bool ema = true;               // keep an exponential moving average of the UNet
    QString precision = QStringLiteral("float32");
    quint64 seed = 1371;
    // The Pix2Gif trainer's remaining knobs (bridge/pix2gif_training_backend.h); defaults are the authors'.
    bool horizontalFlip = true;         // random joint flip of source and target, p = 0.5
    bool trainTextEncoder = false;      // also train CLIP (models built from scratch); the authors freeze it
    double conditioningDropout = 0.05;  // text / image / both dropped 5 % each (classifier-free guidance)
    double perceptualWeight = 0.01;     // λ_P of the latent perceptual loss; 0 = off
    QString vggWeightsPath;             // torchvision vgg19 ImageNet weights; empty = random VGG (warned)
    int sampleSteps = 20;               // DPM++ 2M Karras steps of the sample frames
    int threads = 0;                    // CPU threads; 0 = all cores
    bool resume = false;                // continue outputFolder/checkpoints/last.safetensors when it exists
};

enum class TrainingState { Idle, Running, Paused, Stopping, Finished, Failed };

struct TrainingMetrics {
    int step = 0;  // optimiser updates done
    int maxSteps = 0;
    double loss = 0;
    double learningRate = 0;
    double secondsElapsed = 0;
    double secondsRemaining = -1;  // < 0 while unknown
};

class TrainingBackend : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~TrainingBackend() override = default;

    virtual QString name() const = 0;
    virtual TrainingState state() const = 0;
    // Starts training on `pairs`; returns false with *error when it cannot start (nothing to train on, no base
    // model). Later failures arrive as failed().
    virtual bool start(const TrainingSettings& settings, const QVector<TrainingPair>& pairs, QString* error) = 0;
    virtual void pause() = 0;
    virtual void resume() = 0;
    // Ends after the current step and writes a last checkpoint.
    virtual void stop() = 0;

Q_SIGNALS:
    void stateChanged(sm::core::TrainingState state);
    void metricsReady(const sm::core::TrainingMetrics& metrics);
    void sampleReady(int step, const QImage& frame);
    void checkpointSaved(int step, const QString& path);
    void failed(const QString& message);
};

using TrainingBackendFactory = std::function<std::unique_ptr<TrainingBackend>()>;

// Registers the trainer the studio uses (replacing an earlier one); an empty factory unregisters it.
// Call from the GUI thread.
void registerTrainingBackend(const QString& name, TrainingBackendFactory factory);
bool trainingBackendAvailable();
QString trainingBackendName();
// A new trainer from the registered factory, or nullptr when none is registered.
std::unique_ptr<TrainingBackend> createTrainingBackend();

}  // namespace sm::core

Q_DECLARE_METATYPE(sm::core::TrainingMetrics)
Q_DECLARE_METATYPE(sm::core::TrainingState)
