#include "recent_files.h"

#include <QFileInfo>

namespace sm::ui {

RecentFiles::RecentFiles(Setting setting) : m_setting(setting) {}

QStringList RecentFiles::paths() const {
    // The settings file is user-editable: tolerate junk and over-long lists.
    QStringList paths = stringListSetting(m_setting);
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
    if (paths.isEmpty())
        resetSetting(m_setting);
    else
        setSettingValue(m_setting, paths);
}

}  // namespace sm::ui
