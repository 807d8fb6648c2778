#pragma once
// Helpers shared by the encoders in core/export/: frame conversion, exact timing, atomic file output.
// All functions are reentrant (no shared state) and report problems through bool + QString* error.
#include <QByteArray>
#include <QColor>
#include <QImage>
#include <QLoggingCategory>
#include <QSize>
#include <QString>
#include <QVector>

namespace sm::core {

Q_DECLARE_LOGGING_CATEGORY(lcExport)

// Converts any QImage to RGB888, compositing partly transparent pixels onto `matte`.
QImage flattenToRgb888(const QImage& image, const QColor& matte);

// GIF delays in centiseconds for `frameCount` frames at `fps`. Ideal start times i*100/fps are rounded and the
// delays are the differences of consecutive rounded times, so the total is exact: 3 fps gives 33, 34, 33, ...
// Browsers treat delays below 2 cs as 10 cs, so no delay is ever below 2 cs (fps > 50 then plays at 50 fps).
QVector<int> gifDelaysCs(int frameCount, double fps);

// Start times in milliseconds of `frameCount` frames at `fps`, plus one entry for the end of the last frame
// (frameCount + 1 values, rounded from the exact times, so their differences sum exactly).
QVector<qint64> frameTimestampsMs(int frameCount, double fps);

// Checks that a file can be created at `path` (parent folder exists and is writable). Names the file on failure.
bool checkWritableTarget(const QString& path, QString* error);

// Empty when `frame` has the size the encoder was opened with, else "<path>: frame N is WxH, expected WxH"
// (N 1-based).
QString frameSizeMismatch(const QString& path, qsizetype frameNumber, QSize frame, QSize expected);

// Writes `data` to `path` through QSaveFile (temporary file + rename), so readers never see a partial file.
bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error);

}  // namespace sm::core
