#include "bridge/engine_backend.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLoggingCategory>

#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>

#include "engine/engine.h"
#include "runtime/error.h"
#include "runtime/log.h"

Q_LOGGING_CATEGORY(lcEngineBackend, "stillmotion.bridge.engine")

namespace sm::core {

bool isKnownSampler(const QString& name) {
    return name == QLatin1String(kSamplerEulerAncestral) || name == QLatin1String(kSamplerEuler) ||
           name == QLatin1String(kSamplerDpmPP2MKarras) || name == QLatin1String(kSamplerDdim);
}

namespace {

// Engine log lines go to Qt's logging, so they land wherever the application sends its own.
void installLogSink() {
    static std::once_flag once;
    std::call_once(once, [] {
        sm::setLogSink([](sm::LogLevel level, const std::string& message) {
            const QString text = QString::fromStdString(message);
            switch (level) {
                case sm::LogLevel::Debug:
                    qCDebug(lcEngineBackend).noquote() << text;
                    break;
                case sm::LogLevel::Info:
                    qCInfo(lcEngineBackend).noquote() << text;
                    break;
                case sm::LogLevel::Warning:
                    qCWarning(lcEngineBackend).noquote() << text;
                    break;
                case sm::LogLevel::Error:
                    qCCritical(lcEngineBackend).noquote() << text;
                    break;
            }
        });
    });
}

engine::Precision toEnginePrecision(const QString& precision) {
    if (precision == QLatin1String("float16"))
        return engine::Precision::Float16;
    if (precision == QLatin1String("bfloat16"))
        return engine::Precision::BFloat16;
    return engine::Precision::Float32;
}

QString precisionName(engine::Precision precision) {
    switch (precision) {
        case engine::Precision::Float16:
            return QStringLiteral("float16");
        case engine::Precision::BFloat16:
            return QStringLiteral("bfloat16");
        case engine::Precision::Float32:
            break;
    }
    return QStringLiteral("float32");
}

engine::Sampler toEngineSampler(const QString& name) {
    if (name == QLatin1String(kSamplerEuler))
        return engine::Sampler::Euler;
    if (name == QLatin1String(kSamplerDpmPP2MKarras))
        return engine::Sampler::DpmPP2MKarras;
    if (name == QLatin1String(kSamplerDdim))
        return engine::Sampler::Ddim;
    if (name != QLatin1String(kSamplerEulerAncestral))
        throw std::invalid_argument("unknown sampler \"" + name.toStdString() +
                                    "\": choose Euler ancestral, Euler, DPM++ 2M Karras or DDIM");
    return engine::Sampler::EulerAncestral;
}

// QImage rows are 4-byte aligned; the engine's are packed. Copies either way, so the result owns its pixels.
engine::RgbImage toRgbImage(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    engine::RgbImage out;
    out.width = rgb.width();
    out.height = rgb.height();
    out.pixels.resize(size_t(out.width) * size_t(out.height) * 3);
    const size_t rowBytes = size_t(out.width) * 3;
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + size_t(y) * rowBytes, rgb.constScanLine(y), rowBytes);
    return out;
}

QImage toQImage(const engine::RgbImage& image) {
    if (image.isNull() || image.pixels.size() < size_t(image.width) * size_t(image.height) * 3)
        return QImage();
    QImage out(image.width, image.height, QImage::Format_RGB888);
    const size_t rowBytes = size_t(image.width) * 3;
    for (int y = 0; y < image.height; ++y)
        std::memcpy(out.scanLine(y), image.pixels.data() + size_t(y) * rowBytes, rowBytes);
    return out;
}

QString stageName(engine::LoadProgress::Stage stage) {
    switch (stage) {
        case engine::LoadProgress::Stage::Reading:
            return QCoreApplication::translate("sm::core::EngineBackend", "reading weights");
        case engine::LoadProgress::Stage::Building:
            return QCoreApplication::translate("sm::core::EngineBackend", "building the model");
        case engine::LoadProgress::Stage::Moving:
            return QCoreApplication::translate("sm::core::EngineBackend", "moving to the device");
        case engine::LoadProgress::Stage::Done:
            break;
    }
    return QCoreApplication::translate("sm::core::EngineBackend", "loaded");
}

// engine::ModelInfo in Qt types; the path falls back to what was asked for when the engine leaves it empty.
ModelDescription describe(const engine::ModelInfo& info) {
    ModelDescription d;
    d.architecture = info.architecture == engine::Architecture::Cinemo ? ModelKind::Cinemo : ModelKind::Pix2Gif;
    d.name = QString::fromStdString(info.name);
    d.path = QString::fromStdString(info.path);
    d.resolution = QSize(info.width, info.height);
    d.parameters = info.parameters;
    d.precision = precisionName(info.precision);
    d.device = QString::fromStdString(info.device);
    d.description = QString::fromStdString(info.description);
    d.minMotion = info.minMotion;
    d.maxMotion = info.maxMotion;
    return d;
}

class EngineBackend final : public GenerationBackend {
public:
    EngineBackend() { installLogSink(); }

    QString name() const override { return QStringLiteral("LibTorch engine"); }

    ModelDescription loadModel(const QString& path, const BackendLoadOptions& options,
                               const LoadCallbacks& callbacks) override {
        if (!QFileInfo::exists(path))
            throw std::runtime_error(QCoreApplication::translate("sm::core::EngineBackend",
                                                                 "%1: not found. Add the weights again in the Model "
                                                                 "Manager, or pick another model.")
                                         .arg(path)
                                         .toStdString());
        engine::LoadOptions engineOptions;
        engineOptions.device = options.device.toStdString();
        engineOptions.precision = toEnginePrecision(options.precision);
        engineOptions.threads = options.threads;
        engineOptions.resourceDir = options.resourceDir.toStdString();
        engineOptions.cancel = callbacks.cancel;
        if (callbacks.onProgress) {
            engineOptions.onProgress = [&callbacks](const engine::LoadProgress& p) {
                callbacks.onProgress(p.fraction, stageName(p.stage));
            };
        }
        // Free the old weights first: two models at once may not fit.
        m_model.reset();
        m_model = engine::loadModel(path.toStdString(), engineOptions);
        m_info = describe(engine::modelInfo(*m_model));
        if (m_info.path.isEmpty())
            m_info.path = path;
        return m_info;
    }

    // Safetensors files are described from their header (milliseconds); anything else is loaded once.
    ModelDescription inspectModel(const QString& path) override {
        const std::string file = path.toStdString();
        if (!engine::canInspect(file))
            return GenerationBackend::inspectModel(path);
        ModelDescription d = describe(engine::inspectModel(file));
        if (d.path.isEmpty())
            d.path = path;
        return d;
    }

    bool hasModel() const override { return m_model != nullptr; }
    void unloadModel() override { m_model.reset(); }

    void generate(const GenerationRequest& request, const GenerationCallbacks& callbacks) override {
        if (!m_model)
            throw std::runtime_error(
                QCoreApplication::translate("sm::core::EngineBackend", "No model is loaded. Pick a model first.")
                    .toStdString());
        engine::GenerateParams params;
        params.source = toRgbImage(request.source);
        params.prompt = request.prompt.toStdString();
        params.frames.reserve(size_t(request.frames.size()));
        for (const FrameRequest& frame : request.frames)
            params.frames.push_back({frame.prompt.toStdString(), frame.motion, frame.seed});
        params.sampler = toEngineSampler(request.sampler);
        params.steps = request.steps;
        params.textScale = float(request.textScale);
        params.imageScale = float(request.imageScale);
        params.differentNoisePerFrame = request.noisePerFrame;
        params.previewEvery = request.previewEvery;
        // engine.h has no Cinemo fields yet (motion intensity, DCTInit, fps): they are dropped here until it does.

        engine::GenerateCallbacks engineCallbacks;
        engineCallbacks.cancel = callbacks.cancel;
        if (callbacks.onStep) {
            engineCallbacks.onStep = [&callbacks](const engine::StepProgress& p) {
                callbacks.onStep(StepInfo{p.frame, p.step, p.totalSteps, p.secondsElapsed, p.secondsRemaining});
            };
        }
        if (callbacks.onPreview) {
            engineCallbacks.onPreview = [&callbacks](int frame, const engine::RgbImage& image) {
                callbacks.onPreview(frame, toQImage(image));
            };
        }
        if (callbacks.onFrame) {
            engineCallbacks.onFrame = [&callbacks](int frame, const engine::RgbImage& image) {
                callbacks.onFrame(frame, toQImage(image));
            };
        }
        if (callbacks.onWarning) {
            engineCallbacks.onWarning = [&callbacks](const std::string& message) {
                callbacks.onWarning(QString::fromStdString(message));
            };
        }
        engine::generate(*m_model, params, engineCallbacks);
    }

private:
    std::shared_ptr<engine::Model> m_model;
    ModelDescription m_info;
};

}  // namespace

int firstFrameWithoutPrompt(const GenerationRequest& request) {
    engine::GenerateParams params;
    params.prompt = request.prompt.toStdString();
    for (const FrameRequest& frame : request.frames)
        params.frames.push_back({frame.prompt.toStdString(), frame.motion, frame.seed});
    return engine::firstFrameWithoutPrompt(params);
}

bool engineAvailable() {
    return true;
}

std::unique_ptr<GenerationBackend> makeEngineBackend() {
    return std::make_unique<EngineBackend>();
}

GenerationBackendFactory engineBackendFactory() {
    return [] { return makeEngineBackend(); };
}

}  // namespace sm::core
