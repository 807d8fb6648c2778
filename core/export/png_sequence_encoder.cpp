#include "export/png_sequence_encoder.h"

#include "export/export_utils.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <cstdio>

namespace sm::core {
namespace {

// Zero-padded width that keeps names sorting by number: 4 digits up to 9999 frames, then as many as needed.
int digitsFor(int count) {
    int digits = 4;
    for (int limit = 10000; count >= limit && digits < 9; limit *= 10) {
        ++digits;
    }
    return digits;
}

// POSIX rename(): atomic, and replaces an existing file (QFile::rename refuses to overwrite).
bool renameReplacing(const QString& from, const QString& to) {
    return std::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) == 0;
}

}  // namespace

QString pngSequenceFileName(int index, int digits) {
    return QStringLiteral("frame_%1.png").arg(index + 1, std::max(4, digits), 10, QLatin1Char('0'));
}

bool PngSequenceEncoder::open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) {
    m_status = EncodeStatus::Ok;
    m_result = EncodeResult{};
    const QString problem = validateSettings(settings);
    if (!problem.isEmpty()) {
        return fail(error, QStringLiteral("%1: %2").arg(path, problem));
    }
    if (settings.maxBytes > 0) {
        return fail(error,
                    QStringLiteral("%1: a size budget is supported for GIF and WebP, not PNG sequences").arg(path));
    }
    if (frameSize.isEmpty()) {
        return fail(
            error,
            QStringLiteral("%1: invalid frame size %2x%3").arg(path).arg(frameSize.width()).arg(frameSize.height()));
    }
    const QFileInfo target(path);
    if (target.exists() && !target.isDir()) {
        return fail(error, QStringLiteral("%1: exists and is not a folder").arg(path));
    }
    const QFileInfo parent(target.absolutePath());
    if (!parent.isDir()) {
        return fail(error, QStringLiteral("%1: folder %2 does not exist").arg(path, target.absolutePath()));
    }
    if (!parent.isWritable() || (target.exists() && !target.isWritable())) {
        return fail(error, QStringLiteral("%1: cannot write (permission denied)").arg(path));
    }
    // Staging next to the target keeps the final rename on one file system.
    m_staging = std::make_unique<QTemporaryDir>(
        QDir(target.absolutePath()).filePath(QStringLiteral(".%1.part-XXXXXX").arg(target.fileName())));
    if (!m_staging->isValid()) {
        const QString reason = m_staging->errorString();
        m_staging.reset();
        return fail(error, QStringLiteral("%1: cannot create a staging folder: %2").arg(path, reason));
    }
    m_path = path;
    m_frameSize = frameSize;
    m_settings = settings;
    m_added = 0;
    m_open = true;
    return true;
}

bool PngSequenceEncoder::addFrame(const QImage& frame, QString* error) {
    if (!m_open) {
        return fail(error, QStringLiteral("png: addFrame() without a successful open()"));
    }
    if (isCancelled()) {
        m_staging.reset();
        m_open = false;
        return failCancelled(error, m_path);
    }
    if (const QString mismatch = frameSizeMismatch(m_path, m_added + 1, frame.size(), m_frameSize);
        !mismatch.isEmpty()) {
        return fail(error, mismatch);
    }
    // Frames go to disk as they arrive, so a long export never holds all frames in memory.
    const QString file = m_staging->filePath(pngSequenceFileName(m_added));
    if (!frame.save(file, "PNG")) {
        return fail(error, QStringLiteral("%1: cannot write %2").arg(m_path, QFileInfo(file).fileName()));
    }
    ++m_added;
    reportProgress(m_added, m_settings.pingPong ? 0 : m_settings.frameCountHint);
    return true;
}

bool PngSequenceEncoder::moveIntoPlace(QString* error) {
    // An empty target folder (e.g. just created by a file dialog) is replaced as if it did not exist.
    QDir staging(m_staging->path());
    const QFileInfo target(m_path);
    if (target.exists() &&
        QDir(m_path).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)) {
        QDir().rmdir(m_path);
    }
    if (!QFileInfo::exists(m_path)) {
        if (!renameReplacing(staging.path(), m_path)) {
            *error = QStringLiteral("%1: cannot move the frames into place").arg(m_path);
            return false;
        }
        m_staging->setAutoRemove(false);
        // QTemporaryDir creates the folder private (0700); a finished export is an ordinary folder.
        QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                                          QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                          QFileDevice::ExeOther);
        return true;
    }
    // The target holds other files: move frame by frame and leave unrelated files alone.
    QSet<QString> written;
    const QStringList files = staging.entryList({QStringLiteral("frame_*.png")}, QDir::Files, QDir::Name);
    for (const QString& name : files) {
        if (!renameReplacing(staging.filePath(name), QDir(m_path).filePath(name))) {
            *error = QStringLiteral("%1: cannot move %2 into place").arg(m_path, name);
            return false;
        }
        written.insert(name);
    }
    // Leftovers of an earlier, longer export would otherwise join the sequence.
    const QStringList existing = QDir(m_path).entryList({QStringLiteral("frame_*.png")}, QDir::Files);
    for (const QString& name : existing) {
        if (!written.contains(name)) {
            QFile::remove(QDir(m_path).filePath(name));
        }
    }
    return true;
}

bool PngSequenceEncoder::finish(QString* error) {
    if (!m_open) {
        return fail(error, QStringLiteral("png: finish() without a successful open()"));
    }
    m_open = false;
    if (isCancelled()) {
        m_staging.reset();
        return failCancelled(error, m_path);
    }
    if (m_added == 0) {
        m_staging.reset();
        return fail(error, QStringLiteral("%1: no frames to encode").arg(m_path));
    }
    QDir staging(m_staging->path());
    int total = m_added;
    if (m_settings.pingPong) {
        // The backward half repeats files already written: copy them instead of encoding them again.
        const QVector<int> order = pingPongOrder(m_added);
        for (int i = m_added; i < order.size(); ++i) {
            if (!QFile::copy(staging.filePath(pngSequenceFileName(order[i])),
                             staging.filePath(pngSequenceFileName(i)))) {
                m_staging.reset();
                return fail(error, QStringLiteral("%1: cannot write %2").arg(m_path, pngSequenceFileName(i)));
            }
            reportProgress(i + 1, order.size());
        }
        total = order.size();
    }
    const int digits = digitsFor(total);
    if (digits > 4) {
        // Past 9999 frames all names get the wider number so they still sort by name.
        for (int i = 0; i < total; ++i) {
            if (!QFile::rename(staging.filePath(pngSequenceFileName(i)),
                               staging.filePath(pngSequenceFileName(i, digits)))) {
                m_staging.reset();
                return fail(error, QStringLiteral("%1: cannot rename %2").arg(m_path, pngSequenceFileName(i)));
            }
        }
    }
    QString moveError;
    if (!moveIntoPlace(&moveError)) {
        m_staging.reset();
        return fail(error, moveError);
    }
    m_staging.reset();
    qint64 bytes = 0;
    for (int i = 0; i < total; ++i) {
        bytes += QFileInfo(QDir(m_path).filePath(pngSequenceFileName(i, digits))).size();
    }
    m_result.path = m_path;
    m_result.sizeBytes = bytes;
    m_result.frameCount = total;
    m_result.frameSize = m_frameSize;
    m_result.fps = m_settings.fps;
    m_result.quality = m_settings.quality;
    m_status = EncodeStatus::Ok;
    return true;
}

}  // namespace sm::core
