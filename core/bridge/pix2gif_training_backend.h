#pragma once
// The studio's real trainer: Pix2Gif fine-tuning (training/pix2gif_trainer.h through bridge/training_run.h) on
// the pairs curated in the Project panel, on a worker QThread.
//
// start(settings, pairs):
//   1. checks at once what can be checked without reading weights: pairs given, a base model that exists (and,
//      for .safetensors files, whose header reads as a Pix2Gif model), an output folder, float32 precision (the
//      CPU trainer's only one) — failures return false with a message;
//   2. on the worker: writes the pairs as a pair dataset under <output>/dataset/ (frames decoded from the clips
//      and stored as PNG at the model's resolution, pairs.json with every pair in "train": the studio's pairs
//      are few and hand-picked, so none is held out; the samples use the first pair's source), then runs
//      runPix2GifTraining into <output> (checkpoints/, samples/, metrics.csv, model.safetensors — see
//      training_run.h). With settings.resume and <output>/checkpoints/last.safetensors present it continues that
//      run instead (the dataset is written again from the pairs given, which should be the same).
// pause()/resume() take effect between micro-batches; stop() ends after the current micro-batch, writes a
// checkpoint (checkpointSaved) and goes to Finished. Errors on the worker (unreadable weights, unreadable clips,
// out of memory) arrive as failed(message) and the state Failed.
//
// Signals are emitted from the worker thread (queued to receivers in other threads). Public methods: GUI thread.
// The destructor stops a running training (with its checkpoint) and waits for the worker.
#include <QMutex>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <memory>

#include "bridge/training_backend.h"

namespace sm::core {

class Pix2GifTrainingBackend : public TrainingBackend {
    Q_OBJECT
public:
    explicit Pix2GifTrainingBackend(QObject* parent = nullptr);
    ~Pix2GifTrainingBackend() override;

    QString name() const override;
    TrainingState state() const override;
    bool start(const TrainingSettings& settings, const QVector<TrainingPair>& pairs, QString* error) override;
    void pause() override;
    void resume() override;
    void stop() override;

    /// Blocks until the worker has ended (or `timeoutMs` passed); true when it has. For tests and shutdown.
    bool wait(int timeoutMs);

private:
    void setState(TrainingState state);
    void work(TrainingSettings settings, QVector<TrainingPair> pairs, int side);
    void waitWhilePaused();

    std::atomic<int> m_state{int(TrainingState::Idle)};
    std::atomic<bool> m_stop{false};
    QMutex m_pauseMutex;
    QWaitCondition m_pauseChanged;
    bool m_paused = false;  // guarded by m_pauseMutex
    std::unique_ptr<QThread> m_thread;
};

/// Registers Pix2GifTrainingBackend as the studio's trainer ("Pix2Gif (CPU)").
void registerPix2GifTrainingBackend();

}  // namespace sm::core
