#include "model_catalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

#include "app_settings.h"

namespace sm::ui {

namespace {

const QStringList& weightSuffixes() {
    static const QStringList suffixes{QStringLiteral("safetensors"), QStringLiteral("ckpt"), QStringLiteral("pt"),
                                      QStringLiteral("pth"), QStringLiteral("bin")};
    return suffixes;
}

QString canonical(const QString& path) {
    const QFileInfo info(path);
    return info.exists() ? info.absoluteFilePath() : QDir::cleanPath(path);
}

}  // namespace

core::ModelKind ModelEntry::kind() const {
    if (status == Status::Ready)
        return info.architecture;
    return displayName.contains(QLatin1String("cinemo"), Qt::CaseInsensitive) ||
                   path.contains(QLatin1String("cinemo"), Qt::CaseInsensitive)
               ? core::ModelKind::Cinemo
               : core::ModelKind::Pix2Gif;
}

ModelCatalog::ModelCatalog(core::GenerationBackendFactory inspectorFactory, QObject* parent)
    : QObject(parent), m_factory(std::move(inspectorFactory)), m_watcher(new QFutureWatcher<Inspection>(this)) {
    connect(m_watcher, &QFutureWatcher<Inspection>::finished, this, &ModelCatalog::finishInspection);
    refresh();
}

ModelCatalog::~ModelCatalog() {
    // An inspection holds no reference to this object, but wait so its backend is gone before we are.
    m_watcher->waitForFinished();
}

QStringList ModelCatalog::bundledModelFolders() {
    QStringList folders;
    const QString env = qEnvironmentVariable("STILLMOTION_MODELS_DIR");
    if (!env.isEmpty()) {
        // Exclusive: a test (or a portable install) must not pick up the demo model of the source tree.
        folders.append(env);
    } else {
        const QString appDir = QCoreApplication::applicationDirPath();
        folders.append(QDir(appDir).filePath(QStringLiteral("resources/models")));
#ifdef STILLMOTION_RESOURCES_DIR
        folders.append(QStringLiteral(STILLMOTION_RESOURCES_DIR "/models"));
#endif
        folders.append(QDir(appDir).filePath(QStringLiteral("../share/stillmotion/models")));
    }
    QStringList existing;
    for (const QString& folder : folders) {
        const QString path = canonical(folder);
        if (QFileInfo(path).isDir() && !existing.contains(path))
            existing.append(path);
    }
    return existing;
}

QString ModelCatalog::bundledResourceFolder() {
    QStringList folders;
    const QString env = qEnvironmentVariable("STILLMOTION_RESOURCE_DIR");
    if (!env.isEmpty())
        folders.append(env);
    const QString appDir = QCoreApplication::applicationDirPath();
    folders.append(QDir(appDir).filePath(QStringLiteral("../share/stillmotion")));
    folders.append(QDir(appDir).filePath(QStringLiteral("resources")));
#ifdef STILLMOTION_RESOURCES_DIR
    folders.append(QStringLiteral(STILLMOTION_RESOURCES_DIR));
#endif
    for (const QString& folder : folders) {
        if (QFileInfo::exists(QDir(folder).filePath(QStringLiteral("clip/bpe_simple_vocab_16e6.txt.gz"))))
            return canonical(folder);
    }
    return QString();
}

bool ModelCatalog::looksLikeWeights(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir())
        return !info.fileName().startsWith(QLatin1Char('.'));
    return weightSuffixes().contains(info.suffix().toLower());
}

// Entries keep what was detected about them (m_cache) across refreshes; existence is checked again every time,
// so weights deleted behind our back show up as missing instead of failing at the next Generate.
void ModelCatalog::refresh() {
    QVector<ModelEntry> entries;
    QStringList seen;
    auto addEntry = [&](const QString& rawPath, bool bundled) {
        const QString path = canonical(rawPath);
        if (seen.contains(path))
            return;
        seen.append(path);
        ModelEntry entry = m_cache.value(path);
        entry.path = path;
        entry.bundled = bundled;
        if (entry.displayName.isEmpty() || entry.status != ModelEntry::Status::Ready)
            entry.displayName = QFileInfo(path).fileName();
        if (!QFileInfo::exists(path)) {
            entry.status = ModelEntry::Status::Missing;
            entry.error = tr("%1 was not found. It may have been moved, renamed or deleted: add it again from its "
                             "new place, or remove it from the list.")
                              .arg(QDir::toNativeSeparators(path));
        } else if (entry.status == ModelEntry::Status::Missing) {
            entry.status = ModelEntry::Status::Unknown;
            entry.error.clear();
        }
        m_cache.insert(path, entry);
        entries.append(entry);
    };
    // Bundled models ship as single safetensors files; the folders also hold their model cards (*.md).
    for (const QString& folder : bundledModelFolders()) {
        const QFileInfoList children =
            QDir(folder).entryInfoList({QStringLiteral("*.safetensors")}, QDir::Files, QDir::Name);
        for (const QFileInfo& child : children)
            addEntry(child.absoluteFilePath(), true);
    }
    for (const QString& path : stringListSetting(Setting::ModelPaths))
        addEntry(path, false);
    for (const QString& folder : stringListSetting(Setting::ModelSearchFolders)) {
        const QFileInfoList children =
            QDir(folder).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo& child : children) {
            if (looksLikeWeights(child.absoluteFilePath()))
                addEntry(child.absoluteFilePath(), false);
        }
    }
    m_entries = entries;
    Q_EMIT entriesChanged();
}

int ModelCatalog::indexOf(const QString& path) const {
    const QString key = canonical(path);
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).path == key)
            return i;
    }
    return -1;
}

const ModelEntry* ModelCatalog::entry(const QString& path) const {
    const int index = indexOf(path);
    return index >= 0 ? &m_entries.at(index) : nullptr;
}

bool ModelCatalog::addPath(const QString& path, QString* error) {
    const QFileInfo info(path);
    if (!info.exists()) {
        if (error)
            *error = tr("%1 does not exist.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    const QString absolute = info.absoluteFilePath();
    QStringList paths = stringListSetting(Setting::ModelPaths);
    if (!paths.contains(absolute) && indexOf(absolute) < 0) {
        paths.append(absolute);
        setSettingValue(Setting::ModelPaths, paths);
    }
    refresh();
    inspect(absolute);
    return true;
}

void ModelCatalog::removePath(const QString& path) {
    const QString key = canonical(path);
    QStringList paths = stringListSetting(Setting::ModelPaths);
    paths.removeAll(key);
    paths.removeAll(path);
    setSettingValue(Setting::ModelPaths, paths);
    m_queue.removeAll(key);
    for (const Setting setting : {Setting::DefaultPix2GifModel, Setting::DefaultCinemoModel}) {
        if (stringSetting(setting) == key)
            resetSetting(setting);
    }
    refresh();
}

void ModelCatalog::inspect(const QString& path) {
    const QString key = canonical(path);
    const int index = indexOf(key);
    if (index < 0 || m_entries.at(index).status == ModelEntry::Status::Missing || m_inspecting == key ||
        m_queue.contains(key))
        return;
    m_entries[index].status = ModelEntry::Status::Inspecting;
    m_cache[key].status = ModelEntry::Status::Inspecting;
    Q_EMIT entryChanged(index);
    m_queue.append(key);
    startNextInspection();
}

void ModelCatalog::inspectUnknown() {
    const QVector<ModelEntry> entries = m_entries;
    for (const ModelEntry& e : entries) {
        if (e.status == ModelEntry::Status::Unknown)
            inspect(e.path);
    }
}

void ModelCatalog::startNextInspection() {
    if (!m_inspecting.isEmpty() || m_queue.isEmpty() || !m_factory)
        return;
    m_inspecting = m_queue.takeFirst();
    const QString path = m_inspecting;
    const core::GenerationBackendFactory factory = m_factory;
    // Inspection reads a header for safetensors but loads other formats (seconds): on a pool thread, with a
    // backend of its own (not the inference worker's).
    m_watcher->setFuture(QtConcurrent::run([factory, path] {
        Inspection result;
        try {
            std::unique_ptr<core::GenerationBackend> backend = factory();
            result.info = backend->inspectModel(path);
            if (result.info.path.isEmpty())
                result.info.path = path;
        } catch (const std::exception& e) {
            result.error = QString::fromUtf8(e.what());
        } catch (...) {
            result.error = QStringLiteral("unknown error");
        }
        return result;
    }));
}

void ModelCatalog::finishInspection() {
    const QString path = m_inspecting;
    m_inspecting.clear();
    const Inspection result = m_watcher->result();
    if (result.error.isEmpty())
        setDescription(path, result.info);
    else
        setLoadError(path, result.error);
    startNextInspection();
}

void ModelCatalog::setDescription(const QString& path, const core::ModelDescription& info) {
    const QString key = canonical(path);
    ModelEntry& cached = m_cache[key];
    cached.path = key;
    cached.status = ModelEntry::Status::Ready;
    cached.info = info;
    cached.error.clear();
    if (!info.name.isEmpty())
        cached.displayName = info.name;
    const int index = indexOf(key);
    if (index >= 0) {
        const bool bundled = m_entries.at(index).bundled;
        m_entries[index] = cached;
        m_entries[index].bundled = bundled;
        Q_EMIT entryChanged(index);
    }
}

void ModelCatalog::setLoadError(const QString& path, const QString& error) {
    const QString key = canonical(path);
    ModelEntry& cached = m_cache[key];
    cached.path = key;
    cached.status = QFileInfo::exists(key) ? ModelEntry::Status::Broken : ModelEntry::Status::Missing;
    cached.error = error + QStringLiteral("\n\n") + adviceFor(key, error);
    if (cached.displayName.isEmpty())
        cached.displayName = QFileInfo(key).fileName();
    const int index = indexOf(key);
    if (index >= 0) {
        const bool bundled = m_entries.at(index).bundled;
        m_entries[index] = cached;
        m_entries[index].bundled = bundled;
        Q_EMIT entryChanged(index);
    }
}

// The engine's message says what is wrong; this adds what to do, guessed from the kind of failure.
QString ModelCatalog::adviceFor(const QString& path, const QString& error) {
    if (!QFileInfo::exists(path))
        return tr("What to do: the weights are gone from %1. Add them again from their new place, or remove the "
                  "entry.")
            .arg(QDir::toNativeSeparators(path));
    if (error.contains(QLatin1String("no inference engine")))
        return tr("What to do: install a Stillmotion build that includes the inference engine.");
    if (error.contains(QLatin1String("memory"), Qt::CaseInsensitive))
        return tr("What to do: close other programs, choose float16 precision in Settings, or use smaller weights.");
    return tr(
        "What to do: check that the download finished (compare the file size or checksum with the source), "
        "that the file is a Pix2Gif or Cinemo checkpoint (.ckpt, .safetensors or a diffusers folder), and "
        "add it again. If the file is damaged, download it again.");
}

QString ModelCatalog::defaultModel(core::ModelKind kind) const {
    return stringSetting(kind == core::ModelKind::Cinemo ? Setting::DefaultCinemoModel : Setting::DefaultPix2GifModel);
}

void ModelCatalog::setDefaultModel(const QString& path) {
    const ModelEntry* e = entry(path);
    if (!e)
        return;
    setSettingValue(e->kind() == core::ModelKind::Cinemo ? Setting::DefaultCinemoModel : Setting::DefaultPix2GifModel,
                    e->path);
    Q_EMIT entriesChanged();
}

// Order: what the project names, the user's default, the first usable entry of the family (bundled ones first).
QString ModelCatalog::resolve(const core::ModelChoice& choice, QString* error) const {
    const QString kindName =
        choice.kind == core::ModelKind::Cinemo ? QStringLiteral("Cinemo") : QStringLiteral("Pix2Gif");
    if (!choice.weightsId.isEmpty()) {
        if (QFileInfo::exists(choice.weightsId))
            return canonical(choice.weightsId);
        for (const ModelEntry& e : m_entries) {
            if (e.status != ModelEntry::Status::Missing &&
                (e.displayName == choice.weightsId || QFileInfo(e.path).fileName() == choice.weightsId))
                return e.path;
        }
        if (error)
            *error = tr("This project uses the %1 weights \u201c%2\u201d, which are not installed here. Add them in "
                        "the Model Manager (Model \u25b8 Manage Models\u2026), or choose other weights in the "
                        "Generate panel.")
                         .arg(kindName, choice.weightsId);
        return QString();
    }
    const QString preferred = defaultModel(choice.kind);
    if (!preferred.isEmpty() && QFileInfo::exists(preferred))
        return canonical(preferred);
    if (choice.kind == core::ModelKind::Pix2Gif) {
        const QString demo = demoModel();
        if (!demo.isEmpty())
            return demo;
    }
    // Bundled entries come first in the list, so they win over the user's own when no default is set.
    for (const ModelEntry& e : m_entries) {
        if (e.kind() == choice.kind && e.status != ModelEntry::Status::Missing &&
            e.status != ModelEntry::Status::Broken)
            return e.path;
    }
    if (error)
        *error = noModelMessage() + QLatin1Char(' ') +
                 tr("There are no usable %1 weights yet; a .safetensors or .ckpt file or a diffusers folder will "
                    "do.")
                     .arg(kindName);
    return QString();
}

QString ModelCatalog::demoModel() const {
    for (const ModelEntry& e : m_entries) {
        if (e.bundled && QFileInfo(e.path).fileName() == QLatin1String(kDemoModelFileName) &&
            e.status != ModelEntry::Status::Missing && e.status != ModelEntry::Status::Broken)
            return e.path;
    }
    return QString();
}

QString ModelCatalog::noModelMessage() {
    return tr("No model found: add one in the Model Manager (Model \u25b8 Manage Models\u2026).");
}

}  // namespace sm::ui
