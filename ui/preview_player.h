#pragma once
// The preview player: plays the generated frames at the project's fps, looping, ping-pong or once; a scrub
// slider; onion skin (the previous frame shown faintly over the current one); side by side with the cropped
// source; and "as exported": the frames after the GIF encoder's palette quantisation, with the estimated file size
// (the GIF is encoded in memory on a pool thread, then decoded again, so what is shown is what the file holds).
//
// GUI thread only; the GIF encode runs through QtConcurrent and is cancelled when the frames change.
#include <QFutureWatcher>
#include <QImage>
#include <QRect>
#include <QVector>
#include <QWidget>

#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace sm::ui {

class ProjectDocument;

class PreviewPlayer : public QWidget {
    Q_OBJECT
public:
    enum class LoopMode { Loop, PingPong, Once };

    explicit PreviewPlayer(ProjectDocument* document, QWidget* parent = nullptr);
    ~PreviewPlayer() override;

    void play();
    void pause();
    void togglePlay();
    bool isPlaying() const;
    void setLoopMode(LoopMode mode);
    LoopMode loopMode() const;
    // Position in the frames that have images (0-based).
    void seek(int position);
    int position() const { return m_position; }
    int frameCountShown() const { return int(m_frames.size()); }
    // The document frame index shown now (-1 when there is none).
    int currentFrameIndex() const;
    // Shows a frame by its document index (when it has an image).
    void showFrame(int frameIndex);
    // A generation preview shown while paused ("live"); a null image clears it.
    void setLiveImage(const QImage& image, const QString& caption);

    void setOnionSkin(bool on);
    void setSideBySide(bool on);
    void setAsExported(bool on);
    bool asExported() const { return m_asExported; }
    // Estimated GIF size in bytes (0 while unknown) and whether the estimate is being computed.
    qint64 estimatedGifBytes() const { return m_estimateBytes; }
    bool isEstimating() const { return m_watcher && m_watcher->isRunning(); }
    int gifQuality() const { return m_quality; }
    void setGifQuality(int quality);

    // The image the view shows now (for tests).
    QImage currentImage() const;
    // The order positions are played in for the current loop mode (one cycle).
    QVector<int> playOrder() const;

Q_SIGNALS:
    void positionChanged(int position);
    void estimateReady(qint64 bytes);

private:
    struct Estimate {
        QVector<QImage> frames;  // decoded back from the GIF
        qint64 bytes = 0;
        QString error;
    };

    void rebuildFrames();
    void advance();
    void updateControls();
    void updateView();
    void startEstimate();
    void finishEstimate();

    ProjectDocument* m_document;
    class View;
    View* m_view = nullptr;
    QTimer* m_timer = nullptr;
    QToolButton* m_playButton = nullptr;
    QSlider* m_scrub = nullptr;
    QLabel* m_positionLabel = nullptr;
    QDoubleSpinBox* m_fps = nullptr;
    QComboBox* m_loop = nullptr;
    QCheckBox* m_onion = nullptr;
    QCheckBox* m_sideBySide = nullptr;
    QCheckBox* m_exported = nullptr;
    QLabel* m_sizeLabel = nullptr;

    QVector<int> m_indexes;    // document frame index of each shown frame
    QVector<QImage> m_frames;  // their images
    QVector<QImage> m_exportedFrames;
    int m_position = 0;
    int m_orderCursor = 0;  // index into playOrder()
    bool m_asExported = false;
    bool m_syncing = false;
    qint64 m_sourceKey = -1;  // what m_view->source was fitted from
    QRect m_sourceCrop;
    QSize m_sourceSize;
    QImage m_live;
    QString m_liveCaption;
    int m_quality = 80;
    qint64 m_estimateBytes = 0;
    bool m_estimateStale = true;
    QFutureWatcher<Estimate>* m_watcher = nullptr;
    std::shared_ptr<std::atomic<bool>> m_estimateCancel;
    QTimer* m_estimateDelay = nullptr;
};

}  // namespace sm::ui
