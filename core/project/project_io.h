#pragma once
// Saving and loading a Project as a versioned folder:
//
//   <name>.smproj/
//     project.json            {"format": "stillmotion-project", "version": 2, ...}  (see docs/project-format.md)
//     source.png              the source image (absent when the project has none)
//     frames/frame_0001.png   generated image of frame 0, frame_0002.png of frame 1, ... (only generated frames)
//
// Atomic save: the whole project is first written to a hidden staging folder next to the target
// (".<name>.smproj.saving-XXXXXX", same file system), every file through QSaveFile (flushed and fsync'ed), then
// the staging folder takes the target's place:
//   - Linux: renameat2(RENAME_EXCHANGE) swaps the two folders in one step, so at every instant the target name
//     holds either the complete old or the complete new project; the old one is then deleted.
//   - elsewhere (or on file systems without RENAME_EXCHANGE): target -> "<name>.smproj.bak", staging -> target,
//     then the backup is deleted. A crash between the two renames leaves no target but a complete backup;
//     loadProject() then loads "<name>.smproj.bak" and reports it in ProjectLoadResult::recoveredFrom.
// If anything fails before the swap the staging folder is removed and the target is untouched: the last good
// save survives any failed save. Stale staging folders of crashed saves are removed by the next save.
//
// Loading only reads; it never modifies or deletes anything. Every problem is reported as one message that
// names the file, the field, what was expected and what was found, e.g.
//   project.json: field frames[2].motion: expected an integer, found "abc"
//
// Thread-safety: the functions are reentrant; do not save to (or load from) the same folder from two threads
// or processes at once.
#include <QString>

#include <optional>

#include "project/project.h"

namespace sm::core {

inline constexpr char kProjectFormatName[] = "stillmotion-project";
// Version 2 added "dataset" (training clips and settings); version 1 files load with an empty dataset.
inline constexpr int kProjectFormatVersion = 2;
inline constexpr char kProjectSuffix[] = ".smproj";
inline constexpr char kProjectFileName[] = "project.json";

// `path` with ".smproj" appended unless it already ends with it.
QString withProjectSuffix(const QString& path);

// Relative file name of frame `index` (0-based) inside a project folder: "frames/frame_0001.png" for index 0.
QString frameFileName(int index);

struct ProjectLoadResult {
    std::optional<Project> project;  // set on success
    QString error;                   // set on failure: "<file>: field <path>: expected <x>, found <y>" and similar
    QString recoveredFrom;           // set when the project came from the backup of an interrupted save

    bool ok() const { return project.has_value(); }
};

// Loads the project folder `folder` (the ".smproj" directory). Never throws, never writes.
ProjectLoadResult loadProject(const QString& folder);

// Saves `project` to `folder` atomically (see above). Creates missing parent folders. Refuses to replace an
// existing file, or a non-empty folder that is not a Stillmotion project. On failure returns false, sets
// *error (when non-null) and leaves any previous save at `folder` intact.
bool saveProject(const Project& project, const QString& folder, QString* error);

}  // namespace sm::core
