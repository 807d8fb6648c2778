// `stillmotion-cli train` and `train-vae` run in-process (their sources compiled in) on a tiny random-weight
// Pix2Gif (32×32 images) and a 4-pair dataset the test draws itself: the run folder's files, the data order saved
// with a checkpoint, a resumed run that reproduces the uninterrupted run's losses exactly, the final model, and
// the VAE run's new weights and scale factor. Plus the batch helpers (permutation, image ↔ tensor).
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include "bridge/training_data.h"
#include "bridge/training_run.h"
#include "cli/train_command.h"
#include "cli/train_vae_command.h"
#include "pix2gif/pix2gif_model.h"

using namespace sm::core;

namespace {

sm::text::ClipTokenizer testTokenizer() {
    return sm::text::ClipTokenizer::fromOpenAiVocab(STILLMOTION_SOURCE_DIR
                                                    "/resources/clip/bpe_simple_vocab_16e6.txt.gz");
}

/// A square moved by `shift` pixels to the right on a gradient: frame pairs with a real motion.
QImage drawFrame(int side, int shift, QColor color) {
    QImage image(side, side, QImage::Format_RGB888);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            image.setPixel(x, y, qRgb(4 * x, 4 * y, 90));
    QPainter painter(&image);
    painter.fillRect(QRect(6 + shift, 10, 12, 12), color);
    return image;
}

/// (micro_step → loss text) of a metrics.csv.
QStringList readLines(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QMap<qint64, QString> lossesByMicroStep(const QString& path) {
    QMap<qint64, QString> losses;
    const QStringList lines = readLines(path);
    for (int i = 1; i < lines.size(); ++i)
        losses.insert(lines.at(i).section(QLatin1Char(','), 1, 1).toLongLong(),
                      lines.at(i).section(QLatin1Char(','), 2, 2));
    return losses;
}

QJsonObject readJson(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

int run(int (*command)(const QStringList&, QTextStream&), const QStringList& args, QString* log) {
    QTextStream err(log);
    return command(args, err);
}

}  // namespace

class TestTrainCommand : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_data;

    QStringList trainArgs(const QString& output) const {
        return {QStringLiteral("--data"),
                m_data,
                QStringLiteral("--model"),
                m_model,
                QStringLiteral("--output"),
                output,
                QStringLiteral("--steps"),
                QStringLiteral("6"),
                QStringLiteral("--batch"),
                QStringLiteral("2"),
                QStringLiteral("--accumulate"),
                QStringLiteral("2"),
                QStringLiteral("--warmup"),
                QStringLiteral("2"),
                QStringLiteral("--lr"),
                QStringLiteral("1e-3"),
                QStringLiteral("--checkpoint-every"),
                QStringLiteral("3"),
                QStringLiteral("--sample-every"),
                QStringLiteral("3"),
                QStringLiteral("--sample-steps"),
                QStringLiteral("2"),
                QStringLiteral("--seed"),
                QStringLiteral("5"),
                QStringLiteral("--threads"),
                QStringLiteral("1")};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        sm::pix2gif::Pix2GifModel model =
            sm::pix2gif::randomPix2GifModel(sm::pix2gif::Pix2GifConfig::tiny(), testTokenizer(), 11);
        m_model = m_dir.filePath(QStringLiteral("tiny.safetensors"));
        sm::pix2gif::savePix2GifModel(model, m_model.toStdString());

        // 3 train pairs and 1 val pair; frames stored at 40 px so that loading resizes them to the model's 32.
        m_data = m_dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(m_data + QStringLiteral("/frames")));
        const QVector<QColor> colors{Qt::red, Qt::green, Qt::blue, Qt::yellow};
        QStringList rows;
        for (int i = 0; i < 4; ++i) {
            const QString a = QStringLiteral("frames/%1_a.png").arg(i);
            const QString b = QStringLiteral("frames/%1_b.png").arg(i);
            QVERIFY(drawFrame(40, 0, colors[i]).save(QDir(m_data).filePath(a)));
            QVERIFY(drawFrame(40, 3 + i, colors[i]).save(QDir(m_data).filePath(b)));
            rows.append(QStringLiteral("[\"%1\", \"%2\", \"a square moves right\", %3]").arg(a, b).arg(3 + i));
        }
        QFile json(QDir(m_data).filePath(QStringLiteral("pairs.json")));
        QVERIFY(json.open(QIODevice::WriteOnly));
        json.write(QStringLiteral("{\"train\": [%1], \"val\": [%2]}")
                       .arg(rows.mid(0, 3).join(QStringLiteral(", ")), rows.at(3))
                       .toUtf8());
    }

    void permutationIsSeededAndComplete() {
        const QVector<int> a = epochPermutation(5, 0, 10);
        QCOMPARE(a, epochPermutation(5, 0, 10));
        QVERIFY(a != epochPermutation(5, 1, 10));
        QVector<int> sorted = a;
        std::sort(sorted.begin(), sorted.end());
        for (int i = 0; i < 10; ++i)
            QCOMPARE(sorted[i], i);
    }

    void imagesBecomeSignedTensors() {
        QImage image(2, 1, QImage::Format_RGB888);
        image.setPixel(0, 0, qRgb(0, 255, 51));
        image.setPixel(1, 0, qRgb(255, 0, 204));
        const torch::Tensor tensor = imageToTensor(image);
        QCOMPARE(tensor.sizes().vec(), (std::vector<int64_t>{3, 1, 2}));
        QCOMPARE(tensor[0][0][0].item<float>(), -1.0f);
        QCOMPARE(tensor[1][0][0].item<float>(), 1.0f);
        QVERIFY(std::abs(tensor[2][0][1].item<float>() - (204 / 127.5f - 1.0f)) < 1e-6f);
        // Back to pixels: truncation like pix2gif::decodeToUint8, so float rounding may cost one level.
        const QImage back = tensorToImage(tensor);
        QCOMPARE(back.size(), image.size());
        QCOMPARE(back.pixel(0, 0) & 0xffffff00u, image.pixel(0, 0) & 0xffffff00u);  // 0 and 255 exact
        QVERIFY(std::abs(qBlue(back.pixel(0, 0)) - 51) <= 1);
        QVERIFY(std::abs(qBlue(back.pixel(1, 0)) - 204) <= 1);
        QCOMPARE(qRed(back.pixel(1, 0)), 255);
    }

    void batchesFollowTheSavedPosition() {
        PairBatchSource source;
        QString error;
        QVERIFY2(source.open(m_data, 32, 9, true, &error), qPrintable(error));
        sm::training::Pix2GifBatch first, second;
        QVERIFY(source.next(2, &first, &error));
        const DataPosition saved = source.position();
        QCOMPARE(saved.index, qint64(2));
        QVERIFY(source.next(2, &second, &error));  // crosses into epoch 1
        QCOMPARE(source.position().epoch, qint64(1));
        QCOMPARE(source.position().index, qint64(1));
        QCOMPARE(second.source.sizes().vec(), (std::vector<int64_t>{2, 3, 32, 32}));

        PairBatchSource again;
        QVERIFY(again.open(m_data, 32, 0, false, &error));
        again.setPosition(DataPosition::fromJson(saved.toJson()));
        sm::training::Pix2GifBatch replay;
        QVERIFY(again.next(2, &replay, &error));
        QVERIFY(torch::equal(replay.source, second.source));
        QVERIFY(torch::equal(replay.target, second.target));
        QCOMPARE(replay.motions, second.motions);
    }

    void trainsChecksAndResumesExactly() {
        const QString runDir = m_dir.filePath(QStringLiteral("run"));
        QString log;
        QCOMPARE(run(sm::cli::runTrainCommand, trainArgs(runDir), &log), 0);
        QVERIFY2(log.contains(QLatin1String("trained 6 steps")), qPrintable(log));
        // The base is random: its posterior σ is about as large as its latents, and the log says what that does.
        QVERIFY2(log.contains(QStringLiteral("the VAE's posterior σ")) &&
                     log.contains(QLatin1String("--posterior-noise 0")),
                 qPrintable(log));
        for (const char* name : {"checkpoints/step-000003.safetensors", "checkpoints/step-000006.safetensors",
                                 "checkpoints/last.safetensors", "checkpoints/step-000003.safetensors.run.json",
                                 "model.safetensors", "samples/step-000003.png", "samples/step-000006.png"})
            QVERIFY2(QFileInfo::exists(QDir(runDir).filePath(QString::fromLatin1(name))), name);
        // The strip: source + 3 motions at 32 px.
        const QImage strip(QDir(runDir).filePath(QStringLiteral("samples/step-000003.png")));
        QCOMPARE(strip.size(), QSize(4 * 32, 32));

        // 3 steps × 2 micro-batches × 2 pairs = 12 draws over 3 train pairs: epochs 0..3 used up.
        const QJsonObject state = readJson(checkpointPath(runDir, 3) + QStringLiteral(".run.json"));
        QCOMPARE(state.value(QStringLiteral("step")).toInt(), 3);
        QCOMPARE(state.value(QStringLiteral("micro_step")).toInt(), 6);
        const DataPosition position = DataPosition::fromJson(state.value(QStringLiteral("data")).toObject());
        QCOMPARE(position.seed, quint64(5));
        QCOMPARE(position.epoch, qint64(3));
        QCOMPARE(position.index, qint64(3));

        const QMap<qint64, QString> uninterrupted =
            lossesByMicroStep(QDir(runDir).filePath(QStringLiteral("metrics.csv")));
        QCOMPARE(uninterrupted.size(), 12);

        // Resume the same run folder from step 3: rows 7..12 are dropped and written again, identically.
        QStringList resumeArgs = trainArgs(runDir);
        resumeArgs << QStringLiteral("--resume") << checkpointPath(runDir, 3);
        log.clear();
        QCOMPARE(run(sm::cli::runTrainCommand, resumeArgs, &log), 0);
        const QMap<qint64, QString> resumed = lossesByMicroStep(QDir(runDir).filePath(QStringLiteral("metrics.csv")));
        QCOMPARE(resumed.size(), 12);
        for (qint64 micro = 7; micro <= 12; ++micro)
            QCOMPARE(resumed.value(micro), uninterrupted.value(micro));
        QVERIFY(!uninterrupted.value(7).isEmpty());

        // The final model loads as a Pix2Gif with its card, and its weights moved away from the base.
        const auto tokenizer = testTokenizer();
        const sm::pix2gif::Pix2GifModel trained = sm::pix2gif::loadPix2GifModel(
            QDir(runDir).filePath(QStringLiteral("model.safetensors")).toStdString(), tokenizer);
        const sm::pix2gif::Pix2GifModel base = sm::pix2gif::loadPix2GifModel(m_model.toStdString(), tokenizer);
        QCOMPARE(trained->card().training.value("steps", 0), 6);
        QVERIFY(trained->card().training.contains("hardware"));
        QCOMPARE(trained->card().training["data"].value("train_pairs", 0), 3);
        QVERIFY(!torch::equal(trained->unet->parameters().front(), base->unet->parameters().front()));
    }

    void trainVaeChangesTheVaeAndScale() {
        const QString runDir = m_dir.filePath(QStringLiteral("vae"));
        QString log;
        const int code =
            run(sm::cli::runTrainVaeCommand,
                {QStringLiteral("--data"), m_data, QStringLiteral("--model"), m_model, QStringLiteral("--output"),
                 runDir, QStringLiteral("--steps"), QStringLiteral("3"), QStringLiteral("--batch"), QStringLiteral("2"),
                 QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--posterior-noise"),
                 QStringLiteral("0"), QStringLiteral("--final-lr-factor"), QStringLiteral("0.5")},
                &log);
        QVERIFY2(code == 0, qPrintable(log));
        QVERIFY(QFileInfo::exists(checkpointPath(runDir, 3)));
        // The lr column holds the next step's lr: after the first step 1e-3 · (0.5 + 0.5 · 2/3), after the last
        // one the decay's end, 0.5 · 1e-3.
        const QStringList metricRows = readLines(QDir(runDir).filePath(QStringLiteral("metrics.csv")));
        QCOMPARE(metricRows.size(), 4);
        QVERIFY(std::abs(metricRows.at(1).split(QLatin1Char(',')).at(6).toDouble() - 1e-3 * (0.5 + 0.5 * 2.0 / 3.0)) <
                1e-9);
        QVERIFY(std::abs(metricRows.last().split(QLatin1Char(',')).at(6).toDouble() - 0.5e-3) < 1e-9);
        // The reconstruction check: a PSNR in the log and the card, and the strip of frames over reconstructions.
        QVERIFY2(log.contains(QLatin1String("reconstruction PSNR")), qPrintable(log));
        const QImage strip(QDir(runDir).filePath(QStringLiteral("samples/reconstruction.png")));
        QVERIFY(!strip.isNull());
        QCOMPARE(lossesByMicroStep(QDir(runDir).filePath(QStringLiteral("metrics.csv"))).size(), 3);
        const auto tokenizer = testTokenizer();
        const sm::pix2gif::Pix2GifModel trained = sm::pix2gif::loadPix2GifModel(
            QDir(runDir).filePath(QStringLiteral("model.safetensors")).toStdString(), tokenizer);
        const sm::pix2gif::Pix2GifModel base = sm::pix2gif::loadPix2GifModel(m_model.toStdString(), tokenizer);
        QVERIFY(trained->config().scaleFactor != base->config().scaleFactor);
        QVERIFY(trained->config().scaleFactor > 0.0);
        QCOMPARE(trained->card().training["vae"].value("scale_factor", 0.0), trained->config().scaleFactor);
        const double psnr = trained->card().training["vae"].value("reconstruction_psnr_db", 0.0);
        QVERIFY2(psnr > 0.0 && psnr <= 100.0, qPrintable(QString::number(psnr)));
        QCOMPARE(trained->card().training["vae"]["options"].value("posterior_noise", -1.0), 0.0);
        QVERIFY(!torch::equal(trained->vae->parameters().front(), base->vae->parameters().front()));
        // Trained on its means (--posterior-noise 0): the saved posterior is a point mass there, so `train`, which
        // samples it, sees the latents the decoder was trained on. The base's random σ is near 1.
        {
            torch::NoGradGuard noGrad;
            const torch::Tensor image = torch::rand({1, 3, 32, 32}) * 2.0 - 1.0;
            sm::vae::AutoencoderKL trainedVae = trained->vae, baseVae = base->vae;
            const auto posterior = trainedVae->encodeDistribution(image);
            QVERIFY2(posterior.std().max().item<double>() < 1e-4,
                     qPrintable(QString::number(posterior.std().max().item<double>())));
            QVERIFY(baseVae->encodeDistribution(image).std().mean().item<double>() > 0.1);
            QVERIFY(torch::allclose(posterior.sample(torch::randn(posterior.mean().sizes())), posterior.mean(), 0.0,
                                    1e-3));
        }
        QCOMPARE(trained->card().training["vae"].value("posterior", std::string()),
                 std::string("point mass at the mean (log-variance pinned to -20)"));
        // Everything but the VAE is the base's.
        QVERIFY(torch::equal(trained->unet->parameters().front(), base->unet->parameters().front()));
    }

    void badInputSaysWhatToDo() {
        QString log;
        // --help lists the shared and the command's own options with their defaults, and succeeds.
        QCOMPARE(run(sm::cli::runTrainCommand, {QStringLiteral("--help")}, &log), 0);
        QVERIFY2(log.contains(QLatin1String("--final-lr-factor")) && log.contains(QLatin1String("--snr-gamma")) &&
                     log.contains(QLatin1String("(default 25000)")),
                 qPrintable(log));
        log.clear();
        QCOMPARE(run(sm::cli::runTrainVaeCommand, {QStringLiteral("--help")}, &log), 0);
        QVERIFY2(log.contains(QLatin1String("--posterior-noise")) && log.contains(QLatin1String("(default 2000)")),
                 qPrintable(log));
        log.clear();
        QCOMPARE(run(sm::cli::runTrainCommand,
                     {QStringLiteral("--data"), m_data, QStringLiteral("--model"), m_model, QStringLiteral("--output"),
                      m_dir.filePath(QStringLiteral("bad-lr")), QStringLiteral("--final-lr-factor"),
                      QStringLiteral("2")},
                     &log),
                 2);
        QVERIFY(log.contains(QLatin1String("--final-lr-factor")));
        log.clear();
        QCOMPARE(run(sm::cli::runTrainCommand, {QStringLiteral("--model"), m_model}, &log), 2);
        QVERIFY(log.contains(QLatin1String("usage")));
        log.clear();
        QCOMPARE(run(sm::cli::runTrainCommand,
                     {QStringLiteral("--data"), m_data, QStringLiteral("--model"),
                      m_dir.filePath(QStringLiteral("missing.safetensors")), QStringLiteral("--output"),
                      m_dir.filePath(QStringLiteral("bad"))},
                     &log),
                 1);
        QVERIFY2(log.contains(QLatin1String("base model not found")), qPrintable(log));
        log.clear();
        QCOMPARE(run(sm::cli::runTrainCommand,
                     {QStringLiteral("--data"), m_dir.filePath(QStringLiteral("nothing")), QStringLiteral("--model"),
                      m_model, QStringLiteral("--output"), m_dir.filePath(QStringLiteral("bad"))},
                     &log),
                 1);
        QVERIFY2(log.contains(QLatin1String("no pair dataset")), qPrintable(log));
    }
};

QTEST_GUILESS_MAIN(TestTrainCommand)
#include "test_train_command.moc"
