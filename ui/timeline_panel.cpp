#include "timeline_panel.h"

#include <QAction>
#include <QSplitter>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

#include "frame_strip.h"
#include "motion_curve.h"
#include "project_document.h"

namespace sm::ui {

TimelinePanel::TimelinePanel(ProjectDocument* document, QWidget* parent) : QWidget(parent), m_document(document) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_toolBar = new QToolBar(tr("Timeline"));
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_add = m_toolBar->addAction(style()->standardIcon(QStyle::SP_FileDialogNewFolder), tr("Add Frame"), this,
                                 &TimelinePanel::addFrameAfterCurrent);
    m_add->setShortcut(QKeySequence(Qt::Key_Insert));
    m_add->setToolTip(tr("Add a frame after the current one; its motion continues the curve (Insert)."));
    m_duplicate = m_toolBar->addAction(tr("Duplicate"), this, &TimelinePanel::duplicateSelection);
    m_duplicate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_duplicate->setToolTip(
        tr("Copy the selected frames, with their prompt, motion and seed, after the selection "
           "(Ctrl+D)."));
    m_remove = m_toolBar->addAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("Remove"), this,
                                    &TimelinePanel::removeSelection);
    m_remove->setShortcut(QKeySequence::Delete);
    m_remove->setToolTip(tr("Remove the selected frames from the animation (Delete)."));
    m_toolBar->addSeparator();
    m_moveLeft = m_toolBar->addAction(style()->standardIcon(QStyle::SP_ArrowLeft), tr("Earlier"), this,
                                      [this] { moveSelection(-1); });
    m_moveLeft->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    m_moveLeft->setToolTip(tr("Move the selected frames one place earlier (Alt+Left)."));
    m_moveRight = m_toolBar->addAction(style()->standardIcon(QStyle::SP_ArrowRight), tr("Later"), this,
                                       [this] { moveSelection(1); });
    m_moveRight->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    m_moveRight->setToolTip(tr("Move the selected frames one place later (Alt+Right)."));
    m_selectAll = new QAction(tr("Select All Frames"), this);
    m_selectAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    connect(m_selectAll, &QAction::triggered, this, [this] { m_strip->selectAll(); });
    // Within the panel the shortcuts need no menu.
    for (QAction* action : {m_add, m_duplicate, m_remove, m_moveLeft, m_moveRight})
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    layout->addWidget(m_toolBar);

    auto* splitter = new QSplitter(Qt::Vertical);
    m_strip = new FrameStrip(document);
    m_curve = new MotionCurve(document);
    splitter->addWidget(m_strip);
    splitter->addWidget(m_curve);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);

    connect(m_strip, &FrameStrip::moveRequested, this, [this](const QVector<int>& indexes, int destination) {
        const QVector<int> moved = m_document->moveFrames(indexes, destination);
        m_strip->setSelection(moved, moved.isEmpty() ? -1 : moved.first());
    });
    connect(m_strip, &FrameStrip::removeRequested, this, [this] { removeSelection(); });
    connect(m_strip, &FrameStrip::selectionChanged, this, [this] {
        m_curve->setSelection(m_strip->selection(), m_strip->currentIndex());
        updateActions();
    });
    connect(m_strip, &FrameStrip::currentChanged, this,
            [this] { m_curve->setSelection(m_strip->selection(), m_strip->currentIndex()); });
    connect(m_curve, &MotionCurve::frameClicked, this, [this](int index) { m_strip->setCurrentIndex(index); });
    connect(m_document, &ProjectDocument::changed, this, &TimelinePanel::updateActions);
    updateActions();
}

void TimelinePanel::setMotionRange(int minimum, int maximum) {
    m_curve->setRange(minimum, maximum);
}

void TimelinePanel::updateActions() {
    const QVector<int> selected = m_strip->selection();
    const int count = m_document->frameCount();
    m_duplicate->setEnabled(!selected.isEmpty());
    m_remove->setEnabled(!selected.isEmpty());
    m_moveLeft->setEnabled(!selected.isEmpty() && selected.first() > 0);
    m_moveRight->setEnabled(!selected.isEmpty() && selected.last() < count - 1);
}

void TimelinePanel::addFrameAfterCurrent() {
    const int current = m_strip->currentIndex();
    const int at = current < 0 ? m_document->frameCount() : current + 1;
    m_document->insertFrames(at, {m_document->makeFrame(current)});
    m_strip->setCurrentIndex(at);
}

void TimelinePanel::duplicateSelection() {
    const QVector<int> selected = m_strip->selection();
    if (selected.isEmpty())
        return;
    QVector<core::FrameSpec> copies;
    for (int index : selected)
        copies.append(m_document->project().frame(index));
    const int at = selected.last() + 1;
    m_document->insertFrames(at, copies);
    QVector<int> inserted;
    for (int k = 0; k < copies.size(); ++k)
        inserted.append(at + k);
    m_strip->setSelection(inserted, at);
}

void TimelinePanel::removeSelection() {
    const QVector<int> selected = m_strip->selection();
    if (selected.isEmpty())
        return;
    const int next = selected.first();
    m_document->removeFrames(selected);
    if (m_document->frameCount() > 0)
        m_strip->setCurrentIndex(qMin(next, m_document->frameCount() - 1));
}

void TimelinePanel::moveSelection(int delta) {
    const QVector<int> selected = m_strip->selection();
    if (selected.isEmpty())
        return;
    const QVector<int> moved = m_document->moveFrames(selected, selected.first() + delta);
    m_strip->setSelection(moved, m_strip->currentIndex() + delta);
}

}  // namespace sm::ui
