#include "bridge/training_run.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPainter>
#include <QSaveFile>
#include <QTextStream>
#include <QThread>

#include <torch/torch.h>

#include <filesystem>
#include <new>
#include <optional>

#include "bridge/training_data.h"
#include "engine/tokenizer_lookup.h"
#include "pix2gif/pipeline.h"
#include "pix2gif/pix2gif_model.h"
#include "runtime/device.h"
#include "runtime/error.h"
#include "training/autoencoder_trainer.h"
#include "training/perceptual_loss.h"
#include "training/pix2gif_trainer.h"

namespace sm::core {
namespace {

constexpr const char* kRunStateFormat = "stillmotion-run-state";
/// Motions of the sample strips: small, medium and large within the trained range 2..19.
constexpr int kSampleMotions[] = {4, 10, 16};
constexpr uint64_t kSampleSeed = 1371;

/// A failure with a message for the user; thrown inside the run and turned into RunResult::error once.
struct RunFailure {
    QString message;
};

[[noreturn]] void fail(const QString& message) {
    throw RunFailure{message};
}

QString sidecarPath(const QString& checkpoint) {
    return checkpoint + QStringLiteral(".run.json");
}

void writeJsonAtomically(const QString& path, const QJsonObject& json) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(json).toJson()) < 0 || !file.commit())
        fail(QStringLiteral("%1: cannot write (%2)").arg(QDir::toNativeSeparators(path), file.errorString()));
}

QJsonObject readJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(QStringLiteral("%1: cannot read the run state next to the checkpoint (%2); resume from a checkpoint "
                            "written by this version of stillmotion")
                 .arg(QDir::toNativeSeparators(path), file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (!document.isObject() || document.object().value(QStringLiteral("format")).toString() != kRunStateFormat)
        fail(QStringLiteral("%1: not a stillmotion run state file").arg(QDir::toNativeSeparators(path)));
    return document.object();
}

/// Copies `from` to `to` through a temporary file and a rename, so `to` is always a whole file.
void copyAtomically(const QString& from, const QString& to) {
    const std::filesystem::path temporary = (to + QStringLiteral(".tmp")).toStdString();
    std::error_code error;
    std::filesystem::copy_file(from.toStdString(), temporary, std::filesystem::copy_options::overwrite_existing, error);
    if (!error)
        std::filesystem::rename(temporary, to.toStdString(), error);
    if (error)
        fail(QStringLiteral("%1: cannot write (%2)")
                 .arg(QDir::toNativeSeparators(to), QString::fromStdString(error.message())));
}

QString cpuModel() {
    QFile file(QStringLiteral("/proc/cpuinfo"));
    if (file.open(QIODevice::ReadOnly)) {
        QTextStream in(&file);
        QString line;
        while (in.readLineInto(&line)) {
            if (line.startsWith(QLatin1String("model name")))
                return line.section(QLatin1Char(':'), 1).trimmed();
        }
    }
    return QStringLiteral("unknown CPU");
}

nlohmann::json hardwareJson(int threads) {
    return {{"device", "cpu"},
            {"cpu", cpuModel().toStdString()},
            {"threads", threads},
            {"logical_cores", QThread::idealThreadCount()}};
}

/// metrics.csv: one row per micro-batch. A fresh run starts the file; a resumed one keeps the rows up to the
/// checkpoint's micro step (rows written after it by the interrupted session are replaced by the new ones).
class MetricsCsv {
public:
    MetricsCsv(const QString& path, const QStringList& terms, std::optional<qint64> keepUpToMicroStep)
        : m_path(path), m_terms(terms) {
        const QString header =
            (QStringList{QStringLiteral("step"), QStringLiteral("micro_step"), QStringLiteral("loss")} + terms +
             QStringList{QStringLiteral("lr"), QStringLiteral("elapsed_s")})
                .join(QLatin1Char(','));
        QStringList lines{header};
        if (keepUpToMicroStep) {
            QFile old(path);
            if (old.open(QIODevice::ReadOnly)) {
                const QStringList rows = QString::fromUtf8(old.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
                for (int i = 1; i < rows.size(); ++i) {
                    bool ok = false;
                    const qint64 micro = rows.at(i).section(QLatin1Char(','), 1, 1).toLongLong(&ok);
                    if (ok && micro <= *keepUpToMicroStep)
                        lines.append(rows.at(i));
                }
            }
        }
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) ||
            file.write((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8()) < 0 || !file.commit())
            fail(QStringLiteral("%1: cannot write (%2)").arg(QDir::toNativeSeparators(path), file.errorString()));
        m_file.setFileName(path);
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append))
            fail(QStringLiteral("%1: cannot append (%2)").arg(QDir::toNativeSeparators(path), m_file.errorString()));
    }

    void append(qint64 step, qint64 microStep, double loss, const QVector<double>& terms, double lr, double elapsed) {
        QStringList cells{QString::number(step), QString::number(microStep), number(loss)};
        for (const double term : terms)
            cells.append(number(term));
        cells.append(number(lr));
        cells.append(QString::number(elapsed, 'f', 3));
        m_file.write((cells.join(QLatin1Char(',')) + QLatin1Char('\n')).toUtf8());
        m_file.flush();  // a killed run keeps every finished row
    }

private:
    // 17 significant digits: a double round-trips, so resumed runs can be compared exactly.
    static QString number(double value) { return QString::number(value, 'g', 17); }

    QString m_path;
    QStringList m_terms;
    QFile m_file;
};

/// Everything the loop needs that both trainers share.
struct RunPaths {
    QString output, checkpoints, samples, metrics;
    explicit RunPaths(const QString& runDir)
        : output(runDir),
          checkpoints(QDir(runDir).filePath(QStringLiteral("checkpoints"))),
          samples(QDir(runDir).filePath(QStringLiteral("samples"))),
          metrics(QDir(runDir).filePath(QStringLiteral("metrics.csv"))) {
        if (!QDir().mkpath(checkpoints) || !QDir().mkpath(samples))
            fail(QStringLiteral("%1: cannot create the run folder").arg(QDir::toNativeSeparators(runDir)));
    }
};

/// The checkpoint to resume from, or nothing for a fresh run.
std::optional<QString> resumeCheckpoint(bool resume, const QString& from, const QString& runDir) {
    if (!resume)
        return std::nullopt;
    const QString path = from.isEmpty() ? lastCheckpointPath(runDir) : from;
    if (!QFileInfo::exists(path))
        fail(QStringLiteral("%1: no checkpoint to resume from (train without --resume to start a new run)")
                 .arg(QDir::toNativeSeparators(path)));
    return path;
}

/// Loads a Pix2Gif bundle the way the engine does (tokenizer next to the model or in the resources).
pix2gif::Pix2GifModel loadBundle(const QString& path) {
    if (path.isEmpty())
        fail(
            QStringLiteral("no base model: pass --model with a Pix2Gif model, a Pix2Gif .ckpt or an SD-1.5 "
                           "checkpoint (stillmotion-cli create-model makes one)"));
    if (!QFileInfo::exists(path))
        fail(QStringLiteral("%1: base model not found").arg(QDir::toNativeSeparators(path)));
    const text::ClipTokenizer tokenizer = engine::findClipTokenizer(path.toStdString());
    torch::NoGradGuard noGrad;  // not InferenceMode: these tensors will be trained
    return pix2gif::loadPix2GifModel(path.toStdString(), tokenizer);
}

/// VGG features whose inputs still have ≥ 1 pixel at this latent size (16 px allow all five of the authors').
std::vector<int64_t> perceptualLayersFor(int64_t latentSize, const std::vector<int64_t>& wanted) {
    const auto& layers = training::vgg19FeatureLayers();
    std::vector<int64_t> kept;
    for (const int64_t index : wanted) {
        int pools = 0;
        for (int64_t i = 0; i < index; ++i)
            pools += layers[size_t(i)].kind == training::VggLayer::Kind::MaxPool ? 1 : 0;
        if ((int64_t(1) << pools) <= latentSize)
            kept.push_back(index);
    }
    return kept;
}

QString readableError(const std::exception& e) {
    const QString what = QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
    if (what.contains(QLatin1String("out of memory"), Qt::CaseInsensitive) ||
        what.contains(QLatin1String("can't allocate"), Qt::CaseInsensitive) ||
        what.contains(QLatin1String("not enough memory"), Qt::CaseInsensitive))
        return QStringLiteral(
                   "out of memory (%1); lower the batch size (and raise the accumulation to keep the "
                   "effective batch) or close other programs")
            .arg(what);
    return what;
}

/// Runs `body`, converting every error into RunResult::error.
RunResult guarded(const std::function<RunResult()>& body) {
    try {
        return body();
    } catch (const RunFailure& failure) {
        RunResult result;
        result.error = failure.message;
        return result;
    } catch (const std::bad_alloc&) {
        RunResult result;
        result.error = QStringLiteral(
            "out of memory; lower the batch size (and raise the accumulation to keep the "
            "effective batch) or close other programs");
        return result;
    } catch (const std::exception& e) {
        RunResult result;
        result.error = readableError(e);
        return result;
    }
}

/// Elapsed seconds over all sessions of a run.
class RunClock {
public:
    explicit RunClock(double previous) : m_previous(previous) { m_timer.start(); }
    double seconds() const { return m_previous + double(m_timer.nsecsElapsed()) * 1e-9; }

private:
    double m_previous;
    QElapsedTimer m_timer;
};

bool stopRequested(const RunCallbacks& callbacks) {
    return callbacks.stop && callbacks.stop->load();
}

void warn(const RunCallbacks& callbacks, const QString& message) {
    if (callbacks.onWarning)
        callbacks.onWarning(message);
}

/// The run's lr decay (finalLrFactor < 1: linear to that fraction at the run's last step) in optimizer terms.
training::OptimizerSettings withLinearDecay(training::OptimizerSettings settings, qint64 steps, double finalLrFactor) {
    if (finalLrFactor < 1.0) {
        settings.decaySteps = steps;
        settings.finalLrFactor = finalLrFactor;
    }
    return settings;
}

/// Encodes `images` [N, 3, H, W] in [-1, 1] to the posterior mode and decodes them; writes the first eight
/// (top row) above their reconstructions (bottom row) to SAMPLES/reconstruction.png; returns the PSNR in dB of
/// all of them (RGB in [0, 1], over every pixel), which says at once whether the VAE is good enough to train on.
double writeReconstructions(vae::AutoencoderKL& vae, const torch::Tensor& images, const QString& samplesDir,
                            const RunCallbacks& callbacks) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = vae->is_training();
    vae->eval();
    const torch::Tensor input = images.to(torch::kFloat32);
    const torch::Tensor decoded = vae->decode(vae->encodeDistribution(input).mode()).clamp(-1.0, 1.0);
    vae->train(wasTraining);
    const double mse = ((decoded - input) / 2.0).pow(2).mean().item<double>();
    const double psnr = mse > 0 ? std::min(100.0, -10.0 * std::log10(mse)) : 100.0;
    const int64_t shown = std::min<int64_t>(8, input.size(0));
    const torch::Tensor rows = torch::cat({torch::cat(input.narrow(0, 0, shown).unbind(0), 2),
                                           torch::cat(decoded.narrow(0, 0, shown).unbind(0), 2)},
                                          1);
    const QString path = QDir(samplesDir).filePath(QStringLiteral("reconstruction.png"));
    if (!tensorToImage(rows).save(path))
        warn(callbacks, QStringLiteral("%1: cannot write the reconstructions").arg(QDir::toNativeSeparators(path)));
    return psnr;
}

QJsonObject pix2gifOptionsJson(const Pix2GifRunOptions& o) {
    return QJsonObject{
        {QStringLiteral("data"), o.data},
        {QStringLiteral("model"), o.model},
        {QStringLiteral("steps"), double(o.steps)},
        {QStringLiteral("batch"), o.batch},
        {QStringLiteral("accumulate"), o.accumulate},
        {QStringLiteral("lr"), o.learningRate},
        {QStringLiteral("warmup"), double(o.warmup)},
        {QStringLiteral("final_lr_factor"), o.finalLrFactor},
        {QStringLiteral("ema_decay"), o.emaDecay},
        {QStringLiteral("ema_every"), o.emaEveryMicroBatch ? QStringLiteral("micro") : QStringLiteral("step")},
        {QStringLiteral("ema"), o.ema},
        {QStringLiteral("flip"), o.flip},
        {QStringLiteral("cond_dropout"), o.conditioningDropout},
        {QStringLiteral("perceptual_weight"), o.perceptualWeight},
        {QStringLiteral("snr_gamma"), o.snrGamma},
        {QStringLiteral("train_text_encoder"), o.trainTextEncoder},
        {QStringLiteral("perceptual_reference"),
         o.perceptualOnTarget ? QStringLiteral("target") : QStringLiteral("source")},
        {QStringLiteral("vgg"), o.vggWeights},
        {QStringLiteral("checkpoint_every"), double(o.checkpointEvery)},
        {QStringLiteral("sample_every"), double(o.sampleEvery)},
        {QStringLiteral("seed"), QString::number(o.seed)},
        {QStringLiteral("threads"), o.threads}};
}

QJsonObject vaeOptionsJson(const VaeRunOptions& o) {
    return QJsonObject{{QStringLiteral("data"), o.data},
                       {QStringLiteral("model"), o.model},
                       {QStringLiteral("steps"), double(o.steps)},
                       {QStringLiteral("batch"), o.batch},
                       {QStringLiteral("accumulate"), o.accumulate},
                       {QStringLiteral("lr"), o.learningRate},
                       {QStringLiteral("warmup"), double(o.warmup)},
                       {QStringLiteral("final_lr_factor"), o.finalLrFactor},
                       {QStringLiteral("kl_weight"), o.klWeight},
                       {QStringLiteral("posterior_noise"), o.posteriorNoise},
                       {QStringLiteral("decoder_only"), o.decoderOnly},
                       {QStringLiteral("checkpoint_every"), double(o.checkpointEvery)},
                       {QStringLiteral("seed"), QString::number(o.seed)},
                       {QStringLiteral("threads"), o.threads}};
}

nlohmann::json toNlohmann(const QJsonObject& json) {
    return nlohmann::json::parse(QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString());
}

/// Writes step-NNNNNN.safetensors (through `save`), its sidecar, and copies both to last.*.
QString writeCheckpoint(const RunPaths& paths, qint64 step, const std::function<void(const std::string&)>& save,
                        QJsonObject sidecar) {
    const QString path = checkpointPath(paths.output, step);
    save(path.toStdString());
    sidecar.insert(QStringLiteral("format"), QString::fromLatin1(kRunStateFormat));
    writeJsonAtomically(sidecarPath(path), sidecar);
    const QString last = lastCheckpointPath(paths.output);
    copyAtomically(path, last);
    writeJsonAtomically(sidecarPath(last), sidecar);
    return path;
}

/// [source | frame(m1) | frame(m2) | ...] generated with `model` (the EMA weights) on `source` [3, S, S].
QImage sampleStrip(const pix2gif::Pix2GifModel& model, const torch::Tensor& source, const std::string& caption,
                   int steps) {
    torch::NoGradGuard noGrad;
    pix2gif::Pix2GifPipeline pipeline(model);
    pipeline.setSource(source.unsqueeze(0));
    pix2gif::SamplerSettings settings;
    settings.sampler = pix2gif::SamplerKind::DpmPP2MKarras;
    settings.steps = steps;
    QVector<QImage> tiles{tensorToImage(source)};
    for (const int motion : kSampleMotions) {
        pix2gif::FrameSettings frame;
        frame.caption = caption;
        frame.motion = motion;
        frame.seed = kSampleSeed;
        tiles.append(tensorToImage(pipeline.generateFrame(frame, settings)));
    }
    const int side = tiles.first().width();
    QImage strip(side * int(tiles.size()), side, QImage::Format_RGB888);
    QPainter painter(&strip);
    for (int i = 0; i < tiles.size(); ++i)
        painter.drawImage(i * side, 0, tiles.at(i));
    painter.end();
    return strip;
}

/// The progress of one micro-batch; speed and ETA come from the trainer's latest report (sent once per optimizer
/// step), so they are 0 / unknown until the first step is done.
RunProgress progressOf(qint64 step, qint64 microStep, bool stepped, double loss, double learningRate,
                       const training::TrainingReport& lastReport, qint64 maxSteps, double elapsed) {
    RunProgress progress;
    progress.step = step;
    progress.microStep = microStep;
    progress.maxSteps = maxSteps;
    progress.stepped = stepped;
    progress.loss = loss;
    progress.learningRate = learningRate;
    progress.stepsPerSecond = lastReport.stepsPerSecond;
    progress.etaSeconds = lastReport.etaSeconds;
    progress.elapsedSeconds = elapsed;
    return progress;
}

/// What both runs set up before their trainer exists: the checked sizes, the run folder, the thread count, the
/// checkpoint to resume from with its run state, the optimizer settings, and trainer callbacks that keep the
/// latest report (for progressOf) and forward warnings. Not copyable: trainerCallbacks points into it.
struct RunSetup {
    template <typename Options>
    RunSetup(const Options& options, const RunCallbacks& callbacks)
        : paths(checkedOutput(options)),
          threads(sm::applyThreadCount(options.threads)),
          resumeFrom(resumeCheckpoint(options.resume, options.resumeFrom, options.output)),
          sidecar(resumeFrom ? readJson(sidecarPath(*resumeFrom)) : QJsonObject()) {
        optimizer.learningRate = options.learningRate;
        optimizer.warmupSteps = options.warmup;
        optimizer.accumulateBatches = options.accumulate;
        optimizer = withLinearDecay(optimizer, options.steps, options.finalLrFactor);
        trainerCallbacks.onMetrics = [this](const training::TrainingReport& report) { lastReport = report; };
        trainerCallbacks.onWarning = [&callbacks](const std::string& message) {
            warn(callbacks, QString::fromStdString(message));
        };
    }
    RunSetup(const RunSetup&) = delete;
    RunSetup& operator=(const RunSetup&) = delete;

    RunPaths paths;
    int threads;
    std::optional<QString> resumeFrom;  // nothing for a fresh run
    QJsonObject sidecar;                // the run state of resumeFrom; empty for a fresh run
    training::OptimizerSettings optimizer;
    training::TrainingReport lastReport;
    training::TrainingCallbacks trainerCallbacks;

private:
    /// The run folder, once the sizes are known to be valid (checked before the folder is created).
    template <typename Options>
    static const QString& checkedOutput(const Options& options) {
        if (options.steps <= 0 || options.batch <= 0 || options.accumulate <= 0)
            fail(QStringLiteral("steps, batch and accumulate must be positive"));
        return options.output;
    }
};

/// What one micro-batch did, in the terms metrics.csv and the progress report need.
struct MicroBatchResult {
    qint64 optimizerStep = 0;  // after this micro-batch
    qint64 microStep = 0;      // after this micro-batch
    bool stepped = false;      // this micro-batch completed an optimizer step
    double loss = 0;
    QVector<double> terms;  // the loss terms, in the order of the metrics.csv columns
    double learningRate = 0;
};

/// The part of a run both trainers share once the trainer exists: resuming the trainer and the data position,
/// metrics.csv, the clock over all sessions, checkpoints with their run state, and the loop over micro-batches.
/// Trainer: Pix2GifTrainer or AutoencoderTrainer; Data: PairBatchSource or FrameBatchSource.
template <typename Trainer, typename Data>
class TrainingLoop {
public:
    /// Resumes `trainer` and `data` from setup.resumeFrom (if any) and opens metrics.csv with the `terms` columns.
    /// trainerName and options go into every checkpoint's run state.
    TrainingLoop(RunSetup& setup, Trainer& trainer, Data& data, const QStringList& terms, const QString& trainerName,
                 const QJsonObject& options, const RunCallbacks& callbacks)
        : m_setup(setup),
          m_trainer(trainer),
          m_data(data),
          m_trainerName(trainerName),
          m_options(options),
          m_callbacks(callbacks),
          m_metrics(setup.paths.metrics, terms, resume(setup, trainer, data)),
          m_clock(setup.sidecar.value(QStringLiteral("elapsed_s")).toDouble()) {}

    /// Elapsed seconds over all sessions of the run.
    double seconds() const { return m_clock.seconds(); }

    /// Trains until `steps` optimizer steps are done. `trainNext` draws the next batch and trains on it;
    /// `afterStep` (may be empty) runs after every optimizer step, before its checkpoint. Checkpoints every
    /// `checkpointEvery` steps (0: never) except at `steps` itself, since the final one follows the loop.
    /// Returns false when *callbacks.stop ended the run: it then wrote a checkpoint and set result->stopped/steps.
    bool run(qint64 steps, qint64 checkpointEvery, const std::function<MicroBatchResult()>& trainNext,
             const std::function<void(qint64 step)>& afterStep, RunResult* result) {
        while (m_trainer.optimizerStep() < steps) {
            if (m_callbacks.waitIfPaused)
                m_callbacks.waitIfPaused();
            if (stopRequested(m_callbacks)) {
                checkpoint(result);
                result->stopped = true;
                result->steps = m_trainer.optimizerStep();
                return false;
            }
            const MicroBatchResult done = trainNext();
            const double elapsed = m_clock.seconds();
            m_metrics.append(done.optimizerStep, done.microStep, done.loss, done.terms, done.learningRate, elapsed);
            if (m_callbacks.onProgress)
                m_callbacks.onProgress(progressOf(done.optimizerStep, done.microStep, done.stepped, done.loss,
                                                  done.learningRate, m_setup.lastReport, steps, elapsed));
            if (!done.stepped)
                continue;
            if (afterStep)
                afterStep(done.optimizerStep);
            if (checkpointEvery > 0 && done.optimizerStep % checkpointEvery == 0 && done.optimizerStep < steps)
                checkpoint(result);
        }
        checkpoint(result);
        return true;
    }

private:
    /// The micro step metrics.csv keeps rows up to: the resumed checkpoint's, or nothing for a fresh run.
    static std::optional<qint64> resume(const RunSetup& setup, Trainer& trainer, Data& data) {
        if (!setup.resumeFrom)
            return std::nullopt;
        trainer.resume(setup.resumeFrom->toStdString());
        data.setPosition(DataPosition::fromJson(setup.sidecar.value(QStringLiteral("data")).toObject()));
        return trainer.microStep();
    }

    void checkpoint(RunResult* result) {
        const qint64 step = m_trainer.optimizerStep();
        const QJsonObject state{{QStringLiteral("trainer"), m_trainerName},
                                {QStringLiteral("step"), double(step)},
                                {QStringLiteral("micro_step"), double(m_trainer.microStep())},
                                {QStringLiteral("data"), m_data.position().toJson()},
                                {QStringLiteral("elapsed_s"), m_clock.seconds()},
                                {QStringLiteral("options"), m_options}};
        result->lastCheckpoint = writeCheckpoint(
            m_setup.paths, step, [this](const std::string& path) { m_trainer.saveCheckpoint(path); }, state);
        if (m_callbacks.onCheckpoint)
            m_callbacks.onCheckpoint(step, result->lastCheckpoint);
    }

    const RunSetup& m_setup;
    Trainer& m_trainer;
    Data& m_data;
    const QString m_trainerName;
    const QJsonObject m_options;
    const RunCallbacks& m_callbacks;
    MetricsCsv m_metrics;
    const RunClock m_clock;
};

// The targets are posterior samples, as ldm's get_first_stage_encoding draws them. SD's VAE has σ ≈ 1e-2 of its
// latents' spread; a VAE trained as a plain autoencoder without a pinned σ (train-vae --posterior-noise 0 before
// the pin) has σ about as large as the latents, so the targets are mostly noise and the model learns to draw it.
void warnAboutNoisyPosterior(pix2gif::Pix2GifModel& model, const PairDataset& dataset, int side,
                             const RunCallbacks& callbacks) {
    const PairSplit split = dataset.size(PairSplit::Train) > 0 ? PairSplit::Train : PairSplit::Val;
    if (dataset.size(split) == 0)
        return;
    QImage frame0, frame1;
    QString error;
    if (!PairDataset::loadPair(dataset.entries(split).first(), side, &frame0, &frame1, &error))
        return;  // the data loader reports unreadable frames itself
    torch::NoGradGuard noGrad;
    const torch::Tensor image = imageToTensor(frame0).unsqueeze(0).to(model->parameters().front().device());
    const vae::DiagonalGaussian posterior = model->vae->encodeDistribution(image.to(model->parameters().front().dtype()));
    const double sigma = posterior.std().to(torch::kFloat32).mean().item<double>();
    const double spread = posterior.mean().to(torch::kFloat32).std().item<double>();
    if (sigma > 0.1 * spread)
        warn(callbacks, QStringLiteral("the VAE's posterior σ (%1) is %2× the spread of its latents (%3): the training "
                                       "targets, which are posterior samples as in ldm, will be mostly noise and the "
                                       "model will learn to draw it. Use a VAE trained with posterior noise, or "
                                       "retrain this one with train-vae --posterior-noise 0, which saves its "
                                       "posterior as a point mass at the mean")
                            .arg(sigma, 0, 'g', 3)
                            .arg(sigma / std::max(spread, 1e-12), 0, 'f', 1)
                            .arg(spread, 0, 'g', 3));
}

RunResult runPix2Gif(const Pix2GifRunOptions& options, const RunCallbacks& callbacks) {
    RunSetup setup(options, callbacks);
    const RunPaths& paths = setup.paths;

    // A resumed run may omit --model: its checkpoint is a loadable bundle (the trainer overwrites it anyway).
    QString basePath = options.model;
    if (basePath.isEmpty() && setup.resumeFrom)
        basePath = *setup.resumeFrom;
    pix2gif::Pix2GifModel model = loadBundle(basePath);
    const int side = int(model->config().imageSize());

    PairBatchSource data;
    QString error;
    if (!data.open(options.data, side, options.seed, options.cacheFrames, &error))
        fail(error);

    training::Pix2GifTrainerOptions trainerOptions;
    trainerOptions.optimizer = setup.optimizer;
    trainerOptions.snrGamma = options.snrGamma;
    trainerOptions.trainTextEncoder = options.trainTextEncoder;
    trainerOptions.emaMaxDecay = options.emaDecay;
    trainerOptions.emaSchedule =
        options.emaEveryMicroBatch ? training::EmaSchedule::EveryMicroBatch : training::EmaSchedule::EveryOptimizerStep;
    trainerOptions.horizontalFlip = options.flip;
    trainerOptions.conditioningDropout = options.conditioningDropout;
    trainerOptions.perceptualWeight = options.perceptualWeight;
    trainerOptions.perceptualReference =
        options.perceptualOnTarget ? training::PerceptualReference::Target : training::PerceptualReference::Source;
    trainerOptions.vggWeightsPath = options.vggWeights.toStdString();
    trainerOptions.seed = options.seed;
    trainerOptions.maxSteps = options.steps;
    const std::vector<int64_t> layers =
        perceptualLayersFor(model->config().latentSize(), trainerOptions.perceptualLayers);
    if (layers.size() < trainerOptions.perceptualLayers.size())
        warn(callbacks, QStringLiteral("perceptual loss: %1×%1 latents are too small for the deepest VGG features; "
                                       "using %2 of the authors' 5 layers")
                            .arg(model->config().latentSize())
                            .arg(layers.size()));
    trainerOptions.perceptualLayers = layers;
    if (trainerOptions.perceptualLayers.empty())
        trainerOptions.perceptualWeight = 0.0;

    warnAboutNoisyPosterior(model, data.dataset(), side, callbacks);
    training::Pix2GifTrainer trainer(model, trainerOptions, ComputeTarget{}, setup.trainerCallbacks);
    TrainingLoop loop(setup, trainer, data, {QStringLiteral("mse"), QStringLiteral("perceptual")},
                      QStringLiteral("pix2gif"), pix2gifOptionsJson(options), callbacks);

    // The sample source: the first val pair (the first train pair when there is no val split).
    const PairDataset& dataset = data.dataset();
    const PairSplit sampleSplit = dataset.size(PairSplit::Val) > 0 ? PairSplit::Val : PairSplit::Train;
    const PairEntry sampleEntry = dataset.entries(sampleSplit).first();

    const auto sample = [&](qint64 step) {
        QImage frame0, frame1;
        QString loadError;
        if (!PairDataset::loadPair(sampleEntry, side, &frame0, &frame1, &loadError)) {
            warn(callbacks, QStringLiteral("samples skipped: %1").arg(loadError));
            return;
        }
        const QImage strip = sampleStrip(trainer.emaModel(), imageToTensor(frame0), sampleEntry.caption.toStdString(),
                                         options.sampleSteps);
        const QString path =
            QDir(paths.samples).filePath(QStringLiteral("step-%1.png").arg(step, 6, 10, QLatin1Char('0')));
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || !strip.save(&file, "PNG") || !file.commit())
            warn(callbacks, QStringLiteral("%1: cannot write the sample").arg(QDir::toNativeSeparators(path)));
        if (callbacks.onSample)
            callbacks.onSample(step, strip);
    };

    const auto trainNext = [&]() {
        training::Pix2GifBatch batch;
        if (!data.next(options.batch, &batch, &error))
            fail(error);
        const training::TrainStepResult step = trainer.trainStep(batch);
        MicroBatchResult done;
        done.optimizerStep = step.optimizerStep;
        done.microStep = step.microStep;
        done.stepped = step.stepped;
        done.loss = step.losses.loss;
        done.terms = {step.losses.mse, step.losses.perceptual};
        done.learningRate = step.learningRate;
        return done;
    };
    const auto afterStep = [&](qint64 step) {
        if (options.sampleEvery > 0 && step % options.sampleEvery == 0)
            sample(step);
    };
    RunResult result;
    if (!loop.run(options.steps, options.checkpointEvery, trainNext, afterStep, &result))
        return result;

    pix2gif::ModelCard card = model->card();
    card.name = options.name.isEmpty() ? card.name + " fine-tuned" : options.name.toStdString();
    card.provenance = "fine-tuned with stillmotion-cli train from " + QFileInfo(basePath).fileName().toStdString() +
                      " (" + model->card().provenance + ")";
    card.training = {{"trainer", "pix2gif"},
                     {"data",
                      {{"path", QFileInfo(pairDatasetJsonPath(options.data)).absoluteFilePath().toStdString()},
                       {"train_pairs", dataset.size(PairSplit::Train)},
                       {"val_pairs", dataset.size(PairSplit::Val)},
                       {"image_size", side}}},
                     {"steps", trainer.optimizerStep()},
                     {"hardware", hardwareJson(setup.threads)},
                     {"time_s", loop.seconds()},
                     {"finished", QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString()},
                     {"options", toNlohmann(pix2gifOptionsJson(options))},
                     {"ema", options.ema}};
    result.modelPath = QDir(paths.output).filePath(QStringLiteral("model.safetensors"));
    if (options.ema) {
        trainer.saveModel(result.modelPath.toStdString(), card);
    } else {
        // The raw weights, with the counters the trainer's own saveModel would add.
        card.training["optimizer_steps"] = trainer.optimizerStep();
        card.training["micro_batches"] = trainer.microStep();
        const nlohmann::json cardJson = {{"config", model->config().toJson()}};
        pix2gif::Pix2GifModel raw =
            pix2gif::pix2GifFromStateDict(model->checkpointStateDict(), "trainer", model->tokenizer(), &cardJson);
        raw->card() = card;
        pix2gif::savePix2GifModel(raw, result.modelPath.toStdString());
    }
    result.steps = trainer.optimizerStep();
    return result;
}

RunResult runVae(const VaeRunOptions& options, const RunCallbacks& callbacks) {
    RunSetup setup(options, callbacks);
    const RunPaths& paths = setup.paths;

    // The VAE checkpoint holds the VAE only: the rest of the bundle comes from the base model, which a resumed
    // run finds in the run state when --model is not given.
    QString basePath = options.model;
    if (basePath.isEmpty() && setup.resumeFrom)
        basePath = setup.sidecar.value(QStringLiteral("options")).toObject().value(QStringLiteral("model")).toString();
    pix2gif::Pix2GifModel model = loadBundle(basePath);
    const int side = int(model->config().imageSize());

    FrameBatchSource data;
    QString error;
    if (!data.open(options.data, side, options.seed, options.cacheFrames, &error))
        fail(error);

    training::AutoencoderTrainerOptions trainerOptions;
    trainerOptions.optimizer = setup.optimizer;
    trainerOptions.klWeight = options.klWeight;
    trainerOptions.posteriorNoise = options.posteriorNoise;
    trainerOptions.decoderOnly = options.decoderOnly;
    trainerOptions.seed = options.seed;
    trainerOptions.maxSteps = options.steps;
    training::AutoencoderTrainer trainer(model->vae, trainerOptions, ComputeTarget{}, setup.trainerCallbacks);

    VaeRunOptions recorded = options;
    recorded.model = QFileInfo(basePath).absoluteFilePath();
    TrainingLoop loop(setup, trainer, data, {QStringLiteral("l1"), QStringLiteral("mse"), QStringLiteral("kl")},
                      QStringLiteral("autoencoder"), vaeOptionsJson(recorded), callbacks);

    const auto trainNext = [&]() {
        torch::Tensor images;
        if (!data.next(options.batch, &images, &error))
            fail(error);
        const qint64 before = trainer.optimizerStep();
        const training::AutoencoderLoss loss = trainer.trainStep(images);
        MicroBatchResult done;
        done.optimizerStep = trainer.optimizerStep();
        done.microStep = trainer.microStep();
        done.stepped = done.optimizerStep > before;
        done.loss = loss.loss;
        done.terms = {loss.l1, loss.mse, loss.kl};
        done.learningRate = trainer.learningRate();
        return done;
    };
    RunResult result;
    if (!loop.run(options.steps, options.checkpointEvery, trainNext, {}, &result))
        return result;

    // Diffused latents should have unit variance: measure the new VAE's posterior spread on the data.
    torch::Tensor scaleImages;
    if (!data.spreadFrames(options.scaleImages, &scaleImages, &error))
        fail(error);
    const double scale = trainer.latentScale(scaleImages);
    result.reconstructionPsnr = writeReconstructions(model->vae, scaleImages, paths.samples, callbacks);

    pix2gif::Pix2GifConfig config = model->config();
    config.scaleFactor = scale;
    const nlohmann::json cardJson = {{"config", config.toJson()}};
    pix2gif::Pix2GifModel bundle{nullptr};
    {
        torch::NoGradGuard noGrad;
        bundle =
            pix2gif::pix2GifFromStateDict(model->checkpointStateDict(), "train-vae", model->tokenizer(), &cardJson);
    }
    pix2gif::ModelCard card = model->card();
    card.name = options.name.isEmpty() ? card.name : options.name.toStdString();
    card.provenance = "VAE trained with stillmotion-cli train-vae on " + QFileInfo(basePath).fileName().toStdString() +
                      " (" + model->card().provenance + ")";
    card.training["vae"] = {{"trainer", "autoencoder"},
                            {"data",
                             {{"path", QFileInfo(pairDatasetJsonPath(options.data)).absoluteFilePath().toStdString()},
                              {"frames", data.size()},
                              {"image_size", side}}},
                            {"steps", trainer.optimizerStep()},
                            {"scale_factor", scale},
                            {"reconstruction_psnr_db", result.reconstructionPsnr},
                            {"hardware", hardwareJson(setup.threads)},
                            {"time_s", loop.seconds()},
                            {"finished", QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString()},
                            {"options", toNlohmann(vaeOptionsJson(recorded))}};
    if (options.posteriorNoise == 0.0) {
        // Trained on its means alone: σ learned nothing (it sits near 1, the size of the means), and `train`
        // samples the posterior as ldm does. A point mass makes those samples the means the decoder knows.
        bundle->vae->pinPosteriorToMean();
        card.training["vae"]["posterior"] = "point mass at the mean (log-variance pinned to -20)";
    }
    bundle->card() = card;
    result.modelPath = QDir(paths.output).filePath(QStringLiteral("model.safetensors"));
    pix2gif::savePix2GifModel(bundle, result.modelPath.toStdString());
    result.steps = trainer.optimizerStep();
    return result;
}

}  // namespace

QString checkpointPath(const QString& runDir, qint64 step) {
    return QDir(runDir).filePath(QStringLiteral("checkpoints/step-%1.safetensors").arg(step, 6, 10, QLatin1Char('0')));
}

QString lastCheckpointPath(const QString& runDir) {
    return QDir(runDir).filePath(QStringLiteral("checkpoints/last.safetensors"));
}

RunResult runPix2GifTraining(const Pix2GifRunOptions& options, const RunCallbacks& callbacks) {
    return guarded([&] { return runPix2Gif(options, callbacks); });
}

RunResult runVaeTraining(const VaeRunOptions& options, const RunCallbacks& callbacks) {
    return guarded([&] { return runVae(options, callbacks); });
}

}  // namespace sm::core
