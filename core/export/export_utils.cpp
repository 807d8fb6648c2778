#include "export/export_utils.h"

#include <QDir>
#include <QFileInfo>
#include <QPainter>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace sm::core {

Q_LOGGING_CATEGORY(lcExport, "sm.core.export", QtInfoMsg)

QImage flattenToRgb888(const QImage& image, const QColor& matte) {
    if (image.format() == QImage::Format_RGB888) {
        return image;
    }
    if (!image.hasAlphaChannel()) {
        return image.convertToFormat(QImage::Format_RGB888);
    }
    // Composite instead of dropping alpha: a plain conversion would reveal whatever colour hides under alpha 0.
    QImage canvas(image.size(), QImage::Format_RGB888);
    canvas.fill(matte);
    QPainter painter(&canvas);
    painter.drawImage(0, 0, image);
    painter.end();
    return canvas;
}

QVector<int> gifDelaysCs(int frameCount, double fps) {
    QVector<int> delays;
    if (frameCount <= 0 || !(fps > 0.0)) {
        return delays;
    }
    delays.reserve(frameCount);
    qint64 emittedCs = 0;
    for (int i = 0; i < frameCount; ++i) {
        // Rounding the cumulative ideal time (not each delay) keeps the long-run rate exact.
        const qint64 idealEndCs = std::llround(static_cast<double>(i + 1) * 100.0 / fps);
        const qint64 delay = std::max<qint64>(2, idealEndCs - emittedCs);
        delays.append(static_cast<int>(std::min<qint64>(delay, 65535)));
        emittedCs += delays.back();
    }
    return delays;
}

// Same idea as gifDelaysCs() in milliseconds: round each exact start time, never accumulate rounded durations.
QVector<qint64> frameTimestampsMs(int frameCount, double fps) {
    QVector<qint64> stamps;
    if (frameCount <= 0 || !(fps > 0.0)) {
        return stamps;
    }
    stamps.reserve(frameCount + 1);
    for (int i = 0; i <= frameCount; ++i) {
        stamps.append(std::llround(static_cast<double>(i) * 1000.0 / fps));
    }
    return stamps;
}

// Checked in open() so a wrong output path fails before minutes of encoding, not at the final write.
QString frameSizeMismatch(const QString& path, qsizetype frameNumber, QSize frame, QSize expected) {
    if (frame == expected) {
        return {};
    }
    return QStringLiteral("%1: frame %2 is %3x%4, expected %5x%6")
        .arg(path)
        .arg(frameNumber)
        .arg(frame.width())
        .arg(frame.height())
        .arg(expected.width())
        .arg(expected.height());
}

bool checkWritableTarget(const QString& path, QString* error) {
    const QFileInfo info(path);
    const QFileInfo parent(info.absolutePath());
    if (!parent.exists() || !parent.isDir()) {
        *error = QStringLiteral("%1: folder %2 does not exist").arg(path, info.absolutePath());
        return false;
    }
    if (info.exists() && info.isDir()) {
        *error = QStringLiteral("%1: is a folder, expected a file").arg(path);
        return false;
    }
    if (!parent.isWritable() || (info.exists() && !info.isWritable())) {
        *error = QStringLiteral("%1: cannot write (permission denied)").arg(path);
        return false;
    }
    return true;
}

bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    // A short write (disk full) must not commit: cancelWriting() keeps the previous file intact.
    if (file.write(data) != data.size()) {
        *error = QStringLiteral("%1: write failed: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = QStringLiteral("%1: cannot finish writing: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

}  // namespace sm::core
