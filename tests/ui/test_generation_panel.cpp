// Every control of the Generate panel edits the project, and undo puts the project back exactly; redo replays it.
// Each control has a tooltip. Consecutive changes of one control (typing, a slider drag) are one undo step.
#include <QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <QUndoStack>

#include "bridge/generation_backend.h"
#include "generation_panel.h"
#include "main_window.h"
#include "project_document.h"
#include "studio_test_support.h"

using sm::ui::GenerationPanel;
using sm::ui::MainWindow;
using sm::ui::ProjectDocument;

class TestGenerationPanel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_imagePath;
    QString m_weights;
    std::unique_ptr<MainWindow> m_window;
    GenerationPanel* m_panel = nullptr;
    ProjectDocument* m_document = nullptr;

    // Applies `edit`, checks `check` on the project, undoes and checks the project is back, then redoes.
    template <typename Edit, typename Check>
    void roundTrip(const char* what, Edit edit, Check check) {
        m_document->breakMerge();
        const ProjectDocument::State before = m_document->state();
        const int steps = m_document->undoStack()->count();
        edit();
        QVERIFY2(m_document->undoStack()->count() == steps + 1,
                 qPrintable(QStringLiteral("%1: %2 undo steps added")
                                .arg(QLatin1String(what))
                                .arg(m_document->undoStack()->count() - steps)));
        QVERIFY2(check(m_document->project()), what);
        const ProjectDocument::State after = m_document->state();
        m_document->undoStack()->undo();
        QVERIFY2(sameState(m_document->state(), before),
                 qPrintable(QStringLiteral("%1: undo").arg(QLatin1String(what))));
        m_document->undoStack()->redo();
        QVERIFY2(sameState(m_document->state(), after),
                 qPrintable(QStringLiteral("%1: redo").arg(QLatin1String(what))));
    }

    static bool sameState(const ProjectDocument::State& a, const ProjectDocument::State& b) {
        if (a.prompt != b.prompt || a.model != b.model || a.sampler != b.sampler || a.crop != b.crop ||
            a.uids != b.uids || a.frames.size() != b.frames.size())
            return false;
        for (int i = 0; i < a.frames.size(); ++i) {
            const sm::core::FrameSpec& x = a.frames.at(i);
            const sm::core::FrameSpec& y = b.frames.at(i);
            if (x.motion() != y.motion() || x.seed() != y.seed() || x.hasPromptOverride() != y.hasPromptOverride() ||
                x.promptOverride() != y.promptOverride())
                return false;
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_weights = studio::isolate(m_dir, QStringLiteral("test_generation_panel"));
        m_imagePath = m_dir.filePath(QStringLiteral("harbour.png"));
        QVERIFY(studio::landscape().save(m_imagePath));
    }

    void init() {
        m_window = std::make_unique<MainWindow>(nullptr, fake::factory(std::make_shared<fake::Control>()));
        m_window->resize(1440, 900);
        m_window->show();
        QVERIFY(m_window->openImageFile(m_imagePath));
        m_panel = m_window->generationPanel();
        m_document = m_window->document();
        m_document->setFrameCount(8);
    }

    void cleanup() { m_window.reset(); }

    void everyControlHasATooltip() {
        const QList<QWidget*> widgets = m_panel->findChildren<QWidget*>();
        int controls = 0;
        for (QWidget* w : widgets) {
            const bool control = qobject_cast<QAbstractButton*>(w) || qobject_cast<QComboBox*>(w) ||
                                 qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QSlider*>(w) ||
                                 qobject_cast<QLineEdit*>(w) || qobject_cast<QPlainTextEdit*>(w);
            // Line edits inside spin boxes and combo boxes belong to those.
            if (!control || qobject_cast<QAbstractSpinBox*>(w->parentWidget()) ||
                qobject_cast<QComboBox*>(w->parentWidget()))
                continue;
            ++controls;
            QVERIFY2(!w->toolTip().isEmpty(), qPrintable(w->metaObject()->className() + QStringLiteral(" ") +
                                                         w->objectName() + QStringLiteral(" without tooltip")));
        }
        QVERIFY(controls >= 20);
        QVERIFY(!m_panel->dctGroup()->toolTip().isEmpty());
    }

    void promptTypingIsOneUndoStep() {
        roundTrip(
            "prompt", [&] { QTest::keyClicks(m_panel->promptEdit(), QStringLiteral("waves")); },
            [](const sm::core::Project& p) { return p.prompt() == QLatin1String("waves"); });
        // After undo/redo the text box follows the document.
        QCOMPARE(m_panel->promptEdit()->toPlainText(), QStringLiteral("waves"));
        m_document->undoStack()->undo();
        QCOMPARE(m_panel->promptEdit()->toPlainText(), QString());
    }

    void samplerControls() {
        roundTrip(
            "preset fast",
            [&] {
                m_panel->presetBox()->setCurrentIndex(1);
                Q_EMIT m_panel->presetBox()->activated(1);
            },
            [](const sm::core::Project& p) {
                return p.sampler().sampler == QLatin1String("dpmpp_2m_karras") && p.sampler().steps == 20;
            });
        QCOMPARE(m_panel->presetBox()->currentIndex(), int(GenerationPanel::Preset::FastPreview));
        roundTrip(
            "preset faithful",
            [&] {
                m_panel->presetBox()->setCurrentIndex(0);
                Q_EMIT m_panel->presetBox()->activated(0);
            },
            [](const sm::core::Project& p) {
                return p.sampler().sampler == QLatin1String("euler_ancestral") && p.sampler().steps == 100;
            });
        roundTrip(
            "sampler", [&] { m_panel->samplerBox()->setCurrentIndex(1); },
            [](const sm::core::Project& p) { return p.sampler().sampler == QLatin1String("euler"); });
        roundTrip(
            "steps", [&] { m_panel->stepsBox()->setValue(37); },
            [](const sm::core::Project& p) { return p.sampler().steps == 37; });
        // Stepping the spin box up five times is one gesture.
        roundTrip(
            "steps stepped",
            [&] {
                for (int i = 0; i < 5; ++i)
                    m_panel->stepsBox()->stepUp();
            },
            [](const sm::core::Project& p) { return p.sampler().steps == 42; });
        QCOMPARE(m_panel->presetBox()->currentIndex(), int(GenerationPanel::Preset::Custom));
        roundTrip(
            "text guidance", [&] { m_panel->textScaleBox()->setValue(9.5); },
            [](const sm::core::Project& p) { return p.sampler().textGuidanceScale == 9.5; });
        roundTrip(
            "image guidance", [&] { m_panel->imageScaleBox()->setValue(2.25); },
            [](const sm::core::Project& p) { return p.sampler().imageGuidanceScale == 2.25; });
    }

    void motionSliderSetsEveryFrame() {
        QCOMPARE(m_document->project().frame(0).motion(), 2);  // the default ramp
        roundTrip(
            "motion slider drag",
            [&] {
                QSlider* slider = m_panel->motionSlider();
                slider->setSliderDown(true);
                for (int v = 5; v <= 9; ++v)
                    slider->setValue(v);
                slider->setSliderDown(false);
            },
            [](const sm::core::Project& p) {
                for (const sm::core::FrameSpec& f : p.frames()) {
                    if (f.motion() != 9)
                        return false;
                }
                return true;
            });
        // Pix2Gif: the Cinemo intensity is disabled, and the other way round.
        QVERIFY(!m_panel->intensitySlider()->isEnabled());
        QVERIFY(m_panel->motionSlider()->isEnabled());
    }

    void seedControls() {
        roundTrip(
            "seed",
            [&] {
                m_panel->seedEdit()->setText(QStringLiteral("18446744073709551615"));
                Q_EMIT m_panel->seedEdit()->editingFinished();
            },
            [](const sm::core::Project& p) {
                return p.sampler().seed == 18446744073709551615ull && p.frame(5).seed() == 18446744073709551615ull;
            });
        roundTrip(
            "lock", [&] { m_panel->seedLockButton()->click(); },
            [](const sm::core::Project& p) { return !p.sampler().seedLocked; });
        const quint64 before = m_document->project().sampler().seed;
        roundTrip(
            "randomise", [&] { m_panel->randomiseButton()->click(); },
            [before](const sm::core::Project& p) {
                return p.sampler().seed != before && p.frame(0).seed() == p.sampler().seed;
            });
        // A seed that does not fit 64 bits snaps back and changes nothing.
        const int steps = m_document->undoStack()->count();
        m_panel->seedEdit()->setText(QStringLiteral("99999999999999999999"));
        Q_EMIT m_panel->seedEdit()->editingFinished();
        QCOMPARE(m_document->undoStack()->count(), steps);
        QCOMPARE(m_panel->seedEdit()->text(), QString::number(m_document->project().sampler().seed));
    }

    void framesAndTiming() {
        roundTrip(
            "frame count up", [&] { m_panel->frameCountBox()->setValue(10); },
            [](const sm::core::Project& p) { return p.frameCount() == 10 && p.frame(9).motion() == 19; });
        roundTrip(
            "frame count down", [&] { m_panel->frameCountBox()->setValue(3); },
            [](const sm::core::Project& p) { return p.frameCount() == 3; });
        roundTrip(
            "fps", [&] { m_panel->fpsBox()->setValue(12.5); },
            [](const sm::core::Project& p) { return p.sampler().fps == 12.5; });
        roundTrip(
            "noise per frame", [&] { m_panel->noisePerFrameBox()->click(); },
            [](const sm::core::Project& p) { return p.sampler().noisePerFrame; });
    }

    void modelControls() {
        // The weights box lists the bundled Pix2Gif demo (not the Cinemo one).
        QComboBox* weights = m_panel->weightsBox();
        const int demo = weights->findData(m_weights);
        QVERIFY(demo > 0);
        for (int i = 0; i < weights->count(); ++i)
            QVERIFY(!weights->itemText(i).contains(QStringLiteral("cinemo")));
        roundTrip(
            "weights", [&] { weights->setCurrentIndex(demo); },
            [this](const sm::core::Project& p) { return p.model().weightsId == m_weights; });

        // The family box asks the window, which changes the model and the crop in one step.
        roundTrip(
            "family", [&] { m_panel->kindBox()->setCurrentIndex(1); },
            [](const sm::core::Project& p) {
                return p.model().kind == sm::core::ModelKind::Cinemo && p.crop() == QRect(0, 40, 640, 400);
            });
    }

    void cinemoControls() {
        QVERIFY(!m_panel->dctGroup()->isEnabled());  // Pix2Gif
        auto* samplers = qobject_cast<QStandardItemModel*>(m_panel->samplerBox()->model());
        QVERIFY(!samplers->item(3)->isEnabled());  // DDIM is Cinemo's
        m_panel->kindBox()->setCurrentIndex(1);
        QVERIFY(samplers->item(3)->isEnabled());
        QVERIFY(m_panel->dctGroup()->isEnabled());
        QVERIFY(m_panel->intensitySlider()->isEnabled());
        QVERIFY(!m_panel->motionSlider()->isEnabled());
        QVERIFY(!m_panel->imageScaleBox()->isEnabled());
        roundTrip(
            "sampler ddim", [&] { m_panel->samplerBox()->setCurrentIndex(3); },
            [](const sm::core::Project& p) { return p.sampler().sampler == QLatin1String("ddim"); });
        roundTrip(
            "intensity", [&] { m_panel->intensitySlider()->setValue(17); },
            [](const sm::core::Project& p) { return p.sampler().motionIntensity == 17; });
        roundTrip(
            "dct off", [&] { m_panel->dctGroup()->setChecked(false); },
            [](const sm::core::Project& p) { return !p.sampler().dctInit; });
        roundTrip(
            "dct p", [&] { m_panel->dctPBox()->setValue(0.4); },
            [](const sm::core::Project& p) { return qFuzzyCompare(p.sampler().dctInitP, 0.4); });
        roundTrip(
            "dct tau", [&] { m_panel->dctTauBox()->setValue(950); },
            [](const sm::core::Project& p) { return p.sampler().dctInitTau == 950; });
    }

    void undoingEverythingRestoresTheProject() {
        const sm::core::Project original = m_document->project();
        const int base = m_document->undoStack()->index();
        m_panel->promptEdit()->setPlainText(QStringLiteral("a flag waves"));
        m_document->breakMerge();
        m_panel->stepsBox()->setValue(12);
        m_document->breakMerge();
        m_panel->motionSlider()->setValue(14);
        m_document->breakMerge();
        m_panel->frameCountBox()->setValue(5);
        m_document->breakMerge();
        m_panel->kindBox()->setCurrentIndex(1);
        m_document->breakMerge();
        m_panel->intensitySlider()->setValue(3);
        const sm::core::Project edited = m_document->project();
        QVERIFY(edited != original);
        while (m_document->undoStack()->index() > base)
            m_document->undoStack()->undo();
        QVERIFY(m_document->project() == original);
        while (m_document->undoStack()->canRedo())
            m_document->undoStack()->redo();
        QVERIFY(m_document->project() == edited);
        // The controls follow.
        QCOMPARE(m_panel->promptEdit()->toPlainText(), QStringLiteral("a flag waves"));
        QCOMPARE(m_panel->stepsBox()->value(), 12);
        QCOMPARE(m_panel->frameCountBox()->value(), 5);
        QCOMPARE(m_panel->intensitySlider()->value(), 3);
    }
};

QTEST_MAIN(TestGenerationPanel)
#include "test_generation_panel.moc"
