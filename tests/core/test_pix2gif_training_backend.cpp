// The studio's real trainer (Pix2GifTrainingBackend) on a tiny random-weight Pix2Gif and a 6-frame GIF clip the
// test encodes: metrics arrive, pause stops them and resume brings them back, samples arrive, stop writes a
// checkpoint and ends Finished; a missing or unreadable base model is refused at start() with a message, and a
// corrupt checkpoint fails on the worker with a readable message.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "bridge/pix2gif_training_backend.h"
#include "export/gif_encoder.h"
#include "pix2gif/pix2gif_model.h"

using namespace sm::core;

namespace {

/// Re-emits the backend's signals on the test thread: the backend emits from its worker, and QSignalSpy's lists
/// must only be touched by one thread.
class Relay : public QObject {
    Q_OBJECT
public:
    explicit Relay(TrainingBackend* backend) {
        connect(backend, &TrainingBackend::metricsReady, this, &Relay::metricsReady, Qt::QueuedConnection);
        connect(backend, &TrainingBackend::sampleReady, this, &Relay::sampleReady, Qt::QueuedConnection);
        connect(backend, &TrainingBackend::checkpointSaved, this, &Relay::checkpointSaved, Qt::QueuedConnection);
        connect(backend, &TrainingBackend::failed, this, &Relay::failed, Qt::QueuedConnection);
    }
Q_SIGNALS:
    void metricsReady(const sm::core::TrainingMetrics& metrics);
    void sampleReady(int step, const QImage& frame);
    void checkpointSaved(int step, const QString& path);
    void failed(const QString& message);
};

}  // namespace

class TestPix2GifTrainingBackend : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_clip;

    TrainingSettings settings(const QString& output) const {
        TrainingSettings s;
        s.baseModelPath = m_model;
        s.outputFolder = m_dir.filePath(output);
        s.maxSteps = 100000;  // ended by stop()
        s.batchSize = 1;
        s.gradientAccumulation = 1;
        s.warmupSteps = 0;
        s.checkpointEvery = 100000;
        s.sampleEvery = 2;
        s.sampleSteps = 1;
        s.perceptualWeight = 0.0;  // faster; the loss itself is the CLI test's subject
        s.threads = 1;
        return s;
    }

    QVector<TrainingPair> pairs() const {
        TrainingPair a;
        a.clipPath = m_clip;
        a.frameA = 0;
        a.frameB = 3;
        a.motion = 6;
        a.caption = QStringLiteral("a red square moves right");
        TrainingPair b = a;
        b.frameA = 1;
        b.frameB = 5;
        b.motion = 8;
        b.caption.clear();  // falls back to the clip's file name
        return {a, b};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qRegisterMetaType<sm::core::TrainingMetrics>();
        qRegisterMetaType<sm::core::TrainingState>();
        const auto tokenizer = sm::text::ClipTokenizer::fromOpenAiVocab(STILLMOTION_SOURCE_DIR
                                                                        "/resources/clip/bpe_simple_vocab_16e6.txt.gz");
        m_model = m_dir.filePath(QStringLiteral("tiny.safetensors"));
        sm::pix2gif::savePix2GifModel(sm::pix2gif::randomPix2GifModel(sm::pix2gif::Pix2GifConfig::tiny(), tokenizer, 3),
                                      m_model.toStdString());

        QVector<QImage> frames;
        for (int i = 0; i < 6; ++i) {
            QImage frame(48, 48, QImage::Format_RGB888);
            frame.fill(QColor(30, 60, 160));
            QPainter painter(&frame);
            painter.fillRect(QRect(4 + 3 * i, 16, 14, 14), Qt::red);
            painter.end();
            frames.append(frame);
        }
        QByteArray gif;
        QString error;
        QVERIFY2(encodeGifToBytes(frames, QVector<int>(frames.size(), 10), {}, &gif, &error), qPrintable(error));
        m_clip = m_dir.filePath(QStringLiteral("red_square_moving.gif"));
        QFile file(m_clip);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(gif);
    }

    void trainsPausesResumesAndStops() {
        Pix2GifTrainingBackend backend;
        Relay relay(&backend);
        QSignalSpy metrics(&relay, &Relay::metricsReady);
        QSignalSpy samples(&relay, &Relay::sampleReady);
        QSignalSpy checkpoints(&relay, &Relay::checkpointSaved);
        QSignalSpy failed(&relay, &Relay::failed);
        QString error;
        const TrainingSettings s = settings(QStringLiteral("run"));
        QVERIFY2(backend.start(s, pairs(), &error), qPrintable(error));
        QCOMPARE(backend.state(), TrainingState::Running);

        QTRY_VERIFY2_WITH_TIMEOUT(metrics.size() >= 2 || !failed.isEmpty(), "no metrics", 60000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
        const auto first = metrics.first().first().value<TrainingMetrics>();
        QCOMPARE(first.maxSteps, 100000);
        QVERIFY(first.loss > 0.0);
        QCOMPARE(first.learningRate, 1e-4);  // no warm-up: the base rate from the first step on
        QTRY_VERIFY_WITH_TIMEOUT(!samples.isEmpty(), 60000);
        QCOMPARE(samples.first().at(1).value<QImage>().size(), QSize(4 * 32, 32));  // source + 3 motions

        backend.pause();
        QTRY_COMPARE_WITH_TIMEOUT(backend.state(), TrainingState::Paused, 60000);
        QCoreApplication::processEvents();  // metrics queued before the pause took effect
        const qsizetype whilePaused = metrics.size();
        QTest::qWait(1500);
        QCOMPARE(metrics.size(), whilePaused);

        backend.resume();
        QTRY_VERIFY_WITH_TIMEOUT(metrics.size() > whilePaused, 60000);
        QCOMPARE(backend.state(), TrainingState::Running);

        backend.stop();
        QTRY_COMPARE_WITH_TIMEOUT(backend.state(), TrainingState::Finished, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!checkpoints.isEmpty(), 5000);
        const QString checkpoint = checkpoints.last().at(1).toString();
        QVERIFY2(QFileInfo::exists(checkpoint), qPrintable(checkpoint));
        QCOMPARE(checkpoints.last().at(0).toInt(), metrics.last().first().value<TrainingMetrics>().step);
        QVERIFY(failed.isEmpty());

        // The curated pairs became a pair dataset in the output folder: frames at the model's 32 px.
        QFile json(QDir(s.outputFolder).filePath(QStringLiteral("dataset/pairs.json")));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonArray train =
            QJsonDocument::fromJson(json.readAll()).object().value(QStringLiteral("train")).toArray();
        QCOMPARE(train.size(), 2);
        QCOMPARE(train.at(1).toArray().at(2).toString(), QStringLiteral("red square moving"));
        QCOMPARE(train.at(1).toArray().at(3).toInt(), 8);
        const QImage frame(
            QDir(s.outputFolder).filePath(QStringLiteral("dataset/") + train.at(0).toArray().at(1).toString()));
        QCOMPARE(frame.size(), QSize(32, 32));
    }

    void refusesToStartWithoutAUsableModel() {
        Pix2GifTrainingBackend backend;
        QString error;
        TrainingSettings s = settings(QStringLiteral("refused"));
        s.baseModelPath = m_dir.filePath(QStringLiteral("missing.safetensors"));
        QVERIFY(!backend.start(s, pairs(), &error));
        QVERIFY2(error.contains(QLatin1String("not found")), qPrintable(error));

        s.baseModelPath.clear();
        QVERIFY(!backend.start(s, pairs(), &error));
        QVERIFY2(error.contains(QLatin1String("no base model")), qPrintable(error));

        const QString garbage = m_dir.filePath(QStringLiteral("garbage.safetensors"));
        QFile file(garbage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a model");
        file.close();
        s.baseModelPath = garbage;
        QVERIFY(!backend.start(s, pairs(), &error));
        QVERIFY2(error.contains(QLatin1String("cannot read the base model")), qPrintable(error));

        s.baseModelPath = m_model;
        QVERIFY(!backend.start(s, {}, &error));
        QVERIFY2(error.contains(QLatin1String("no training pairs")), qPrintable(error));
        QCOMPARE(backend.state(), TrainingState::Idle);
    }

    void unreadableWeightsFailOnTheWorker() {
        // A .ckpt is only read on the worker: the failure arrives as failed() with the file named.
        const QString corrupt = m_dir.filePath(QStringLiteral("corrupt.ckpt"));
        QFile file(corrupt);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("PK not really a zip");
        file.close();
        Pix2GifTrainingBackend backend;
        Relay relay(&backend);
        QSignalSpy failed(&relay, &Relay::failed);
        TrainingSettings s = settings(QStringLiteral("corrupt"));
        s.baseModelPath = corrupt;
        QString error;
        QVERIFY2(backend.start(s, pairs(), &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(backend.state(), TrainingState::Failed, 60000);
        QTRY_VERIFY(!failed.isEmpty());
        QVERIFY2(failed.first().first().toString().contains(QLatin1String("corrupt.ckpt")),
                 qPrintable(failed.first().first().toString()));
    }
};

QTEST_GUILESS_MAIN(TestPix2GifTrainingBackend)
#include "test_pix2gif_training_backend.moc"
