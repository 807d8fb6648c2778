#pragma once
// Autosave and crash recovery.
//
// Each open document owns one AutosaveSession. write() saves a full project copy (atomically, through
// saveProject) to <root>/<id>.smproj plus a small <root>/<id>.json naming the project it belongs to. The session
// holds <root>/<id>.lock (QLockFile) while it lives, so other running instances never treat a live document's
// autosave as recoverable. After a crash the lock is stale (its process is gone) and
// findRecoverableAutosaves() lists the copy; restoreAutosave() loads it.
//
// <root> defaults to QStandardPaths::AppDataLocation + "/autosave" (call after QCoreApplication has its
// organisation and application names).
//
// Life cycle: call discard() once the autosave is no longer needed (the document was saved, or closed with
// its changes deliberately dropped). The destructor releases the lock but keeps the files, so a session that
// ends without discard() stays recoverable.
//
// Thread-safety: an AutosaveSession is used from one thread; the free functions are reentrant.
#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>

#include "project/project_io.h"

class QLockFile;

namespace sm::core {

QString defaultAutosaveRoot();

struct RecoverableAutosave {
    QString id;             // the session id (file names inside the root)
    QString projectFolder;  // <root>/<id>.smproj
    QString originalPath;   // the .smproj the document was saved as; empty for a never-saved document
    QDateTime savedAt;      // when the autosave was written (UTC)
};

class AutosaveSession {
public:
    explicit AutosaveSession(const QString& root = defaultAutosaveRoot());
    ~AutosaveSession();
    AutosaveSession(const AutosaveSession&) = delete;
    AutosaveSession& operator=(const AutosaveSession&) = delete;

    QString id() const { return m_id; }
    QString root() const { return m_root; }
    QString projectFolder() const;
    bool hasAutosave() const;

    // Writes the recovery copy of `project`; `originalPath` is where the user saved it (may be empty).
    // On failure the previous autosave is kept and *error (when non-null) says why.
    bool write(const Project& project, const QString& originalPath, QString* error);

    // Removes this session's autosave files (the lock stays held until destruction).
    void discard();

private:
    bool ensureLocked(QString* error);

    QString m_root;
    QString m_id;
    std::unique_ptr<QLockFile> m_lock;
};

// Autosaves in `root` whose session is gone (crashed or ended without discard()), newest first.
QList<RecoverableAutosave> findRecoverableAutosaves(const QString& root = defaultAutosaveRoot());

// Loads a recoverable autosave; the files stay until discardAutosave().
ProjectLoadResult restoreAutosave(const RecoverableAutosave& autosave);

// Deletes a recoverable autosave. Fails (returns false, sets *error) when a running session owns it.
bool discardAutosave(const RecoverableAutosave& autosave, QString* error);

}  // namespace sm::core
