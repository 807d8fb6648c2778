#pragma once
// PNG sequence export: frame_0001.png, frame_0002.png, ... in a folder (more digits past 9999 frames). Alpha is
// kept. Frames are written as they arrive into a hidden staging folder next to the target; finish() renames the
// staging folder into place when the target does not exist (or is empty), which is atomic. When the target folder
// already has files, each frame file is renamed over its old version (atomic per file) and stale frame_*.png files
// of an earlier, longer export are removed. Settings other than pingPong do not apply; a size budget is refused.
// Thread-safety: see FrameEncoder.
#include "export/frame_encoder.h"

#include <QTemporaryDir>

#include <memory>

namespace sm::core {

// "frame_0001.png" style name for a zero-based index; `digits` >= 4.
QString pngSequenceFileName(int index, int digits = 4);

class PngSequenceEncoder final : public FrameEncoder {
public:
    bool open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) override;
    bool addFrame(const QImage& frame, QString* error) override;
    bool finish(QString* error) override;

private:
    bool moveIntoPlace(QString* error);

    QString m_path;
    QSize m_frameSize;
    EncodeSettings m_settings;
    std::unique_ptr<QTemporaryDir> m_staging;
    int m_added = 0;
    bool m_open = false;
};

}  // namespace sm::core
