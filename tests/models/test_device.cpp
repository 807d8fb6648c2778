// Device and precision selection, the autocast scope and the thread-count helper. Pure parts only: CUDA targets
// are resolved with a given device count, so no GPU is needed (autocast state is a thread-local flag).
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <thread>

#include "runtime/device.h"
#include "runtime/error.h"

using sm::ComputeTarget;
using sm::DeviceKind;
using sm::DeviceRequest;
using sm::Precision;

class TestDevice : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void precisionNamesAndDtypes() {
        QCOMPARE(sm::toDtype(Precision::Float32), torch::kFloat32);
        QCOMPARE(sm::toDtype(Precision::Float16), torch::kFloat16);
        QCOMPARE(sm::toDtype(Precision::BFloat16), torch::kBFloat16);
        for (Precision p : {Precision::Float32, Precision::Float16, Precision::BFloat16}) {
            QCOMPARE(sm::parsePrecision(sm::precisionName(p)), p);
        }
        QCOMPARE(sm::parsePrecision("FP16"), Precision::Float16);
        QCOMPARE(sm::parsePrecision("bf16"), Precision::BFloat16);
        QCOMPARE(sm::parsePrecision("half"), Precision::Float16);
        QVERIFY_EXCEPTION_THROWN(sm::parsePrecision("int8"), sm::ArgumentError);
    }

    void cpuDefaultsToFloat32() {
        const ComputeTarget target = sm::resolveComputeTarget(DeviceRequest{}, 0);
        QVERIFY(target.device.is_cpu());
        QCOMPARE(target.precision, Precision::Float32);
        QVERIFY(!target.autocast);
        QCOMPARE(target.weightDtype(), torch::kFloat32);
        QCOMPARE(target.options().dtype(), caffe2::TypeMeta::Make<float>());
        QCOMPARE(QString::fromStdString(target.describe()), QStringLiteral("cpu float32"));

        DeviceRequest bf16;
        bf16.kind = DeviceKind::Cpu;
        bf16.precision = Precision::BFloat16;
        QCOMPARE(sm::resolveComputeTarget(bf16, 2).precision, Precision::BFloat16);

        // An explicit CPU + float16 request is refused; Auto falling back to the CPU runs float32 instead.
        DeviceRequest half;
        half.kind = DeviceKind::Cpu;
        half.precision = Precision::Float16;
        QVERIFY_EXCEPTION_THROWN(sm::resolveComputeTarget(half, 0), sm::ArgumentError);
        half.kind = DeviceKind::Auto;
        QCOMPARE(sm::resolveComputeTarget(half, 0).precision, Precision::Float32);
    }

    void cudaUsesTheReferencePrecision() {
        DeviceRequest request;
        request.cudaIndex = 1;
        const ComputeTarget fp16 = sm::resolveComputeTarget(request, 2);
        QVERIFY(fp16.isCuda());
        QCOMPARE(fp16.device.index(), c10::DeviceIndex(1));
        QCOMPARE(fp16.precision, Precision::Float16);  // cudaDefault
        QCOMPARE(fp16.weightDtype(), torch::kFloat16);
        QVERIFY(!fp16.autocast);

        // Pix2Gif's demo: float32 weights under autocast.
        request.autocast = true;
        const ComputeTarget autocast = sm::resolveComputeTarget(request, 2);
        QVERIFY(autocast.autocast);
        QCOMPARE(autocast.weightDtype(), torch::kFloat32);
        QCOMPARE(autocast.computeDtype(), torch::kFloat16);
        QCOMPARE(QString::fromStdString(autocast.describe()), QStringLiteral("cuda:1 float16 (autocast)"));

        // Parity runs: float32 on CUDA never autocasts.
        request.precision = Precision::Float32;
        QVERIFY(!sm::resolveComputeTarget(request, 2).autocast);

        request = {};
        request.cudaDefault = Precision::BFloat16;
        QCOMPARE(sm::resolveComputeTarget(request, 1).precision, Precision::BFloat16);
    }

    void refusesUnavailableCuda() {
        DeviceRequest request;
        request.kind = DeviceKind::Cuda;
        QVERIFY_EXCEPTION_THROWN(sm::resolveComputeTarget(request, 0), sm::ArgumentError);
        request.cudaIndex = 3;
        QVERIFY_EXCEPTION_THROWN(sm::resolveComputeTarget(request, 2), sm::ArgumentError);
        request.cudaIndex = -1;
        QVERIFY_EXCEPTION_THROWN(sm::resolveComputeTarget(request, 2), sm::ArgumentError);
    }

    void selectMatchesThisMachine() {
        const ComputeTarget target = sm::selectComputeTarget(DeviceRequest{});
        QCOMPARE(target.isCuda(), sm::cudaAvailable());
        DeviceRequest cpu;
        cpu.kind = DeviceKind::Cpu;
        QVERIFY(sm::selectComputeTarget(cpu).device.is_cpu());
    }

    void autocastScopeNestsAndRestores() {
        QVERIFY(!sm::cudaAutocastEnabled());
        {
            sm::AutocastScope none(sm::resolveComputeTarget(DeviceRequest{}, 0));  // CPU: no-op
            QVERIFY(!none.active());
            QVERIFY(!sm::cudaAutocastEnabled());
        }
        DeviceRequest request;
        request.autocast = true;
        const ComputeTarget fp16 = sm::resolveComputeTarget(request, 1);
        request.precision = Precision::BFloat16;
        const ComputeTarget bf16 = sm::resolveComputeTarget(request, 1);
        {
            sm::AutocastScope outer(fp16);
            QVERIFY(outer.active());
            QVERIFY(sm::cudaAutocastEnabled());
            {
                sm::AutocastScope inner(bf16);
                QVERIFY(sm::cudaAutocastEnabled());
            }
            QVERIFY(sm::cudaAutocastEnabled());
        }
        QVERIFY(!sm::cudaAutocastEnabled());
        // The flag is per thread: another thread never sees it.
        bool otherThread = true;
        {
            sm::AutocastScope scope(fp16);
            std::thread([&] { otherThread = sm::cudaAutocastEnabled(); }).join();
        }
        QVERIFY(!otherThread);
    }

    void threadCount() {
        const int before = torch::get_num_threads();
        QCOMPARE(sm::applyThreadCount(1), 1);
        QCOMPARE(torch::get_num_threads(), 1);
        const int all = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
        QCOMPARE(sm::applyThreadCount(0), all);
        QCOMPARE(torch::get_num_threads(), all);
        // Work in between, then a second call: the guarded inter-op setting must not throw.
        (void)torch::ones({64, 64}).matmul(torch::ones({64, 64}));
        QCOMPARE(sm::applyThreadCount(2), 2);
        QVERIFY(torch::get_num_interop_threads() >= 1);
        QVERIFY_EXCEPTION_THROWN(sm::applyThreadCount(-1), sm::ArgumentError);
        // A worker thread adopts the count.
        int seen = 0;
        std::thread([&] {
            sm::initComputeThread();
            seen = torch::get_num_threads();
        }).join();
        QCOMPARE(seen, 2);
        sm::applyThreadCount(before);
    }
};

QTEST_GUILESS_MAIN(TestDevice)
#include "test_device.moc"
