// Saving and loading project folders: round trips, every corruption case with its message, and the atomic
// save (a failed save keeps the last good one).
#include <QtTest>

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#include <csignal>
#include <functional>

#include <sys/resource.h>
#include <unistd.h>

#include "project/project_io.h"

using sm::core::FrameSpec;
using sm::core::ModelChoice;
using sm::core::ModelKind;
using sm::core::Project;
using sm::core::ProjectLoadResult;
using sm::core::SamplerSettings;

namespace {

// A deterministic image whose pixels all differ, so a swapped or shifted frame cannot compare equal.
QImage patternImage(int width, int height, int salt) {
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            image.setPixel(x, y, qRgb((x * 7 + salt) & 255, (y * 13 + salt * 3) & 255, (x * y + salt) & 255));
    }
    return image;
}

// Noise does not compress: a PNG of it is about width * height * 3 bytes.
QImage noiseImage(int width, int height) {
    QImage image(width, height, QImage::Format_RGB32);
    QRandomGenerator random(42);
    for (int y = 0; y < height; ++y) {
        auto* line = reinterpret_cast<quint32*>(image.scanLine(y));
        for (int x = 0; x < width; ++x)
            line[x] = 0xff000000u | (random.generate() & 0xffffffu);
    }
    return image;
}

// Every field set away from its default; frames with and without images and prompt overrides.
Project fullProject() {
    Project project;
    project.setSourceImage(patternImage(40, 30, 1));
    project.setSourcePath(QStringLiteral("/photos/harbour.jpg"));
    project.setCrop(QRect(5, 0, 30, 30));
    project.setPrompt(QStringLiteral("boats rocking, \"gentle\" waves \u00e9\u6d77"));
    project.setModel(ModelChoice{ModelKind::Cinemo, QStringLiteral("maxin-cn/Cinemo")});
    SamplerSettings s;
    s.sampler = QStringLiteral("ddim");
    s.steps = 37;
    s.textGuidanceScale = 6.25;
    s.imageGuidanceScale = 1.75;
    s.fps = 12.5;
    s.dctInit = false;
    s.dctInitP = 0.31;
    s.dctInitTau = 950;
    s.motionIntensity = 42;
    s.noisePerFrame = true;
    s.seed = (quint64(1) << 63) + 11;
    s.seedLocked = false;
    project.setSampler(s);

    sm::core::ProjectDataset dataset;
    dataset.sources = {QStringLiteral("/clips/waves.gif"), QStringLiteral("/clips/gulls \u00e9/")};
    dataset.training.baseModel = QStringLiteral("/models/pix2gif-demo.safetensors");
    dataset.training.outputFolder = QStringLiteral("/runs/waves");
    dataset.training.learningRate = 3e-5;
    dataset.training.warmupSteps = 0;
    dataset.training.batchSize = 4;
    dataset.training.gradientAccumulation = 2;
    dataset.training.maxSteps = 1234;
    dataset.training.checkpointEvery = 100;
    dataset.training.sampleEvery = 50;
    dataset.training.ema = false;
    dataset.training.precision = QStringLiteral("bfloat16");
    dataset.training.seed = (quint64(1) << 63) + 3;
    dataset.training.horizontalFlip = false;
    dataset.training.trainTextEncoder = true;
    dataset.training.conditioningDropout = 0.125;
    dataset.training.perceptualWeight = 0.0375;
    dataset.training.vggWeightsPath = QStringLiteral("/weights/vgg19 \u00e9.pth");
    dataset.training.sampleSteps = 7;
    dataset.training.threads = 3;
    project.setDataset(dataset);

    FrameSpec inherit(3, (quint64(1) << 63) + 5);  // beyond 2^53: a JSON number would lose it
    inherit.setImage(patternImage(16, 16, 2));
    FrameSpec overridden(-2, 0);
    overridden.setPromptOverride(QStringLiteral("a gull takes off"));
    FrameSpec emptyOverride(7, 123456789);
    emptyOverride.setPromptOverride(QString());
    emptyOverride.setImage(patternImage(16, 16, 3));
    FrameSpec plain(0, 18446744073709551615ull);
    project.setFrames({inherit, overridden, emptyOverride, plain});
    return project;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
    QCOMPARE(file.write(bytes), bytes.size());
}

// Relative path -> bytes of every file under `folder`.
QMap<QString, QByteArray> snapshot(const QString& folder) {
    QMap<QString, QByteArray> files;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        files.insert(QDir(folder).relativeFilePath(path), readAll(path));
    }
    return files;
}

// Edits project.json as a JSON object.
void editJson(const QString& folder, const std::function<void(QJsonObject&)>& edit) {
    const QString path = QDir(folder).filePath(QStringLiteral("project.json"));
    QJsonObject root = QJsonDocument::fromJson(readAll(path)).object();
    edit(root);
    writeAll(path, QJsonDocument(root).toJson());
}

void editFrame(QJsonObject& root, int index, const std::function<void(QJsonObject&)>& edit) {
    QJsonArray frames = root.value(QStringLiteral("frames")).toArray();
    QJsonObject frame = frames.at(index).toObject();
    edit(frame);
    frames[index] = frame;
    root.insert(QStringLiteral("frames"), frames);
}

QStringList siblingsOf(const QString& folder) {
    return QFileInfo(folder).dir().entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

enum class Corruption {
    MalformedJson,
    TruncatedJson,
    EmptyJson,
    MissingField,
    WrongType,
    WrongNestedType,
    NotAProject,
    NewerVersion,
    MissingFramePng,
    DamagedFramePng,
    MissingSourcePng,
    MissingProjectJson,
    ProjectJsonIsFolder,
    FolderIsAFile,
    PathEscapesFolder,
    SeedTooLarge,
    BadCrop,
};

}  // namespace

Q_DECLARE_METATYPE(Corruption)

class TestProjectIo : public QObject {
    Q_OBJECT

private:
    QTemporaryDir* m_dir = nullptr;
    QString path(const QString& name) const { return QDir(m_dir->path()).filePath(name); }

private Q_SLOTS:
    void init() {
        m_dir = new QTemporaryDir;
        QVERIFY(m_dir->isValid());
    }
    void cleanup() {
        delete m_dir;
        m_dir = nullptr;
    }

    void helpers() {
        QCOMPARE(sm::core::withProjectSuffix(QStringLiteral("/a/walk")), QStringLiteral("/a/walk.smproj"));
        QCOMPARE(sm::core::withProjectSuffix(QStringLiteral("/a/walk.smproj")), QStringLiteral("/a/walk.smproj"));
        QCOMPARE(sm::core::withProjectSuffix(QStringLiteral("/a/walk.smproj/")), QStringLiteral("/a/walk.smproj"));
        QCOMPARE(sm::core::frameFileName(0), QStringLiteral("frames/frame_0001.png"));
        QCOMPARE(sm::core::frameFileName(41), QStringLiteral("frames/frame_0042.png"));
        QCOMPARE(sm::core::frameFileName(12344), QStringLiteral("frames/frame_12345.png"));
    }

    void roundTripAllFields() {
        const Project original = fullProject();
        const QString folder = path(QStringLiteral("harbour.smproj"));
        QString error;
        QVERIFY2(sm::core::saveProject(original, folder, &error), qPrintable(error));

        // The documented layout: json + source + one PNG per generated frame only.
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/project.json")));
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/source.png")));
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/frames/frame_0001.png")));
        QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/frames/frame_0002.png")));
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/frames/frame_0003.png")));
        QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/frames/frame_0004.png")));

        const ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QVERIFY(loaded.error.isEmpty());
        QVERIFY(loaded.recoveredFrom.isEmpty());
        const Project& p = *loaded.project;
        QVERIFY(p == original);

        // The same, field by field, so a broken operator== cannot hide a loss.
        QCOMPARE(p.sourcePath(), original.sourcePath());
        QCOMPARE(p.crop(), QRect(5, 0, 30, 30));
        QCOMPARE(p.prompt(), original.prompt());
        QCOMPARE(p.model().kind, ModelKind::Cinemo);
        QCOMPARE(p.model().weightsId, QStringLiteral("maxin-cn/Cinemo"));
        QCOMPARE(p.sampler().sampler, QStringLiteral("ddim"));
        QCOMPARE(p.sampler().steps, 37);
        QCOMPARE(p.sampler().textGuidanceScale, 6.25);
        QCOMPARE(p.sampler().imageGuidanceScale, 1.75);
        QCOMPARE(p.sampler().fps, 12.5);
        QCOMPARE(p.sampler().dctInit, false);
        QCOMPARE(p.sampler().dctInitP, 0.31);
        QCOMPARE(p.sampler().dctInitTau, 950);
        QCOMPARE(p.sampler().motionIntensity, 42);
        QCOMPARE(p.sampler().noisePerFrame, true);
        QCOMPARE(p.sampler().seed, (quint64(1) << 63) + 11);
        QCOMPARE(p.sampler().seedLocked, false);
        QCOMPARE(p.sourceImage().size(), QSize(40, 30));
        QCOMPARE(p.sourceImage().pixel(39, 29), original.sourceImage().pixel(39, 29));
        QCOMPARE(p.frameCount(), 4);
        QCOMPARE(p.frame(0).seed(), (quint64(1) << 63) + 5);
        QCOMPARE(p.frame(3).seed(), 18446744073709551615ull);
        QCOMPARE(p.frame(1).motion(), -2);
        QVERIFY(p.frame(0).hasImage());
        QVERIFY(!p.frame(1).hasImage());
        QVERIFY(p.frame(2).hasImage());
        QVERIFY(!p.frame(3).hasImage());
        QCOMPARE(p.frame(2).image().pixel(5, 7), original.frame(2).image().pixel(5, 7));

        // Prompt inheritance survives: no override, override, explicitly empty override.
        QVERIFY(!p.frame(0).hasPromptOverride());
        QCOMPARE(p.effectivePrompt(0), original.prompt());
        QCOMPARE(p.effectivePrompt(1), QStringLiteral("a gull takes off"));
        QVERIFY(p.frame(2).hasPromptOverride());
        QCOMPARE(p.effectivePrompt(2), QString());
        QCOMPARE(p.effectivePrompt(3), original.prompt());
    }

    void jsonIdentifiesFormatAndVersion() {
        const QString folder = path(QStringLiteral("p.smproj"));
        QVERIFY(sm::core::saveProject(fullProject(), folder, nullptr));
        const QJsonObject root = QJsonDocument::fromJson(readAll(folder + QStringLiteral("/project.json"))).object();
        QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("stillmotion-project"));
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), 2);
        // Seeds are strings (64-bit exact); an inheriting frame has no prompt key at all.
        const QJsonObject frame0 = root.value(QStringLiteral("frames")).toArray().at(0).toObject();
        QCOMPARE(frame0.value(QStringLiteral("seed")).toString(), QStringLiteral("9223372036854775813"));
        QVERIFY(!frame0.contains(QStringLiteral("prompt")));
        QCOMPARE(frame0.value(QStringLiteral("image")).toString(), QStringLiteral("frames/frame_0001.png"));
    }

    // Format version 2 stores the training data (clips and folders, training settings) and reads it back exactly.
    void datasetRoundTrips() {
        const QString folder = path(QStringLiteral("dataset.smproj"));
        const Project original = fullProject();
        QVERIFY(sm::core::saveProject(original, folder, nullptr));
        const QJsonObject root = QJsonDocument::fromJson(readAll(folder + QStringLiteral("/project.json"))).object();
        const QJsonObject dataset = root.value(QStringLiteral("dataset")).toObject();
        QCOMPARE(dataset.value(QStringLiteral("sources")).toArray().size(), 2);
        QCOMPARE(dataset.value(QStringLiteral("sources")).toArray().at(0).toString(),
                 QStringLiteral("/clips/waves.gif"));
        const QJsonObject training = dataset.value(QStringLiteral("training")).toObject();
        QCOMPARE(training.value(QStringLiteral("batchSize")).toInt(), 4);
        QCOMPARE(training.value(QStringLiteral("seed")).toString(), QStringLiteral("9223372036854775811"));
        QCOMPARE(training.value(QStringLiteral("horizontalFlip")).toBool(true), false);
        QCOMPARE(training.value(QStringLiteral("trainTextEncoder")).toBool(false), true);
        QCOMPARE(training.value(QStringLiteral("conditioningDropout")).toDouble(), 0.125);
        QCOMPARE(training.value(QStringLiteral("perceptualWeight")).toDouble(), 0.0375);
        QCOMPARE(training.value(QStringLiteral("vggWeightsPath")).toString(),
                 QStringLiteral("/weights/vgg19 \u00e9.pth"));
        QCOMPARE(training.value(QStringLiteral("sampleSteps")).toInt(), 7);
        QCOMPARE(training.value(QStringLiteral("threads")).toInt(), 3);
        const ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QCOMPARE(loaded.project->dataset().sources, original.dataset().sources);
        const sm::core::TrainingConfig& back = loaded.project->dataset().training;
        QCOMPARE(back.horizontalFlip, false);
        QCOMPARE(back.trainTextEncoder, true);
        QCOMPARE(back.conditioningDropout, 0.125);
        QCOMPARE(back.perceptualWeight, 0.0375);
        QCOMPARE(back.vggWeightsPath, QStringLiteral("/weights/vgg19 \u00e9.pth"));
        QCOMPARE(back.sampleSteps, 7);
        QCOMPARE(back.threads, 3);
        QVERIFY(back == original.dataset().training);
        QVERIFY(*loaded.project == original);
    }

    // The trainer's own knobs (flip, dropout, perceptual weight, VGG path, sample steps, threads) joined version 2
    // after its first files: a version 2 file without them opens with the defaults, the rest as saved; a present
    // but out-of-range value is reported like any other field.
    void trainerKnobsAreOptional() {
        const QString folder = path(QStringLiteral("no-knobs.smproj"));
        const Project original = fullProject();
        QVERIFY(sm::core::saveProject(original, folder, nullptr));
        const QString json = folder + QStringLiteral("/project.json");
        QJsonObject root = QJsonDocument::fromJson(readAll(json)).object();
        QJsonObject dataset = root.value(QStringLiteral("dataset")).toObject();
        QJsonObject training = dataset.value(QStringLiteral("training")).toObject();
        const QJsonObject complete = training;
        for (const char* key :
             {"horizontalFlip", "trainTextEncoder", "conditioningDropout", "perceptualWeight", "vggWeightsPath",
              "sampleSteps", "threads"})
            QVERIFY(!training.take(QLatin1String(key)).isUndefined());
        dataset.insert(QStringLiteral("training"), training);
        root.insert(QStringLiteral("dataset"), dataset);
        writeAll(json, QJsonDocument(root).toJson());
        ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        const sm::core::TrainingConfig& c = loaded.project->dataset().training;
        QCOMPARE(c.horizontalFlip, true);
        QCOMPARE(c.trainTextEncoder, false);
        QCOMPARE(c.conditioningDropout, 0.05);
        QCOMPARE(c.perceptualWeight, 0.01);
        QCOMPARE(c.vggWeightsPath, QString());
        QCOMPARE(c.sampleSteps, 20);
        QCOMPARE(c.threads, 0);
        QCOMPARE(c.batchSize, 4);  // the fields that are there still load
        QCOMPARE(c.seed, (quint64(1) << 63) + 3);
        // Re-saving writes them (with the defaults) and keeps the version.
        QVERIFY(sm::core::saveProject(*loaded.project, folder, nullptr));
        root = QJsonDocument::fromJson(readAll(json)).object();
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), 2);
        const QJsonObject rewritten =
            root.value(QStringLiteral("dataset")).toObject().value(QStringLiteral("training")).toObject();
        QCOMPARE(rewritten.value(QStringLiteral("sampleSteps")).toInt(), 20);
        QCOMPARE(rewritten.value(QStringLiteral("horizontalFlip")).toBool(false), true);

        const struct {
            const char* key;
            QJsonValue value;
            QString error;
        } bad[] = {
            {"horizontalFlip", 1, QStringLiteral("expected true or false, found 1")},
            {"conditioningDropout", 0.5, QStringLiteral("expected a number >= 0 and <= 0.333333, found 0.5")},
            {"perceptualWeight", -0.01, QStringLiteral("expected a number >= 0 and <= 1, found -0.01")},
            {"vggWeightsPath", QJsonValue(QJsonValue::Null), QStringLiteral("expected a string, found null")},
            {"sampleSteps", 0, QStringLiteral("expected an integer >= 1, found 0")},
            {"threads", 2.5, QStringLiteral("expected an integer >= 0, found 2.5")},
        };
        for (const auto& entry : bad) {
            QJsonObject wrong = complete;
            wrong.insert(QLatin1String(entry.key), entry.value);
            dataset.insert(QStringLiteral("training"), wrong);
            root.insert(QStringLiteral("dataset"), dataset);
            writeAll(json, QJsonDocument(root).toJson());
            loaded = sm::core::loadProject(folder);
            QVERIFY2(!loaded.ok(), entry.key);
            QCOMPARE(loaded.error, QStringLiteral("project.json: field dataset.training.%1: %2")
                                       .arg(QLatin1String(entry.key), entry.error));
        }
    }

    // Migration: a version 1 file (no "dataset") loads with an empty dataset and default training settings, and
    // is written back as version 2.
    void version1LoadsWithEmptyDataset() {
        const QString folder = path(QStringLiteral("v1.smproj"));
        Project original = fullProject();
        QVERIFY(sm::core::saveProject(original, folder, nullptr));
        const QString json = folder + QStringLiteral("/project.json");
        QJsonObject root = QJsonDocument::fromJson(readAll(json)).object();
        root.insert(QStringLiteral("version"), 1);
        root.remove(QStringLiteral("dataset"));
        writeAll(json, QJsonDocument(root).toJson());
        const ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QVERIFY(loaded.project->dataset().isEmpty());
        QCOMPARE(loaded.project->dataset().training.maxSteps, 25000);
        original.setDataset({});
        QVERIFY(*loaded.project == original);
        QVERIFY(sm::core::saveProject(*loaded.project, folder, nullptr));
        QCOMPARE(QJsonDocument::fromJson(readAll(json)).object().value(QStringLiteral("version")).toInt(), 2);
    }

    // A version 2 file must have the dataset; a bad field in it is named like any other.
    void datasetErrorsNameTheField() {
        const QString folder = path(QStringLiteral("bad-dataset.smproj"));
        QVERIFY(sm::core::saveProject(fullProject(), folder, nullptr));
        const QString json = folder + QStringLiteral("/project.json");
        QJsonObject root = QJsonDocument::fromJson(readAll(json)).object();
        QJsonObject dataset = root.value(QStringLiteral("dataset")).toObject();
        QJsonObject training = dataset.value(QStringLiteral("training")).toObject();
        training.insert(QStringLiteral("batchSize"), 0);
        dataset.insert(QStringLiteral("training"), training);
        root.insert(QStringLiteral("dataset"), dataset);
        writeAll(json, QJsonDocument(root).toJson());
        ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error,
                 QStringLiteral("project.json: field dataset.training.batchSize: expected an integer >= 1, found 0"));

        dataset.insert(QStringLiteral("sources"), QJsonArray{QStringLiteral("/clips/a.gif"), 7});
        training.insert(QStringLiteral("batchSize"), 2);
        dataset.insert(QStringLiteral("training"), training);
        root.insert(QStringLiteral("dataset"), dataset);
        writeAll(json, QJsonDocument(root).toJson());
        loaded = sm::core::loadProject(folder);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error,
                 QStringLiteral("project.json: field dataset.sources[1]: expected a file or folder path, found 7"));
    }

    // sampler.seed and sampler.seedLocked came after the first projects: files without them load the defaults,
    // and a present but wrong seed is reported like every other field.
    void samplerSeedIsOptional() {
        const QString folder = path(QStringLiteral("old.smproj"));
        QVERIFY(sm::core::saveProject(fullProject(), folder, nullptr));
        const QString json = folder + QStringLiteral("/project.json");
        QJsonObject root = QJsonDocument::fromJson(readAll(json)).object();
        QJsonObject sampler = root.value(QStringLiteral("sampler")).toObject();
        QCOMPARE(sampler.value(QStringLiteral("seed")).toString(), QStringLiteral("9223372036854775819"));
        QCOMPARE(sampler.value(QStringLiteral("seedLocked")).toBool(true), false);
        sampler.remove(QStringLiteral("seed"));
        sampler.remove(QStringLiteral("seedLocked"));
        root.insert(QStringLiteral("sampler"), sampler);
        writeAll(json, QJsonDocument(root).toJson());
        ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QCOMPARE(loaded.project->sampler().seed, sm::core::SamplerSettings().seed);
        QCOMPARE(loaded.project->sampler().seedLocked, true);

        sampler.insert(QStringLiteral("seed"), QStringLiteral("-1"));
        root.insert(QStringLiteral("sampler"), sampler);
        writeAll(json, QJsonDocument(root).toJson());
        loaded = sm::core::loadProject(folder);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error, QStringLiteral("project.json: field sampler.seed: expected an unsigned 64-bit integer "
                                              "as a decimal string, found \"-1\""));
    }

    void roundTripEmptyProject() {
        const Project empty;
        const QString folder = path(QStringLiteral("empty.smproj"));
        QString error;
        QVERIFY2(sm::core::saveProject(empty, folder, &error), qPrintable(error));
        QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/source.png")));
        const ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QVERIFY(*loaded.project == empty);
        QVERIFY(!loaded.project->hasSourceImage());
        QVERIFY(loaded.project->crop().isNull());
    }

    void resaveReplacesEverything() {
        const QString folder = path(QStringLiteral("p.smproj"));
        QVERIFY(sm::core::saveProject(fullProject(), folder, nullptr));
        Project smaller = fullProject();
        smaller.removeFrame(2);  // the old frame_0003.png must not linger
        smaller.setPrompt(QStringLiteral("second save"));
        QString error;
        QVERIFY2(sm::core::saveProject(smaller, folder, &error), qPrintable(error));
        QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/frames/frame_0003.png")));
        const ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QVERIFY(*loaded.project == smaller);
        // Nothing else is left next to the project: no staging folder, no backup.
        QCOMPARE(siblingsOf(folder), QStringList{QStringLiteral("p.smproj")});
    }

    // The portable swap (no RENAME_EXCHANGE): target -> backup, staging -> target, backup removed.
    void resaveThroughBackupPath() {
        qputenv("STILLMOTION_NO_RENAME_EXCHANGE", "1");
        const QString folder = path(QStringLiteral("p.smproj"));
        QVERIFY(sm::core::saveProject(fullProject(), folder, nullptr));
        Project second = fullProject();
        second.setPrompt(QStringLiteral("saved over the old one"));
        QString error;
        const bool saved = sm::core::saveProject(second, folder, &error);
        qunsetenv("STILLMOTION_NO_RENAME_EXCHANGE");
        QVERIFY2(saved, qPrintable(error));
        const ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QVERIFY(*loaded.project == second);
        QCOMPARE(siblingsOf(folder), QStringList{QStringLiteral("p.smproj")});
    }

    void corruptionGivesDocumentedError_data() {
        QTest::addColumn<Corruption>("corruption");
        QTest::addColumn<QString>("expected");  // the message must contain this
        QTest::newRow("malformed JSON") << Corruption::MalformedJson
                                        << QStringLiteral("project.json: malformed JSON at byte ");
        QTest::newRow("truncated file") << Corruption::TruncatedJson
                                        << QStringLiteral("project.json: truncated: the JSON ends at byte ");
        QTest::newRow("empty file") << Corruption::EmptyJson
                                    << QStringLiteral("project.json: truncated: the file is empty");
        QTest::newRow("missing field")
            << Corruption::MissingField
            << QStringLiteral(
                   "project.json: field frames[1].seed: missing (expected an unsigned 64-bit integer "
                   "as a decimal string)");
        QTest::newRow("wrong type") << Corruption::WrongType
                                    << QStringLiteral(
                                           "project.json: field frames[2].motion: expected an integer, found \"abc\"");
        QTest::newRow("wrong nested type")
            << Corruption::WrongNestedType
            << QStringLiteral("project.json: field sampler.steps: expected an integer from 1 to 10000, found 2.5");
        QTest::newRow("not a project")
            << Corruption::NotAProject
            << QStringLiteral(
                   "project.json: field format: expected \"stillmotion-project\" (not a Stillmotion "
                   "project), found \"photoshop\"");
        QTest::newRow("newer version")
            << Corruption::NewerVersion
            << QStringLiteral(
                   "project.json: field version: this project was saved by a newer Stillmotion (format "
                   "version 3); this build reads version 2 and older");
        QTest::newRow("missing frame PNG")
            << Corruption::MissingFramePng
            << QStringLiteral("frames/frame_0003.png: file not found (named by project.json field frames[2].image)");
        QTest::newRow("damaged frame PNG")
            << Corruption::DamagedFramePng << QStringLiteral("frames/frame_0001.png: cannot decode image: ");
        QTest::newRow("missing source PNG")
            << Corruption::MissingSourcePng
            << QStringLiteral("source.png: file not found (named by project.json field source.image)");
        QTest::newRow("missing project.json")
            << Corruption::MissingProjectJson << QStringLiteral("project.json: file not found in ");
        QTest::newRow("unreadable project.json")
            << Corruption::ProjectJsonIsFolder << QStringLiteral("project.json: cannot read: ");
        QTest::newRow("folder is a file")
            << Corruption::FolderIsAFile << QStringLiteral(": not a project folder (it is a file)");
        QTest::newRow("path escapes folder")
            << Corruption::PathEscapesFolder
            << QStringLiteral(
                   "project.json: field frames[0].image: expected a relative path inside the project "
                   "folder, found \"../../outside.png\"");
        QTest::newRow("seed too large")
            << Corruption::SeedTooLarge
            << QStringLiteral(
                   "project.json: field frames[0].seed: expected an unsigned 64-bit integer as a decimal "
                   "string, found \"18446744073709551616\"");
        QTest::newRow("bad crop") << Corruption::BadCrop
                                  << QStringLiteral(
                                         "project.json: field source.crop[2]: expected an integer >= 1, "
                                         "found 0");
    }

    void corruptionGivesDocumentedError() {
        QFETCH(Corruption, corruption);
        QFETCH(QString, expected);

        const QString folder = path(QStringLiteral("damaged.smproj"));
        QVERIFY(sm::core::saveProject(fullProject(), folder, nullptr));
        const QString json = folder + QStringLiteral("/project.json");
        const QByteArray goodJson = readAll(json);

        switch (corruption) {
            case Corruption::MalformedJson:
                writeAll(json, QByteArray(goodJson).replace("\"frames\": [", "\"frames\": [,"));
                break;
            case Corruption::TruncatedJson:
                writeAll(json, goodJson.left(goodJson.size() / 2));
                break;
            case Corruption::EmptyJson:
                writeAll(json, QByteArray());
                break;
            case Corruption::MissingField:
                editJson(folder, [](QJsonObject& root) {
                    editFrame(root, 1, [](QJsonObject& f) { f.remove(QStringLiteral("seed")); });
                });
                break;
            case Corruption::WrongType:
                editJson(folder, [](QJsonObject& root) {
                    editFrame(root, 2, [](QJsonObject& f) { f.insert(QStringLiteral("motion"), "abc"); });
                });
                break;
            case Corruption::WrongNestedType:
                editJson(folder, [](QJsonObject& root) {
                    QJsonObject sampler = root.value(QStringLiteral("sampler")).toObject();
                    sampler.insert(QStringLiteral("steps"), 2.5);
                    root.insert(QStringLiteral("sampler"), sampler);
                });
                break;
            case Corruption::NotAProject:
                editJson(folder, [](QJsonObject& root) { root.insert(QStringLiteral("format"), "photoshop"); });
                break;
            case Corruption::NewerVersion:
                // A newer file may have changed anything else too; the version must be reported, not the rest.
                editJson(folder, [](QJsonObject& root) {
                    root.insert(QStringLiteral("version"), 3);
                    root.insert(QStringLiteral("frames"), QStringLiteral("moved to timeline.json"));
                });
                break;
            case Corruption::MissingFramePng:
                QVERIFY(QFile::remove(folder + QStringLiteral("/frames/frame_0003.png")));
                break;
            case Corruption::DamagedFramePng: {
                const QString png = folder + QStringLiteral("/frames/frame_0001.png");
                writeAll(png, readAll(png).left(60));
                break;
            }
            case Corruption::MissingSourcePng:
                QVERIFY(QFile::remove(folder + QStringLiteral("/source.png")));
                break;
            case Corruption::MissingProjectJson:
                QVERIFY(QFile::remove(json));
                break;
            case Corruption::ProjectJsonIsFolder:
                // Cannot be opened for reading even as root (unlike a chmod 000 file).
                QVERIFY(QFile::remove(json));
                QVERIFY(QDir(folder).mkdir(QStringLiteral("project.json")));
                break;
            case Corruption::FolderIsAFile:
                QVERIFY(QDir(folder).removeRecursively());
                writeAll(folder, goodJson);
                break;
            case Corruption::PathEscapesFolder:
                editJson(folder, [](QJsonObject& root) {
                    editFrame(root, 0, [](QJsonObject& f) {
                        f.insert(QStringLiteral("image"), QStringLiteral("../../outside.png"));
                    });
                });
                break;
            case Corruption::SeedTooLarge:
                editJson(folder, [](QJsonObject& root) {
                    editFrame(root, 0, [](QJsonObject& f) {
                        f.insert(QStringLiteral("seed"), QStringLiteral("18446744073709551616"));  // 2^64
                    });
                });
                break;
            case Corruption::BadCrop:
                editJson(folder, [](QJsonObject& root) {
                    QJsonObject source = root.value(QStringLiteral("source")).toObject();
                    source.insert(QStringLiteral("crop"), QJsonArray{1, 2, 0, 5});
                    root.insert(QStringLiteral("source"), source);
                });
                break;
        }

        const QMap<QString, QByteArray> before =
            QFileInfo(folder).isDir() ? snapshot(folder) : QMap<QString, QByteArray>();
        const ProjectLoadResult result = sm::core::loadProject(folder);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains(expected),
                 qPrintable(QStringLiteral("got: %1\nexpected to contain: %2").arg(result.error, expected)));
        // Loading never writes: the folder is exactly as it was, and nothing appeared next to it.
        if (QFileInfo(folder).isDir())
            QCOMPARE(snapshot(folder), before);
        QCOMPARE(siblingsOf(folder), QStringList{QStringLiteral("damaged.smproj")});
    }

    void unreadableFolderGivesError() {
        if (::geteuid() == 0)
            QSKIP("permissions do not apply to root (the project.json-is-a-folder case covers unreadable files)");
        const QString folder = path(QStringLiteral("locked.smproj"));
        QVERIFY(sm::core::saveProject(fullProject(), folder, nullptr));
        QVERIFY(QFile::setPermissions(folder, QFileDevice::Permissions()));
        const ProjectLoadResult result = sm::core::loadProject(folder);
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains(QStringLiteral("cannot read the project folder: permission denied")),
                 qPrintable(result.error));
    }

    void missingFolderGivesError() {
        const ProjectLoadResult result = sm::core::loadProject(path(QStringLiteral("nowhere.smproj")));
        QVERIFY(!result.ok());
        QVERIFY2(result.error.endsWith(QStringLiteral("nowhere.smproj: project folder not found")),
                 qPrintable(result.error));
    }

    // Disk full in the middle of a save: the file size limit makes writes fail with EFBIG, as a full disk would
    // with ENOSPC. The previous save must load unchanged and no half-written folder may remain.
    void failedSaveKeepsLastGoodSave() {
        const QString folder = path(QStringLiteral("p.smproj"));
        const Project good = fullProject();
        QVERIFY(sm::core::saveProject(good, folder, nullptr));
        const QMap<QString, QByteArray> goodFiles = snapshot(folder);

        Project big = fullProject();
        big.setSourceImage(noiseImage(512, 512));  // ~780 KB of PNG
        struct rlimit previous {};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &previous), 0);
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit limited = previous;
        limited.rlim_cur = 256 * 1024;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limited), 0);
        QString error;
        const bool saved = sm::core::saveProject(big, folder, &error);
        ::setrlimit(RLIMIT_FSIZE, &previous);
        std::signal(SIGXFSZ, previousHandler);

        QVERIFY(!saved);
        QVERIFY2(error == QStringLiteral("cannot save %1: cannot write source.png: File too large").arg(folder),
                 qPrintable(error));
        QCOMPARE(snapshot(folder), goodFiles);
        QCOMPARE(siblingsOf(folder), QStringList{QStringLiteral("p.smproj")});
        const ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QVERIFY(*loaded.project == good);
    }

    void readOnlyDestinationKeepsLastGoodSave() {
        if (::geteuid() == 0)
            QSKIP("permissions do not apply to root (failedSaveKeepsLastGoodSave covers write failures)");
        const QString parent = path(QStringLiteral("readonly"));
        QVERIFY(QDir().mkpath(parent));
        const QString folder = parent + QStringLiteral("/p.smproj");
        const Project good = fullProject();
        QVERIFY(sm::core::saveProject(good, folder, nullptr));
        QVERIFY(QFile::setPermissions(parent, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        Project changed = good;
        changed.setPrompt(QStringLiteral("never written"));
        QString error;
        const bool saved = sm::core::saveProject(changed, folder, &error);
        QFile::setPermissions(parent, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY(!saved);
        QVERIFY2(error.contains(QStringLiteral("is it writable?")), qPrintable(error));
        QVERIFY(*sm::core::loadProject(folder).project == good);
    }

    void unusableDestinationFails() {
        // The parent "folder" is a file: nothing can be created there.
        const QString file = path(QStringLiteral("file.txt"));
        writeAll(file, "x");
        QString error;
        QVERIFY(!sm::core::saveProject(fullProject(), file + QStringLiteral("/p.smproj"), &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot create the folder ")), qPrintable(error));
        QCOMPARE(readAll(file), QByteArray("x"));
    }

    void refusesToReplaceForeignFolderOrFile() {
        const QString foreign = path(QStringLiteral("holiday.smproj"));
        QVERIFY(QDir().mkpath(foreign));
        writeAll(foreign + QStringLiteral("/notes.txt"), "keep me");
        QString error;
        QVERIFY(!sm::core::saveProject(fullProject(), foreign, &error));
        QVERIFY2(error.contains(QStringLiteral("the folder exists and is not a Stillmotion project")),
                 qPrintable(error));
        QCOMPARE(readAll(foreign + QStringLiteral("/notes.txt")), QByteArray("keep me"));

        const QString file = path(QStringLiteral("plain.smproj"));
        writeAll(file, "a file");
        QVERIFY(!sm::core::saveProject(fullProject(), file, &error));
        QVERIFY2(error.contains(QStringLiteral("a file with this name exists")), qPrintable(error));
        QCOMPARE(readAll(file), QByteArray("a file"));

        // An empty folder (e.g. made by a folder picker) is fine to fill.
        const QString emptyFolder = path(QStringLiteral("new.smproj"));
        QVERIFY(QDir().mkpath(emptyFolder));
        QVERIFY2(sm::core::saveProject(fullProject(), emptyFolder, &error), qPrintable(error));
        QVERIFY(sm::core::loadProject(emptyFolder).ok());
    }

    // The fallback swap (no RENAME_EXCHANGE) crashing between its two renames leaves only "<name>.bak".
    void interruptedSwapIsRecoveredFromBackup() {
        const QString folder = path(QStringLiteral("p.smproj"));
        const Project good = fullProject();
        QVERIFY(sm::core::saveProject(good, folder, nullptr));
        QVERIFY(QDir().rename(folder, folder + QStringLiteral(".bak")));

        const ProjectLoadResult loaded = sm::core::loadProject(folder);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error));
        QCOMPARE(loaded.recoveredFrom, folder + QStringLiteral(".bak"));
        QVERIFY(*loaded.project == good);

        // The next save restores the normal state and drops the superseded backup.
        QVERIFY(sm::core::saveProject(*loaded.project, folder, nullptr));
        QCOMPARE(siblingsOf(folder), QStringList{QStringLiteral("p.smproj")});
        QVERIFY(sm::core::loadProject(folder).recoveredFrom.isEmpty());
    }

    void staleStagingFoldersAreRemoved() {
        const QString folder = path(QStringLiteral("p.smproj"));
        const QString stale = path(QStringLiteral(".p.smproj.saving-deadbeef"));
        QVERIFY(QDir().mkpath(stale + QStringLiteral("/frames")));
        writeAll(stale + QStringLiteral("/source.png"), "half written");
        const QString unrelated = path(QStringLiteral(".other.smproj.saving-deadbeef"));
        QVERIFY(QDir().mkpath(unrelated));
        QVERIFY(sm::core::saveProject(fullProject(), folder, nullptr));
        QVERIFY(!QFileInfo::exists(stale));
        QVERIFY(QFileInfo::exists(unrelated));  // another project's save is none of our business
    }
};

QTEST_GUILESS_MAIN(TestProjectIo)
#include "test_project_io.moc"
