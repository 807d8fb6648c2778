#pragma once
// The half of the GIF and animated WebP encoders that does not depend on the format: both keep every frame until
// finish() (a global palette, ping-pong and a size budget need them all), encode in memory, search for settings
// that fit settings.maxBytes when there is a budget (size_budget.h), and write the file atomically.
// A subclass supplies the format: which frame sizes it can store, the pixel layout it buffers, and the encoding.
// Contract and thread-safety are those of FrameEncoder (frame_encoder.h).
#include "export/frame_encoder.h"
#include "export/size_budget.h"

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>
#include <QVector>

#include <limits>

namespace sm::core {

// What a buffered format is, as far as the shared code needs to know.
struct BufferedFormat {
    const char* name = "";    // prefix of API-misuse messages: "gif: finish() without a successful open()"
    bool hasPalette = false;  // true: the budget search varies the palette size and the result reports it
    double maxFps = std::numeric_limits<double>::infinity();  // fastest playback the format stores (GIF: 50)
};

class BufferedFrameEncoder : public FrameEncoder {
public:
    bool open(const QString& path, QSize frameSize, const EncodeSettings& settings, QString* error) final;
    bool addFrame(const QImage& frame, QString* error) final;
    bool finish(QString* error) final;

protected:
    explicit BufferedFrameEncoder(BufferedFormat format) : m_format(format) {}

    // Empty when the format can store frames of `frameSize`, else the one-line message (naming `path`).
    virtual QString frameSizeProblem(const QString& path, QSize frameSize) const = 0;
    // `frame` (already checked to have the opened size) converted to the pixel layout the encoding reads.
    virtual QImage bufferedFrame(const QImage& frame) const = 0;
    // Encodes `frames` (selected, scaled and in playback order, in the buffered layout) at `fps` with the trial's
    // quality and colours into *bytes. Should stop early when isCancelled(), and report progress through
    // m_progress. Returns false with *error (no path prefix) on failure.
    virtual bool encodeFrames(const QVector<QImage>& frames, double fps, const BudgetTrial& trial, QByteArray* bytes,
                              QString* error) = 0;

    const EncodeSettings& settings() const { return m_settings; }

private:
    // One encoding of the buffered frames with `trial` (every trial.frameStep-th frame, scaled by trial.scale).
    bool encodeTrial(const BudgetTrial& trial, QByteArray* bytes, QString* error);
    // Frame count, size and frame rate of the output `trial` makes, into m_result.
    void recordGeometry(const BudgetTrial& trial);

    BufferedFormat m_format;
    QString m_path;
    QSize m_frameSize;
    EncodeSettings m_settings;
    QVector<QImage> m_frames;  // in the layout bufferedFrame() returns, as added
    bool m_open = false;
};

}  // namespace sm::core
