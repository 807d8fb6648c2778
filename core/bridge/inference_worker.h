#pragma once
// The inference worker: one long-lived thread that owns a GenerationBackend (and through it the loaded model)
// and runs jobs from a FIFO queue, one at a time. Jobs are model loads and generations; each goes
// Queued -> Running -> Done | Failed | Cancelled (a queued job can go straight to Cancelled).
//
//   InferenceWorker worker(sm::core::makeEngineBackend());
//   worker.loadModel("resources/models/pix2gif-demo", options);   // queued like any job
//   const JobId id = worker.submit(request);
//   connect(&worker, &InferenceWorker::frameReady, ...);          // (id, frame index, QImage)
//   worker.cancel(id);                                            // takes effect within one denoising step
//
// Threading contract:
// - Construct, call and destroy the worker on one thread (the GUI thread); it never blocks that thread except in
//   the destructor, which cancels everything and joins the worker thread.
// - Every signal is emitted on the owner's thread, after a queued hop from the worker thread, in the order the
//   worker produced the events. Images in signals are deep copies owned by the receiver.
// - progress() is throttled to at most one signal per progressIntervalMs() per job, plus the first and last step of
//   every frame; previewReady() to one per previewIntervalMs() within a frame (the first preview of each frame always
//   goes out). frameReady() and state changes are never dropped.
// - Exceptions thrown by the backend are caught once, on the worker thread, and become failed(id, message).
//   A job whose cancel flag was set is reported as cancelled, however the backend returned.
#include <QHash>
#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "bridge/generation_backend.h"

class QThread;

namespace sm::core {

using JobId = quint64;

enum class JobState { Queued, Running, Done, Failed, Cancelled };
enum class JobKind { LoadModel, Generate };

QString jobStateName(JobState state);

struct JobProgress {
    int frame = 0;  // index into the request's frames
    int frameCount = 0;
    int step = 0;  // 1-based step within the frame
    int stepCount = 0;
    double fraction = 0;  // 0..1 over the whole job
    double secondsElapsed = 0;
    double secondsRemaining = -1;  // < 0 while unknown
};

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    // Takes ownership of `backend`; it is used (and destroyed) on the worker thread only.
    explicit InferenceWorker(std::unique_ptr<GenerationBackend> backend, QObject* parent = nullptr);
    ~InferenceWorker() override;

    // Queues loading the weights at `path` (replacing the loaded model once it runs).
    JobId loadModel(const QString& path, const BackendLoadOptions& options);
    // Queues a generation with a copy of `request`. With `after` set (typically the model load queued just
    // before), the job is cancelled instead of run when that job failed or was cancelled: a generation never runs
    // on a model that did not load.
    JobId submit(const GenerationRequest& request, JobId after = 0);

    // A queued job is removed and reported cancelled at once; a running one stops within one step.
    void cancel(JobId id);
    void cancelAll();

    // State as signalled so far (owner thread view); Done for unknown ids of finished jobs is not kept forever:
    // finished jobs are forgotten after kMaxRememberedJobs newer ones.
    JobState state(JobId id) const;
    JobKind kind(JobId id) const;
    bool isBusy() const { return m_activeJobs > 0; }
    int activeJobCount() const { return m_activeJobs; }
    // The model the last successful load job produced (invalid before the first).
    const ModelDescription& loadedModel() const { return m_loadedModel; }

    void setProgressIntervalMs(int ms) { m_progressIntervalMs.store(ms); }
    int progressIntervalMs() const { return m_progressIntervalMs.load(); }
    void setPreviewIntervalMs(int ms) { m_previewIntervalMs.store(ms); }
    int previewIntervalMs() const { return m_previewIntervalMs.load(); }

    static constexpr int kMaxRememberedJobs = 1000;

Q_SIGNALS:
    void jobStateChanged(sm::core::JobId id, sm::core::JobState state);
    void modelLoaded(sm::core::JobId id, const sm::core::ModelDescription& model);
    void frameReady(sm::core::JobId id, int frameIndex, const QImage& image);
    void previewReady(sm::core::JobId id, int frameIndex, const QImage& image);
    void progress(sm::core::JobId id, const sm::core::JobProgress& progress);
    // A model load's progress: fraction 0..1, stage a short user-facing word. Throttled like progress(); the
    // first report always goes out. Cancelling a running load stops it between groups of tensors.
    void loadProgress(sm::core::JobId id, double fraction, const QString& stage);
    void warning(sm::core::JobId id, const QString& message);
    void finished(sm::core::JobId id);
    void failed(sm::core::JobId id, const QString& message);
    void cancelled(sm::core::JobId id);
    // The queue ran empty after the last job ended.
    void idle();

private:
    struct Job {
        JobId id = 0;
        JobKind kind = JobKind::Generate;
        QString modelPath;
        BackendLoadOptions loadOptions;
        GenerationRequest request;
        JobId after = 0;
        std::shared_ptr<std::atomic<bool>> cancel;
    };

    JobId enqueue(Job job);
    void run();  // the worker thread's loop
    // One job, on the worker thread; returns whether it succeeded.
    bool execute(Job& job);
    // Posts `fn` to run on the owner thread (dropped when the worker is already destroyed).
    template <typename Fn>
    void post(Fn&& fn);
    // Owner thread. Terminal states also emit finished(), cancelled() or failed(message), then idle() when
    // nothing is left.
    void setState(JobId id, JobState state, const QString& message = QString());
    void rememberFinished(JobId id);
    void rememberUnsuccessful(JobId id);  // with m_mutex held

    std::unique_ptr<GenerationBackend> m_backend;  // worker thread only after construction
    QThread* m_thread = nullptr;

    std::mutex m_mutex;  // guards m_queue, m_running*, m_stopping, m_unsuccessful
    std::condition_variable m_wake;
    std::deque<Job> m_queue;
    JobId m_runningId = 0;
    std::shared_ptr<std::atomic<bool>> m_runningCancel;
    bool m_stopping = false;
    std::deque<JobId> m_unsuccessful;  // recent jobs that failed or were cancelled (for `after`)

    std::atomic<int> m_progressIntervalMs{100};
    std::atomic<int> m_previewIntervalMs{150};

    // Owner thread only.
    JobId m_nextId = 1;
    QHash<JobId, JobState> m_states;
    QHash<JobId, JobKind> m_kinds;
    std::deque<JobId> m_finishedOrder;
    int m_activeJobs = 0;
    ModelDescription m_loadedModel;
};

}  // namespace sm::core

Q_DECLARE_METATYPE(sm::core::JobProgress)
Q_DECLARE_METATYPE(sm::core::JobState)
