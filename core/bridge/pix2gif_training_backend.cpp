#include "bridge/pix2gif_training_backend.h"

#include <QDir>
#include <QFileInfo>
#include <QMap>
#include <QMutexLocker>

#include <algorithm>
#include <exception>

#include "bridge/training_run.h"
#include "dataset/clip_captions.h"
#include "dataset/pair_dataset.h"
#include "engine/engine.h"

namespace sm::core {
namespace {

constexpr int kDefaultSide = 256;  // Pix2Gif's resolution, when the base model's header cannot tell

/// Writes `pairs` as a pair dataset in `folder` (frames at side × side). Returns the pairs.json path, or an empty
/// string with *error.
QString writePairDataset(const QVector<TrainingPair>& pairs, const QString& folder, int side,
                         const std::atomic<bool>* cancel, QString* error) {
    // Frames are decoded once per clip, up to the last frame any of its pairs uses.
    QMap<QString, int> framesNeeded;
    for (const TrainingPair& pair : pairs)
        framesNeeded[pair.clipPath] = std::max(framesNeeded.value(pair.clipPath), pair.frameB + 1);
    QMap<QString, QString> clipFolders;
    int clipIndex = 0;
    for (auto it = framesNeeded.cbegin(); it != framesNeeded.cend(); ++it, ++clipIndex) {
        const QString relative = QStringLiteral("frames/%1_%2")
                                     .arg(clipIndex, 5, 10, QLatin1Char('0'))
                                     .arg(QFileInfo(it.key()).completeBaseName());
        clipFolders.insert(it.key(), relative);
        if (!QDir().mkpath(QDir(folder).filePath(relative))) {
            *error = QStringLiteral("%1: cannot create the dataset folder").arg(QDir::toNativeSeparators(folder));
            return {};
        }
        QVector<QImage> frames;
        if (!decodeClipFrames(it.key(), it.value(), &frames, nullptr, nullptr, error, cancel))
            return {};
        for (const TrainingPair& pair : pairs) {
            if (pair.clipPath != it.key())
                continue;
            for (const int index : {pair.frameA, pair.frameB}) {
                if (index >= frames.size()) {
                    *error = QStringLiteral("%1: frame %2 of a training pair is past the clip's end (%3 frames)")
                                 .arg(QDir::toNativeSeparators(it.key()))
                                 .arg(index)
                                 .arg(frames.size());
                    return {};
                }
                const QString path = QDir(folder).filePath(
                    QStringLiteral("%1/%2.png").arg(relative).arg(index, 4, 10, QLatin1Char('0')));
                if (QFileInfo::exists(path))
                    continue;
                const QImage frame = frames.at(index)
                                         .convertToFormat(QImage::Format_RGB888)
                                         .scaled(side, side, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
                if (!frame.save(path, "PNG")) {
                    *error = QStringLiteral("%1: cannot write the frame").arg(QDir::toNativeSeparators(path));
                    return {};
                }
            }
        }
    }
    QVector<PairEntry> train;
    for (const TrainingPair& pair : pairs) {
        const QString relative = clipFolders.value(pair.clipPath);
        PairEntry entry;
        entry.frame0Path = QStringLiteral("%1/%2.png").arg(relative).arg(pair.frameA, 4, 10, QLatin1Char('0'));
        entry.frame1Path = QStringLiteral("%1/%2.png").arg(relative).arg(pair.frameB, 4, 10, QLatin1Char('0'));
        entry.caption = pair.caption.trimmed().isEmpty() ? captionFromFileName(pair.clipPath) : pair.caption;
        entry.motion = pair.motion;
        train.append(entry);
    }
    const QString json = QDir(folder).filePath(QStringLiteral("pairs.json"));
    if (!savePairDatasetJson(json, train, {}, error))
        return {};
    return json;
}

}  // namespace

Pix2GifTrainingBackend::Pix2GifTrainingBackend(QObject* parent) : TrainingBackend(parent) {}

Pix2GifTrainingBackend::~Pix2GifTrainingBackend() {
    stop();
    wait(-1);
}

QString Pix2GifTrainingBackend::name() const {
    return QStringLiteral("Pix2Gif (CPU)");
}

TrainingState Pix2GifTrainingBackend::state() const {
    return TrainingState(m_state.load());
}

void Pix2GifTrainingBackend::setState(TrainingState state) {
    if (TrainingState(m_state.exchange(int(state))) != state)
        Q_EMIT stateChanged(state);
}

bool Pix2GifTrainingBackend::start(const TrainingSettings& settings, const QVector<TrainingPair>& pairs,
                                   QString* error) {
    const TrainingState now = state();
    if (now == TrainingState::Running || now == TrainingState::Paused || now == TrainingState::Stopping) {
        *error = tr("training is already running; stop it first");
        return false;
    }
    if (pairs.isEmpty()) {
        *error = tr("no training pairs: import clips in the Dataset tab first");
        return false;
    }
    if (settings.baseModelPath.trimmed().isEmpty() || !QFileInfo::exists(settings.baseModelPath)) {
        *error = settings.baseModelPath.trimmed().isEmpty()
                     ? tr("no base model: choose a Pix2Gif model (or an SD-1.5 checkpoint) to start from")
                     : tr("base model %1 not found; choose an existing model file or folder")
                           .arg(QDir::toNativeSeparators(settings.baseModelPath));
        return false;
    }
    if (settings.outputFolder.trimmed().isEmpty()) {
        *error = tr("choose an output folder for checkpoints and samples");
        return false;
    }
    if (settings.precision != QLatin1String("float32")) {
        *error = tr("%1 training is not available: the CPU trainer trains in float32").arg(settings.precision);
        return false;
    }
    // The header of a safetensors model says in milliseconds whether it is a usable model; other formats are
    // read on the worker and report there.
    int side = kDefaultSide;
    const std::string path = settings.baseModelPath.toStdString();
    const bool namedSafetensors =
        QFileInfo(settings.baseModelPath).suffix().compare(QLatin1String("safetensors"), Qt::CaseInsensitive) == 0;
    if (engine::canInspect(path) || namedSafetensors) {
        try {
            const engine::ModelInfo info = engine::inspectModel(path);
            if (info.architecture != engine::Architecture::Pix2Gif) {
                *error = tr("%1 is not a Pix2Gif model").arg(QDir::toNativeSeparators(settings.baseModelPath));
                return false;
            }
            side = info.width;
        } catch (const std::exception& e) {
            *error = tr("cannot read the base model: %1").arg(QString::fromUtf8(e.what()));
            return false;
        }
    }
    if (!QDir().mkpath(settings.outputFolder)) {
        *error = tr("cannot create the output folder %1").arg(QDir::toNativeSeparators(settings.outputFolder));
        return false;
    }
    wait(-1);  // a finished worker's thread object is reused below
    m_stop.store(false);
    {
        QMutexLocker lock(&m_pauseMutex);
        m_paused = false;
    }
    setState(TrainingState::Running);
    m_thread.reset(QThread::create([this, settings, pairs, side] { work(settings, pairs, side); }));
    m_thread->setObjectName(QStringLiteral("stillmotion-training"));
    m_thread->start(QThread::LowPriority);  // the studio stays responsive while training uses every core
    return true;
}

void Pix2GifTrainingBackend::pause() {
    QMutexLocker lock(&m_pauseMutex);
    if (state() == TrainingState::Running)
        m_paused = true;
}

void Pix2GifTrainingBackend::resume() {
    {
        QMutexLocker lock(&m_pauseMutex);
        m_paused = false;
        m_pauseChanged.wakeAll();
    }
}

void Pix2GifTrainingBackend::stop() {
    const TrainingState now = state();
    if (now != TrainingState::Running && now != TrainingState::Paused)
        return;
    m_stop.store(true);
    setState(TrainingState::Stopping);
    QMutexLocker lock(&m_pauseMutex);
    m_paused = false;
    m_pauseChanged.wakeAll();
}

bool Pix2GifTrainingBackend::wait(int timeoutMs) {
    if (!m_thread)
        return true;
    return timeoutMs < 0 ? m_thread->wait() : m_thread->wait(QDeadlineTimer(timeoutMs));
}

void Pix2GifTrainingBackend::waitWhilePaused() {
    QMutexLocker lock(&m_pauseMutex);
    if (!m_paused || m_stop.load())
        return;
    setState(TrainingState::Paused);
    while (m_paused && !m_stop.load())
        m_pauseChanged.wait(&m_pauseMutex);
    if (!m_stop.load())
        setState(TrainingState::Running);
}

void Pix2GifTrainingBackend::work(TrainingSettings settings, QVector<TrainingPair> pairs, int side) {
    QString error;
    const QString datasetFolder = QDir(settings.outputFolder).filePath(QStringLiteral("dataset"));
    const QString pairsJson = writePairDataset(pairs, datasetFolder, side, &m_stop, &error);
    if (pairsJson.isEmpty()) {
        if (m_stop.load()) {
            setState(TrainingState::Finished);
            return;
        }
        Q_EMIT failed(tr("cannot prepare the training data: %1").arg(error));
        setState(TrainingState::Failed);
        return;
    }

    Pix2GifRunOptions options;
    options.data = pairsJson;
    options.model = settings.baseModelPath;
    options.output = settings.outputFolder;
    options.steps = settings.maxSteps;
    options.batch = settings.batchSize;
    options.accumulate = settings.gradientAccumulation;
    options.learningRate = settings.learningRate;
    options.warmup = settings.warmupSteps;
    options.ema = settings.ema;
    options.flip = settings.horizontalFlip;
    options.trainTextEncoder = settings.trainTextEncoder;
    options.conditioningDropout = settings.conditioningDropout;
    options.perceptualWeight = settings.perceptualWeight;
    options.vggWeights = settings.vggWeightsPath;
    options.checkpointEvery = settings.checkpointEvery;
    options.sampleEvery = settings.sampleEvery;
    options.sampleSteps = settings.sampleSteps;
    options.seed = settings.seed;
    options.threads = settings.threads;
    options.cacheFrames = true;  // studio datasets are small
    options.resume = settings.resume && QFileInfo::exists(lastCheckpointPath(settings.outputFolder));

    RunCallbacks callbacks;
    callbacks.onProgress = [this](const RunProgress& progress) {
        TrainingMetrics metrics;
        metrics.step = int(progress.step);
        metrics.maxSteps = int(progress.maxSteps);
        metrics.loss = progress.loss;
        metrics.learningRate = progress.learningRate;
        metrics.secondsElapsed = progress.elapsedSeconds;
        metrics.secondsRemaining = progress.etaSeconds;
        Q_EMIT metricsReady(metrics);
    };
    callbacks.onSample = [this](qint64 step, const QImage& strip) { Q_EMIT sampleReady(int(step), strip); };
    callbacks.onCheckpoint = [this](qint64 step, const QString& path) { Q_EMIT checkpointSaved(int(step), path); };
    callbacks.waitIfPaused = [this] { waitWhilePaused(); };
    callbacks.stop = &m_stop;
    const RunResult result = runPix2GifTraining(options, callbacks);
    if (!result.ok()) {
        Q_EMIT failed(result.error);
        setState(TrainingState::Failed);
        return;
    }
    setState(TrainingState::Finished);
}

void registerPix2GifTrainingBackend() {
    registerTrainingBackend(QStringLiteral("Pix2Gif (CPU)"), [] { return std::make_unique<Pix2GifTrainingBackend>(); });
}

}  // namespace sm::core
