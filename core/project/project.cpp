#include "project/project.h"

#include <cstring>

namespace sm::core {

namespace {

// QImage::operator== also compares the pixel format and colour space, which change across a PNG round trip
// (ARGB32 without transparency comes back as RGB32). A document compares what the user sees: the pixels.
bool samePixels(const QImage& a, const QImage& b) {
    if (a.isNull() || b.isNull())
        return a.isNull() == b.isNull();
    if (a.size() != b.size())
        return false;
    const QImage ca = a.convertToFormat(QImage::Format_ARGB32);
    const QImage cb = b.convertToFormat(QImage::Format_ARGB32);
    const size_t rowBytes = size_t(ca.width()) * 4;
    for (int y = 0; y < ca.height(); ++y) {
        if (std::memcmp(ca.constScanLine(y), cb.constScanLine(y), rowBytes) != 0)
            return false;
    }
    return true;
}

}  // namespace

QSize modelInputSize(ModelKind kind) {
    switch (kind) {
        case ModelKind::Pix2Gif:
            return QSize(256, 256);
        case ModelKind::Cinemo:
            return QSize(512, 320);
    }
    return QSize(256, 256);
}

QString modelKindName(ModelKind kind) {
    switch (kind) {
        case ModelKind::Pix2Gif:
            return QStringLiteral("pix2gif");
        case ModelKind::Cinemo:
            return QStringLiteral("cinemo");
    }
    return QString();
}

std::optional<ModelKind> parseModelKind(const QString& name) {
    if (name == QLatin1String("pix2gif"))
        return ModelKind::Pix2Gif;
    if (name == QLatin1String("cinemo"))
        return ModelKind::Cinemo;
    return std::nullopt;
}

bool operator==(const SamplerSettings& a, const SamplerSettings& b) {
    return a.sampler == b.sampler && a.steps == b.steps && a.textGuidanceScale == b.textGuidanceScale &&
           a.imageGuidanceScale == b.imageGuidanceScale && a.fps == b.fps && a.dctInit == b.dctInit &&
           a.dctInitP == b.dctInitP && a.dctInitTau == b.dctInitTau && a.motionIntensity == b.motionIntensity &&
           a.noisePerFrame == b.noisePerFrame && a.seed == b.seed && a.seedLocked == b.seedLocked;
}

bool operator==(const TrainingConfig& a, const TrainingConfig& b) {
    return a.baseModel == b.baseModel && a.outputFolder == b.outputFolder && a.learningRate == b.learningRate &&
           a.warmupSteps == b.warmupSteps && a.batchSize == b.batchSize &&
           a.gradientAccumulation == b.gradientAccumulation && a.maxSteps == b.maxSteps &&
           a.checkpointEvery == b.checkpointEvery && a.sampleEvery == b.sampleEvery && a.ema == b.ema &&
           a.precision == b.precision && a.seed == b.seed && a.horizontalFlip == b.horizontalFlip &&
           a.trainTextEncoder == b.trainTextEncoder &&
           a.conditioningDropout == b.conditioningDropout && a.perceptualWeight == b.perceptualWeight &&
           a.vggWeightsPath == b.vggWeightsPath && a.sampleSteps == b.sampleSteps && a.threads == b.threads;
}

bool operator==(const FrameSpec& a, const FrameSpec& b) {
    return a.m_promptOverride == b.m_promptOverride && a.m_motion == b.m_motion && a.m_seed == b.m_seed &&
           samePixels(a.m_image, b.m_image);
}

QString Project::effectivePrompt(int index) const {
    const FrameSpec& spec = m_frames.at(index);
    return spec.hasPromptOverride() ? spec.promptOverride() : m_prompt;
}

QVector<QImage> Project::generatedImages() const {
    QVector<QImage> images;
    for (const FrameSpec& spec : m_frames) {
        if (spec.hasImage())
            images.append(spec.image());
    }
    return images;
}

bool operator==(const Project& a, const Project& b) {
    return a.m_sourcePath == b.m_sourcePath && a.m_crop == b.m_crop && a.m_prompt == b.m_prompt &&
           a.m_model == b.m_model && a.m_sampler == b.m_sampler && a.m_frames == b.m_frames &&
           a.m_dataset == b.m_dataset && samePixels(a.m_sourceImage, b.m_sourceImage);
}

}  // namespace sm::core
