// stillmotion-cli create-model: a random tiny Pix2Gif is written and loads; bad options and inputs give one-line
// errors and the documented exit codes.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

namespace {

struct Run {
    int exitCode = -1;
    QString err;
};

Run runCli(const QStringList& args) {
    QProcess process;
    process.start(QStringLiteral(STILLMOTION_CLI_PATH), QStringList{QStringLiteral("create-model")} + args);
    process.waitForFinished(300000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace

class TestCreateModelCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void createsARandomTinyModelThatLoadsAgain() {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("tiny.safetensors"));
        const Run run = runCli({QStringLiteral("--random"), QStringLiteral("tiny"), QStringLiteral("--output"), out});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(QFileInfo(out).size() > 1000000);
        QVERIFY2(run.err.contains(QStringLiteral("32×32")), qPrintable(run.err));
        // A Pix2Gif made from that file (it has a FlowNet, so it loads as a Pix2Gif, not as a new one).
        const QString again = dir.filePath(QStringLiteral("again.safetensors"));
        const Run copy = runCli({QStringLiteral("--from"), out, QStringLiteral("--output"), again});
        QVERIFY2(copy.exitCode == 0, qPrintable(copy.err));
        QVERIFY(QFileInfo::exists(again));
    }

    void refusesBadOptionsAndInputs() {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("x.safetensors"));
        Run run = runCli({QStringLiteral("--output"), out});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.startsWith(QStringLiteral("stillmotion-cli: give either")));
        run = runCli({QStringLiteral("--random"), QStringLiteral("huge"), QStringLiteral("--output"), out});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("unknown random model size")), qPrintable(run.err));
        run = runCli({QStringLiteral("--from"), dir.filePath(QStringLiteral("missing.ckpt")), QStringLiteral("--output"), out});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("not found")), qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestCreateModelCli)
#include "test_create_model_cli.moc"
