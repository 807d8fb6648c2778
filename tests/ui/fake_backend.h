#pragma once
// A GenerationBackend for tests: no weights, no LibTorch. It "generates" a frame by shifting and zooming the source
// by the frame's motion (so frames look like an animation), with a noisy blend as the live preview. Timing, failures,
// pauses and cancellation behaviour are configurable; counters are shared so a test can read them after the worker
// has taken ownership of the backend.
#include <QColor>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <QThread>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "bridge/generation_backend.h"

namespace fake {

struct Control {
    // Behaviour.
    int steps = 10;        // denoising steps per frame (the request's steps are ignored unless 0 here)
    int stepMs = 2;        // time per step
    bool spin = false;     // burn CPU for stepMs instead of sleeping (a realistic load)
    int failAtFrame = -1;  // throw before delivering this frame
    QString failMessage = QStringLiteral("unet/x.bin: key conv_in.weight has shape [320,8,3,3], expected [320,4,3,3]");
    bool throwNonStd = false;  // throw an int instead of a std::exception
    bool reuseBuffer = false;  // deliver frames as QImages over a buffer that is overwritten afterwards
    int pauseAtFrame = -1;     // block (polling cancel) in this frame ...
    int pauseAtStep = 0;       // ... after this step, until release()
    int loadMs = 0;            // time a load takes

    // Counters (read from any thread).
    std::atomic<int> loads{0};
    std::atomic<int> generations{0};
    std::atomic<int> framesDelivered{0};
    std::atomic<int> stepsRun{0};
    std::atomic<bool> paused{false};
    std::atomic<bool> destroyed{false};
    std::atomic<int> lastPreviewEvery{-1};
    std::atomic<bool> sawCinemoFields{false};

    void release() {
        const std::lock_guard<std::mutex> lock(mutex);
        released = true;
        wake.notify_all();
    }
    std::mutex mutex;
    std::condition_variable wake;
    bool released = false;
};

// A frame of the fake animation: the source shifted right and zoomed by `motion`, tinted by the seed.
inline QImage renderFrame(const QImage& source, int motion, quint64 seed) {
    QImage frame(source.size(), QImage::Format_RGB32);
    frame.fill(Qt::black);
    QPainter p(&frame);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    const double zoom = 1.0 + motion * 0.012;
    p.translate(frame.width() / 2.0 + motion * 1.5, frame.height() / 2.0 - motion * 0.6);
    p.scale(zoom, zoom);
    p.translate(-frame.width() / 2.0, -frame.height() / 2.0);
    p.drawImage(0, 0, source);
    p.resetTransform();
    p.fillRect(frame.rect(), QColor::fromHsv(int(seed % 360), 120, 255, 18));
    return frame;
}

// The preview at `fraction` of the steps: noise fading into the frame.
inline QImage renderPreview(const QImage& frame, double fraction, quint64 seed) {
    QImage preview = frame.convertToFormat(QImage::Format_RGB32);
    QRandomGenerator random{quint32(seed)};
    const double noise = 1.0 - fraction;
    for (int y = 0; y < preview.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(preview.scanLine(y));
        for (int x = 0; x < preview.width(); ++x) {
            const int n = int(random.bounded(256));
            const auto mix = [&](int c) { return int(c * (1.0 - noise) + n * noise); };
            line[x] = qRgb(mix(qRed(line[x])), mix(qGreen(line[x])), mix(qBlue(line[x])));
        }
    }
    return preview;
}

class Backend final : public sm::core::GenerationBackend {
public:
    explicit Backend(std::shared_ptr<Control> control) : m_control(std::move(control)) {}
    ~Backend() override { m_control->destroyed.store(true); }

    QString name() const override { return QStringLiteral("fake"); }

    sm::core::ModelDescription loadModel(const QString& path, const sm::core::BackendLoadOptions& options,
                                         const sm::core::LoadCallbacks& callbacks = {}) override {
        if (callbacks.onProgress)
            callbacks.onProgress(0.0, QStringLiteral("reading weights"));
        ++m_control->loads;
        if (m_control->loadMs > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(m_control->loadMs));
        const QString name = QFileInfo(path).fileName();
        if (name.contains(QLatin1String("broken")))
            throw std::runtime_error(QStringLiteral("%1: truncated: the file ends at byte 1024, the header announces "
                                                    "1048576 bytes")
                                         .arg(name)
                                         .toStdString());
        if (!QFileInfo::exists(path))
            throw std::runtime_error(QStringLiteral("%1: not found").arg(path).toStdString());
        sm::core::ModelDescription d;
        const bool cinemo = name.contains(QLatin1String("cinemo"), Qt::CaseInsensitive);
        d.architecture = cinemo ? sm::core::ModelKind::Cinemo : sm::core::ModelKind::Pix2Gif;
        d.name = QFileInfo(path).completeBaseName();
        d.path = path;
        d.resolution = cinemo ? QSize(512, 320) : QSize(256, 256);
        d.parameters = cinemo ? 1414000000 : 1066000000;
        d.precision = options.precision;
        d.device = options.device == QLatin1String("auto") ? QStringLiteral("cpu") : options.device;
        d.description = QStringLiteral("fake weights for tests");
        m_loaded = true;
        return d;
    }

    bool hasModel() const override { return m_loaded; }
    void unloadModel() override { m_loaded = false; }

    void generate(const sm::core::GenerationRequest& request, const sm::core::GenerationCallbacks& callbacks) override {
        ++m_control->generations;
        if (!m_loaded)
            throw std::runtime_error("no model is loaded");
        m_control->lastPreviewEvery.store(request.previewEvery);
        if (request.dctInitTau != 975 || request.motionIntensity != 10)
            m_control->sawCinemoFields.store(true);
        const int steps = m_control->steps > 0 ? m_control->steps : request.steps;
        QElapsedTimer clock;
        clock.start();
        for (int f = 0; f < request.frames.size(); ++f) {
            const sm::core::FrameRequest& frameRequest = request.frames.at(f);
            const QImage frame = renderFrame(request.source, frameRequest.motion, frameRequest.seed);
            for (int step = 1; step <= steps; ++step) {
                if (callbacks.cancel && callbacks.cancel->load())
                    throw std::runtime_error("cancelled");
                work();
                ++m_control->stepsRun;
                if (callbacks.onStep) {
                    const double done = double(f * steps + step) / (request.frames.size() * steps);
                    const double elapsed = clock.elapsed() / 1000.0;
                    callbacks.onStep(sm::core::StepInfo{f, step, steps, elapsed, elapsed * (1 - done) / done});
                }
                if (callbacks.onPreview && request.previewEvery > 0 && step % request.previewEvery == 0)
                    callbacks.onPreview(f, renderPreview(frame, double(step) / steps, frameRequest.seed + step));
                if (f == m_control->pauseAtFrame && step == m_control->pauseAtStep)
                    waitForRelease(callbacks);
            }
            if (f == m_control->failAtFrame) {
                if (m_control->throwNonStd)
                    throw 42;
                throw std::runtime_error(m_control->failMessage.toStdString());
            }
            if (callbacks.onFrame) {
                if (m_control->reuseBuffer) {
                    // A frame over our own buffer, overwritten right after the callback returns.
                    const QImage rgb = frame.convertToFormat(QImage::Format_RGB888);
                    m_buffer = QByteArray(reinterpret_cast<const char*>(rgb.constBits()), int(rgb.sizeInBytes()));
                    const QImage view(reinterpret_cast<const uchar*>(m_buffer.constData()), rgb.width(), rgb.height(),
                                      rgb.bytesPerLine(), QImage::Format_RGB888);
                    callbacks.onFrame(f, view);
                    m_buffer.fill('\0');
                } else {
                    callbacks.onFrame(f, frame);
                }
            }
            ++m_control->framesDelivered;
        }
    }

private:
    void work() const {
        if (m_control->stepMs <= 0)
            return;
        if (!m_control->spin) {
            std::this_thread::sleep_for(std::chrono::milliseconds(m_control->stepMs));
            return;
        }
        QElapsedTimer timer;
        timer.start();
        volatile double sink = 0;
        while (timer.elapsed() < m_control->stepMs) {
            for (int i = 0; i < 2000; ++i)
                sink = sink + i * 0.5;
        }
    }

    void waitForRelease(const sm::core::GenerationCallbacks& callbacks) {
        m_control->paused.store(true);
        std::unique_lock<std::mutex> lock(m_control->mutex);
        while (!m_control->released && !(callbacks.cancel && callbacks.cancel->load()))
            m_control->wake.wait_for(lock, std::chrono::milliseconds(5));
        m_control->paused.store(false);
    }

    std::shared_ptr<Control> m_control;
    bool m_loaded = false;
    QByteArray m_buffer;
};

inline sm::core::GenerationBackendFactory factory(std::shared_ptr<Control> control) {
    return [control] { return std::make_unique<Backend>(control); };
}

// A weights "file" for the fake backend (it only checks that the path exists).
inline QString makeWeights(const QString& folder, const QString& name) {
    const QString path = QDir(folder).filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write("fake weights");
    return path;
}

}  // namespace fake
