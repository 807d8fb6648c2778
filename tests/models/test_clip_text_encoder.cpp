// CLIP text encoder: the clip_text_tiny golden case (last hidden state and per-layer activations, config from the
// weights with the head count from case.json), loading under the ldm checkpoint prefix with and without HF's
// position_ids buffer, the tokenizer's ids for the case's prompts, and the full-size ViT-L/14 text tower built on
// the meta device against the CLIP text group of the Pix2Gif checkpoint manifest.
#include <torch/torch.h>
#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "golden.h"
#include "io/module_loader.h"
#include "runtime/error.h"
#include "runtime/layers.h"
#include "text/clip_text_encoder.h"
#include "text/clip_tokenizer.h"

using sm::text::ClipTextConfig;
using sm::text::ClipTextModel;

namespace {

const QString kCase = QStringLiteral("clip_text_tiny");
const QString kTokenizerCase = QStringLiteral("clip_tokenizer");
const QString kManifestCase = QStringLiteral("pix2gif_full_manifest");

std::vector<std::string> splitOn(const std::string& text, char separator) {
    std::vector<std::string> out;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, separator))
        out.push_back(item);
    if (!text.empty() && text.back() == separator)
        out.emplace_back();
    return out;
}

struct ManifestRow {
    std::string key;
    std::vector<int64_t> shape;
    std::string dtype;
    int64_t numel = 0;
    bool optional = false;
};

/// keys.tsv rows of one group (columns: key, shape, dtype, numel, group, presence, note).
std::vector<ManifestRow> manifestGroup(const std::string& path, const std::string& group) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // header
    std::vector<ManifestRow> rows;
    while (std::getline(in, line)) {
        const std::vector<std::string> cols = splitOn(line, '\t');
        if (cols.size() < 6 || cols[4] != group)
            continue;
        ManifestRow row{cols[0], {}, cols[2], std::stoll(cols[3]), cols[5] == "optional"};
        if (cols[1] != "scalar") {
            for (const std::string& d : splitOn(cols[1], ','))
                row.shape.push_back(std::stoll(d));
        }
        rows.push_back(row);
    }
    return rows;
}

sm::io::StateDict withPrefix(const sm::io::StateDict& dict, const std::string& from, const std::string& to) {
    sm::io::StateDict out;
    for (const auto& [key, tensor] : dict) {
        out[to + key.substr(from.size())] = tensor;
    }
    return out;
}

}  // namespace

class TestClipTextEncoder : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<sm::test::GoldenCase> m_case;
    sm::io::StateDict m_weights;

    int64_t caseHeads() const { return m_case->json().at("config").at("heads").get<int64_t>(); }

private Q_SLOTS:
    void initTestCase() {
        if (sm::test::GoldenCase::exists(kCase)) {
            m_case = std::make_unique<sm::test::GoldenCase>(kCase);
            m_weights = m_case->weights();  // F16 on disk -> F32
        }
    }

    void configFromWeights() {
        if (!m_case)
            QSKIP("golden case clip_text_tiny not found; set STILLMOTION_GOLDEN_DIR");
        const nlohmann::json& expected = m_case->json().at("config");
        const std::string prefix = sm::text::findClipTextPrefix(m_weights);
        QCOMPARE(prefix, std::string(sm::text::kHfClipTextPrefix));
        const ClipTextConfig config = sm::text::clipTextConfigFromWeights(m_weights, prefix, caseHeads());
        QCOMPARE(config.vocabSize, expected.at("vocab_size").get<int64_t>());
        QCOMPARE(config.contextLength, expected.at("context_length").get<int64_t>());
        QCOMPARE(config.width, expected.at("width").get<int64_t>());
        QCOMPARE(config.heads, expected.at("heads").get<int64_t>());
        QCOMPARE(config.layers, expected.at("layers").get<int64_t>());
        QCOMPARE(config.mlpHidden, expected.at("mlp_hidden").get<int64_t>());
        QCOMPARE(config.layerNormEps, expected.at("layer_norm_eps").get<double>());
        // The default head width of 64 does not fit this tiny width: the error says what to pass.
        if (config.width < 64) {
            try {
                sm::text::clipTextConfigFromWeights(m_weights, prefix);
                QFAIL("a width below 64 was split into 64-wide heads");
            } catch (const sm::WeightsError& e) {
                QVERIFY2(std::string(e.what()).find("num_attention_heads") != std::string::npos, e.what());
            }
        }
    }

    // last_hidden_state and the intermediate activations (embeddings, each layer) within the case's tolerance.
    void lastHiddenState() {
        if (!m_case)
            QSKIP("golden case clip_text_tiny not found; set STILLMOTION_GOLDEN_DIR");
        torch::NoGradGuard noGrad;
        ClipTextModel model = sm::text::loadClipTextModel(m_weights, sm::text::findClipTextPrefix(m_weights),
                                                          "clip_text_tiny/weights.safetensors", caseHeads());
        const nlohmann::json& tolerance = m_case->json().at("tolerance").at("last_hidden_state");
        const double maxAbs = tolerance.at("max_abs").get<double>();
        const double relL2 = tolerance.at("rel_l2").get<double>();
        std::vector<torch::Tensor> hidden;
        const torch::Tensor out = model->forward(m_case->io("input_ids"), &hidden);
        SM_VERIFY_OK(sm::test::checkClose("last_hidden_state", m_case->io("last_hidden_state"), out, maxAbs, relL2));
        const sm::test::Diff diff = sm::test::compare(m_case->io("last_hidden_state"), out);
        qInfo("last_hidden_state: max_abs %.3g (tol %.3g), rel_l2 %.3g (tol %.3g)", diff.maxAbs, maxAbs, diff.relL2,
              relL2);
        // inter.* share the output's tolerance class (golden README).
        QCOMPARE(static_cast<int64_t>(hidden.size()), model->config.layers + 1);
        SM_VERIFY_OK(
            sm::test::checkClose("inter.embeddings", m_case->io("inter.embeddings"), hidden[0], maxAbs, relL2));
        for (int64_t n = 0; n < model->config.layers; ++n) {
            const std::string name = "inter.layers." + std::to_string(n);
            QVERIFY2(m_case->hasIo(name), name.c_str());
            SM_VERIFY_OK(
                sm::test::checkClose(name, m_case->io(name), hidden[static_cast<size_t>(n) + 1], maxAbs, relL2));
        }
        // Fewer tokens than the context: the causal mask makes each prefix independent of what follows.
        const torch::Tensor ids = m_case->io("input_ids");
        const torch::Tensor shorter = model->forward(ids.narrow(1, 0, 20));
        SM_VERIFY_OK(sm::test::checkClose("first 20 tokens", out.narrow(1, 0, 20), shorter, maxAbs, relL2));
    }

    // An ldm checkpoint holds the same tensors under cond_stage_model.transformer.text_model., with or without
    // HF's position_ids buffer (int64 or float), next to other models' keys.
    void ldmPrefixAndPositionIds() {
        if (!m_case)
            QSKIP("golden case clip_text_tiny not found; set STILLMOTION_GOLDEN_DIR");
        torch::NoGradGuard noGrad;
        const std::string hf = sm::text::kHfClipTextPrefix;
        const std::string ldm = sm::text::kLdmClipTextPrefix;
        sm::io::StateDict checkpoint = withPrefix(m_weights, hf, ldm);
        checkpoint["model.diffusion_model.out.2.bias"] = torch::zeros({4});
        const int64_t context = m_case->json().at("config").at("context_length").get<int64_t>();
        const torch::Tensor ids = m_case->io("input_ids");
        const torch::Tensor reference = sm::text::loadClipTextModel(m_weights, hf, "bare", caseHeads())->forward(ids);

        QCOMPARE(sm::text::findClipTextPrefix(checkpoint), ldm);
        QVERIFY(
            torch::equal(sm::text::loadClipTextModel(checkpoint, ldm, "ckpt", caseHeads())->forward(ids), reference));
        checkpoint[ldm + "embeddings.position_ids"] = torch::arange(context).unsqueeze(0);
        QVERIFY(
            torch::equal(sm::text::loadClipTextModel(checkpoint, ldm, "ckpt", caseHeads())->forward(ids), reference));
        checkpoint[ldm + "embeddings.position_ids"] = torch::arange(context, torch::kFloat32).unsqueeze(0);
        QVERIFY(
            torch::equal(sm::text::loadClipTextModel(checkpoint, ldm, "ckpt", caseHeads())->forward(ids), reference));

        // A missing tensor is named in the error.
        checkpoint.erase(ldm + "encoder.layers.0.mlp.fc2.bias");
        try {
            sm::text::loadClipTextModel(checkpoint, ldm, "ckpt", caseHeads());
            QFAIL("a checkpoint with a missing tensor was accepted");
        } catch (const sm::WeightsError& e) {
            QVERIFY2(std::string(e.what()).find("encoder.layers.0.mlp.fc2.bias") != std::string::npos, e.what());
        }
    }

    void rejectsBadInput() {
        if (!m_case)
            QSKIP("golden case clip_text_tiny not found; set STILLMOTION_GOLDEN_DIR");
        torch::NoGradGuard noGrad;
        ClipTextModel model = sm::text::loadClipTextModel(m_weights, sm::text::kHfClipTextPrefix, "bare", caseHeads());
        const int64_t context = model->config.contextLength;
        QVERIFY_THROWS_EXCEPTION(c10::Error, model->forward(torch::zeros({context}, torch::kLong)));
        QVERIFY_THROWS_EXCEPTION(c10::Error, model->forward(torch::zeros({1, context + 1}, torch::kLong)));
        QVERIFY_THROWS_EXCEPTION(c10::Error,
                                 model->forward(torch::full({1, 4}, model->config.vocabSize, torch::kLong)));
        QVERIFY_THROWS_EXCEPTION(c10::Error, model->forward(torch::zeros({1, 4})));
    }

    // The tokenizer produces the case's input_ids from its prompts.
    void tokenizerIdsMatchCase() {
        if (!m_case)
            QSKIP("golden case clip_text_tiny not found; set STILLMOTION_GOLDEN_DIR");
        if (!sm::test::GoldenCase::exists(kTokenizerCase))
            QSKIP("golden case clip_tokenizer (vocabulary) not found");
        const sm::test::GoldenCase vocabCase(kTokenizerCase);
        std::string gz;
        for (const auto& [name, description] : vocabCase.json().at("files").items()) {
            if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0)
                gz = vocabCase.file(name);
        }
        QVERIFY(!gz.empty());
        std::unique_ptr<sm::text::ClipTokenizer> loaded;
        try {
            loaded = std::make_unique<sm::text::ClipTokenizer>(sm::text::ClipTokenizer::fromOpenAiVocab(gz));
        } catch (const sm::WeightsError& e) {
            if (std::string(e.what()).find("no zlib") == std::string::npos)
                throw;
            QSKIP("this build has no zlib to read the gzip vocabulary");
        }
        const sm::text::ClipTokenizer& tokenizer = *loaded;
        const auto prompts = m_case->json().at("prompts").get<std::vector<std::string>>();
        const torch::Tensor reference = m_case->io("input_ids");
        QCOMPARE(static_cast<int64_t>(prompts.size()), reference.size(0));
        SM_VERIFY_OK(sm::test::checkEqual("input_ids", reference,
                                          tokenizer.encodeBatch(prompts, static_cast<int>(reference.size(1)))));
    }

    // ViT-L/14 at full size on the meta device: exactly the CLIP text keys and shapes of a Pix2Gif checkpoint
    // (in state_dict order), the optional position_ids aside.
    void fullSizeManifest() {
        if (!sm::test::GoldenCase::exists(kManifestCase))
            QSKIP("golden case pix2gif_full_manifest not found");
        const sm::test::GoldenCase manifest(kManifestCase);
        const std::vector<ManifestRow> rows = manifestGroup(manifest.file("keys.tsv"), "clip_text");
        const nlohmann::json& counts = manifest.json().at("counts_by_group").at("clip_text");
        QCOMPARE(static_cast<int64_t>(rows.size()), counts.at("tensors").get<int64_t>());
        const std::string prefix = sm::text::kLdmClipTextPrefix;

        std::vector<ManifestRow> required;
        int64_t requiredElements = 0;
        sm::io::StateDict metaDict;
        for (const ManifestRow& row : rows) {
            QVERIFY2(row.key.rfind(prefix, 0) == 0, row.key.c_str());
            metaDict[row.key] = torch::empty(row.shape, torch::TensorOptions().device(torch::kMeta));
            if (row.optional) {
                QCOMPARE(row.key, prefix + "embeddings.position_ids");
                continue;
            }
            required.push_back(row);
            requiredElements += row.numel;
        }
        // The manifest counts the optional buffer among the tensors but not among the elements.
        QCOMPARE(requiredElements, counts.at("elements").get<int64_t>());

        // The config read off the manifest's shapes is ViT-L/14's (heads by the width / 64 default).
        const ClipTextConfig config = sm::text::clipTextConfigFromWeights(metaDict, prefix);
        const ClipTextConfig vitL = ClipTextConfig::vitL14();
        QCOMPARE(config.vocabSize, vitL.vocabSize);
        QCOMPARE(config.contextLength, vitL.contextLength);
        QCOMPARE(config.width, vitL.width);
        QCOMPARE(config.heads, vitL.heads);
        QCOMPARE(config.layers, vitL.layers);
        QCOMPARE(config.mlpHidden, vitL.mlpHidden);
        QCOMPARE(sm::text::clipTextWeights(metaDict, prefix).size(), required.size());

        sm::ParameterInitScope meta(sm::ParameterInit::Meta);
        ClipTextModel model(vitL);
        std::vector<ManifestRow> built;
        int64_t builtElements = 0;
        for (const auto& item : model->named_parameters(true)) {
            built.push_back({prefix + item.key(), item.value().sizes().vec(),
                             sm::io::dtypeName(item.value().scalar_type()), item.value().numel(), false});
            QVERIFY2(item.value().device().is_meta(), item.key().c_str());
            builtElements += item.value().numel();
        }
        QCOMPARE(model->named_buffers(true).size(), size_t(0));
        QCOMPARE(built.size(), required.size());
        for (size_t i = 0; i < built.size(); ++i) {
            const QString where =
                QStringLiteral("entry %1: manifest %2, module %3")
                    .arg(i)
                    .arg(QString::fromStdString(required[i].key), QString::fromStdString(built[i].key));
            QVERIFY2(built[i].key == required[i].key, qPrintable(where));
            QVERIFY2(built[i].shape == required[i].shape, qPrintable(where));
            QVERIFY2(built[i].dtype == required[i].dtype, qPrintable(where));
        }
        QCOMPARE(builtElements, requiredElements);
    }
};

QTEST_GUILESS_MAIN(TestClipTextEncoder)
#include "test_clip_text_encoder.moc"
