// Weight maps: prefix selection, trainer state left out of the weights, ldm EMA folding (checked over the real
// Pix2Gif / SD-1.5 key manifests and the Lightning fixture), dtype conversion, shape queries for config detection,
// openWeights' format dispatch, diffusers component folders (single files, sharded indexes, variants) and the key
// report's prefix hints.
#include <torch/torch.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

#include "golden.h"
#include "io/diffusers_folder.h"
#include "io/module_loader.h"
#include "io/safetensors.h"
#include "io/torch_checkpoint.h"
#include "io/weight_map.h"
#include "pickle_builder.h"
#include "runtime/error.h"

using sm::io::StateDict;

namespace {

// keys.tsv of a manifest case: header row, then tab-separated rows.
std::vector<std::map<std::string, std::string>> readTsv(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::vector<std::string> header;
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::stringstream stream(line);
        std::string field;
        while (std::getline(stream, field, '\t')) {
            fields.push_back(field);
        }
        if (header.empty()) {
            header = fields;
            continue;
        }
        std::map<std::string, std::string> row;
        for (size_t i = 0; i < header.size() && i < fields.size(); ++i) {
            row[header[i]] = fields[i];
        }
        rows.push_back(row);
    }
    return rows;
}

std::vector<int64_t> parseShape(const std::string& text) {
    std::vector<int64_t> shape;
    if (text == "scalar") {
        return shape;
    }
    std::stringstream stream(text);
    std::string dim;
    while (std::getline(stream, dim, ',')) {
        shape.push_back(std::stoll(dim));
    }
    return shape;
}

torch::ScalarType parseDtype(const std::string& name) {
    if (name == "F32") {
        return torch::kFloat32;
    }
    if (name == "I64") {
        return torch::kInt64;
    }
    if (name == "I32") {
        return torch::kInt32;
    }
    throw std::runtime_error("keys.tsv: unexpected dtype " + name);
}

// Meta tensors: the real shapes (7.7 GB in fp32) without any memory.
StateDict metaDict(const std::vector<std::map<std::string, std::string>>& rows, const std::string& keyColumn) {
    StateDict dict;
    for (const auto& row : rows) {
        dict[row.at(keyColumn)] =
            torch::empty(parseShape(row.at("shape")),
                         torch::TensorOptions().dtype(parseDtype(row.at("dtype"))).device(torch::kMeta));
    }
    return dict;
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

std::string path(const QTemporaryDir& dir, const QString& relative) {
    return dir.filePath(relative).toStdString();
}

void writeText(const std::string& file, const std::string& text) {
    sm::test::writeFile(file, text);
}

struct TinyModel : torch::nn::Module {
    TinyModel() {
        proj = register_module("proj", torch::nn::Linear(3, 2));
        norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({2})));
    }
    torch::nn::Linear proj{nullptr};
    torch::nn::LayerNorm norm{nullptr};
};

struct OneLayer : torch::nn::Module {
    OneLayer() { proj = register_module("proj", torch::nn::Linear(3, 2)); }
    torch::nn::Linear proj{nullptr};
};

}  // namespace

class TestWeightMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void prefixSelection() {
        const StateDict dict = {
            {"first_stage_model.encoder.conv_in.weight", torch::ones({2})},
            {"first_stage_model.decoder.conv_out.bias", torch::ones({3})},
            {"first_stage_model_extra", torch::ones({1})},
            {"model.diffusion_model.out.2.weight", torch::ones({4})},
            {"cond_stage_model.transformer.text_model.final_layer_norm.weight", torch::ones({5})},
        };
        const StateDict vae = sm::io::withPrefix(dict, "first_stage_model.");
        QCOMPARE(vae.size(), size_t(2));
        QVERIFY(vae.count("encoder.conv_in.weight") && vae.count("decoder.conv_out.bias"));
        QCOMPARE(vae.at("encoder.conv_in.weight").unsafeGetTensorImpl(),
                 dict.at("first_stage_model.encoder.conv_in.weight").unsafeGetTensorImpl());  // no copy
        QCOMPARE(sm::io::withPrefix(dict, "cond_stage_model.transformer.").begin()->first,
                 std::string("text_model.final_layer_norm.weight"));
        QVERIFY(sm::io::withPrefix(dict, "nothing.").empty());
        QCOMPARE(sm::io::withPrefix(dict, "").size(), dict.size());
        QVERIFY(sm::io::hasPrefix(dict, "model.diffusion_model."));
        QVERIFY(!sm::io::hasPrefix(dict, "model_ema."));
        QCOMPARE(sm::io::addPrefix(vae, "first_stage_model.").size(), size_t(2));
        QVERIFY(sm::io::addPrefix(vae, "first_stage_model.").count("first_stage_model.encoder.conv_in.weight"));
        const std::string groups = sm::io::describeKeyGroups(dict);
        QVERIFY2(groups.find("first_stage_model (2)") == 0, groups.c_str());
    }

    void trainerStateIsNotWeights() {
        // A training checkpoint keeps pending gradients and optimizer moments under the parameters' own names.
        const StateDict checkpoint = {
            {"model.diffusion_model.out.2.weight", torch::ones({4})},
            {std::string(sm::io::kGradientPrefix) + "model.diffusion_model.out.2.weight", torch::ones({4})},
            {std::string(sm::io::kOptimizerPrefix) + "model.diffusion_model.out.2.weight.exp_avg", torch::ones({4})},
            {"gradient_free.weight", torch::ones({1})},  // only whole prefixes are dropped
        };
        const StateDict weights = sm::io::withoutTrainerState(checkpoint);
        QCOMPARE(weights.size(), size_t(2));
        QVERIFY(weights.count("model.diffusion_model.out.2.weight") && weights.count("gradient_free.weight"));
        QCOMPARE(sm::io::withoutTrainerState(weights).size(), weights.size());  // a model file passes unchanged
    }

    void foldsEveryPix2GifUnetKeyFromEma() {
        if (!sm::test::GoldenCase::exists(QStringLiteral("pix2gif_full_manifest"))) {
            QSKIP("golden case pix2gif_full_manifest not found");
        }
        sm::test::GoldenCase c(QStringLiteral("pix2gif_full_manifest"));
        const auto rows = readTsv(c.file("keys.tsv"));
        const StateDict dict = metaDict(rows, "key");
        const auto& counts = c.json().at("counts_by_group");

        const sm::io::EmaFoldResult folded = sm::io::foldEma(dict);
        QCOMPARE(folded.fromEma, counts.at("unet").at("tensors").get<size_t>());
        QVERIFY(folded.plainKeys.empty());
        QVERIFY(folded.ambiguous.empty());
        QVERIFY(!sm::io::hasPrefix(folded.weights, "model_ema."));
        QCOMPARE(folded.weights.size(), dict.size() - counts.at("unet_ema").at("tensors").get<size_t>());
        const StateDict unet = sm::io::withPrefix(folded.weights, "model.diffusion_model.");
        QCOMPARE(unet.size(), counts.at("unet").at("tensors").get<size_t>());
        for (const auto& [key, tensor] : unet) {
            const std::string ema = sm::io::emaKeyFor("model.diffusion_model." + key);
            QVERIFY2(tensor.unsafeGetTensorImpl() == dict.at(ema).unsafeGetTensorImpl(), key.c_str());
        }

        // Every group of the manifest is exactly what its prefix selects.
        const std::map<std::string, std::string> prefixes = {{"unet", "model.diffusion_model."},
                                                             {"unet_ema", "model_ema."},
                                                             {"vae", "first_stage_model."},
                                                             {"clip_text", "cond_stage_model.transformer."},
                                                             {"flownet", "flownet."}};
        for (const auto& [group, prefix] : prefixes) {
            const size_t rowsInGroup = static_cast<size_t>(
                std::count_if(rows.begin(), rows.end(), [&](const auto& row) { return row.at("group") == group; }));
            QVERIFY2(sm::io::withPrefix(dict, prefix).size() == rowsInGroup, group.c_str());
        }
    }

    void emaNamesMatchSd15Manifest() {
        if (!sm::test::GoldenCase::exists(QStringLiteral("ldm_unet_sd15_manifest"))) {
            QSKIP("golden case ldm_unet_sd15_manifest not found");
        }
        sm::test::GoldenCase c(QStringLiteral("ldm_unet_sd15_manifest"));
        const auto rows = readTsv(c.file("keys.tsv"));
        QCOMPARE(rows.size(), c.json().at("num_tensors").get<size_t>());
        for (const auto& row : rows) {
            QCOMPARE(sm::io::emaKeyFor(row.at("checkpoint_key")), row.at("ema_key"));
        }
        const StateDict checkpoint = metaDict(rows, "checkpoint_key");
        const StateDict bare = sm::io::withPrefix(checkpoint, "model.diffusion_model.");
        QCOMPARE(bare.size(), rows.size());
        for (const auto& row : rows) {
            QVERIFY2(bare.count(row.at("bare_key")), row.at("bare_key").c_str());
        }
        QCOMPARE(sm::io::countIndexed(bare, "input_blocks."), int64_t(12));
        QCOMPARE(sm::io::countIndexed(bare, "output_blocks."), int64_t(12));
        QCOMPARE(sm::io::countIndexed(bare, "middle_block."), int64_t(3));
        QCOMPARE(sm::io::dimOf(bare, "input_blocks.0.0.weight", 1),
                 c.json().at("config").at("in_channels").get<int64_t>());
    }

    void foldsLightningFixture() {
        const QString dir = sm::test::goldenDir() + QStringLiteral("/checkpoints");
        if (!QFileInfo::exists(dir + QStringLiteral("/lightning.ckpt"))) {
            QSKIP("golden/checkpoints not found");
        }
        const StateDict dict = sm::io::openWeights((dir + QStringLiteral("/lightning.ckpt")).toStdString());
        const sm::io::EmaFoldResult folded = sm::io::foldEma(dict);
        QCOMPARE(folded.fromEma, size_t(2));
        QVERIFY(folded.plainKeys.empty());
        QVERIFY(!sm::io::hasPrefix(folded.weights, "model_ema."));  // decay and num_updates dropped too
        QVERIFY(folded.weights.count("interval_embedding.embedding.weight"));
        QVERIFY(torch::equal(folded.weights.at("model.diffusion_model.input_blocks.0.0.weight"),
                             dict.at("model_ema.diffusion_modelinput_blocks00weight")));
        QVERIFY(torch::equal(folded.weights.at("model.diffusion_model.input_blocks.0.0.bias"),
                             dict.at("model_ema.diffusion_modelinput_blocks00bias")));
    }

    void foldFallsBackAndNeverGuesses() {
        const StateDict dict = {
            {"model.diffusion_model.a.0.weight", torch::zeros({2})},
            {"model.diffusion_model.b.weight", torch::zeros({3})},  // no EMA: falls back
            {"model_ema.diffusion_modela0weight", torch::ones({2})},
            {"model_ema.decay", torch::tensor(0.999)},
            // input_blocks.1.1.x and input_blocks.11.x both lose their dots to input_blocks11x
            {"model.diffusion_model.input_blocks.1.1.x", torch::zeros({1})},
            {"model.diffusion_model.input_blocks.11.x", torch::zeros({1})},
            {"model_ema.diffusion_modelinput_blocks11x", torch::ones({1})},
            {"first_stage_model.w", torch::zeros({1})},
        };
        const sm::io::EmaFoldResult folded = sm::io::foldEma(dict);
        QCOMPARE(folded.fromEma, size_t(1));
        QCOMPARE(folded.plainKeys, std::vector<std::string>{"model.diffusion_model.b.weight"});
        QCOMPARE(folded.ambiguous.size(), size_t(2));
        QVERIFY(torch::equal(folded.weights.at("model.diffusion_model.a.0.weight"), torch::ones({2})));
        QVERIFY(torch::equal(folded.weights.at("model.diffusion_model.input_blocks.11.x"), torch::zeros({1})));
        QCOMPARE(folded.weights.size(), size_t(5));

        sm::io::EmaOptions keep;
        keep.dropEma = false;
        QCOMPARE(sm::io::foldEma(dict, keep).weights.size(), dict.size());

        StateDict bad = dict;
        bad["model_ema.diffusion_modela0weight"] = torch::ones({3});
        SM_VERIFY_OK(
            expectWeightsError([&] { sm::io::foldEma(bad); }, QStringLiteral("model_ema.diffusion_modela0weight")));
    }

    void convertsFloatingDtypes() {
        const StateDict dict = {{"w", torch::randn({3}).to(torch::kFloat16)},
                                {"steps", torch::arange(3)},
                                {"mask", torch::tensor({true, false})},
                                {"f32", torch::randn({2})}};
        const StateDict out = sm::io::toFloatingDtype(dict, torch::kFloat32);
        QCOMPARE(out.at("w").scalar_type(), torch::kFloat32);
        QVERIFY(torch::equal(out.at("w"), dict.at("w").to(torch::kFloat32)));
        QCOMPARE(out.at("steps").scalar_type(), torch::kInt64);
        QCOMPARE(out.at("mask").scalar_type(), torch::kBool);
        QCOMPARE(out.at("f32").unsafeGetTensorImpl(), dict.at("f32").unsafeGetTensorImpl());
    }

    void shapeQueriesNameTheKey() {
        const StateDict dict = {{"conv_in.weight", torch::zeros({320, 12, 3, 3})},
                                {"input_blocks.0.0.weight", torch::zeros({1})},
                                {"input_blocks.3.op.weight", torch::zeros({1})},
                                {"input_blocks.10x", torch::zeros({1})}};
        QCOMPARE(sm::io::dimOf(dict, "conv_in.weight", 1), int64_t(12));
        QCOMPARE(sm::io::dimOf(dict, "conv_in.weight", -1), int64_t(3));
        QCOMPARE(sm::io::shapeOf(dict, "conv_in.weight"), (std::vector<int64_t>{320, 12, 3, 3}));
        QCOMPARE(sm::io::countIndexed(dict, "input_blocks."), int64_t(4));
        QCOMPARE(sm::io::countIndexed(dict, "output_blocks."), int64_t(0));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::dimOf(dict, "conv_out.weight", 0, "unet.ckpt"); },
                                        QStringLiteral("unet.ckpt: key conv_out.weight not found")));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::dimOf(dict, "conv_in.weight", 4); },
                                        QStringLiteral("conv_in.weight has shape [320,12,3,3], which has no axis 4")));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::tensorAt(dict, "x"); }, QStringLiteral("conv_in (1)")));
    }

    void openWeightsDispatchesOnContent() {
        QTemporaryDir dir;
        const StateDict dict = {{"a.weight", torch::randn({2, 3})}, {"b", torch::arange(4)}};

        const std::string st = path(dir, "w.safetensors");
        sm::io::writeSafetensors(st, dict);
        QCOMPARE(sm::io::detectWeightsFormat(st), sm::io::WeightsFormat::Safetensors);
        QVERIFY(torch::equal(sm::io::openWeights(st).at("a.weight"), dict.at("a.weight")));

        // Content wins over the extension: a zip checkpoint named .safetensors still opens.
        const std::string zip = path(dir, "misnamed.safetensors");
        sm::io::writeTorchCheckpoint(zip, dict);
        QCOMPARE(sm::io::detectWeightsFormat(zip), sm::io::WeightsFormat::TorchZip);
        QVERIFY(torch::equal(sm::io::openWeights(zip).at("b"), dict.at("b")));

        // A safetensors header length whose first bytes look like a pickle (0x80 0x02) is still safetensors.
        std::string header = R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
        header.append(0x280 - header.size(), ' ');
        std::string bytes(8, '\0');
        bytes[0] = '\x80';
        bytes[1] = '\x02';
        bytes += header + std::string(4, '\0');
        const std::string tricky = path(dir, "tricky.safetensors");
        writeText(tricky, bytes);
        QCOMPARE(sm::io::detectWeightsFormat(tricky), sm::io::WeightsFormat::Safetensors);
        QCOMPARE(sm::io::openWeights(tricky).size(), size_t(1));

        const std::string unknown = path(dir, "model.onnx");
        writeText(unknown, "\x08\x07onnx-ish");
        QCOMPARE(sm::io::detectWeightsFormat(unknown), sm::io::WeightsFormat::Unknown);
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::openWeights(unknown); }, QStringLiteral("unrecognised")));
        SM_VERIFY_OK(
            expectWeightsError([&] { sm::io::openWeights(path(dir, "absent.bin")); }, QStringLiteral("no such file")));
        // A damaged .safetensors gets the safetensors reader's precise message.
        writeText(path(dir, "bad.safetensors"), std::string(3, '\0'));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::openWeights(path(dir, "bad.safetensors")); },
                                        QStringLiteral("too short")));
    }

    void diffusersComponentFolders() {
        QTemporaryDir dir;
        QDir root(dir.path());
        const StateDict dict = {{"conv_in.weight", torch::randn({4, 4, 3, 3})},
                                {"conv_in.bias", torch::randn({4})},
                                {"time_embedding.linear_1.weight", torch::randn({8, 4})},
                                {"num_batches_tracked", torch::tensor(int64_t(5))}};

        // Single safetensors file + config.json; a .bin next to it loses (diffusers prefers safetensors).
        root.mkpath("single");
        sm::io::writeSafetensors(path(dir, "single/diffusion_pytorch_model.safetensors"), dict);
        sm::io::writeTorchCheckpoint(path(dir, "single/diffusion_pytorch_model.bin"), {{"other", torch::ones({1})}});
        writeText(path(dir, "single/config.json"), R"({"_class_name": "UNet2DConditionModel", "in_channels": 4})");
        const sm::io::DiffusersComponent single = sm::io::loadDiffusersComponent(path(dir, "single"));
        QCOMPARE(single.config.at("in_channels").get<int>(), 4);
        QCOMPARE(single.weights.size(), dict.size());
        QCOMPARE(single.files.size(), size_t(1));
        QVERIFY(QString::fromStdString(single.files[0]).endsWith(QStringLiteral(".safetensors")));
        QCOMPARE(sm::io::detectWeightsFormat(path(dir, "single")), sm::io::WeightsFormat::DiffusersFolder);
        QCOMPARE(sm::io::openWeights(path(dir, "single")).size(), dict.size());

        // Sharded safetensors: index + two shards, each key where the weight_map puts it.
        root.mkpath("sharded");
        sm::io::writeSafetensors(
            path(dir, "sharded/diffusion_pytorch_model-00001-of-00002.safetensors"),
            StateDict{{"conv_in.weight", dict.at("conv_in.weight")}, {"conv_in.bias", dict.at("conv_in.bias")}});
        sm::io::writeSafetensors(
            path(dir, "sharded/diffusion_pytorch_model-00002-of-00002.safetensors"),
            StateDict{{"time_embedding.linear_1.weight", dict.at("time_embedding.linear_1.weight")},
                      {"num_batches_tracked", dict.at("num_batches_tracked")}});
        nlohmann::json index = {{"metadata", {{"total_size", 1234}}}, {"weight_map", nlohmann::json::object()}};
        index["weight_map"]["conv_in.weight"] = "diffusion_pytorch_model-00001-of-00002.safetensors";
        index["weight_map"]["conv_in.bias"] = "diffusion_pytorch_model-00001-of-00002.safetensors";
        index["weight_map"]["time_embedding.linear_1.weight"] = "diffusion_pytorch_model-00002-of-00002.safetensors";
        index["weight_map"]["num_batches_tracked"] = "diffusion_pytorch_model-00002-of-00002.safetensors";
        writeText(path(dir, "sharded/diffusion_pytorch_model.safetensors.index.json"), index.dump());
        writeText(path(dir, "sharded/config.json"), R"({"sample_size": 64})");
        const sm::io::DiffusersComponent sharded = sm::io::loadDiffusersComponent(path(dir, "sharded"));
        QCOMPARE(sharded.files.size(), size_t(3));  // index + 2 shards
        QCOMPARE(sharded.config.at("sample_size").get<int>(), 64);
        QCOMPARE(sharded.weights.size(), dict.size());
        for (const auto& [key, tensor] : dict) {
            QVERIFY2(torch::equal(sharded.weights.at(key), tensor), key.c_str());
        }
        QCOMPARE(sm::io::openWeights(path(dir, "sharded/diffusion_pytorch_model.safetensors.index.json")).size(),
                 dict.size());

        // Sharded torch.save files (text_encoder/pytorch_model.bin.index.json), no config.json.
        root.mkpath("bin");
        sm::io::writeTorchCheckpoint(path(dir, "bin/pytorch_model-00001-of-00002.bin"),
                                     StateDict{{"conv_in.weight", dict.at("conv_in.weight")}});
        sm::io::writeTorchCheckpoint(path(dir, "bin/pytorch_model-00002-of-00002.bin"),
                                     StateDict{{"conv_in.bias", dict.at("conv_in.bias")}});
        writeText(path(dir, "bin/pytorch_model.bin.index.json"),
                  R"({"weight_map": {"conv_in.weight": "pytorch_model-00001-of-00002.bin",
                                     "conv_in.bias": "pytorch_model-00002-of-00002.bin"}})");
        const sm::io::DiffusersComponent bin = sm::io::loadDiffusersComponent(path(dir, "bin"));
        QVERIFY(bin.config.is_object() && bin.config.empty());
        QVERIFY(torch::equal(bin.weights.at("conv_in.bias"), dict.at("conv_in.bias")));

        // Variants go before the last extension.
        root.mkpath("variant");
        sm::io::writeSafetensors(path(dir, "variant/diffusion_pytorch_model.fp16.safetensors"),
                                 sm::io::toFloatingDtype(dict, torch::kFloat16));
        QCOMPARE(
            sm::io::loadDiffusersComponent(path(dir, "variant"), "fp16").weights.at("conv_in.weight").scalar_type(),
            torch::kFloat16);
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadDiffusersComponent(path(dir, "variant")); },
                                        QStringLiteral("no weights file found")));

        // A pipeline root names its components.
        root.mkpath("pipeline/unet");
        root.mkpath("pipeline/vae");
        writeText(path(dir, "pipeline/model_index.json"), R"({"_class_name": "StableDiffusionPipeline"})");
        SM_VERIFY_OK(
            expectWeightsError([&] { sm::io::openWeights(path(dir, "pipeline")); }, QStringLiteral("unet/, vae/")));
    }

    void shardIndexesAreValidated() {
        QTemporaryDir dir;
        sm::io::writeSafetensors(path(dir, "shard.safetensors"), StateDict{{"a", torch::ones({1})}});
        auto indexWith = [&](const std::string& json) {
            const std::string file = path(dir, "model.safetensors.index.json");
            writeText(file, json);
            return file;
        };
        SM_VERIFY_OK(
            expectWeightsError([&] { sm::io::loadShardedWeights(indexWith(R"({"weight_map": {"a": "../x"}})")); },
                               QStringLiteral("not a plain file name")));
        SM_VERIFY_OK(expectWeightsError(
            [&] { sm::io::loadShardedWeights(indexWith(R"({"weight_map": {"a": "/etc/passwd"}})")); },
            QStringLiteral("not a plain file name")));
        SM_VERIFY_OK(expectWeightsError(
            [&] { sm::io::loadShardedWeights(indexWith(R"({"weight_map": {"b": "shard.safetensors"}})")); },
            QStringLiteral("key b is missing")));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadShardedWeights(indexWith(R"({"weight_map": 3})")); },
                                        QStringLiteral("weight_map")));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadShardedWeights(indexWith("{broken")); },
                                        QStringLiteral("not valid JSON")));
        SM_VERIFY_OK(expectWeightsError(
            [&] { sm::io::loadShardedWeights(indexWith(R"({"weight_map": {"a": "gone.safetensors"}})")); },
            QStringLiteral("gone.safetensors")));
        QCOMPARE(sm::io::loadShardedWeights(indexWith(R"({"weight_map": {"a": "shard.safetensors"}})")).size(),
                 size_t(1));
    }

    void loadReportHintsAtPrefixes() {
        TinyModel model;
        const StateDict bare = sm::io::moduleStateDict(model);
        StateDict prefixed = sm::io::addPrefix(bare, "model.diffusion_model.");
        prefixed["model_ema.decay"] = torch::tensor(0.9f);

        const sm::io::LoadReport dry = sm::io::checkModuleWeights(model, prefixed);
        QCOMPARE(dry.loaded, size_t(0));
        QCOMPARE(dry.missing.size(), bare.size());
        QCOMPARE(dry.prefixHint, std::string("model.diffusion_model."));
        QVERIFY(QString::fromStdString(dry.summary()).contains(QStringLiteral("withPrefix")));
        SM_VERIFY_OK(expectWeightsError([&] { sm::io::loadModuleWeights(model, prefixed, "x.ckpt"); },
                                        QStringLiteral("model.diffusion_model.")));

        // The other direction: the file lacks a prefix the module has.
        OneLayer one;
        const sm::io::LoadReport reverse = sm::io::checkModuleWeights(one, sm::io::withPrefix(bare, "proj."));
        QCOMPARE(reverse.missingPrefixHint, std::string("proj."));

        // With the right selection it loads, and a dry run reports the shape mismatch without touching the module.
        StateDict wrong = bare;
        wrong["proj.weight"] = torch::zeros({5, 3});
        const torch::Tensor before = model.proj->weight.clone();
        const sm::io::LoadReport mismatch = sm::io::checkModuleWeights(model, wrong);
        QCOMPARE(mismatch.mismatched.size(), size_t(1));
        QVERIFY(mismatch.mismatched[0].find("file [5,3], model [2,3]") != std::string::npos);
        QVERIFY(torch::equal(model.proj->weight, before));
        const sm::io::LoadReport loaded =
            sm::io::loadModuleWeights(model, sm::io::withPrefix(prefixed, "model.diffusion_model."), "x.ckpt");
        QVERIFY(loaded.ok());
        QCOMPARE(loaded.loaded, bare.size());
    }
};

QTEST_GUILESS_MAIN(TestWeightMap)
#include "test_weight_map.moc"
