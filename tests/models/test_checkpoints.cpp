// torch.save checkpoints: the fixtures made by python3-torch 1.13 (golden/checkpoints/: a diffusers-style .bin,
// a Lightning .ckpt full of unknown classes, a legacy file, a truncated file, a malicious file) checked against
// their *.expected.json, plus hand-built archives for every storage type, the protocol 4 opcodes, legacy storage
// views, and files that must be refused.
#include <torch/torch.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cstdio>
#include <fstream>

#include "golden.h"
#include "io/torch_checkpoint.h"
#include "io/unpickler.h"
#include "io/weight_map.h"
#include "pickle_builder.h"
#include "runtime/error.h"

using sm::io::PickleValue;
using sm::io::TorchCheckpoint;
using sm::test::PickleBuilder;
using Kind = sm::io::PickleValue::Kind;

namespace {

QString fixtureDir() {
    return sm::test::goldenDir() + QStringLiteral("/checkpoints");
}

std::string fixture(const char* name) {
    return (fixtureDir() + QLatin1Char('/') + QLatin1String(name)).toStdString();
}

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

torch::ScalarType dtypeFromName(const std::string& name) {
    static const std::map<std::string, torch::ScalarType> kTypes = {
        {"float32", torch::kFloat32}, {"float16", torch::kFloat16}, {"bfloat16", torch::kBFloat16},
        {"float64", torch::kFloat64}, {"int64", torch::kInt64},     {"int32", torch::kInt32},
        {"int16", torch::kInt16},     {"int8", torch::kInt8},       {"uint8", torch::kUInt8},
        {"bool", torch::kBool},
    };
    const auto it = kTypes.find(name);
    if (it == kTypes.end()) {
        throw std::runtime_error("expected.json names unknown dtype " + name);
    }
    return it->second;
}

// Checks one tensor against its expected.json entry: dtype, shape, float64 sum and the first elements
// (row-major after making it contiguous, as the README defines them). Empty when it matches.
QString checkExpected(const std::string& key, const torch::Tensor& tensor, const nlohmann::json& expected) {
    auto fail = [&](const std::string& what) { return QString::fromStdString(key + ": " + what); };
    const torch::ScalarType dtype = dtypeFromName(expected.at("dtype").get<std::string>());
    if (tensor.scalar_type() != dtype) {
        return fail("dtype " + sm::io::dtypeName(tensor.scalar_type()) + ", expected " + sm::io::dtypeName(dtype));
    }
    const auto shape = expected.at("shape").get<std::vector<int64_t>>();
    if (tensor.sizes().vec() != shape) {
        return fail("shape " + sm::io::shapeString(tensor.sizes()) + ", expected " + sm::io::shapeString(shape));
    }
    const torch::Tensor flat = tensor.contiguous().reshape({-1}).to(torch::kFloat64);
    const double sum = flat.sum().item<double>();
    const double expectedSum = expected.at("sum").get<double>();
    if (std::abs(sum - expectedSum) > 1e-9 * std::max(1.0, std::abs(expectedSum))) {
        return fail("sum " + std::to_string(sum) + ", expected " + std::to_string(expectedSum));
    }
    const auto first = expected.at("first").get<std::vector<double>>();
    if (first.size() > static_cast<size_t>(flat.numel())) {
        return fail("has fewer elements than expected.json lists");
    }
    for (size_t i = 0; i < first.size(); ++i) {
        const double v = flat[static_cast<int64_t>(i)].item<double>();
        if (v != first[i]) {
            return fail("element " + std::to_string(i) + " is " + std::to_string(v) + ", expected " +
                        std::to_string(first[i]));
        }
    }
    return {};
}

// The whole state dict against expected.json: same key set, every entry matching.
QString checkStateDict(const sm::io::StateDict& dict, const nlohmann::json& expected) {
    if (dict.size() != expected.size()) {
        return QStringLiteral("%1 keys loaded, expected.json lists %2").arg(dict.size()).arg(expected.size());
    }
    for (const auto& [key, entry] : expected.items()) {
        const auto it = dict.find(key);
        if (it == dict.end()) {
            return QString::fromStdString("key " + key + " missing");
        }
        const QString message = checkExpected(key, it->second, entry);
        if (!message.isEmpty()) {
            return message;
        }
    }
    return {};
}

const void* storageBase(const torch::Tensor& t) {
    return t.storage().data();
}

template <typename Fn>
QString expectWeightsError(Fn&& fn, const QString& mustContain) {
    try {
        fn();
    } catch (const sm::WeightsError& e) {
        const QString message = QString::fromUtf8(e.what());
        return message.contains(mustContain) ? QString()
                                             : QStringLiteral("message lacks '%1': %2").arg(mustContain, message);
    }
    return QStringLiteral("no sm::WeightsError thrown (expected one mentioning '%1')").arg(mustContain);
}

#define SKIP_WITHOUT_FIXTURES()                                            \
    if (!QFileInfo::exists(fixtureDir() + QStringLiteral("/README.md"))) { \
        QSKIP("golden/checkpoints not found; set STILLMOTION_GOLDEN_DIR"); \
    }

// A pickle {"<names[i]>": tensor over storage i} with float32 storages of `numel` values each.
std::string simpleStateDictPickle(const std::vector<std::string>& names, int64_t numel) {
    PickleBuilder p;
    p.proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark();
    for (size_t i = 0; i < names.size(); ++i) {
        p.str(names[i]).tensor("FloatStorage", std::to_string(i), numel, 0, {numel}, {1});
    }
    return p.setItems().stop().data();
}

}  // namespace

class TestCheckpoints : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // ---- fixtures made by torch.save ------------------------------------------------------------------------

    void diffusersStyleBin() {
        SKIP_WITHOUT_FIXTURES();
        const TorchCheckpoint ckpt = sm::io::readTorchCheckpoint(fixture("state_dict.bin"));
        QVERIFY(!ckpt.legacyFormat);
        QCOMPARE(ckpt.stateDictKey, std::string());
        QVERIFY(ckpt.skipped.empty());
        SM_VERIFY_OK(checkStateDict(ckpt.stateDict, readJson(fixture("state_dict.expected.json"))));

        // Views keep PyTorch's sharing: one storage behind view.a / view.b (one with an offset, one strided),
        // and the same tensor under two keys.
        const auto& sd = ckpt.stateDict;
        QCOMPARE(storageBase(sd.at("view.a")), storageBase(sd.at("view.b")));
        QVERIFY(sd.at("view.b").storage_offset() > 0);
        QVERIFY(!sd.at("view.b").is_contiguous());
        QVERIFY(!sd.at("transposed").is_contiguous());
        QCOMPARE(storageBase(sd.at("tied.x")), storageBase(sd.at("conv_in.bias")));
        QCOMPARE(sd.at("count").dim(), int64_t(0));

        // Tensors are copy-on-write views of the file: writing to them leaves the file alone.
        torch::Tensor w = sd.at("conv_in.weight");
        const double before = w.sum().item<double>();
        w.fill_(0);
        QCOMPARE(sm::io::loadTorchCheckpoint(fixture("state_dict.bin")).at("conv_in.weight").sum().item<double>(),
                 before);
    }

    void lightningCheckpoint() {
        SKIP_WITHOUT_FIXTURES();
        const nlohmann::json expected = readJson(fixture("lightning.expected.json"));
        const TorchCheckpoint ckpt = sm::io::readTorchCheckpoint(fixture("lightning.ckpt"));
        QCOMPARE(ckpt.stateDictKey, std::string("state_dict"));
        SM_VERIFY_OK(checkStateDict(ckpt.stateDict, expected.at("state_dict")));
        QVERIFY(ckpt.globalStep().has_value());
        QCOMPARE(*ckpt.globalStep(), expected.at("global_step").get<int64_t>());
        QVERIFY(ckpt.skipped.empty());

        // What Python cannot even load without pytorch_lightning comes back as inert placeholders.
        const auto callbacks = ckpt.entry("callbacks");
        QVERIFY(callbacks && callbacks->isDict() && callbacks->size() == 1);
        const PickleValue callback = callbacks->items().front().second;
        QVERIFY(callback.isObject());
        QCOMPARE(callback.qualifiedName(), std::string("pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint"));
        QVERIFY(callback.objectState().isDict());
        QVERIFY(callback.objectState().find("best_model_score").has_value());
        QVERIFY(callback.objectState().find("best_model_score")->isTensor());

        const auto hparams = ckpt.entry("hyper_parameters");
        QVERIFY(hparams && hparams->isDict());
        const auto args = hparams->find("args");
        QVERIFY(args && args->isObject());
        QCOMPARE(args->qualifiedName(), std::string("argparse.Namespace"));
        QVERIFY(args->objectState().isDict() && args->objectState().size() > 0);
        QCOMPARE(hparams->find("set")->qualifiedName(), std::string("builtins.set"));
        QCOMPARE(hparams->find("cplx")->qualifiedName(), std::string("builtins.complex"));
        QCOMPARE(hparams->find("cplx")->objectArgs().size(), size_t(2));
        QCOMPARE(hparams->find("bytes")->kind(), Kind::Bytes);  // _codecs.encode(…, 'latin1') decoded as data
        QVERIFY(hparams->find("none")->isNone());
        QCOMPARE(hparams->find("float")->kind(), Kind::Float);
        QVERIFY(hparams->find("nested")->isSequence());

        const auto optimizer = ckpt.entry("optimizer_states");
        QVERIFY(optimizer && optimizer->isSequence() && optimizer->size() == 1);
        QVERIFY(optimizer->at(0).find("param_groups").has_value());
    }

    void legacyFormatLoads() {
        SKIP_WITHOUT_FIXTURES();
        const std::string path = fixture("legacy_format.pt");
        const TorchCheckpoint ckpt = sm::io::readTorchCheckpoint(path);
        QVERIFY(ckpt.legacyFormat);
        QVERIFY(!ckpt.stateDict.empty());
        // The legacy stream ends with the raw storages; with a single float32 storage the tensor's bytes are the
        // file's tail.
        QCOMPARE(ckpt.stateDict.size(), size_t(1));
        const torch::Tensor t = ckpt.stateDict.begin()->second.contiguous();
        QCOMPARE(t.scalar_type(), torch::kFloat32);
        const std::string file = sm::test::readFile(path);
        const size_t bytes = static_cast<size_t>(t.numel()) * 4;
        QVERIFY(bytes > 0 && bytes < file.size());
        QVERIFY(std::memcmp(t.data_ptr(), file.data() + file.size() - bytes, bytes) == 0);
    }

    void maliciousFileIsRefusedWithoutRunningIt() {
        SKIP_WITHOUT_FIXTURES();
        const char* sideEffect = "/tmp/stillmotion_pwned";
        std::remove(sideEffect);
        if (QFileInfo::exists(QString::fromLatin1(sideEffect))) {
            QSKIP("/tmp/stillmotion_pwned exists and cannot be removed; the side-effect check would be void");
        }
        const std::string path = fixture("malicious.ckpt");
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::readTorchCheckpoint(path); }, QStringLiteral("os.system")));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::readTorchObject(path); }, QStringLiteral("malicious.ckpt")));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::openWeights(path); }, QStringLiteral("os.system")));
        QVERIFY(!QFileInfo::exists(QString::fromLatin1(sideEffect)));
    }

    void truncatedFileFails() {
        SKIP_WITHOUT_FIXTURES();
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(fixture("truncated.bin")); },
                                        QStringLiteral("truncated.bin")));
    }

    // ---- archives written here ------------------------------------------------------------------------------

    void roundTripsEveryStorageType() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("all.bin").toStdString();
        const torch::Tensor shared = torch::randn({4, 3});
        sm::io::StateDict dict = {
            {"f64", torch::randn({3, 2}, torch::kFloat64)},
            {"f32", torch::randn({5})},
            {"f16", torch::randn({2, 2}).to(torch::kFloat16)},
            {"bf16", torch::randn({6}).to(torch::kBFloat16)},
            {"i64", torch::arange(-3, 4, torch::kInt64) * (int64_t(1) << 40)},
            {"i32", torch::arange(-2, 5, torch::kInt32)},
            {"i16", torch::arange(-2, 5, torch::kInt16)},
            {"i8", torch::arange(-3, 3, torch::kInt8)},
            {"u8", torch::arange(250, 256, torch::kInt32).to(torch::kUInt8)},
            {"bool", torch::tensor({true, false, true})},
            {"c64", torch::randn({3}, torch::kComplexFloat)},
            {"scalar", torch::tensor(2.5)},
            {"empty", torch::zeros({0, 7})},
            {"strided", torch::randn({5, 6}).t()},
            {"alias.a", shared},
            {"alias.b", shared},
        };
        sm::io::writeTorchCheckpoint(path, dict);
        const sm::io::StateDict back = sm::io::loadTorchCheckpoint(path);
        QCOMPARE(back.size(), dict.size());
        for (const auto& [name, tensor] : dict) {
            QVERIFY2(back.count(name), name.c_str());
            QVERIFY2(back.at(name).scalar_type() == tensor.scalar_type(), name.c_str());
            QVERIFY2(torch::equal(back.at(name), tensor), name.c_str());
        }
        QCOMPARE(storageBase(back.at("alias.a")), storageBase(back.at("alias.b")));
        QCOMPARE(sm::io::detectWeightsFormat(path), sm::io::WeightsFormat::TorchZip);
    }

    void protocolFourOpcodesAndRebuilders() {
        // What torch.save(..., pickle_protocol=4) and tensor subclasses produce: FRAME, SHORT_BINUNICODE,
        // STACK_GLOBAL, MEMOIZE, LONG_BINPUT, NEWOBJ_EX-free sets, _rebuild_parameter, _rebuild_from_type_v2.

        PickleBuilder p;
        p.proto(4);
        PickleBuilder inner;
        inner.emptyDict().memoize();
        inner.shortStr("param").memoize();
        inner.stackGlobal("torch._utils", "_rebuild_parameter").memoize();
        inner.tensor("HalfStorage", "0", 6, 0, {2, 3}, {3, 1}).boolean(true);
        inner.global("collections", "OrderedDict").emptyTuple().reduce();
        inner.op('\x87').reduce();
        inner.put(300).setItem();
        inner.shortStr("subclass").global("torch._tensor", "_rebuild_from_type_v2").mark();
        inner.global("torch._utils", "_rebuild_tensor_v2").global("torch.nn.parameter", "Parameter");
        inner.mark().storageId("LongStorage", "1", 4).integer(1).ints({3}).ints({1}).boolean(false).emptyDict().tuple();
        inner.emptyDict().tuple().reduce().setItem();
        inner.shortStr("size").global("torch", "Size").ints({2, 3}).op('\x85').reduce().setItem();
        inner.shortStr("set").op('\x8f').mark().integer(1).integer(2).op('\x90').setItem();
        inner.shortStr("frozen").mark().integer(3).op('\x91').setItem();
        inner.shortStr("blob").bytes(std::string("\x00\xff", 2)).setItem();
        inner.shortStr("again").get(300).setItem();
        inner.stop();
        p.frame(inner.data().size()).raw(inner.data());

        QTemporaryDir dir;
        const std::string path = dir.filePath("p4.pt").toStdString();
        std::string half(12, '\0');
        const torch::Tensor halfValues = torch::arange(6, torch::kFloat32).to(torch::kFloat16);
        std::memcpy(half.data(), halfValues.data_ptr(), 12);
        std::string longs(32, '\0');
        const torch::Tensor longValues = torch::tensor({10, 11, 12, 13}, torch::kInt64);
        std::memcpy(longs.data(), longValues.data_ptr(), 32);
        sm::test::writeTorchZip(path, p.data(), {{"data/0", half}, {"data/1", longs}});

        const TorchCheckpoint ckpt = sm::io::readTorchCheckpoint(path);
        QCOMPARE(ckpt.stateDictKey, std::string());  // not all values are tensors, but it has tensors
        QVERIFY(torch::equal(ckpt.stateDict.at("param"), halfValues.reshape({2, 3})));
        QVERIFY(torch::equal(ckpt.stateDict.at("again"), halfValues.reshape({2, 3})));
        QVERIFY(torch::equal(ckpt.stateDict.at("subclass"), longValues.slice(0, 1)));
        QCOMPARE(ckpt.root.find("size")->kind(), Kind::Tuple);
        QCOMPARE(ckpt.root.find("size")->at(1).toInt(), int64_t(3));
        QCOMPARE(ckpt.root.find("set")->objectItems().size(), size_t(2));
        QCOMPARE(ckpt.root.find("frozen")->qualifiedName(), std::string("builtins.frozenset"));
        QCOMPARE(ckpt.root.find("blob")->toBytes(), std::string("\x00\xff", 2));
        QCOMPARE(ckpt.skipped.size(), size_t(4));  // size, set, frozen, blob
    }

    void findsNestedStateDicts() {
        QTemporaryDir dir;
        for (const char* key : {"state_dict", "module", "model"}) {
            PickleBuilder p;
            p.proto(2).emptyDict().mark();
            p.str("epoch").integer(3);
            p.str(key).global("collections", "OrderedDict").emptyTuple().reduce().mark();
            p.str("w").tensor("FloatStorage", "0", 4, 0, {4}, {1});
            p.str("extra").global("numpy.core.multiarray", "scalar").mark().none().bytes("abcd").tuple().reduce();
            p.setItems().setItems().stop();
            const std::string path = dir.filePath(QString::fromLatin1(key) + ".ckpt").toStdString();
            sm::test::writeTorchZip(path, p.data(), {{"data/0", sm::test::floatBytes(4)}});
            const TorchCheckpoint ckpt = sm::io::readTorchCheckpoint(path);
            QCOMPARE(ckpt.stateDictKey, std::string(key));
            QCOMPARE(ckpt.stateDict.size(), size_t(1));
            QVERIFY(torch::equal(ckpt.stateDict.at("w"), torch::arange(4, torch::kFloat32)));
            QCOMPARE(ckpt.skipped.size(), size_t(1));
            QVERIFY(ckpt.skipped.front().find("numpy.core.multiarray.scalar") != std::string::npos);
            QCOMPARE(ckpt.entry("epoch")->toInt(), int64_t(3));
        }
    }

    void enumMembersThroughGetattr() {
        // Python 3.12 pickles enum members as getattr(EnumClass, "NAME"); such hyper-parameters must not block
        // the load, and come back as the member's name.
        PickleBuilder p;
        p.proto(4).emptyDict().mark();
        p.str("w").tensor("FloatStorage", "0", 4, 0, {4}, {1});
        p.str("fn").global("builtins", "getattr").global("pytorch_lightning.trainer.states", "TrainerFn");
        p.str("FITTING").op('\x86').reduce();
        p.setItems().stop();
        QTemporaryDir dir;
        const std::string path = dir.filePath("enum.ckpt").toStdString();
        sm::test::writeTorchZip(path, p.data(), {{"data/0", sm::test::floatBytes(4)}});
        const TorchCheckpoint ckpt = sm::io::readTorchCheckpoint(path);
        QCOMPARE(ckpt.stateDict.size(), size_t(1));
        QCOMPARE(ckpt.entry("fn")->kind(), Kind::Global);
        QCOMPARE(ckpt.entry("fn")->qualifiedName(), std::string("pytorch_lightning.trainer.states.TrainerFn.FITTING"));
    }

    void legacyStorageViews() {
        // A pre-1.6 stream with a storage view (view_metadata), written as torch/serialization.py _legacy_save did.
        PickleBuilder p;
        p.proto(2).op('\x8a').le(10, 1).raw(std::string("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10)).stop();
        p.proto(2).integer(1001).stop();
        p.proto(2).emptyDict().str("little_endian").boolean(true).setItem().stop();
        p.proto(2).emptyDict().mark();
        p.str("whole").global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark().str("storage").global("torch", "FloatStorage").str("root").str("cuda:0").integer(10).none().tuple();
        p.persistentId().integer(0).ints({2, 5}).ints({5, 1}).boolean(false).emptyDict().tuple().reduce();
        p.str("view").global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark().str("storage").global("torch", "FloatStorage").str("root").str("cuda:0").integer(10);
        p.mark().str("v").integer(4).integer(3).tuple().tuple();
        p.persistentId().integer(1).ints({2}).ints({1}).boolean(false).emptyDict().tuple().reduce();
        p.setItems().stop();
        p.proto(2).mark().str("root").op('l').stop();
        p.le(10, 8).raw(sm::test::floatBytes(10));
        QTemporaryDir dir;
        const std::string path = dir.filePath("legacy.pt").toStdString();
        sm::test::writeFile(path, p.data());

        const TorchCheckpoint ckpt = sm::io::readTorchCheckpoint(path);
        QVERIFY(ckpt.legacyFormat);
        QVERIFY(torch::equal(ckpt.stateDict.at("whole"), torch::arange(10, torch::kFloat32).reshape({2, 5})));
        QVERIFY(torch::equal(ckpt.stateDict.at("view"), torch::tensor({5.f, 6.f})));  // root[4:7][1:3]
        QCOMPARE(storageBase(ckpt.stateDict.at("whole")), storageBase(ckpt.stateDict.at("view")));

        // The same stream with the storage bytes cut short is refused.
        const std::string cut = dir.filePath("cut.pt").toStdString();
        sm::test::writeFile(cut, p.data().substr(0, p.data().size() - 5));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(cut); }, QStringLiteral("cut.pt")));
    }

    void refusesCodeExecution_data() {
        QTest::addColumn<QByteArray>("pickle");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, const PickleBuilder& p, const char* expected) {
            QTest::newRow(name) << QByteArray::fromStdString(p.data()) << QString::fromLatin1(expected);
        };
        auto call = [](PickleBuilder p, const char* arg) { return p.str(arg).op('\x85').reduce().stop(); };
        row("global-os-system", call(PickleBuilder().proto(2).global("os", "system"), "id"), "os.system");
        row("nt-system", call(PickleBuilder().proto(2).global("nt", "system"), "id"), "os.system");
        row("stack-global-eval", call(PickleBuilder().proto(4).stackGlobal("builtins", "eval"), "1"), "builtins.eval");
        row("py2-builtin-exec", call(PickleBuilder().proto(2).global("__builtin__", "exec"), "1"), "builtins.exec");
        row("subprocess", call(PickleBuilder().proto(2).global("subprocess", "check_output"), "id"), "subprocess");
        row("getattr-gadget",
            PickleBuilder()
                .proto(2)
                .global("builtins", "getattr")
                .global("torch", "storage")
                .str("_load_from_bytes")
                .op('\x86')
                .reduce()
                .bytes("x")
                .op('\x85')
                .reduce()
                .stop(),
            "torch.storage._load_from_bytes");
        row("module-itself", call(PickleBuilder().proto(2).global("torch", "hub"), "x"), "torch.hub");
        row("inst-opcode", PickleBuilder().proto(0).mark().str("id").raw("ios\nsystem\n").stop(), "os.system");
        row("torch-load", call(PickleBuilder().proto(2).global("torch", "load"), "x"), "torch.load");
        // Nested inside an otherwise plausible state dict, the refusal still wins.
        row("inside-state-dict",
            PickleBuilder()
                .proto(2)
                .emptyDict()
                .str("w")
                .global("posix", "system")
                .str("x")
                .op('\x85')
                .reduce()
                .setItem()
                .stop(),
            "os.system");
    }

    void refusesCodeExecution() {
        QFETCH(QByteArray, pickle);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = dir.filePath("evil.ckpt").toStdString();
        sm::test::writeTorchZip(path, pickle.toStdString(), {});
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::readTorchObject(path); }, expected));
    }

    void refusesBrokenArchives_data() {
        QTest::addColumn<QByteArray>("pickle");
        QTest::addColumn<QByteArray>("record");
        QTest::addColumn<QString>("expected");
        const std::string floats = sm::test::floatBytes(4);
        auto tensorDict = [](const std::string& storageClass, int64_t numel, int64_t offset, std::vector<int64_t> sizes,
                             std::vector<int64_t> strides) {
            return QByteArray::fromStdString(PickleBuilder()
                                                 .proto(2)
                                                 .emptyDict()
                                                 .str("w")
                                                 .tensor(storageClass, "0", numel, offset, sizes, strides)
                                                 .setItem()
                                                 .stop()
                                                 .data());
        };
        const QByteArray record = QByteArray::fromStdString(floats);
        QTest::newRow("view-past-storage") << tensorDict("FloatStorage", 4, 1, {4}, {1}) << record << "needs 5";
        QTest::newRow("stride-past-storage") << tensorDict("FloatStorage", 4, 0, {2, 2}, {3, 1}) << record << "needs 5";
        QTest::newRow("negative-size") << tensorDict("FloatStorage", 4, 0, {-1}, {1}) << record << "negative";
        QTest::newRow("overflow") << tensorDict("FloatStorage", 4, 0, {INT64_MAX / 2, 4}, {1, 1}) << record
                                  << "overflows";
        QTest::newRow("rank-mismatch") << tensorDict("FloatStorage", 4, 0, {4}, {1, 1}) << record << "differ";
        QTest::newRow("storage-bigger-than-record")
            << tensorDict("FloatStorage", 400, 0, {4}, {1}) << record << "more than its record";
        QTest::newRow("huge-storage") << tensorDict("DoubleStorage", INT64_MAX / 4, 0, {4}, {1}) << record
                                      << "more than its record";
        QTest::newRow("quantized-storage") << tensorDict("QInt8Storage", 4, 0, {4}, {1}) << record << "not supported";
        QTest::newRow("missing-record") << tensorDict("FloatStorage", 4, 0, {4}, {1}) << QByteArray() << "missing";
        QTest::newRow("not-a-dict") << QByteArray::fromStdString(PickleBuilder().proto(2).integer(5).stop().data())
                                    << record << "not a dict";
        QTest::newRow("no-tensors")
            << QByteArray::fromStdString(
                   PickleBuilder().proto(2).emptyDict().str("epoch").integer(1).setItem().stop().data())
            << record << "top-level keys: epoch";
        QTest::newRow("truncated-pickle")
            << tensorDict("FloatStorage", 4, 0, {4}, {1}).left(40) << record << "truncated";
        QTest::newRow("ext-opcode") << QByteArray("\x80\x02\x82\x01.", 5) << record << "extension registry";
    }

    void refusesBrokenArchives() {
        QFETCH(QByteArray, pickle);
        QFETCH(QByteArray, record);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = dir.filePath("broken.ckpt").toStdString();
        std::map<std::string, std::string> records;
        if (!record.isEmpty()) {
            records["data/0"] = record.toStdString();
        }
        sm::test::writeTorchZip(path, pickle.toStdString(), records);
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(path); }, expected));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(path); }, QStringLiteral("broken.ckpt")));
    }

    void refusesOtherContainers() {
        QTemporaryDir dir;
        // Big-endian byteorder record (PyTorch >= 2.1 writes one).
        const std::string bigEndian = dir.filePath("be.pt").toStdString();
        sm::test::writeTorchZip(bigEndian, simpleStateDictPickle({"w"}, 4),
                                {{"data/0", sm::test::floatBytes(4)}, {"byteorder", "big"}});
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(bigEndian); }, QStringLiteral("byte order")));
        // A TorchScript archive has constants.pkl and code/, no data.pkl.
        const std::string script = dir.filePath("script.pt").toStdString();
        {
            std::ofstream out(script, std::ios::binary);
            caffe2::serialize::PyTorchStreamWriter writer([&out](const void* buf, size_t n) -> size_t {
                out.write(static_cast<const char*>(buf), static_cast<std::streamsize>(n));
                return n;
            });
            writer.writeRecord("constants.pkl", "\x80\x02).", 4);
            writer.writeRecord("code/__torch__.py", "", 0);
            writer.writeEndOfFile();
        }
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(script); }, QStringLiteral("TorchScript")));
        // A tar-format legacy file.
        std::string tar(1024, '\0');
        std::memcpy(&tar[257], "ustar", 5);
        const std::string tarPath = dir.filePath("old.pt").toStdString();
        sm::test::writeFile(tarPath, tar);
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(tarPath); },
                                        QStringLiteral("legacy (pre-1.6) PyTorch format")));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(tarPath); },
                                        QStringLiteral("re-save it with torch.save")));
        // Not a checkpoint at all.
        const std::string text = dir.filePath("notes.ckpt").toStdString();
        sm::test::writeFile(text, "hello world, not weights");
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadTorchCheckpoint(text); }, QStringLiteral("not a PyTorch")));
    }
};

QTEST_GUILESS_MAIN(TestCheckpoints)
#include "test_checkpoints.moc"
