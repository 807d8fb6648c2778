// stillmotion-cli create-model: a random tiny Pix2Gif is written and loads; bad options and inputs give one-line
// errors and the documented exit codes.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
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

// The JSON header of a safetensors file (8-byte little-endian length, then the header).
QJsonObject safetensorsHeader(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray lengthBytes = file.read(8);
    if (lengthBytes.size() != 8)
        return {};
    quint64 length = 0;
    for (int i = 7; i >= 0; --i)
        length = (length << 8) | quint8(lengthBytes.at(i));
    return QJsonDocument::fromJson(file.read(qint64(length))).object();
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

    // The demo model's finishing step: the eval results (without per-item rows) go into the card; --half stores
    // float16 and roughly halves the file.
    void embedsEvaluationAndStoresHalfPrecision() {
        QTemporaryDir dir;
        const QString base = dir.filePath(QStringLiteral("base.safetensors"));
        QVERIFY(runCli({QStringLiteral("--random"), QStringLiteral("tiny"), QStringLiteral("--output"), base}).exitCode ==
                0);
        const QString results = dir.filePath(QStringLiteral("results.json"));
        {
            QFile file(results);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(R"({"summary": {"rmse": 2.5, "pearson": 0.93}, "items": [{"image": "a.png"}]})");
        }
        const QString out = dir.filePath(QStringLiteral("final.safetensors"));
        const Run run = runCli({QStringLiteral("--from"), base, QStringLiteral("--output"), out, QStringLiteral("--name"),
                                QStringLiteral("Final"), QStringLiteral("--evaluation"), results,
                                QStringLiteral("--half")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject header = safetensorsHeader(out);
        const QJsonObject metadata = header.value(QStringLiteral("__metadata__")).toObject();
        const QJsonObject card =
            QJsonDocument::fromJson(metadata.value(QStringLiteral("card")).toString().toUtf8()).object();
        QCOMPARE(card.value(QStringLiteral("name")).toString(), QStringLiteral("Final"));
        const QJsonObject evaluation = card.value(QStringLiteral("evaluation")).toObject();
        QCOMPARE(evaluation.value(QStringLiteral("summary")).toObject().value(QStringLiteral("pearson")).toDouble(), 0.93);
        QVERIFY(!evaluation.contains(QStringLiteral("items")));
        const QJsonObject unetWeight = header.value(QStringLiteral("model.diffusion_model.out.2.weight")).toObject();
        QCOMPARE(unetWeight.value(QStringLiteral("dtype")).toString(), QStringLiteral("F16"));
        QVERIFY(QFileInfo(out).size() < QFileInfo(base).size() * 6 / 10);

        const Run bad = runCli({QStringLiteral("--from"), base, QStringLiteral("--output"),
                                dir.filePath(QStringLiteral("x.safetensors")), QStringLiteral("--evaluation"),
                                dir.filePath(QStringLiteral("missing.json"))});
        QCOMPARE(bad.exitCode, 1);
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
