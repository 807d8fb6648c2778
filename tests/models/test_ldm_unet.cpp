// ldm UNetModel: the golden ldm_unet_tiny forward (output and every intermediate), config detection from the
// weights, the sinusoidal timestep embedding, and refusal of bad inputs.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "golden.h"
#include "io/module_loader.h"
#include "runtime/error.h"
#include "unet/ldm_unet.h"

using sm::unet::LdmUNet;
using sm::unet::LdmUNetConfig;

namespace {

const QString kCase = QStringLiteral("ldm_unet_tiny");

std::vector<int64_t> intList(const nlohmann::json& j) {
    return j.get<std::vector<int64_t>>();
}

// The UNetModel kwargs of case.json as a config.
LdmUNetConfig configFromJson(const nlohmann::json& j) {
    LdmUNetConfig c;
    c.inChannels = j.at("in_channels").get<int64_t>();
    c.outChannels = j.at("out_channels").get<int64_t>();
    c.modelChannels = j.at("model_channels").get<int64_t>();
    c.channelMult = intList(j.at("channel_mult"));
    c.numResBlocks = j.at("num_res_blocks").get<int64_t>();
    c.attentionResolutions = intList(j.at("attention_resolutions"));
    c.numHeads = j.value("num_heads", int64_t{-1});
    c.numHeadChannels = j.value("num_head_channels", int64_t{-1});
    c.transformerDepth = j.at("transformer_depth").get<int64_t>();
    c.contextDim = j.at("context_dim").get<int64_t>();
    c.legacy = j.at("legacy").get<bool>();
    return c;
}

struct Tolerance {
    double maxAbs;
    double relL2;
};

Tolerance tolerance(const sm::test::GoldenCase& c) {
    const auto& t = c.json().at("tolerance");
    return {t.at("max_abs").get<double>(), t.at("rel_l2").get<double>()};
}

// checkClose that also logs the measured error, so the run shows the margin to the tolerance.
QString checkCloseLogged(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port,
                         const Tolerance& tol) {
    const QString message = sm::test::checkClose(label, reference, port, tol.maxAbs, tol.relL2);
    if (message.isEmpty()) {
        const sm::test::Diff d = sm::test::compare(reference, port);
        qInfo("%s: max_abs %.3g (allowed %.3g), rel_l2 %.3g (allowed %.3g)", label.c_str(), d.maxAbs, tol.maxAbs,
              d.relL2, tol.relL2);
    }
    return message;
}

}  // namespace

class TestLdmUNet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void goldenTinyForward() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case ldm_unet_tiny not found; set STILLMOTION_GOLDEN_DIR");
        }
        torch::InferenceMode inference;
        sm::test::GoldenCase c(kCase);
        const LdmUNetConfig config = configFromJson(c.json().at("config"));
        LdmUNet unet(config);
        const sm::io::LoadReport report = sm::io::loadModuleWeights(*unet, c.weights(), c.file("weights.safetensors"));
        QVERIFY2(report.ok(), report.summary().c_str());

        const Tolerance tol = tolerance(c);
        sm::unet::LdmUNetTrace trace;
        const torch::Tensor out = unet(c.io("x"), c.io("timesteps"), c.io("context"), &trace);
        SM_VERIFY_OK(checkCloseLogged("out", c.io("out"), out, tol));

        // Every stored intermediate is compared; a name the trace cannot map fails the test.
        std::map<std::string, torch::Tensor> port{{"inter.t_emb_sinusoidal", trace.timestepEmbedding},
                                                  {"inter.emb", trace.emb},
                                                  {"inter.middle_block", trace.middleBlock}};
        for (size_t i = 0; i < trace.inputBlocks.size(); ++i) {
            port["inter.input_blocks." + std::to_string(i)] = trace.inputBlocks[i];
        }
        for (size_t i = 0; i < trace.outputBlocks.size(); ++i) {
            port["inter.output_blocks." + std::to_string(i)] = trace.outputBlocks[i];
        }
        int compared = 0;
        for (const auto& entry : c.ioFile().entries()) {
            if (entry.name.rfind("inter.", 0) != 0) {
                continue;
            }
            const auto it = port.find(entry.name);
            QVERIFY2(it != port.end(), ("no port tensor for " + entry.name).c_str());
            SM_VERIFY_OK(checkCloseLogged(entry.name, c.io(entry.name), it->second, tol));
            ++compared;
        }
        QCOMPARE(compared, static_cast<int>(port.size()));
    }

    void configFromWeightsMatchesCase() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case ldm_unet_tiny not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kCase);
        const LdmUNetConfig expected = configFromJson(c.json().at("config"));
        const LdmUNetConfig detected = sm::unet::configFromWeights(c.weights(false), "weights.safetensors");
        QCOMPARE(detected.inChannels, expected.inChannels);
        QCOMPARE(detected.outChannels, expected.outChannels);
        QCOMPARE(detected.modelChannels, expected.modelChannels);
        QCOMPARE(detected.channelMult, expected.channelMult);
        QCOMPARE(detected.numResBlocks, expected.numResBlocks);
        // A set: compare independent of order.
        std::vector<int64_t> detectedAttn = detected.attentionResolutions;
        std::vector<int64_t> expectedAttn = expected.attentionResolutions;
        std::sort(detectedAttn.begin(), detectedAttn.end());
        std::sort(expectedAttn.begin(), expectedAttn.end());
        QCOMPARE(detectedAttn, expectedAttn);
        QCOMPARE(detected.transformerDepth, expected.transformerDepth);
        QCOMPARE(detected.contextDim, expected.contextDim);

        // With the checkpoint prefix the same dict is found under model.diffusion_model.*.
        sm::io::StateDict prefixed;
        for (const auto& [key, value] : c.weights(false)) {
            prefixed[sm::unet::kCheckpointPrefix + key] = value;
        }
        QCOMPARE(sm::unet::configFromWeights(prefixed, "ckpt", sm::unet::kCheckpointPrefix).channelMult,
                 expected.channelMult);
    }

    void configFromWeightsNamesMissingKey() {
        sm::io::StateDict dict{{"input_blocks.0.0.weight", torch::zeros({32, 12, 3, 3})}};
        try {
            sm::unet::configFromWeights(dict, "bad.safetensors");
            QFAIL("a dict without out.2.weight was accepted");
        } catch (const sm::WeightsError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(QStringLiteral("bad.safetensors")), qPrintable(message));
            QVERIFY2(message.contains(QStringLiteral("out.2.weight")), qPrintable(message));
        }
    }

    void timestepEmbeddingIsCosThenSin() {
        // Fractional t: row = [cos(t·f_i) | sin(t·f_i)], f_i = 10000^(-i/half), odd widths padded with a zero.
        const torch::Tensor t = torch::tensor({0.0f, 10.5f, 999.0f});
        const torch::Tensor e = sm::unet::timestepEmbedding(t, 9);
        QCOMPARE(e.sizes().vec(), (std::vector<int64_t>{3, 9}));
        const torch::Tensor freqs = torch::pow(10000.0, -torch::arange(4, torch::kFloat64) / 4.0);
        const torch::Tensor args = t.to(torch::kFloat64).unsqueeze(1) * freqs.unsqueeze(0);
        const torch::Tensor expected = torch::cat({args.cos(), args.sin(), torch::zeros({3, 1}, torch::kFloat64)}, 1);
        SM_VERIFY_OK(sm::test::checkClose("t_emb", expected, e, 2e-4, 1e-4));
        QVERIFY(e.scalar_type() == torch::kFloat32);
    }

    void scalarTimestepBroadcasts() {
        torch::InferenceMode inference;
        sm::ParameterInitScope init(sm::ParameterInit::Random);
        torch::manual_seed(3);
        LdmUNetConfig config;
        config.inChannels = 4;
        config.modelChannels = 32;
        config.channelMult = {1, 2};
        config.numResBlocks = 1;
        config.attentionResolutions = {2};
        config.numHeads = 4;
        config.contextDim = 16;
        LdmUNet unet(config);
        const torch::Tensor x = torch::randn({2, 4, 8, 8});
        const torch::Tensor ctx = torch::randn({2, 5, 16});
        const torch::Tensor a = unet(x, torch::tensor(7.25f), ctx);
        const torch::Tensor b = unet(x, torch::tensor({7.25f, 7.25f}), ctx);
        QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{2, 4, 8, 8}));
        QVERIFY(torch::equal(a, b));
        // Batch rows are independent: row 1 alone gives the same result.
        const torch::Tensor one = unet(x.narrow(0, 1, 1), torch::tensor({7.25f}), ctx.narrow(0, 1, 1));
        SM_VERIFY_OK(sm::test::checkClose("row1", b.narrow(0, 1, 1), one, 1e-5, 1e-5));
    }

    void refusesBadInputs() {
        torch::InferenceMode inference;
        sm::ParameterInitScope init(sm::ParameterInit::Random);
        LdmUNetConfig config;
        config.inChannels = 4;
        config.modelChannels = 32;
        config.channelMult = {1, 2};
        config.numResBlocks = 1;
        config.attentionResolutions = {1};
        config.numHeads = 2;
        config.contextDim = 8;
        LdmUNet unet(config);
        const torch::Tensor ctx = torch::zeros({1, 3, 8});
        QVERIFY_THROWS_EXCEPTION(c10::Error, unet(torch::zeros({1, 12, 8, 8}), torch::tensor({1.0f}), ctx));
        QVERIFY_THROWS_EXCEPTION(c10::Error, unet(torch::zeros({1, 4, 7, 8}), torch::tensor({1.0f}), ctx));
        QVERIFY_THROWS_EXCEPTION(c10::Error,
                                 unet(torch::zeros({1, 4, 8, 8}), torch::tensor({1.0f}), torch::zeros({1, 3, 9})));

        LdmUNetConfig bad = config;
        bad.numHeads = 3;  // 32 channels do not split into 3 heads
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, LdmUNet{bad});
    }
};

QTEST_GUILESS_MAIN(TestLdmUNet)
#include "test_ldm_unet.moc"
