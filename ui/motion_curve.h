#pragma once
// The motion curve: one point per frame (x = frame, y = Pix2Gif motion value). Dragging sets the value of the
// frame under the mouse; sweeping across frames while dragging paints the curve. One drag is one undo step
// (ProjectDocument::setMotions merges the moves). Arrow keys Up/Down change the current frame's value.
//
// GUI thread only.
#include <QVector>
#include <QWidget>

namespace sm::ui {

class ProjectDocument;

class MotionCurve : public QWidget {
    Q_OBJECT
public:
    explicit MotionCurve(ProjectDocument* document, QWidget* parent = nullptr);

    void setRange(int minimum, int maximum);
    int minimum() const { return m_min; }
    int maximum() const { return m_max; }
    void setSelection(const QVector<int>& selection, int current);

    // Geometry in widget pixels, for painting, hit tests and tests.
    QPointF pointFor(int frame, int motion) const;
    int frameAt(double x) const;
    int motionAt(double y) const;

    QSize sizeHint() const override { return QSize(640, 120); }
    QSize minimumSizeHint() const override { return QSize(160, 70); }

Q_SIGNALS:
    void frameClicked(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    QRectF plotRect() const;
    void dragTo(const QPointF& position);

    ProjectDocument* m_document;
    int m_min = 2;
    int m_max = 19;
    QVector<int> m_selection;
    int m_current = -1;
    bool m_dragging = false;
    int m_lastFrame = -1;
    QVector<int> m_dragMotions;  // the curve as edited during this drag
};

}  // namespace sm::ui
