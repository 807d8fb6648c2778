#include "project/project_io.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSaveFile>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <limits>

#if defined(Q_OS_UNIX)
#include <fcntl.h>
#include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcProjectIo, "stillmotion.project.io")

namespace sm::core {

namespace {

constexpr qint64 kMaxJsonBytes = 64LL * 1024 * 1024;  // a v1 project.json is a few KiB; refuse absurd files
constexpr char kSourceFileName[] = "source.png";
constexpr char kBackupSuffix[] = ".bak";
constexpr char kStagingInfix[] = ".saving-";

// ---------------------------------------------------------------------------------------------------------
// Reading project.json: every accessor records the first problem and returns a neutral value, so the parser
// reads straight through and the caller checks ok() once per section.

QString describeValue(const QJsonValue& value) {
    switch (value.type()) {
        case QJsonValue::Null:
            return QStringLiteral("null");
        case QJsonValue::Bool:
            return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        case QJsonValue::Double:
            return QString::number(value.toDouble(), 'g', 17);
        case QJsonValue::String: {
            QString text = value.toString();
            if (text.size() > 60)
                text = text.left(57) + QStringLiteral("...");
            return QLatin1Char('"') + text + QLatin1Char('"');
        }
        case QJsonValue::Array:
            return QStringLiteral("an array");
        case QJsonValue::Object:
            return QStringLiteral("an object");
        case QJsonValue::Undefined:
            break;
    }
    return QStringLiteral("nothing");
}

QString joinField(const QString& parent, const QString& key) {
    return parent.isEmpty() ? key : parent + QLatin1Char('.') + key;
}

class JsonFieldReader {
public:
    explicit JsonFieldReader(QString fileName) : m_fileName(std::move(fileName)) {}

    bool ok() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }

    void fail(const QString& field, const QString& expected, const QString& found) {
        if (ok())
            m_error = QStringLiteral("%1: field %2: expected %3, found %4").arg(m_fileName, field, expected, found);
    }

    // The value of `key`, or Undefined after recording "missing" when it is absent.
    QJsonValue required(const QJsonObject& object, const QString& parent, const QString& key, const QString& expected) {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() && ok()) {
            m_error =
                QStringLiteral("%1: field %2: missing (expected %3)").arg(m_fileName, joinField(parent, key), expected);
        }
        return value;
    }

    QJsonObject object(const QJsonObject& object, const QString& parent, const QString& key) {
        const QString expected = QStringLiteral("an object");
        const QJsonValue value = required(object, parent, key, expected);
        if (!value.isUndefined() && !value.isObject())
            fail(joinField(parent, key), expected, describeValue(value));
        return value.toObject();
    }

    QJsonArray array(const QJsonObject& object, const QString& parent, const QString& key) {
        const QString expected = QStringLiteral("an array");
        const QJsonValue value = required(object, parent, key, expected);
        if (!value.isUndefined() && !value.isArray())
            fail(joinField(parent, key), expected, describeValue(value));
        return value.toArray();
    }

    QString string(const QJsonObject& object, const QString& parent, const QString& key) {
        const QString expected = QStringLiteral("a string");
        const QJsonValue value = required(object, parent, key, expected);
        if (!value.isUndefined() && !value.isString())
            fail(joinField(parent, key), expected, describeValue(value));
        return value.toString();
    }

    // A string that may be null (std::nullopt); the key itself must be present.
    std::optional<QString> nullableString(const QJsonObject& object, const QString& parent, const QString& key) {
        const QString expected = QStringLiteral("a string or null");
        const QJsonValue value = required(object, parent, key, expected);
        if (value.isString())
            return value.toString();
        if (!value.isUndefined() && !value.isNull())
            fail(joinField(parent, key), expected, describeValue(value));
        return std::nullopt;
    }

    bool boolean(const QJsonObject& object, const QString& parent, const QString& key) {
        const QString expected = QStringLiteral("true or false");
        const QJsonValue value = required(object, parent, key, expected);
        if (!value.isUndefined() && !value.isBool())
            fail(joinField(parent, key), expected, describeValue(value));
        return value.toBool();
    }

    int integer(const QJsonObject& object, const QString& parent, const QString& key,
                int min = std::numeric_limits<int>::min(), int max = std::numeric_limits<int>::max()) {
        const QString expected = integerExpectation(min, max);
        const QJsonValue value = required(object, parent, key, expected);
        return integerValue(value, joinField(parent, key), expected, min, max);
    }

    static QString integerExpectation(int min, int max) {
        const bool noMin = min == std::numeric_limits<int>::min();
        const bool noMax = max == std::numeric_limits<int>::max();
        if (noMin && noMax)
            return QStringLiteral("an integer");
        if (noMax)
            return QStringLiteral("an integer >= %1").arg(min);
        if (noMin)
            return QStringLiteral("an integer <= %1").arg(max);
        return QStringLiteral("an integer from %1 to %2").arg(min).arg(max);
    }

    int integerValue(const QJsonValue& value, const QString& field, const QString& expected, int min, int max) {
        if (value.isUndefined())
            return 0;
        const double number = value.toDouble();
        if (!value.isDouble() || std::floor(number) != number || number < min || number > max) {
            fail(field, expected, describeValue(value));
            return 0;
        }
        return int(number);
    }

    double number(const QJsonObject& object, const QString& parent, const QString& key, double min, double max,
                  bool minExclusive = false) {
        const QString expected = QStringLiteral("a number %1 %2 and <= %3")
                                     .arg(minExclusive ? QStringLiteral(">") : QStringLiteral(">="))
                                     .arg(min)
                                     .arg(max);
        const QJsonValue value = required(object, parent, key, expected);
        if (value.isUndefined())
            return 0.0;
        const double number = value.toDouble();
        const bool belowMin = minExclusive ? !(number > min) : !(number >= min);
        if (!value.isDouble() || !std::isfinite(number) || belowMin || number > max) {
            fail(joinField(parent, key), expected, describeValue(value));
            return 0.0;
        }
        return number;
    }

    // Seeds are 64-bit: JSON numbers (doubles) cannot hold them exactly, so the writer stores a decimal string.
    // A plain number is accepted too when it is a whole number that a double represents exactly.
    quint64 seed(const QJsonObject& object, const QString& parent, const QString& key) {
        const QString expected = QStringLiteral("an unsigned 64-bit integer as a decimal string");
        const QJsonValue value = required(object, parent, key, expected);
        if (value.isUndefined())
            return 0;
        if (value.isString()) {
            const QString text = value.toString();
            bool parsed = false;
            const quint64 seed = text.toULongLong(&parsed, 10);
            // toULongLong accepts a leading '+' and surrounding spaces; the format does not.
            if (parsed && !text.isEmpty() && text.at(0).isDigit() && text.at(text.size() - 1).isDigit())
                return seed;
        } else if (value.isDouble()) {
            const double number = value.toDouble();
            if (number >= 0 && std::floor(number) == number && number <= 9007199254740992.0)  // 2^53
                return quint64(number);
        }
        fail(joinField(parent, key), expected, describeValue(value));
        return 0;
    }

private:
    QString m_fileName;
    QString m_error;
};

// A relative path that stays inside the project folder ("frames/frame_0001.png"), or empty when `path` is
// absolute or climbs out with "..". Project files come from disk and must not point anywhere else.
QString containedRelativePath(const QString& path) {
    if (path.isEmpty() || QDir::isAbsolutePath(path))
        return QString();
    const QString cleaned = QDir::cleanPath(path);
    if (cleaned == QLatin1String("..") || cleaned.startsWith(QLatin1String("../")) || cleaned == QLatin1String("."))
        return QString();
    return cleaned;
}

// Reads one image of the project; `field` is the project.json field that names it (for the message).
std::optional<QImage> readProjectImage(const QDir& folder, const QString& relativePath, const QString& field,
                                       QString* error) {
    const QString path = folder.filePath(relativePath);
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = QStringLiteral("%1: file not found (named by %2 field %3)")
                     .arg(relativePath, QLatin1String(kProjectFileName), field);
        return std::nullopt;
    }
    if (!info.isFile()) {
        *error = QStringLiteral("%1: not a file (named by %2 field %3)")
                     .arg(relativePath, QLatin1String(kProjectFileName), field);
        return std::nullopt;
    }
    QImageReader reader(path);
    reader.setDecideFormatFromContent(true);
    QImage image = reader.read();
    if (image.isNull()) {
        *error = QStringLiteral("%1: cannot decode image: %2").arg(relativePath, reader.errorString());
        return std::nullopt;
    }
    return image;
}

QString jsonParseProblem(const QByteArray& data, const QJsonParseError& parseError) {
    // QJsonDocument reports an unexpected end as an "unterminated" error (or a missing value) at the very end of
    // the data; name that case, since a cut-off write is the usual cause.
    int end = data.size();
    while (end > 0 && QChar::isSpace(uchar(data.at(end - 1))))
        --end;
    const bool atEnd = parseError.offset >= end;
    if (atEnd && parseError.error != QJsonParseError::GarbageAtEnd) {
        return QStringLiteral("%1: truncated: the JSON ends at byte %2 before the document is complete (%3)")
            .arg(QLatin1String(kProjectFileName))
            .arg(end)
            .arg(parseError.errorString());
    }
    return QStringLiteral("%1: malformed JSON at byte %2: %3")
        .arg(QLatin1String(kProjectFileName))
        .arg(parseError.offset)
        .arg(parseError.errorString());
}

// Parses the settings part of project.json into `project`; images are read afterwards by the caller.
struct ImageRefs {
    std::optional<QString> source;           // relative path of the source image
    QVector<std::optional<QString>> frames;  // relative path per frame, nullopt = not generated
};

bool parseProjectJson(const QJsonObject& root, Project* project, ImageRefs* refs, QString* error) {
    JsonFieldReader in{QLatin1String(kProjectFileName)};

    // Format and version first: a newer file must be reported as such, not as a list of unknown fields.
    const QString format = in.string(root, QString(), QStringLiteral("format"));
    if (in.ok() && format != QLatin1String(kProjectFormatName)) {
        in.fail(QStringLiteral("format"), QStringLiteral("\"%1\" (not a Stillmotion project)").arg(kProjectFormatName),
                describeValue(format));
    }
    const int version = in.integer(root, QString(), QStringLiteral("version"), 1);
    if (in.ok() && version > kProjectFormatVersion) {
        *error = QStringLiteral(
                     "%1: field version: this project was saved by a newer Stillmotion (format version "
                     "%2); this build reads version %3 and older")
                     .arg(QLatin1String(kProjectFileName))
                     .arg(version)
                     .arg(kProjectFormatVersion);
        return false;
    }

    project->setPrompt(in.string(root, QString(), QStringLiteral("prompt")));

    const QString source = QStringLiteral("source");
    const QJsonObject sourceObject = in.object(root, QString(), source);
    const std::optional<QString> sourceImage = in.nullableString(sourceObject, source, QStringLiteral("image"));
    project->setSourcePath(in.string(sourceObject, source, QStringLiteral("originalPath")));
    const QString cropField = joinField(source, QStringLiteral("crop"));
    const QJsonValue cropValue =
        in.required(sourceObject, source, QStringLiteral("crop"), QStringLiteral("[x, y, width, height] or null"));
    if (cropValue.isArray()) {
        const QJsonArray crop = cropValue.toArray();
        if (crop.size() != 4) {
            in.fail(cropField, QStringLiteral("4 integers [x, y, width, height]"),
                    QStringLiteral("an array of %1 values").arg(crop.size()));
        } else {
            const QString name[4] = {QStringLiteral("[0]"), QStringLiteral("[1]"), QStringLiteral("[2]"),
                                     QStringLiteral("[3]")};
            int v[4] = {};
            for (int i = 0; i < 4; ++i) {
                const int min = i < 2 ? 0 : 1;  // the origin may be 0, the size must not
                v[i] = in.integerValue(crop.at(i), cropField + name[i],
                                       JsonFieldReader::integerExpectation(min, std::numeric_limits<int>::max()), min,
                                       std::numeric_limits<int>::max());
            }
            project->setCrop(QRect(v[0], v[1], v[2], v[3]));
        }
    } else if (!cropValue.isUndefined() && !cropValue.isNull()) {
        in.fail(cropField, QStringLiteral("[x, y, width, height] or null"), describeValue(cropValue));
    }
    if (sourceImage) {
        refs->source = containedRelativePath(*sourceImage);
        if (refs->source->isEmpty()) {
            in.fail(joinField(source, QStringLiteral("image")),
                    QStringLiteral("a relative path inside the project folder"), describeValue(*sourceImage));
        }
    }

    const QString model = QStringLiteral("model");
    const QJsonObject modelObject = in.object(root, QString(), model);
    ModelChoice choice;
    const QString kindName = in.string(modelObject, model, QStringLiteral("kind"));
    if (in.ok()) {
        if (const std::optional<ModelKind> kind = parseModelKind(kindName)) {
            choice.kind = *kind;
        } else {
            in.fail(joinField(model, QStringLiteral("kind")), QStringLiteral("\"pix2gif\" or \"cinemo\""),
                    describeValue(kindName));
        }
    }
    choice.weightsId = in.string(modelObject, model, QStringLiteral("weights"));
    project->setModel(choice);

    const QString sampler = QStringLiteral("sampler");
    const QJsonObject samplerObject = in.object(root, QString(), sampler);
    SamplerSettings settings;
    settings.sampler = in.string(samplerObject, sampler, QStringLiteral("name"));
    settings.steps = in.integer(samplerObject, sampler, QStringLiteral("steps"), 1, 10000);
    settings.textGuidanceScale = in.number(samplerObject, sampler, QStringLiteral("textGuidanceScale"), 0, 1000);
    settings.imageGuidanceScale = in.number(samplerObject, sampler, QStringLiteral("imageGuidanceScale"), 0, 1000);
    settings.fps = in.number(samplerObject, sampler, QStringLiteral("fps"), 0, 1000, /*minExclusive=*/true);
    const QString dct = joinField(sampler, QStringLiteral("dctInit"));
    const QJsonObject dctObject = in.object(samplerObject, sampler, QStringLiteral("dctInit"));
    settings.dctInit = in.boolean(dctObject, dct, QStringLiteral("enabled"));
    settings.dctInitP = in.number(dctObject, dct, QStringLiteral("p"), 0, 1);
    settings.dctInitTau = in.integer(dctObject, dct, QStringLiteral("tau"), 0, 999);
    settings.motionIntensity = in.integer(samplerObject, sampler, QStringLiteral("motionIntensity"));
    settings.noisePerFrame = in.boolean(samplerObject, sampler, QStringLiteral("noisePerFrame"));
    // Added after the first projects were written: optional, absent = the defaults.
    if (samplerObject.contains(QStringLiteral("seed")))
        settings.seed = in.seed(samplerObject, sampler, QStringLiteral("seed"));
    if (samplerObject.contains(QStringLiteral("seedLocked")))
        settings.seedLocked = in.boolean(samplerObject, sampler, QStringLiteral("seedLocked"));
    project->setSampler(settings);

    const QJsonArray frames = in.array(root, QString(), QStringLiteral("frames"));
    for (int i = 0; i < frames.size() && in.ok(); ++i) {
        const QString field = QStringLiteral("frames[%1]").arg(i);
        if (!frames.at(i).isObject()) {
            in.fail(field, QStringLiteral("an object"), describeValue(frames.at(i)));
            break;
        }
        const QJsonObject frameObject = frames.at(i).toObject();
        FrameSpec spec;
        // "prompt" absent or null: the frame inherits the project prompt.
        const QJsonValue prompt = frameObject.value(QStringLiteral("prompt"));
        if (prompt.isString())
            spec.setPromptOverride(prompt.toString());
        else if (!prompt.isUndefined() && !prompt.isNull())
            in.fail(joinField(field, QStringLiteral("prompt")), QStringLiteral("a string or null"),
                    describeValue(prompt));
        spec.setMotion(in.integer(frameObject, field, QStringLiteral("motion")));
        spec.setSeed(in.seed(frameObject, field, QStringLiteral("seed")));
        std::optional<QString> image;
        const QJsonValue imageValue = frameObject.value(QStringLiteral("image"));
        if (imageValue.isString()) {
            image = containedRelativePath(imageValue.toString());
            if (image->isEmpty())
                in.fail(joinField(field, QStringLiteral("image")),
                        QStringLiteral("a relative path inside the project folder"), describeValue(imageValue));
        } else if (!imageValue.isUndefined() && !imageValue.isNull()) {
            in.fail(joinField(field, QStringLiteral("image")), QStringLiteral("a file name or null"),
                    describeValue(imageValue));
        }
        refs->frames.append(image);
        project->appendFrame(spec);
    }

    // Version 2 added the training data. Migration from version 1: no "dataset" field, an empty dataset with the
    // default training settings (the file is rewritten as version 2 on the next save).
    if (version >= 2 && in.ok()) {
        const QString datasetField = QStringLiteral("dataset");
        const QJsonObject datasetObject = in.object(root, QString(), datasetField);
        ProjectDataset dataset;
        const QJsonArray sources = in.array(datasetObject, datasetField, QStringLiteral("sources"));
        for (int i = 0; i < sources.size() && in.ok(); ++i) {
            if (!sources.at(i).isString() || sources.at(i).toString().isEmpty()) {
                in.fail(QStringLiteral("dataset.sources[%1]").arg(i), QStringLiteral("a file or folder path"),
                        describeValue(sources.at(i)));
                break;
            }
            dataset.sources.append(sources.at(i).toString());
        }
        const QString training = joinField(datasetField, QStringLiteral("training"));
        const QJsonObject t = in.object(datasetObject, datasetField, QStringLiteral("training"));
        TrainingConfig& c = dataset.training;
        c.baseModel = in.string(t, training, QStringLiteral("baseModel"));
        c.outputFolder = in.string(t, training, QStringLiteral("outputFolder"));
        c.learningRate = in.number(t, training, QStringLiteral("learningRate"), 0, 1, /*minExclusive=*/true);
        c.warmupSteps = in.integer(t, training, QStringLiteral("warmupSteps"), 0);
        c.batchSize = in.integer(t, training, QStringLiteral("batchSize"), 1);
        c.gradientAccumulation = in.integer(t, training, QStringLiteral("gradientAccumulation"), 1);
        c.maxSteps = in.integer(t, training, QStringLiteral("maxSteps"), 1);
        c.checkpointEvery = in.integer(t, training, QStringLiteral("checkpointEvery"), 1);
        c.sampleEvery = in.integer(t, training, QStringLiteral("sampleEvery"), 1);
        c.ema = in.boolean(t, training, QStringLiteral("ema"));
        c.precision = in.string(t, training, QStringLiteral("precision"));
        c.seed = in.seed(t, training, QStringLiteral("seed"));
        // The trainer's own knobs joined version 2 after its first files: each is optional, absent = the default
        // (TrainingConfig), so those files still open; a present but wrong value is reported like the rest.
        // Ranges: dropout, sample steps and threads as the trainer accepts them (models/training/pix2gif_trainer.h);
        // the perceptual weight, unbounded there, to the Training panel's 0..1.
        const auto has = [&t](const char* key) { return t.contains(QLatin1String(key)); };
        if (has("horizontalFlip"))
            c.horizontalFlip = in.boolean(t, training, QStringLiteral("horizontalFlip"));
        if (has("trainTextEncoder"))
            c.trainTextEncoder = in.boolean(t, training, QStringLiteral("trainTextEncoder"));
        if (has("conditioningDropout"))
            c.conditioningDropout = in.number(t, training, QStringLiteral("conditioningDropout"), 0, 1.0 / 3.0);
        if (has("perceptualWeight"))
            c.perceptualWeight = in.number(t, training, QStringLiteral("perceptualWeight"), 0, 1);
        if (has("vggWeightsPath"))
            c.vggWeightsPath = in.string(t, training, QStringLiteral("vggWeightsPath"));
        if (has("sampleSteps"))
            c.sampleSteps = in.integer(t, training, QStringLiteral("sampleSteps"), 1);
        if (has("threads"))
            c.threads = in.integer(t, training, QStringLiteral("threads"), 0);
        project->setDataset(dataset);
    }

    if (!in.ok()) {
        *error = in.error();
        return false;
    }
    return true;
}

ProjectLoadResult loadProjectFolder(const QString& folderPath) {
    ProjectLoadResult result;
    const QFileInfo folderInfo(folderPath);
    if (!folderInfo.exists()) {
        result.error = QStringLiteral("%1: project folder not found").arg(folderPath);
        return result;
    }
    if (!folderInfo.isDir()) {
        result.error = QStringLiteral("%1: not a project folder (it is a file)").arg(folderPath);
        return result;
    }
    if (!folderInfo.isReadable() || !folderInfo.isExecutable()) {
        result.error = QStringLiteral("%1: cannot read the project folder: permission denied").arg(folderPath);
        return result;
    }
    const QDir folder(folderPath);
    const QString jsonName = QLatin1String(kProjectFileName);
    QFile jsonFile(folder.filePath(jsonName));
    if (!jsonFile.exists()) {
        result.error =
            QStringLiteral("%1: file not found in %2 (not a Stillmotion project folder)").arg(jsonName, folderPath);
        return result;
    }
    if (!jsonFile.open(QIODevice::ReadOnly)) {
        result.error = QStringLiteral("%1: cannot read: %2").arg(jsonName, jsonFile.errorString());
        return result;
    }
    if (jsonFile.size() > kMaxJsonBytes) {
        result.error = QStringLiteral("%1: file is too large (%2 bytes; a project file has at most %3)")
                           .arg(jsonName)
                           .arg(jsonFile.size())
                           .arg(kMaxJsonBytes);
        return result;
    }
    const QByteArray data = jsonFile.readAll();
    if (jsonFile.error() != QFileDevice::NoError) {
        result.error = QStringLiteral("%1: cannot read: %2").arg(jsonName, jsonFile.errorString());
        return result;
    }
    if (data.trimmed().isEmpty()) {
        result.error = QStringLiteral("%1: truncated: the file is empty").arg(jsonName);
        return result;
    }

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        result.error = jsonParseProblem(data, parseError);
        return result;
    }
    if (!document.isObject()) {
        result.error = QStringLiteral("%1: expected a JSON object at the top level, found an array").arg(jsonName);
        return result;
    }

    Project project;
    ImageRefs refs;
    if (!parseProjectJson(document.object(), &project, &refs, &result.error))
        return result;

    if (refs.source) {
        const std::optional<QImage> image =
            readProjectImage(folder, *refs.source, QStringLiteral("source.image"), &result.error);
        if (!image)
            return result;
        project.setSourceImage(*image);
    }
    for (int i = 0; i < refs.frames.size(); ++i) {
        if (!refs.frames.at(i))
            continue;
        const std::optional<QImage> image =
            readProjectImage(folder, *refs.frames.at(i), QStringLiteral("frames[%1].image").arg(i), &result.error);
        if (!image)
            return result;
        project.frame(i).setImage(*image);
    }
    result.project = std::move(project);
    return result;
}

// ---------------------------------------------------------------------------------------------------------
// Writing.

QJsonObject projectToJson(const Project& project, const QVector<std::optional<QString>>& frameFiles) {
    QJsonObject root;
    root.insert(QStringLiteral("format"), QLatin1String(kProjectFormatName));
    root.insert(QStringLiteral("version"), kProjectFormatVersion);
    root.insert(QStringLiteral("prompt"), project.prompt());

    QJsonObject source;
    source.insert(QStringLiteral("image"),
                  project.hasSourceImage() ? QJsonValue(QLatin1String(kSourceFileName)) : QJsonValue());
    source.insert(QStringLiteral("originalPath"), project.sourcePath());
    const QRect crop = project.crop();
    source.insert(
        QStringLiteral("crop"),
        crop.isNull() ? QJsonValue() : QJsonValue(QJsonArray{crop.x(), crop.y(), crop.width(), crop.height()}));
    root.insert(QStringLiteral("source"), source);

    QJsonObject model;
    model.insert(QStringLiteral("kind"), modelKindName(project.model().kind));
    model.insert(QStringLiteral("weights"), project.model().weightsId);
    root.insert(QStringLiteral("model"), model);

    const SamplerSettings& settings = project.sampler();
    QJsonObject sampler;
    sampler.insert(QStringLiteral("name"), settings.sampler);
    sampler.insert(QStringLiteral("steps"), settings.steps);
    sampler.insert(QStringLiteral("textGuidanceScale"), settings.textGuidanceScale);
    sampler.insert(QStringLiteral("imageGuidanceScale"), settings.imageGuidanceScale);
    sampler.insert(QStringLiteral("fps"), settings.fps);
    sampler.insert(QStringLiteral("dctInit"), QJsonObject{{QStringLiteral("enabled"), settings.dctInit},
                                                          {QStringLiteral("p"), settings.dctInitP},
                                                          {QStringLiteral("tau"), settings.dctInitTau}});
    sampler.insert(QStringLiteral("motionIntensity"), settings.motionIntensity);
    sampler.insert(QStringLiteral("noisePerFrame"), settings.noisePerFrame);
    sampler.insert(QStringLiteral("seed"), QString::number(settings.seed));
    sampler.insert(QStringLiteral("seedLocked"), settings.seedLocked);
    root.insert(QStringLiteral("sampler"), sampler);

    QJsonArray frames;
    for (int i = 0; i < project.frameCount(); ++i) {
        const FrameSpec& spec = project.frame(i);
        QJsonObject frame;
        if (spec.hasPromptOverride())
            frame.insert(QStringLiteral("prompt"), spec.promptOverride());
        frame.insert(QStringLiteral("motion"), spec.motion());
        frame.insert(QStringLiteral("seed"), QString::number(spec.seed()));
        if (frameFiles.at(i))
            frame.insert(QStringLiteral("image"), *frameFiles.at(i));
        frames.append(frame);
    }
    root.insert(QStringLiteral("frames"), frames);

    const ProjectDataset& dataset = project.dataset();
    const TrainingConfig& c = dataset.training;
    QJsonObject training;
    training.insert(QStringLiteral("baseModel"), c.baseModel);
    training.insert(QStringLiteral("outputFolder"), c.outputFolder);
    training.insert(QStringLiteral("learningRate"), c.learningRate);
    training.insert(QStringLiteral("warmupSteps"), c.warmupSteps);
    training.insert(QStringLiteral("batchSize"), c.batchSize);
    training.insert(QStringLiteral("gradientAccumulation"), c.gradientAccumulation);
    training.insert(QStringLiteral("maxSteps"), c.maxSteps);
    training.insert(QStringLiteral("checkpointEvery"), c.checkpointEvery);
    training.insert(QStringLiteral("sampleEvery"), c.sampleEvery);
    training.insert(QStringLiteral("ema"), c.ema);
    training.insert(QStringLiteral("precision"), c.precision);
    training.insert(QStringLiteral("seed"), QString::number(c.seed));
    training.insert(QStringLiteral("horizontalFlip"), c.horizontalFlip);
    training.insert(QStringLiteral("trainTextEncoder"), c.trainTextEncoder);
    training.insert(QStringLiteral("conditioningDropout"), c.conditioningDropout);
    training.insert(QStringLiteral("perceptualWeight"), c.perceptualWeight);
    training.insert(QStringLiteral("vggWeightsPath"), c.vggWeightsPath);
    training.insert(QStringLiteral("sampleSteps"), c.sampleSteps);
    training.insert(QStringLiteral("threads"), c.threads);
    root.insert(QStringLiteral("dataset"),
                QJsonObject{{QStringLiteral("sources"), QJsonArray::fromStringList(dataset.sources)},
                            {QStringLiteral("training"), training}});
    return root;
}

// QSaveFile writes to a temporary file and renames it over the target on commit(), after flushing it to disk,
// so a file is either complete or absent.
// `name` is the path relative to the project folder: messages use it, since the staging folder's name would
// only confuse.
bool writeFileAtomically(const QDir& dir, const QString& name, const QByteArray& bytes, QString* error) {
    QSaveFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot create %1: %2").arg(name, file.errorString());
        return false;
    }
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(name, file.errorString());
        return false;
    }
    return true;
}

bool writeImageAtomically(const QDir& dir, const QString& name, const QImage& image, QString* error) {
    QSaveFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot create %1: %2").arg(name, file.errorString());
        return false;
    }
    QImageWriter writer(&file, "png");
    if (!writer.write(image)) {
        QString reason = writer.errorString();
        if (file.error() != QFileDevice::NoError) {
            // A failed device write leaves only "Unknown error" on both objects; commit() flushes once more,
            // picks up the system's reason ("No space left on device") and discards the temporary file.
            file.commit();
            reason = file.errorString();
        } else {
            file.cancelWriting();
        }
        *error = QStringLiteral("cannot write %1: %2").arg(name, reason);
        return false;
    }
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(name, file.errorString());
        return false;
    }
    return true;
}

// Makes the directory entries of `path` durable (file contents are synced by QSaveFile). Best effort: some
// file systems do not support syncing directories, and the data is already complete either way.
void syncDirectory(const QString& path) {
#if defined(Q_OS_UNIX)
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#else
    Q_UNUSED(path);
#endif
}

bool renamePath(const QString& from, const QString& to, QString* error) {
    if (std::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) == 0)
        return true;
    *error = QStringLiteral("cannot rename %1 to %2: %3").arg(from, to, qt_error_string(errno));
    return false;
}

// Puts the complete staging folder at `target`. See the header for the crash-safety argument.
bool swapIntoPlace(const QString& staging, const QString& target, bool targetExists, QString* error) {
    if (!targetExists)
        return renamePath(staging, target, error);
#if defined(Q_OS_LINUX) && defined(RENAME_EXCHANGE)
    // STILLMOTION_NO_RENAME_EXCHANGE=1 forces the portable path (tests; file systems that misreport support).
    const bool exchangeDisabled = qEnvironmentVariableIntValue("STILLMOTION_NO_RENAME_EXCHANGE") != 0;
    if (!exchangeDisabled && ::renameat2(AT_FDCWD, QFile::encodeName(staging).constData(), AT_FDCWD,
                                         QFile::encodeName(target).constData(), RENAME_EXCHANGE) == 0) {
        QDir(staging).removeRecursively();  // now the previous save
        return true;
    }
    if (!exchangeDisabled && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
        *error = QStringLiteral("cannot replace %1: %2").arg(target, qt_error_string(errno));
        return false;
    }
    qCDebug(lcProjectIo) << "RENAME_EXCHANGE unsupported here; saving through a backup folder";
#endif
    const QString backup = target + QLatin1String(kBackupSuffix);
    // The target is complete (we are replacing it), so any backup beside it is older: drop it.
    if (QFileInfo::exists(backup) && !QDir(backup).removeRecursively()) {
        *error = QStringLiteral("cannot remove the stale backup %1").arg(backup);
        return false;
    }
    if (!renamePath(target, backup, error))
        return false;
    if (!renamePath(staging, target, error)) {
        QString ignored;
        renamePath(backup, target, &ignored);  // put the last good save back under its name
        return false;
    }
    QDir(backup).removeRecursively();
    return true;
}

// Removes staging folders left behind by saves of `targetName` that crashed before the swap.
void removeStaleStaging(const QDir& parent, const QString& targetName) {
    const QString prefix = QLatin1Char('.') + targetName + QLatin1String(kStagingInfix);
    const QStringList entries = parent.entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        if (entry.startsWith(prefix)) {
            qCInfo(lcProjectIo) << "removing stale save folder" << parent.filePath(entry);
            QDir(parent.filePath(entry)).removeRecursively();
        }
    }
}

QString createStagingFolder(const QDir& parent, const QString& targetName, QString* error) {
    for (int attempt = 0; attempt < 16; ++attempt) {
        // Concatenated, not arg()'d: the user's folder name may contain "%1".
        const QString name = QLatin1Char('.') + targetName + QLatin1String(kStagingInfix) +
                             QStringLiteral("%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
        if (parent.mkdir(name))
            return parent.filePath(name);
        if (!parent.exists(name))
            break;  // not a name clash: the folder is not writable
    }
    *error = QStringLiteral("cannot create a folder in %1 (is it writable?)").arg(parent.path());
    return QString();
}

bool writeProjectFiles(const Project& project, const QString& staging, QString* error) {
    const QDir dir(staging);
    if (!dir.mkdir(QStringLiteral("frames"))) {
        *error = QStringLiteral("cannot create the frames folder");
        return false;
    }
    if (project.hasSourceImage() &&
        !writeImageAtomically(dir, QLatin1String(kSourceFileName), project.sourceImage(), error))
        return false;
    QVector<std::optional<QString>> frameFiles(project.frameCount());
    for (int i = 0; i < project.frameCount(); ++i) {
        if (!project.frame(i).hasImage())
            continue;
        frameFiles[i] = frameFileName(i);
        if (!writeImageAtomically(dir, *frameFiles[i], project.frame(i).image(), error))
            return false;
    }
    // project.json last: a folder with a project.json is complete by construction.
    const QByteArray json = QJsonDocument(projectToJson(project, frameFiles)).toJson(QJsonDocument::Indented);
    if (!writeFileAtomically(dir, QLatin1String(kProjectFileName), json, error))
        return false;
    syncDirectory(dir.filePath(QStringLiteral("frames")));
    syncDirectory(staging);
    return true;
}

}  // namespace

QString withProjectSuffix(const QString& path) {
    const QLatin1String suffix(kProjectSuffix);
    if (path.endsWith(suffix, Qt::CaseInsensitive))
        return path;
    // "name.smproj/" from a folder picker: drop the trailing separator instead of appending.
    QString trimmed = path;
    while (trimmed.size() > 1 && trimmed.endsWith(QLatin1Char('/')))
        trimmed.chop(1);
    return trimmed.endsWith(suffix, Qt::CaseInsensitive) ? trimmed : trimmed + suffix;
}

QString frameFileName(int index) {
    return QStringLiteral("frames/frame_%1.png").arg(index + 1, 4, 10, QLatin1Char('0'));
}

ProjectLoadResult loadProject(const QString& folder) {
    QString path = QDir::cleanPath(folder);
    const QString backup = path + QLatin1String(kBackupSuffix);
    // A save through the backup path (no RENAME_EXCHANGE) that crashed between its two renames leaves only the
    // complete backup: open that rather than failing.
    if (!QFileInfo::exists(path) && QFileInfo(backup).isDir()) {
        ProjectLoadResult result = loadProjectFolder(backup);
        if (result.ok())
            result.recoveredFrom = backup;
        return result;
    }
    return loadProjectFolder(path);
}

bool saveProject(const Project& project, const QString& folder, QString* error) {
    QString localError;
    QString* err = error ? error : &localError;
    const QString target = QFileInfo(QDir::cleanPath(folder)).absoluteFilePath();
    const QFileInfo targetInfo(target);
    const QString targetName = targetInfo.fileName();
    if (targetName.isEmpty()) {
        *err = QStringLiteral("%1: not a valid project folder name").arg(folder);
        return false;
    }

    const bool targetExists = targetInfo.exists() || targetInfo.isSymLink();
    if (targetExists) {
        if (!targetInfo.isDir()) {
            *err = QStringLiteral("%1: a file with this name exists; not replacing it with a project").arg(target);
            return false;
        }
        // Never swap away a folder that is not ours: the swap deletes whatever was there.
        const QDir existing(target);
        if (!existing.exists(QLatin1String(kProjectFileName)) &&
            !existing.isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)) {
            *err =
                QStringLiteral("%1: the folder exists and is not a Stillmotion project; not replacing it").arg(target);
            return false;
        }
    }

    const QDir parent = targetInfo.absoluteDir();
    if (!parent.exists() && !QDir().mkpath(parent.path())) {
        *err = QStringLiteral("cannot create the folder %1").arg(parent.path());
        return false;
    }
    removeStaleStaging(parent, targetName);

    const QString staging = createStagingFolder(parent, targetName, err);
    if (staging.isEmpty())
        return false;
    if (!writeProjectFiles(project, staging, err)) {
        *err = QStringLiteral("cannot save %1: %2").arg(target, *err);
        QDir(staging).removeRecursively();
        qCWarning(lcProjectIo) << "save failed, previous save kept:" << *err;
        return false;
    }
    if (!swapIntoPlace(staging, target, targetExists, err)) {
        QDir(staging).removeRecursively();
        qCWarning(lcProjectIo) << "save failed, previous save kept:" << *err;
        return false;
    }
    syncDirectory(parent.path());

    // A backup left by an earlier interrupted save is superseded now that the target is complete again.
    const QString backup = target + QLatin1String(kBackupSuffix);
    if (QFileInfo(backup).isDir() && QFileInfo::exists(QDir(backup).filePath(QLatin1String(kProjectFileName))))
        QDir(backup).removeRecursively();
    return true;
}

}  // namespace sm::core
