#pragma once
// The timeline dock: the frame strip (thumbnails, selection, drag to reorder) above the motion curve, with
// actions to add, duplicate, remove and move frames. All edits go through the ProjectDocument (undoable).
//
// GUI thread only.
#include <QWidget>

class QAction;
class QToolBar;

namespace sm::ui {

class FrameStrip;
class MotionCurve;
class ProjectDocument;

class TimelinePanel : public QWidget {
    Q_OBJECT
public:
    explicit TimelinePanel(ProjectDocument* document, QWidget* parent = nullptr);

    FrameStrip* strip() const { return m_strip; }
    MotionCurve* curve() const { return m_curve; }
    QToolBar* toolBar() const { return m_toolBar; }

    // The frame actions (their shortcuts work window-wide once the main window adds them to a menu).
    QAction* addFrameAction() const { return m_add; }
    QAction* duplicateAction() const { return m_duplicate; }
    QAction* removeAction() const { return m_remove; }
    QAction* moveLeftAction() const { return m_moveLeft; }
    QAction* moveRightAction() const { return m_moveRight; }
    QAction* selectAllAction() const { return m_selectAll; }

    void addFrameAfterCurrent();
    void duplicateSelection();
    void removeSelection();
    void moveSelection(int delta);
    void setMotionRange(int minimum, int maximum);

private:
    void updateActions();

    ProjectDocument* m_document;
    FrameStrip* m_strip = nullptr;
    MotionCurve* m_curve = nullptr;
    QToolBar* m_toolBar = nullptr;
    QAction* m_add = nullptr;
    QAction* m_duplicate = nullptr;
    QAction* m_remove = nullptr;
    QAction* m_moveLeft = nullptr;
    QAction* m_moveRight = nullptr;
    QAction* m_selectAll = nullptr;
};

}  // namespace sm::ui
