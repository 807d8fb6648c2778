#include "bridge/inference_worker.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QThread>

#include <algorithm>
#include <exception>
#include <utility>

Q_LOGGING_CATEGORY(lcInferenceWorker, "stillmotion.bridge.worker")

namespace sm::core {

QString jobStateName(JobState state) {
    switch (state) {
        case JobState::Queued:
            return QStringLiteral("queued");
        case JobState::Running:
            return QStringLiteral("running");
        case JobState::Done:
            return QStringLiteral("done");
        case JobState::Failed:
            return QStringLiteral("failed");
        case JobState::Cancelled:
            return QStringLiteral("cancelled");
    }
    return QString();
}

namespace {

bool isTerminal(JobState state) {
    return state == JobState::Done || state == JobState::Failed || state == JobState::Cancelled;
}

}  // namespace

InferenceWorker::InferenceWorker(std::unique_ptr<GenerationBackend> backend, QObject* parent)
    : QObject(parent), m_backend(std::move(backend)) {
    qRegisterMetaType<sm::core::JobProgress>();
    qRegisterMetaType<sm::core::JobState>();
    qRegisterMetaType<sm::core::ModelDescription>();
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("stillmotion-inference"));
    m_thread->start();
}

InferenceWorker::~InferenceWorker() {
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
        m_queue.clear();
        if (m_runningCancel)
            m_runningCancel->store(true);
    }
    m_wake.notify_all();
    m_thread->wait();
    delete m_thread;
    // The backend (and the model) go away here, after the thread that used them has ended.
    m_backend.reset();
}

template <typename Fn>
void InferenceWorker::post(Fn&& fn) {
    // Queued to this object: runs on the owner thread, in posting order, and never after destruction
    // (QObject's destructor drops events posted to it).
    QMetaObject::invokeMethod(this, std::forward<Fn>(fn), Qt::QueuedConnection);
}

JobId InferenceWorker::loadModel(const QString& path, const BackendLoadOptions& options) {
    Job job;
    job.kind = JobKind::LoadModel;
    job.modelPath = path;
    job.loadOptions = options;
    return enqueue(std::move(job));
}

JobId InferenceWorker::submit(const GenerationRequest& request, JobId after) {
    Job job;
    job.kind = JobKind::Generate;
    job.request = request;
    job.after = after;
    // The source belongs to the caller's thread; a deep copy cannot be touched by a later edit there.
    job.request.source = request.source.copy();
    return enqueue(std::move(job));
}

JobId InferenceWorker::enqueue(Job job) {
    // Ids are handed out on the owner thread only, so they need no lock; the queue itself is shared.
    job.id = m_nextId++;
    job.cancel = std::make_shared<std::atomic<bool>>(false);
    const JobId id = job.id;
    m_kinds.insert(id, job.kind);
    ++m_activeJobs;
    m_states.insert(id, JobState::Queued);
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
    // Emitted directly: the job cannot have started yet as far as the owner's view of states is concerned
    // (Running arrives through the event queue, after this).
    Q_EMIT jobStateChanged(id, JobState::Queued);
    return id;
}

void InferenceWorker::cancel(JobId id) {
    bool removed = false;
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
            if (it->id == id) {
                m_queue.erase(it);
                rememberUnsuccessful(id);
                removed = true;
                break;
            }
        }
        if (!removed && m_runningId == id && m_runningCancel)
            m_runningCancel->store(true);
    }
    // A job that never started has no events in flight: it can be reported right away.
    if (removed)
        setState(id, JobState::Cancelled);
}

void InferenceWorker::cancelAll() {
    std::deque<Job> dropped;
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        dropped.swap(m_queue);
        for (const Job& job : dropped)
            rememberUnsuccessful(job.id);
        if (m_runningCancel)
            m_runningCancel->store(true);
    }
    for (const Job& job : dropped)
        setState(job.id, JobState::Cancelled);
}

JobState InferenceWorker::state(JobId id) const {
    return m_states.value(id, JobState::Done);
}

JobKind InferenceWorker::kind(JobId id) const {
    return m_kinds.value(id, JobKind::Generate);
}

void InferenceWorker::setState(JobId id, JobState state, const QString& message) {
    // The owner thread's view of every job: changed only here, always in the order the worker posted events.
    const auto it = m_states.find(id);
    if (it == m_states.end() || isTerminal(it.value()))
        return;  // already finished (e.g. cancelled while its last events were in flight)
    it.value() = state;
    Q_EMIT jobStateChanged(id, state);
    if (!isTerminal(state))
        return;
    --m_activeJobs;
    rememberFinished(id);
    if (state == JobState::Done)
        Q_EMIT finished(id);
    else if (state == JobState::Cancelled)
        Q_EMIT cancelled(id);
    else
        Q_EMIT failed(id, message);
    if (m_activeJobs == 0)
        Q_EMIT idle();
}

// States of finished jobs are kept for a while (callers ask state(id) after the fact) but not forever.
void InferenceWorker::rememberFinished(JobId id) {
    m_finishedOrder.push_back(id);
    while (int(m_finishedOrder.size()) > kMaxRememberedJobs) {
        m_states.remove(m_finishedOrder.front());
        m_kinds.remove(m_finishedOrder.front());
        m_finishedOrder.pop_front();
    }
}

void InferenceWorker::rememberUnsuccessful(JobId id) {
    m_unsuccessful.push_back(id);
    if (m_unsuccessful.size() > size_t(kMaxRememberedJobs))
        m_unsuccessful.pop_front();
}

// ---------------------------------------------------------------------------------------------------------
// Worker thread.

void InferenceWorker::run() {
    for (;;) {
        Job job;
        bool dependencyFailed = false;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                break;
            job = std::move(m_queue.front());
            m_queue.pop_front();
            m_runningId = job.id;
            m_runningCancel = job.cancel;
            dependencyFailed = job.after != 0 && std::find(m_unsuccessful.begin(), m_unsuccessful.end(), job.after) !=
                                                     m_unsuccessful.end();
        }
        bool succeeded = false;
        if (dependencyFailed) {
            const JobId id = job.id;
            post([this, id] { setState(id, JobState::Cancelled); });
        } else {
            succeeded = execute(job);
        }
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            if (!succeeded)
                rememberUnsuccessful(job.id);
            m_runningId = 0;
            m_runningCancel.reset();
        }
    }
    // The model is freed on this thread too when the backend is destroyed by the owner after wait().
}

bool InferenceWorker::execute(Job& job) {
    const JobId id = job.id;
    const std::shared_ptr<std::atomic<bool>> cancel = job.cancel;
    post([this, id] { setState(id, JobState::Running); });

    QString error;
    bool ok = false;
    // The one place where exceptions from the backend (and the engine under it) are caught.
    try {
        if (job.kind == JobKind::LoadModel) {
            LoadCallbacks loadCallbacks;
            loadCallbacks.cancel = cancel.get();
            QElapsedTimer clock;
            clock.start();
            qint64 lastReportMs = -1;
            loadCallbacks.onProgress = [&](double fraction, const QString& stage) {
                const qint64 now = clock.elapsed();
                if (lastReportMs >= 0 && now - lastReportMs < m_progressIntervalMs.load() && fraction < 1.0)
                    return;
                lastReportMs = now;
                post([this, id, fraction, stage] {
                    if (m_states.value(id) == JobState::Running)
                        Q_EMIT loadProgress(id, fraction, stage);
                });
            };
            const ModelDescription model = m_backend->loadModel(job.modelPath, job.loadOptions, loadCallbacks);
            post([this, id, model] {
                m_loadedModel = model;
                Q_EMIT modelLoaded(id, model);
            });
        } else {
            const GenerationRequest& request = job.request;
            const int frameCount = int(request.frames.size());
            // Throttle and ETA bookkeeping live in this stack frame: the callbacks run on this thread only.
            QElapsedTimer clock;
            clock.start();
            qint64 lastProgressMs = -1;
            qint64 lastPreviewMs = -1;
            int lastProgressFrame = -1;
            int lastPreviewFrame = -1;

            GenerationCallbacks callbacks;
            callbacks.cancel = cancel.get();
            callbacks.onStep = [&](const StepInfo& step) {
                const qint64 now = clock.elapsed();
                // The first and last step of every frame always go out, so a frame's start and end are never
                // hidden by the throttle.
                const bool edge = step.step >= step.totalSteps || step.frame != lastProgressFrame;
                if (!edge && lastProgressMs >= 0 && now - lastProgressMs < m_progressIntervalMs.load())
                    return;
                lastProgressMs = now;
                lastProgressFrame = step.frame;
                JobProgress p;
                p.frame = step.frame;
                p.frameCount = frameCount;
                p.step = step.step;
                p.stepCount = step.totalSteps;
                const double perFrame = step.totalSteps > 0 ? double(step.step) / step.totalSteps : 0.0;
                p.fraction = frameCount > 0 ? qBound(0.0, (step.frame + perFrame) / frameCount, 1.0) : 0.0;
                p.secondsElapsed = now / 1000.0;
                // Prefer the engine's ETA (it knows the step cost); a backend without one gets a linear estimate.
                if (step.secondsRemaining >= 0)
                    p.secondsRemaining = step.secondsRemaining;
                else if (p.fraction > 0.0)
                    p.secondsRemaining = p.secondsElapsed * (1.0 - p.fraction) / p.fraction;
                // Dropped if the job ended meanwhile (a cancel reported first must not be followed by progress).
                post([this, id, p] {
                    if (m_states.value(id) == JobState::Running)
                        Q_EMIT progress(id, p);
                });
            };
            callbacks.onPreview = [&](int frame, const QImage& image) {
                const qint64 now = clock.elapsed();
                if (frame == lastPreviewFrame && lastPreviewMs >= 0 && now - lastPreviewMs < m_previewIntervalMs.load())
                    return;
                lastPreviewMs = now;
                lastPreviewFrame = frame;
                const QImage copy = image.copy();
                post([this, id, frame, copy] {
                    if (m_states.value(id) == JobState::Running)
                        Q_EMIT previewReady(id, frame, copy);
                });
            };
            callbacks.onFrame = [&](int frame, const QImage& image) {
                // A deep copy here, on the worker thread: the receiver owns pixels nobody else can touch.
                const QImage copy = image.copy();
                post([this, id, frame, copy] {
                    if (m_states.value(id) == JobState::Running)
                        Q_EMIT frameReady(id, frame, copy);
                });
            };
            callbacks.onWarning = [&](const QString& message) {
                post([this, id, message] { Q_EMIT warning(id, message); });
            };
            // A job cancelled between dequeue and here is not started at all.
            if (frameCount > 0 && !cancel->load())
                m_backend->generate(request, callbacks);
        }
        ok = true;
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
    } catch (...) {
        error = QStringLiteral("unknown error in the inference engine");
    }

    // The flag decides, not the exception type: backends may throw anything (or nothing) when cancelled.
    if (cancel->load()) {
        post([this, id] { setState(id, JobState::Cancelled); });
        return false;
    }
    if (ok) {
        post([this, id] { setState(id, JobState::Done); });
    } else {
        qCWarning(lcInferenceWorker).noquote() << "job" << id << "failed:" << error;
        if (error.isEmpty())
            error = QStringLiteral("the inference engine failed without a message");
        post([this, id, error] { setState(id, JobState::Failed, error); });
    }
    return ok;
}

}  // namespace sm::core
