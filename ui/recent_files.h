#pragma once
// The "Open Recent" list, persisted through the settings table (Setting::RecentFiles, app_settings.h).
// Entries are absolute paths of images and project folders, newest first, without duplicates, at most
// kMaxEntries. GUI thread only (QSettings itself is reentrant, but the list is read-modify-write).
#include <QString>
#include <QStringList>

#include "app_settings.h"

namespace sm::ui {

class RecentFiles {
public:
    static constexpr int kMaxEntries = 10;

    // `setting` is the table row holding the list (a StringList row).
    explicit RecentFiles(Setting setting = Setting::RecentFiles);

    QStringList paths() const;
    // Moves `path` (made absolute) to the front.
    void add(const QString& path);
    void remove(const QString& path);
    void clear();

private:
    void store(const QStringList& paths) const;

    Setting m_setting;
};

}  // namespace sm::ui
