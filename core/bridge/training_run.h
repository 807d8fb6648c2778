#pragma once
// A whole training run on a pair dataset, as `stillmotion-cli train` / `train-vae` and the studio's training
// backend run it: load the base model, build the batches (bridge/training_data.h), train, report, checkpoint,
// sample, and write the final model. No LibTorch type appears here, so app/ and the backend's header stay torch-free.
//
// Run folder (RUN_DIR):
//   checkpoints/step-NNNNNN.safetensors   trainer checkpoint (weights, EMA, optimizer, RNG; see the trainers)
//   checkpoints/step-NNNNNN.safetensors.run.json
//                                         the sidecar: data position {seed, epoch, index}, counters, options
//   checkpoints/last.safetensors (+ .run.json)   a copy of the newest checkpoint (resume's default)
//   metrics.csv                           step,micro_step,loss,<terms>,lr,elapsed_s — one row per micro-batch
//                                         (Pix2Gif terms: mse,perceptual; VAE terms: l1,mse,kl); on resume the
//                                         rows after the checkpoint's micro step are dropped, so the file always
//                                         describes one consistent history
//   samples/step-NNNNNN.png               Pix2Gif: the EMA model on the first val pair's source (train when
//                                         there is no val split), a strip [source | motion m1 | m2 | m3]
//   model.safetensors                     the final model: Pix2Gif EMA weights + model card (data, steps,
//                                         hardware, time, options); for train-vae the base bundle with the
//                                         trained VAE and its new scale_factor
// All files are written atomically (temporary file + rename). elapsed_s continues across resumes.
//
// Stopping: *stop set → the run ends after the current micro-batch, writes a checkpoint and returns with
// stopped = true. Pausing: waitIfPaused is called between micro-batches and may block.
// Thread-safety: run on one thread (not the GUI thread); callbacks run on it. stop may be set from any thread.
// Errors: never throws; RunResult::error holds one readable line (what failed, what to do).
#include <QImage>
#include <QJsonObject>
#include <QString>

#include <atomic>
#include <functional>

namespace sm::core {

/// Pix2Gif fine-tuning; defaults are the authors' values (train.yaml, main.py, ddpm_edit.py).
struct Pix2GifRunOptions {
    QString data;          // pair dataset folder or JSON
    QString model;         // base model (Pix2Gif safetensors / .ckpt / SD-1.5 / folder); may be empty when resuming
    QString output;        // RUN_DIR
    QString name;          // model card name (default: "<base name> fine-tuned")
    qint64 steps = 25000;  // optimizer steps in total (a resumed run continues up to this count)
    int batch = 2;         // pairs per micro-batch
    int accumulate = 8;    // micro-batches per optimizer step
    double learningRate = 1.0e-4;
    qint64 warmup = 10000;
    double finalLrFactor = 1.0;  // < 1: after warm-up the lr falls linearly to this fraction at `steps`
    double emaDecay = 0.9999;
    bool emaEveryMicroBatch = true;  // Lightning's LitEma cadence; false: once per optimizer step
    bool ema = true;                 // false: the final model holds the raw weights (EMA still tracked)
    bool flip = true;
    double conditioningDropout = 0.05;
    double perceptualWeight = 0.01;
    double snrGamma = 0.0;            // Min-SNR-γ loss weighting; 0 = off (the authors' plain ε MSE)
    bool perceptualOnTarget = false;  // the paper's reference (target) instead of the code's (source)
    bool trainTextEncoder = false;    // also train CLIP (models built from scratch); the authors freeze it
    QString vggWeights;               // vgg19 ImageNet weights; empty: seeded random VGG (warned)
    qint64 checkpointEvery = 1000;    // optimizer steps; 0 = only at the end / on stop
    qint64 sampleEvery = 2000;        // optimizer steps; 0 = never
    int sampleSteps = 20;             // DPM++ 2M Karras steps of the samples
    quint64 seed = 0;
    int threads = 0;  // 0 = all cores
    bool cacheFrames = false;
    bool resume = false;
    QString resumeFrom;  // checkpoint; empty with resume = RUN_DIR/checkpoints/last.safetensors
};

/// The VAE of a Pix2Gif bundle trained alone (training/autoencoder_trainer.h), then the bundle saved with it.
struct VaeRunOptions {
    QString data;
    QString model;
    QString output;
    QString name;
    qint64 steps = 2000;
    int batch = 8;
    int accumulate = 1;
    double learningRate = 1.0e-3;
    qint64 warmup = 0;
    double finalLrFactor = 1.0;
    double klWeight = 1.0e-6;
    double posteriorNoise = 1.0;  // 1: decode posterior samples (ldm); 0: decode the mean (plain autoencoder)
    bool decoderOnly = false;     // train only the decoder: the latents (and a UNet trained on them) stay valid
    int scaleImages = 64;  // frames used to measure the latent scale and the reconstruction PSNR
    qint64 checkpointEvery = 500;
    quint64 seed = 0;
    int threads = 0;
    bool cacheFrames = true;
    bool resume = false;
    QString resumeFrom;
};

struct RunProgress {
    qint64 step = 0;       // optimizer steps done
    qint64 microStep = 0;  // micro-batches done
    qint64 maxSteps = 0;
    bool stepped = false;  // this micro-batch completed an optimizer step
    double loss = 0;
    double learningRate = 0;
    double stepsPerSecond = 0;
    double etaSeconds = -1;     // < 0 while unknown
    double elapsedSeconds = 0;  // over all sessions of the run
};

struct RunCallbacks {
    std::function<void(const RunProgress&)> onProgress;  // after every micro-batch
    std::function<void(const QString&)> onWarning;
    std::function<void(qint64 step, const QString& path)> onCheckpoint;
    std::function<void(qint64 step, const QImage& strip)> onSample;
    std::function<void()> waitIfPaused;       // between micro-batches
    const std::atomic<bool>* stop = nullptr;  // checked between micro-batches
};

struct RunResult {
    bool stopped = false;  // ended by *stop (a checkpoint was written)
    QString error;         // empty on success
    QString modelPath;     // the final model (not written when stopped)
    QString lastCheckpoint;
    qint64 steps = 0;
    double reconstructionPsnr = 0;  // train-vae: PSNR (dB, RGB in [0, 1]) of the scale frames through the new VAE
    bool ok() const { return error.isEmpty(); }
};

RunResult runPix2GifTraining(const Pix2GifRunOptions& options, const RunCallbacks& callbacks);
RunResult runVaeTraining(const VaeRunOptions& options, const RunCallbacks& callbacks);

/// "RUN_DIR/checkpoints/step-000042.safetensors".
QString checkpointPath(const QString& runDir, qint64 step);
/// "RUN_DIR/checkpoints/last.safetensors".
QString lastCheckpointPath(const QString& runDir);

}  // namespace sm::core
