#pragma once
// The timeline's strip of frame thumbnails, left to right in playback order, scrolled horizontally.
//
// Selection: click selects one frame, Ctrl+click toggles, Shift+click extends from the current frame; keyboard
// Left/Right/Home/End move (Shift extends), Ctrl+A selects all, Delete asks to remove the selection. Dragging
// selected frames asks to move them (moveRequested); the strip itself never edits the document.
// While a generation runs, frames show their status (queued, generating with progress and live preview, failed).
//
// GUI thread only.
#include <QAbstractScrollArea>
#include <QHash>
#include <QImage>
#include <QPixmap>
#include <QVector>

namespace sm::ui {

class ProjectDocument;

class FrameStrip : public QAbstractScrollArea {
    Q_OBJECT
public:
    enum class Status { Idle, Queued, Generating, Failed };

    explicit FrameStrip(ProjectDocument* document, QWidget* parent = nullptr);

    // Selected frame indexes, ascending.
    QVector<int> selection() const;
    int currentIndex() const { return m_current; }
    void setCurrentIndex(int index, bool extend = false);
    void selectAll();
    void setSelection(const QVector<int>& indexes, int current);

    // Generation state of a frame (by uid); `progress` is 0..1 for Generating.
    void setStatus(quint64 uid, Status status, double progress = 0.0);
    Status status(quint64 uid) const { return m_status.value(uid).status; }
    void setPreview(quint64 uid, const QImage& preview);
    void clearStatuses();

    // Geometry, in viewport coordinates (for tests and drag handling).
    QRect cellRect(int index) const;
    int indexAt(const QPoint& viewportPoint) const;
    // The gap (0..frameCount) nearest to x: where dropped frames would go.
    int gapAt(int viewportX) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void selectionChanged();
    void currentChanged(int index);
    void moveRequested(const QVector<int>& indexes, int destination);  // destination: index without them
    void removeRequested(const QVector<int>& indexes);
    void activated(int index);  // double-click: show in the preview

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct FrameState {
        Status status = Status::Idle;
        double progress = 0.0;
        QImage preview;
    };

    QSize thumbSize() const;
    int cellWidth() const;
    void updateScrollRange();
    void ensureVisible(int index);
    void onFramesChanged();
    QPixmap thumbnail(int index);

    ProjectDocument* m_document;
    QVector<quint64> m_selected;  // uids, so a reorder keeps the selection
    int m_current = -1;
    int m_anchor = -1;
    QHash<quint64, FrameState> m_status;
    QHash<quint64, QPair<qint64, QPixmap>> m_thumbs;  // uid -> (image cache key, scaled pixmap)
    QPoint m_pressPos;
    bool m_pressOnSelected = false;
    bool m_dragging = false;
    int m_dropGap = -1;
};

}  // namespace sm::ui
