#include "export/buffered_encoder.h"

#include "export/export_utils.h"

#include <algorithm>
#include <cmath>

namespace sm::core {
namespace {

QSize scaledSize(QSize size, double scale) {
    if (scale >= 1.0) {
        return size;
    }
    return QSize(std::max(1, int(std::lround(size.width() * scale))),
                 std::max(1, int(std::lround(size.height() * scale))));
}

}  // namespace

bool BufferedFrameEncoder::open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) {
    m_status = EncodeStatus::Ok;
    const QString problem = validateSettings(settings);
    if (!problem.isEmpty()) {
        return fail(error, QStringLiteral("%1: %2").arg(path, problem));
    }
    if (const QString sizeProblem = frameSizeProblem(path, frameSize); !sizeProblem.isEmpty()) {
        return fail(error, sizeProblem);
    }
    QString targetError;
    if (!checkWritableTarget(path, &targetError)) {
        return fail(error, targetError);
    }
    m_path = path;
    m_frameSize = frameSize;
    m_settings = settings;
    m_frames.clear();
    m_result = EncodeResult{};
    m_open = true;
    return true;
}

bool BufferedFrameEncoder::addFrame(const QImage& frame, QString* error) {
    if (!m_open) {
        return fail(error, QStringLiteral("%1: addFrame() without a successful open()").arg(m_format.name));
    }
    if (isCancelled()) {
        return failCancelled(error, m_path);
    }
    if (const QString mismatch = frameSizeMismatch(m_path, m_frames.size() + 1, frame.size(), m_frameSize);
        !mismatch.isEmpty()) {
        return fail(error, mismatch);
    }
    // Kept in memory (not encoded yet): ping-pong needs the frames again and a size budget re-encodes them.
    m_frames.append(bufferedFrame(frame));
    return true;
}

bool BufferedFrameEncoder::encodeTrial(const BudgetTrial& trial, QByteArray* bytes, QString* error) {
    const QSize size = scaledSize(m_frameSize, trial.scale);
    // A budget trial may drop frames (frameStep) and shrink them (scale); the buffered frames stay untouched so
    // the next trial starts from full quality again. Scaled frames go back to the buffered layout (smooth scaling
    // may return another format), which is what encodeFrames() reads.
    QVector<QImage> selected;
    for (int i = 0; i < m_frames.size(); i += trial.frameStep) {
        selected.append(size == m_frameSize ? m_frames[i]
                                            : m_frames[i]
                                                  .scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                                                  .convertToFormat(m_frames[i].format()));
    }
    QVector<QImage> sequence;
    if (m_settings.pingPong) {
        for (int index : pingPongOrder(selected.size())) {
            sequence.append(selected[index]);
        }
    } else {
        sequence = selected;
    }
    if (!encodeFrames(sequence, m_settings.fps / trial.frameStep, trial, bytes, error)) {
        return false;
    }
    recordGeometry(trial);
    return true;
}

void BufferedFrameEncoder::recordGeometry(const BudgetTrial& trial) {
    m_result.frameSize = scaledSize(m_frameSize, trial.scale);
    const int kept = (m_frames.size() + trial.frameStep - 1) / trial.frameStep;
    m_result.frameCount = m_settings.pingPong ? pingPongOrder(kept).size() : kept;
    m_result.fps = std::min(m_settings.fps / trial.frameStep, m_format.maxFps);
}

bool BufferedFrameEncoder::finish(QString* error) {
    if (!m_open) {
        return fail(error, QStringLiteral("%1: finish() without a successful open()").arg(m_format.name));
    }
    m_open = false;
    if (isCancelled()) {
        return failCancelled(error, m_path);
    }
    if (m_frames.isEmpty()) {
        return fail(error, QStringLiteral("%1: no frames to encode").arg(m_path));
    }
    QByteArray bytes;
    QString trialError;
    BudgetTrial chosen{m_settings.quality, m_format.hasPalette ? m_settings.maxColors : 0, 1.0, 1};
    int attempts = 1;
    bool ok = false;
    if (m_settings.maxBytes > 0) {
        BudgetOutcome outcome;
        const BudgetTrialFn trial = [this](const BudgetTrial& t, QByteArray* out, QString* err) {
            return encodeTrial(t, out, err);
        };
        ok = fitSizeBudget(m_settings.maxBytes, chosen, m_frameSize, m_frames.size(), trial, &outcome, &trialError);
        if (ok) {
            chosen = outcome.trial;
            attempts = outcome.attempts;
            bytes = std::move(outcome.bytes);
            // The last trial may not be the chosen one: recompute the reported geometry from the choice.
            recordGeometry(chosen);
        }
    } else {
        ok = encodeTrial(chosen, &bytes, &trialError);
    }
    if (isCancelled()) {
        return failCancelled(error, m_path);
    }
    if (!ok) {
        return fail(error, QStringLiteral("%1: %2").arg(m_path, trialError));
    }
    // Everything was encoded in memory; the file appears complete or not at all.
    QString writeError;
    if (!writeFileAtomically(m_path, bytes, &writeError)) {
        return fail(error, writeError);
    }
    m_frames.clear();
    m_result.path = m_path;
    m_result.sizeBytes = bytes.size();
    m_result.quality = chosen.quality;
    m_result.colors = m_format.hasPalette ? std::clamp(chosen.colors, 2, 256) : 0;
    m_result.scale = chosen.scale;
    m_result.frameStep = chosen.frameStep;
    m_result.attempts = attempts;
    m_result.budgetApplied = m_settings.maxBytes > 0;
    m_status = EncodeStatus::Ok;
    return true;
}

}  // namespace sm::core
