#pragma once
// The Export dialog: GIF, MP4, animated WebP or PNG sequence over the core encoders (core/export), with quality,
// GIF palette options, loop count, ping-pong and "fit under N MB" (the GIF and WebP encoders search quality,
// colours, scale and frame rate until the file fits). The export runs on a pool thread (QtConcurrent) with a
// progress bar; Cancel stops the encoder, which leaves no partial file behind.
//
// GUI thread only.
#include <QDialog>
#include <QFutureWatcher>
#include <QImage>
#include <QVector>

#include <memory>
#include <mutex>

#include "export/frame_encoder.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;

namespace sm::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    // `frames` are the generated frames in order (all the same size is best; others are scaled to the first).
    ExportDialog(QVector<QImage> frames, double fps, const QString& suggestedPath, QWidget* parent = nullptr);
    ~ExportDialog() override;

    void setFormat(core::ExportFormat format);
    core::ExportFormat format() const;
    void setPath(const QString& path);
    QString path() const;
    void setFitUnderMb(bool enabled, double megabytes);
    // The settings the current controls describe.
    core::EncodeSettings settings() const;

    // Starts the export (the Export button); returns false (and shows why) when it cannot start.
    bool startExport();
    void cancelExport();
    // True from startExport() until the result has been shown (exportFinished()).
    bool isExporting() const { return m_exporting; }
    // The outcome of the last export: the encoder's result, or the error ("" when none yet or it succeeded).
    const core::EncodeResult& lastResult() const { return m_result; }
    QString lastError() const { return m_error; }
    bool lastCancelled() const { return m_cancelled; }
    QLabel* statusLabel() const { return m_status; }
    QProgressBar* progressBar() const { return m_progress; }

Q_SIGNALS:
    void exportFinished(bool ok);

protected:
    void reject() override;

private:
    struct Outcome {
        bool ok = false;
        bool cancelled = false;
        QString error;
        core::EncodeResult result;
    };

    void updateEnabled();
    void browse();
    void finishExport();

    QVector<QImage> m_frames;
    double m_fps;
    QComboBox* m_format = nullptr;
    QLineEdit* m_path = nullptr;
    QSlider* m_quality = nullptr;
    QLabel* m_qualityValue = nullptr;
    QSpinBox* m_colors = nullptr;
    QComboBox* m_palette = nullptr;
    QDoubleSpinBox* m_dither = nullptr;
    QSpinBox* m_loops = nullptr;
    QCheckBox* m_pingPong = nullptr;
    QCheckBox* m_fit = nullptr;
    QDoubleSpinBox* m_fitMb = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_exportButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QDialogButtonBox* m_buttons = nullptr;

    QFutureWatcher<Outcome>* m_watcher = nullptr;
    std::shared_ptr<core::FrameEncoder> m_encoder;  // shared with the pool thread; cancel() is thread-safe
    core::EncodeResult m_result;
    QString m_error;
    bool m_cancelled = false;
    bool m_exporting = false;
};

}  // namespace sm::ui
