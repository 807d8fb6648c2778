// Autosave and recovery: a live session's copy is private, a crashed or abandoned session's copy is
// recoverable, restore loads it, discard removes it.
#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

#include "project/autosave.h"

using sm::core::AutosaveSession;
using sm::core::FrameSpec;
using sm::core::Project;
using sm::core::RecoverableAutosave;

namespace {

Project sampleProject(const QString& prompt) {
    Project project;
    QImage source(24, 16, QImage::Format_RGB32);
    source.fill(QColor(200, 120, 40));
    project.setSourceImage(source);
    project.setPrompt(prompt);
    FrameSpec frame(5, 77);
    QImage generated(8, 8, QImage::Format_RGB32);
    generated.fill(Qt::darkCyan);
    frame.setImage(generated);
    project.setFrames({frame, FrameSpec(6, 78)});
    return project;
}

}  // namespace

class TestAutosave : public QObject {
    Q_OBJECT

private:
    QTemporaryDir* m_dir = nullptr;
    QString root() const { return m_dir->filePath(QStringLiteral("autosave")); }

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("StillmotionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_autosave"));
        QStandardPaths::setTestModeEnabled(true);
    }
    void init() {
        m_dir = new QTemporaryDir;
        QVERIFY(m_dir->isValid());
    }
    void cleanup() {
        delete m_dir;
        m_dir = nullptr;
    }

    void defaultRootIsInAppData() {
        const QString appData = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QCOMPARE(sm::core::defaultAutosaveRoot(), appData + QStringLiteral("/autosave"));
    }

    void liveSessionIsNotRecoverable() {
        AutosaveSession session(root());
        QVERIFY(!session.hasAutosave());
        QString error;
        QVERIFY2(session.write(sampleProject(QStringLiteral("first")), QStringLiteral("/work/walk.smproj"), &error),
                 qPrintable(error));
        QVERIFY(session.hasAutosave());
        // Another instance (or this one at startup) must not offer a document that is still open.
        QVERIFY(sm::core::findRecoverableAutosaves(root()).isEmpty());
    }

    void endedSessionIsRecoverableAndRestores() {
        const Project latest = sampleProject(QStringLiteral("second"));
        QString id;
        {
            AutosaveSession session(root());
            id = session.id();
            QVERIFY(
                session.write(sampleProject(QStringLiteral("first")), QStringLiteral("/work/walk.smproj"), nullptr));
            QVERIFY(session.write(latest, QStringLiteral("/work/walk.smproj"), nullptr));
        }  // ends without discard(): the copy stays
        const QList<RecoverableAutosave> found = sm::core::findRecoverableAutosaves(root());
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().id, id);
        QCOMPARE(found.first().originalPath, QStringLiteral("/work/walk.smproj"));
        QVERIFY(found.first().savedAt.isValid());
        QVERIFY(qAbs(found.first().savedAt.secsTo(QDateTime::currentDateTimeUtc())) < 3600);

        const sm::core::ProjectLoadResult restored = sm::core::restoreAutosave(found.first());
        QVERIFY2(restored.ok(), qPrintable(restored.error));
        QVERIFY(*restored.project == latest);  // the newest write wins

        QString error;
        QVERIFY2(sm::core::discardAutosave(found.first(), &error), qPrintable(error));
        QVERIFY(sm::core::findRecoverableAutosaves(root()).isEmpty());
        QVERIFY(!QFileInfo::exists(found.first().projectFolder));
    }

    void discardRemovesTheCopy() {
        AutosaveSession session(root());
        QVERIFY(session.write(sampleProject(QStringLiteral("x")), QString(), nullptr));
        session.discard();
        QVERIFY(!session.hasAutosave());
        QVERIFY(!QFileInfo::exists(session.projectFolder()));
    }

    void discardRefusesLiveSession() {
        AutosaveSession session(root());
        QVERIFY(session.write(sampleProject(QStringLiteral("x")), QString(), nullptr));
        RecoverableAutosave forged;
        forged.id = session.id();
        forged.projectFolder = session.projectFolder();
        QString error;
        QVERIFY(!sm::core::discardAutosave(forged, &error));
        QVERIFY2(error.contains(QStringLiteral("running Stillmotion window")), qPrintable(error));
        QVERIFY(session.hasAutosave());
    }

    // A real crash: a child process autosaves and dies without running any destructor, so its lock file stays
    // behind naming a dead process.
    void crashedProcessIsRecoverable() {
        const QString autosaveRoot = root();
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            auto* session = new AutosaveSession(autosaveRoot);  // leaked on purpose: no clean-up may run
            const bool ok = session->write(sampleProject(QStringLiteral("crashed")), QString(), nullptr);
            ::_exit(ok ? 0 : 1);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(QDir(autosaveRoot).entryList({QStringLiteral("*.lock")}, QDir::Files).size(), 1);

        const QList<RecoverableAutosave> found = sm::core::findRecoverableAutosaves(autosaveRoot);
        QCOMPARE(found.size(), 1);
        QVERIFY(found.first().originalPath.isEmpty());  // never saved by the user
        const sm::core::ProjectLoadResult restored = sm::core::restoreAutosave(found.first());
        QVERIFY2(restored.ok(), qPrintable(restored.error));
        QCOMPARE(restored.project->prompt(), QStringLiteral("crashed"));
    }

    void newestFirst() {
        QString olderId;
        QString newerId;
        {
            AutosaveSession older(root());
            olderId = older.id();
            QVERIFY(older.write(sampleProject(QStringLiteral("older")), QString(), nullptr));
        }
        QTest::qWait(20);  // distinct millisecond time stamps
        {
            AutosaveSession newer(root());
            newerId = newer.id();
            QVERIFY(newer.write(sampleProject(QStringLiteral("newer")), QString(), nullptr));
        }
        const QList<RecoverableAutosave> found = sm::core::findRecoverableAutosaves(root());
        QCOMPARE(found.size(), 2);
        QCOMPARE(found.at(0).id, newerId);
        QCOMPARE(found.at(1).id, olderId);
    }

    void missingRootIsEmpty() {
        QVERIFY(sm::core::findRecoverableAutosaves(m_dir->filePath(QStringLiteral("none"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAutosave)
#include "test_autosave.moc"
