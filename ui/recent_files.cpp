#include "recent_files.h"

#include <QFileInfo>
#include <QSettings>

namespace sm::ui {

RecentFiles::RecentFiles(QString key) : m_key(std::move(key)) {}

QStringList RecentFiles::paths() const {
    // The settings file is user-editable: tolerate junk and over-long lists.
    QStringList paths = QSettings().value(m_key).toStringList();
    paths.removeAll(QString());
    paths.removeDuplicates();
    return paths.mid(0, kMaxEntries);
}

void RecentFiles::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = paths();
    list.removeAll(absolute);
    list.prepend(absolute);
    store(list.mid(0, kMaxEntries));
}

void RecentFiles::remove(const QString& path) {
    QStringList list = paths();
    list.removeAll(QFileInfo(path).absoluteFilePath());
    store(list);
}

void RecentFiles::clear() {
    store(QStringList());
}

void RecentFiles::store(const QStringList& paths) const {
    QSettings settings;
    if (paths.isEmpty())
        settings.remove(m_key);
    else
        settings.setValue(m_key, paths);
}

}  // namespace sm::ui
