// The model catalog and the Model Manager: bundled demo models first, the Pix2Gif demo model is the default until
// the user chooses one, adding a weights file shows what was detected (architecture, resolution, parameters,
// precision), broken or missing weights say what to do, the default per family is what projects without weights
// resolve to, and with no model at all the studio says "No model found: add one in the Model Manager".
#include <QtTest>

#include <QComboBox>
#include <QLabel>
#include <QStatusBar>
#include <QTreeWidget>

#include "app_settings.h"
#include "generation_panel.h"
#include "main_window.h"
#include "model_catalog.h"
#include "model_manager.h"
#include "studio_test_support.h"

using sm::ui::ModelCatalog;
using sm::ui::ModelEntry;
using sm::ui::ModelManagerDialog;

class TestModelManager : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_bundled;
    std::shared_ptr<fake::Control> m_control = std::make_shared<fake::Control>();

    static bool waitInspected(ModelCatalog& catalog, int timeoutMs = 10000) {
        QElapsedTimer timer;
        timer.start();
        while (catalog.isInspecting() && timer.elapsed() < timeoutMs)
            QTest::qWait(5);
        QTest::qWait(1);
        return !catalog.isInspecting();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_bundled = studio::isolate(m_dir, QStringLiteral("test_model_manager"));
    }

    void init() { QSettings().clear(); }

    void bundledModelsComeFirst() {
        const QString mine = fake::makeWeights(m_dir.path(), QStringLiteral("aaa-my-pix2gif.ckpt"));
        sm::ui::setSettingValue(sm::ui::Setting::ModelPaths, QStringList{mine});
        ModelCatalog catalog(fake::factory(m_control));
        QCOMPARE(catalog.entries().size(), 3);
        QVERIFY(catalog.entries().at(0).bundled);
        QVERIFY(catalog.entries().at(1).bundled);
        QCOMPARE(catalog.entries().at(2).path, QFileInfo(mine).absoluteFilePath());
        QVERIFY(!catalog.entries().at(2).bundled);
        // Names tell the families apart before anything is loaded.
        QCOMPARE(catalog.entry(m_bundled)->kind(), sm::core::ModelKind::Pix2Gif);
        QCOMPARE(catalog.entries().at(0).kind(), sm::core::ModelKind::Cinemo);
        // No default chosen: the bundled demo of the family.
        QString error;
        QCOMPARE(catalog.resolve({sm::core::ModelKind::Pix2Gif, QString()}, &error), m_bundled);
    }

    void addingShowsWhatWasDetected() {
        ModelCatalog catalog(fake::factory(m_control));
        ModelManagerDialog dialog(&catalog);
        dialog.show();
        const QString path = fake::makeWeights(m_dir.path(), QStringLiteral("pix2gif-finetuned.safetensors"));
        QVERIFY(dialog.addPath(path));
        QVERIFY(waitInspected(catalog));
        const ModelEntry* entry = catalog.entry(path);
        QVERIFY(entry);
        QCOMPARE(entry->status, ModelEntry::Status::Ready);
        QCOMPARE(entry->info.architecture, sm::core::ModelKind::Pix2Gif);
        QCOMPARE(entry->info.resolution, QSize(256, 256));
        QCOMPARE(entry->info.parameters, qint64(1066000000));
        // The list row and the details say it.
        QCOMPARE(dialog.selectedPath(), path);
        const QTreeWidgetItem* row = dialog.list()->currentItem();
        QVERIFY(row);
        QCOMPARE(row->text(1), QStringLiteral("Pix2Gif"));
        QCOMPARE(row->text(2), QStringLiteral("256 \u00d7 256"));
        QVERIFY(row->text(3).contains(QStringLiteral("1.07")));
        QCOMPARE(row->text(4), QStringLiteral("float32"));
        QCOMPARE(row->text(5), QStringLiteral("ready"));
        QVERIFY(dialog.details()->text().contains(QStringLiteral("fake weights for tests")));
        // Persisted: a new catalog lists it.
        ModelCatalog again(fake::factory(m_control));
        QVERIFY(again.entry(path));
    }

    void brokenAndMissingWeightsSayWhatToDo() {
        ModelCatalog catalog(fake::factory(m_control));
        ModelManagerDialog dialog(&catalog);
        dialog.show();
        const QString broken = fake::makeWeights(m_dir.path(), QStringLiteral("broken-download.ckpt"));
        QVERIFY(dialog.addPath(broken));
        QVERIFY(waitInspected(catalog));
        QCOMPARE(catalog.entry(broken)->status, ModelEntry::Status::Broken);
        const QString details = dialog.details()->text();
        QVERIFY2(details.contains(QStringLiteral("truncated")) && details.contains(QStringLiteral("What to do")),
                 qPrintable(details));
        QCOMPARE(dialog.list()->currentItem()->text(5), QStringLiteral("cannot be used"));

        // Weights that disappear after being added.
        const QString gone = fake::makeWeights(m_dir.path(), QStringLiteral("moved-away.ckpt"));
        QVERIFY(dialog.addPath(gone));
        QVERIFY(waitInspected(catalog));
        QVERIFY(QFile::remove(gone));
        catalog.refresh();
        QCOMPARE(catalog.entry(gone)->status, ModelEntry::Status::Missing);
        dialog.selectPath(gone);
        QVERIFY(dialog.details()->text().contains(QStringLiteral("was not found")));
        // Adding a path that does not exist is refused with a message.
        QVERIFY(!dialog.addPath(m_dir.filePath(QStringLiteral("nowhere.ckpt"))));
        QVERIFY(dialog.details()->text().contains(QStringLiteral("does not exist")));
    }

    void defaultPerFamily() {
        ModelCatalog catalog(fake::factory(m_control));
        const QString mine = fake::makeWeights(m_dir.path(), QStringLiteral("my-pix2gif.ckpt"));
        QString error;
        QVERIFY(catalog.addPath(mine, &error));
        QVERIFY(waitInspected(catalog));
        catalog.setDefaultModel(mine);
        QCOMPARE(catalog.defaultModel(sm::core::ModelKind::Pix2Gif), QFileInfo(mine).absoluteFilePath());
        QCOMPARE(catalog.resolve({sm::core::ModelKind::Pix2Gif, QString()}, &error),
                 QFileInfo(mine).absoluteFilePath());
        // The other family is unaffected.
        QVERIFY(catalog.resolve({sm::core::ModelKind::Cinemo, QString()}, &error).contains(QStringLiteral("cinemo")));
        // A project naming weights by file name finds them.
        QCOMPARE(catalog.resolve({sm::core::ModelKind::Pix2Gif, QStringLiteral("my-pix2gif.ckpt")}, &error),
                 QFileInfo(mine).absoluteFilePath());
        // Unknown weights: a message that says where to add them.
        QVERIFY(catalog.resolve({sm::core::ModelKind::Pix2Gif, QStringLiteral("hub/unknown")}, &error).isEmpty());
        QVERIFY(error.contains(QStringLiteral("Model Manager")));
        // Removing the default clears it.
        catalog.removePath(mine);
        QVERIFY(catalog.defaultModel(sm::core::ModelKind::Pix2Gif).isEmpty());
    }

    // The bundled Pix2Gif demo model wins over other bundled Pix2Gif weights (even ones sorting before it) until
    // the user picks a default; only *.safetensors files of the bundled folder are listed (not the model card).
    void demoModelIsTheDefault() {
        const QString models = m_dir.filePath(QStringLiteral("demo-models"));
        QVERIFY(QDir().mkpath(models));
        const QString early = fake::makeWeights(models, QStringLiteral("aaa-pix2gif-other.safetensors"));
        const QString demo = fake::makeWeights(models, QLatin1String(ModelCatalog::kDemoModelFileName));
        fake::makeWeights(models, QStringLiteral("pix2gif-demo.md"));
        fake::makeWeights(models, QStringLiteral("old-format.ckpt"));
        qputenv("STILLMOTION_MODELS_DIR", models.toUtf8());
        ModelCatalog catalog(fake::factory(m_control));
        QCOMPARE(catalog.entries().size(), 2);
        QCOMPARE(catalog.entries().at(0).path, QFileInfo(early).absoluteFilePath());
        QCOMPARE(catalog.demoModel(), QFileInfo(demo).absoluteFilePath());
        QString error;
        QCOMPARE(catalog.resolve({sm::core::ModelKind::Pix2Gif, QString()}, &error),
                 QFileInfo(demo).absoluteFilePath());
        // The user's choice overrides it.
        catalog.setDefaultModel(early);
        QCOMPARE(catalog.resolve({sm::core::ModelKind::Pix2Gif, QString()}, &error),
                 QFileInfo(early).absoluteFilePath());
        // A broken demo model is skipped.
        sm::ui::resetSetting(sm::ui::Setting::DefaultPix2GifModel);
        catalog.setLoadError(demo, QStringLiteral("truncated file"));
        QVERIFY(catalog.demoModel().isEmpty());
        QCOMPARE(catalog.resolve({sm::core::ModelKind::Pix2Gif, QString()}, &error),
                 QFileInfo(early).absoluteFilePath());
        qputenv("STILLMOTION_MODELS_DIR", m_dir.filePath(QStringLiteral("models")).toUtf8());
    }

    void nothingInstalled() {
        qputenv("STILLMOTION_MODELS_DIR", m_dir.filePath(QStringLiteral("empty")).toUtf8());
        ModelCatalog catalog(fake::factory(m_control));
        QVERIFY(catalog.entries().isEmpty());  // the variable replaces the bundled folders, source tree included
        QString error;
        for (const auto kind : {sm::core::ModelKind::Pix2Gif, sm::core::ModelKind::Cinemo}) {
            QVERIFY(catalog.resolve({kind, QString()}, &error).isEmpty());
            QVERIFY2(error.startsWith(QStringLiteral("No model found: add one in the Model Manager")),
                     qPrintable(error));
        }
        QVERIFY2(error.contains(QStringLiteral("Cinemo")), qPrintable(error));
        ModelManagerDialog dialog(&catalog);
        QVERIFY(dialog.details()->text().contains(QStringLiteral("No weights yet")));

        // The studio says so at start-up and in the Generate panel's weights box.
        {
            sm::ui::MainWindow window(nullptr, fake::factory(m_control));
            QCOMPARE(window.statusBar()->currentMessage(), ModelCatalog::noModelMessage());
            QVERIFY(window.statusBar()->currentMessage().startsWith(
                QStringLiteral("No model found: add one in the Model Manager")));
            QCOMPARE(window.generationPanel()->weightsBox()->itemText(0),
                     QStringLiteral("No model found: add one in the Model Manager"));
        }
        qputenv("STILLMOTION_MODELS_DIR", m_dir.filePath(QStringLiteral("models")).toUtf8());
        // With the (fake) demo model bundled the studio starts normally.
        sm::ui::MainWindow window(nullptr, fake::factory(m_control));
        QVERIFY(window.statusBar()->currentMessage().startsWith(QStringLiteral("Open an image to start")));
        QVERIFY(window.generationPanel()->weightsBox()->itemText(0).contains(QStringLiteral("pix2gif-demo")));
    }
};

QTEST_MAIN(TestModelManager)
#include "test_model_manager.moc"
