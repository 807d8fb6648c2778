#include "project/autosave.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>

Q_LOGGING_CATEGORY(lcAutosave, "stillmotion.project.autosave")

namespace sm::core {

namespace {

QString lockPath(const QString& root, const QString& id) {
    return QDir(root).filePath(id + QStringLiteral(".lock"));
}
QString metadataPath(const QString& root, const QString& id) {
    return QDir(root).filePath(id + QStringLiteral(".json"));
}
QString folderPath(const QString& root, const QString& id) {
    return QDir(root).filePath(id + QLatin1String(kProjectSuffix));
}

void removeAutosaveFiles(const QString& root, const QString& id) {
    QDir(folderPath(root, id)).removeRecursively();
    QFile::remove(metadataPath(root, id));
}

// Takes the lock of a session that is not running any more; nullptr while its owner is alive.
std::unique_ptr<QLockFile> lockAbandoned(const QString& root, const QString& id) {
    auto lock = std::make_unique<QLockFile>(lockPath(root, id));
    // Stale only when the owning process is gone, never by age: a document may stay open for days.
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0))
        return nullptr;
    return lock;
}

}  // namespace

QString defaultAutosaveRoot() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("autosave"));
}

AutosaveSession::AutosaveSession(const QString& root)
    : m_root(root), m_id(QUuid::createUuid().toString(QUuid::WithoutBraces)) {}

AutosaveSession::~AutosaveSession() = default;  // QLockFile unlocks (and deletes the lock file) itself

QString AutosaveSession::projectFolder() const {
    return folderPath(m_root, m_id);
}

bool AutosaveSession::hasAutosave() const {
    return QFileInfo::exists(QDir(projectFolder()).filePath(QLatin1String(kProjectFileName)));
}

bool AutosaveSession::ensureLocked(QString* error) {
    if (m_lock)
        return true;
    if (!QDir().mkpath(m_root)) {
        *error = QStringLiteral("cannot create the autosave folder %1").arg(m_root);
        return false;
    }
    auto lock = std::make_unique<QLockFile>(lockPath(m_root, m_id));
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        *error = QStringLiteral("cannot lock %1 (error %2)").arg(lockPath(m_root, m_id)).arg(int(lock->error()));
        return false;
    }
    m_lock = std::move(lock);
    return true;
}

bool AutosaveSession::write(const Project& project, const QString& originalPath, QString* error) {
    QString localError;
    QString* err = error ? error : &localError;
    if (!ensureLocked(err) || !saveProject(project, projectFolder(), err))
        return false;

    QJsonObject metadata;
    metadata.insert(QStringLiteral("originalPath"), originalPath);
    metadata.insert(QStringLiteral("savedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    QSaveFile file(metadataPath(m_root, m_id));
    const QByteArray bytes = QJsonDocument(metadata).toJson(QJsonDocument::Indented);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        // The copy itself is safe; without metadata recovery only loses the original path and time.
        *err = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

void AutosaveSession::discard() {
    removeAutosaveFiles(m_root, m_id);
}

QList<RecoverableAutosave> findRecoverableAutosaves(const QString& root) {
    QList<RecoverableAutosave> found;
    const QDir dir(root);
    const QString suffix = QLatin1String(kProjectSuffix);
    const QStringList folders = dir.entryList({QLatin1Char('*') + suffix}, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& name : folders) {
        const QString id = name.left(name.size() - suffix.size());
        const QString folder = dir.filePath(name);
        const QString json = QDir(folder).filePath(QLatin1String(kProjectFileName));
        if (!QFileInfo::exists(json))
            continue;  // not a complete copy
        if (!lockAbandoned(root, id))
            continue;  // a running session owns it; the lock is released at the end of this iteration

        RecoverableAutosave autosave;
        autosave.id = id;
        autosave.projectFolder = folder;
        autosave.savedAt = QFileInfo(json).lastModified().toUTC();
        QFile metadataFile(metadataPath(root, id));
        if (metadataFile.open(QIODevice::ReadOnly)) {
            const QJsonObject metadata = QJsonDocument::fromJson(metadataFile.readAll()).object();
            autosave.originalPath = metadata.value(QStringLiteral("originalPath")).toString();
            const QDateTime savedAt =
                QDateTime::fromString(metadata.value(QStringLiteral("savedAt")).toString(), Qt::ISODateWithMs);
            if (savedAt.isValid())
                autosave.savedAt = savedAt.toUTC();
        }
        found.append(autosave);
    }
    std::sort(found.begin(), found.end(),
              [](const RecoverableAutosave& a, const RecoverableAutosave& b) { return a.savedAt > b.savedAt; });
    return found;
}

ProjectLoadResult restoreAutosave(const RecoverableAutosave& autosave) {
    return loadProject(autosave.projectFolder);
}

bool discardAutosave(const RecoverableAutosave& autosave, QString* error) {
    const QString root = QFileInfo(autosave.projectFolder).absolutePath();
    const std::unique_ptr<QLockFile> lock = lockAbandoned(root, autosave.id);
    if (!lock) {
        if (error)
            *error = QStringLiteral("autosave %1 belongs to a running Stillmotion window").arg(autosave.id);
        return false;
    }
    qCInfo(lcAutosave) << "discarding autosave" << autosave.projectFolder;
    removeAutosaveFiles(root, autosave.id);
    return true;
}

}  // namespace sm::core
