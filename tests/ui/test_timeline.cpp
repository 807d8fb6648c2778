// The timeline and the Frame panel: selecting frames (mouse, keys), reordering by drag, adding, duplicating,
// removing and moving frames, drawing the motion curve, and per-frame prompt / motion / seed overrides, all undoable.
// Generated images follow their frame through reorders and come back with a removed frame on undo.
#include <QtTest>

#include <QAction>
#include <QCheckBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QUndoStack>

#include "frame_inspector.h"
#include "frame_strip.h"
#include "motion_curve.h"
#include "project_document.h"
#include "timeline_panel.h"

using sm::ui::FrameInspector;
using sm::ui::FrameStrip;
using sm::ui::MotionCurve;
using sm::ui::ProjectDocument;
using sm::ui::TimelinePanel;

namespace {

QImage tile(int hue) {
    QImage image(256, 256, QImage::Format_RGB32);
    image.fill(QColor::fromHsv(hue, 200, 220));
    return image;
}

QVector<int> motions(const ProjectDocument& document) {
    QVector<int> values;
    for (const sm::core::FrameSpec& frame : document.project().frames())
        values.append(frame.motion());
    return values;
}

}  // namespace

class TestTimeline : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ProjectDocument> m_document;
    std::unique_ptr<TimelinePanel> m_timeline;

private Q_SLOTS:
    void init() {
        m_document = std::make_unique<ProjectDocument>();
        m_document->setMergeWindowMs(0);  // each test edit is its own undo step unless a gesture says otherwise
        m_document->setFrameCount(6);     // motions 2, 5, 9, 12, 16, 19
        for (int i = 0; i < 6; ++i)
            m_document->setFrameImage(m_document->frameUid(i), tile(i * 50));
        m_timeline = std::make_unique<TimelinePanel>(m_document.get());
        m_timeline->resize(900, 300);
        m_timeline->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_timeline.get()));
    }

    void cleanup() {
        m_timeline.reset();
        m_document.reset();
    }

    void newFramesRampOverTheMotionRange() {
        QCOMPARE(motions(*m_document), (QVector<int>{2, 5, 9, 12, 16, 19}));
        QCOMPARE(m_document->project().frame(0).seed(), m_document->project().sampler().seed);
    }

    void selectionWithMouseAndKeys() {
        FrameStrip* strip = m_timeline->strip();
        QSignalSpy changed(strip, &FrameStrip::selectionChanged);
        QTest::mouseClick(strip->viewport(), Qt::LeftButton, Qt::NoModifier, strip->cellRect(1).center());
        QCOMPARE(strip->selection(), QVector<int>{1});
        QCOMPARE(strip->currentIndex(), 1);
        QTest::mouseClick(strip->viewport(), Qt::LeftButton, Qt::ShiftModifier, strip->cellRect(3).center());
        QCOMPARE(strip->selection(), (QVector<int>{1, 2, 3}));
        QTest::mouseClick(strip->viewport(), Qt::LeftButton, Qt::ControlModifier, strip->cellRect(2).center());
        QCOMPARE(strip->selection(), (QVector<int>{1, 3}));
        QTest::keyClick(strip, Qt::Key_Right);
        QCOMPARE(strip->selection(), QVector<int>{3});
        QTest::keyClick(strip, Qt::Key_End, Qt::ShiftModifier);
        QCOMPARE(strip->selection(), (QVector<int>{3, 4, 5}));
        QTest::keyClick(strip, Qt::Key_Home);
        QCOMPARE(strip->selection(), QVector<int>{0});
        QTest::keyClick(strip, Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(strip->selection().size(), 6);
        QVERIFY(changed.count() >= 6);
    }

    void dragReordersAndUndoRestores() {
        FrameStrip* strip = m_timeline->strip();
        const QVector<quint64> uids = m_document->frameUids();
        strip->setSelection({0, 1}, 0);
        // Drag frames 1-2 behind frame 4 (the gap between cells 3 and 4).
        const QPoint from = strip->cellRect(0).center();
        const QPoint to(strip->cellRect(4).left() - 2, from.y());
        QTest::mousePress(strip->viewport(), Qt::LeftButton, Qt::NoModifier, from);
        QTest::mouseMove(strip->viewport(), from + QPoint(20, 0));
        QTest::mouseMove(strip->viewport(), to);
        QTest::mouseRelease(strip->viewport(), Qt::LeftButton, Qt::NoModifier, to);
        QCOMPARE(m_document->frameUids(), (QVector<quint64>{uids[2], uids[3], uids[0], uids[1], uids[4], uids[5]}));
        QCOMPARE(strip->selection(), (QVector<int>{2, 3}));  // the selection moved with them
        // Images and motions moved with their frames.
        QCOMPARE(m_document->project().frame(2).image().pixel(0, 0), tile(0).pixel(0, 0));
        QCOMPARE(motions(*m_document), (QVector<int>{9, 12, 2, 5, 16, 19}));
        m_document->undoStack()->undo();
        QCOMPARE(m_document->frameUids(), uids);
        QCOMPARE(motions(*m_document), (QVector<int>{2, 5, 9, 12, 16, 19}));
    }

    void frameActions() {
        FrameStrip* strip = m_timeline->strip();
        QUndoStack* undo = m_document->undoStack();
        strip->setCurrentIndex(5);
        m_timeline->addFrameAction()->trigger();  // after the last: continues the curve, clamped at 19
        QCOMPARE(m_document->frameCount(), 7);
        QCOMPARE(m_document->project().frame(6).motion(), 19);
        QVERIFY(!m_document->project().frame(6).hasImage());
        QCOMPARE(strip->currentIndex(), 6);
        undo->undo();
        QCOMPARE(m_document->frameCount(), 6);

        strip->setSelection({1, 2}, 1);
        m_timeline->duplicateAction()->trigger();
        QCOMPARE(m_document->frameCount(), 8);
        QCOMPARE(motions(*m_document), (QVector<int>{2, 5, 9, 5, 9, 12, 16, 19}));
        QCOMPARE(strip->selection(), (QVector<int>{3, 4}));
        undo->undo();

        // Remove two frames with images; undo brings them back with their images.
        const qint64 image2 = m_document->project().frame(2).image().cacheKey();
        strip->setSelection({2, 4}, 2);
        m_timeline->removeAction()->trigger();
        QCOMPARE(motions(*m_document), (QVector<int>{2, 5, 12, 19}));
        undo->undo();
        QCOMPARE(motions(*m_document), (QVector<int>{2, 5, 9, 12, 16, 19}));
        QCOMPARE(m_document->project().frame(2).image().cacheKey(), image2);

        strip->setSelection({3}, 3);
        m_timeline->moveLeftAction()->trigger();
        QCOMPARE(motions(*m_document), (QVector<int>{2, 5, 12, 9, 16, 19}));
        QCOMPARE(strip->selection(), QVector<int>{2});
        m_timeline->moveRightAction()->trigger();
        m_timeline->moveRightAction()->trigger();
        QCOMPARE(motions(*m_document), (QVector<int>{2, 5, 9, 16, 12, 19}));
        strip->setSelection({5}, 5);
        QVERIFY(!m_timeline->moveRightAction()->isEnabled());

        // Delete in the strip removes too.
        strip->setFocus();
        QTest::keyClick(strip, Qt::Key_Delete);
        QCOMPARE(m_document->frameCount(), 5);
    }

    void imagesSurviveUndoOfLaterEdits() {
        // Edit, then a "generation result" arrives, then undo the edit: the new image stays.
        m_document->setFrameMotion(1, 7);
        const QImage fresh = tile(300);
        QVERIFY(m_document->setFrameImage(m_document->frameUid(1), fresh));
        m_document->undoStack()->undo();
        QCOMPARE(m_document->project().frame(1).motion(), 5);
        QCOMPARE(m_document->project().frame(1).image().cacheKey(), fresh.cacheKey());
        // A result for a frame that no longer exists is dropped.
        const quint64 gone = m_document->frameUid(0);
        m_document->removeFrames({0});
        QVERIFY(!m_document->setFrameImage(gone, fresh));
    }

    void curveDragIsOneUndoStep() {
        MotionCurve* curve = m_timeline->curve();
        curve->resize(600, 160);
        m_document->setMergeWindowMs(5000);  // a drag is one gesture
        const int before = m_document->undoStack()->count();
        // Press on frame 0 at motion 10, sweep to frame 5 at motion 10: a flat line.
        const QPoint start = curve->pointFor(0, 10).toPoint();
        const QPoint end = curve->pointFor(5, 10).toPoint();
        QTest::mousePress(curve, Qt::LeftButton, Qt::NoModifier, start);
        for (int i = 1; i <= 5; ++i)
            QTest::mouseMove(curve, curve->pointFor(i, 10).toPoint());
        QTest::mouseRelease(curve, Qt::LeftButton, Qt::NoModifier, end);
        QCOMPARE(motions(*m_document), (QVector<int>{10, 10, 10, 10, 10, 10}));
        QCOMPARE(m_document->undoStack()->count(), before + 1);
        m_document->undoStack()->undo();
        QCOMPARE(motions(*m_document), (QVector<int>{2, 5, 9, 12, 16, 19}));

        // A fast sweep (press at frame 0, release at frame 5) still fills the frames between.
        QTest::mousePress(curve, Qt::LeftButton, Qt::NoModifier, curve->pointFor(0, 4).toPoint());
        QTest::mouseMove(curve, curve->pointFor(5, 14).toPoint());
        QTest::mouseRelease(curve, Qt::LeftButton, Qt::NoModifier, curve->pointFor(5, 14).toPoint());
        QCOMPARE(motions(*m_document), (QVector<int>{4, 6, 8, 10, 12, 14}));

        // Up/Down on the curve change the current frame.
        m_timeline->strip()->setCurrentIndex(2);
        curve->setFocus();
        QTest::keyClick(curve, Qt::Key_Up);
        QCOMPARE(m_document->project().frame(2).motion(), 9);
    }

    void inspectorOverrides() {
        FrameInspector inspector(m_document.get());
        inspector.show();
        m_document->setPrompt(QStringLiteral("boats rocking"));
        inspector.setFrame(3);
        QVERIFY(!inspector.ownPromptBox()->isChecked());
        QCOMPARE(inspector.promptEdit()->toPlainText(), QStringLiteral("boats rocking"));

        inspector.ownPromptBox()->click();
        QVERIFY(m_document->project().frame(3).hasPromptOverride());
        inspector.promptEdit()->setPlainText(QStringLiteral("a gull takes off"));
        QCOMPARE(m_document->project().effectivePrompt(3), QStringLiteral("a gull takes off"));
        QCOMPARE(m_document->project().effectivePrompt(2), QStringLiteral("boats rocking"));

        inspector.motionBox()->setValue(17);
        QCOMPARE(m_document->project().frame(3).motion(), 17);
        inspector.seedEdit()->setText(QStringLiteral("42"));
        Q_EMIT inspector.seedEdit()->editingFinished();
        QCOMPARE(m_document->project().frame(3).seed(), quint64(42));
        QCOMPARE(m_document->project().frame(2).seed(), m_document->project().sampler().seed);

        // Undo each, in reverse.
        QUndoStack* undo = m_document->undoStack();
        undo->undo();
        QCOMPARE(m_document->project().frame(3).seed(), m_document->project().sampler().seed);
        QCOMPARE(inspector.seedEdit()->text(), QString::number(m_document->project().sampler().seed));
        undo->undo();
        QCOMPARE(m_document->project().frame(3).motion(), 12);
        QCOMPARE(inspector.motionBox()->value(), 12);
        undo->undo();
        undo->undo();
        QVERIFY(!m_document->project().frame(3).hasPromptOverride());
        QVERIFY(!inspector.ownPromptBox()->isChecked());
    }

    void emptyTimelineAndNoSelection() {
        m_document->setFrameCount(0);
        QCOMPARE(m_document->frameCount(), 0);
        QVERIFY(m_timeline->strip()->selection().isEmpty());
        QVERIFY(!m_timeline->removeAction()->isEnabled());
        const QImage shot = m_timeline->strip()->grab().toImage();
        QVERIFY(!shot.isNull());
        // Adding with nothing selected appends.
        m_timeline->addFrameAction()->trigger();
        QCOMPARE(m_document->frameCount(), 1);
    }
};

QTEST_MAIN(TestTimeline)
#include "test_timeline.moc"
