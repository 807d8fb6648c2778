#pragma once
// The "Open Recent" list, persisted with QSettings (organisation/application names from QCoreApplication).
// Entries are absolute paths of images and project folders, newest first, without duplicates, at most
// kMaxEntries. GUI thread only (QSettings itself is reentrant, but the list is read-modify-write).
#include <QString>
#include <QStringList>

namespace sm::ui {

class RecentFiles {
public:
    static constexpr int kMaxEntries = 10;

    // `key` is the QSettings key holding the list.
    explicit RecentFiles(QString key = QStringLiteral("recentFiles"));

    QStringList paths() const;
    // Moves `path` (made absolute) to the front.
    void add(const QString& path);
    void remove(const QString& path);
    void clear();

private:
    void store(const QStringList& paths) const;

    QString m_key;
};

}  // namespace sm::ui
