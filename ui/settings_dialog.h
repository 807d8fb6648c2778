#pragma once
// The Settings dialog over the typed settings table (app_settings.h): model folders, inference device, CPU
// threads, precision, live preview interval and the interface language (applied at the next start).
// OK stores every field through setSettingValue(); Restore Defaults resets the fields (stored on OK).
//
// GUI thread only.
#include <QDialog>

class QComboBox;
class QListWidget;
class QSpinBox;

namespace sm::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    // Stores the fields (what OK does).
    void apply();
    void restoreDefaults();

    QListWidget* folderList() const { return m_folders; }
    QComboBox* deviceBox() const { return m_device; }
    QSpinBox* threadsBox() const { return m_threads; }
    QComboBox* precisionBox() const { return m_precision; }
    QSpinBox* previewBox() const { return m_preview; }
    QComboBox* languageBox() const { return m_language; }

Q_SIGNALS:
    void applied();

private:
    void load();

    QListWidget* m_folders = nullptr;
    QComboBox* m_device = nullptr;
    QSpinBox* m_threads = nullptr;
    QComboBox* m_precision = nullptr;
    QSpinBox* m_preview = nullptr;
    QComboBox* m_language = nullptr;
};

}  // namespace sm::ui
