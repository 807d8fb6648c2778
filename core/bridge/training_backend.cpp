#include "bridge/training_backend.h"

namespace sm::core {

namespace {

struct Registration {
    QString name;
    TrainingBackendFactory factory;
};

Registration& registration() {
    static Registration instance;
    return instance;
}

}  // namespace

void registerTrainingBackend(const QString& name, TrainingBackendFactory factory) {
    qRegisterMetaType<sm::core::TrainingMetrics>();
    qRegisterMetaType<sm::core::TrainingState>();
    registration().name = factory ? name : QString();
    registration().factory = std::move(factory);
}

bool trainingBackendAvailable() {
    return static_cast<bool>(registration().factory);
}

QString trainingBackendName() {
    return registration().name;
}

std::unique_ptr<TrainingBackend> createTrainingBackend() {
    return registration().factory ? registration().factory() : nullptr;
}

}  // namespace sm::core
