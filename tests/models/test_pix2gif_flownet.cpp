// Pix2Gif warping module at real size (golden pix2gif_flownet_full): exact checkpoint keys (flownet.*,
// interval_embedding.embedding.weight), c_M bitwise, FlowNet flows and injection, and z_W for (A) a motion list
// and (B) the demo's three-branch CFG batch whose uncond branch warps a zero latent.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "golden.h"
#include "io/module_loader.h"
#include "pix2gif/flownet.h"
#include "pix2gif/motion_embedding.h"
#include "runtime/error.h"

using sm::pix2gif::FlowNet;
using sm::pix2gif::MotionEmbedding;

namespace {

const QString kCase = QStringLiteral("pix2gif_flownet_full");

// The two LatentDiffusion members under their checkpoint names, so a strict load checks the exact key set.
struct ConditioningHolder : torch::nn::Module {
    ConditioningHolder(const sm::pix2gif::FlowNetConfig& flow, const sm::pix2gif::MotionEmbeddingConfig& motion) {
        flownet = register_module("flownet", FlowNet(flow));
        intervalEmbedding = register_module("interval_embedding", MotionEmbedding(motion));
    }
    FlowNet flownet{nullptr};
    MotionEmbedding intervalEmbedding{nullptr};
};

struct Tolerance {
    double maxAbs = 0;
    double relL2 = 0;
};

Tolerance toleranceEntry(const nlohmann::json& tolerances, const std::string& keyPrefix) {
    for (const auto& [key, value] : tolerances.items()) {
        if (key.rfind(keyPrefix, 0) == 0 && value.is_object()) {
            return {value.at("max_abs").get<double>(), value.at("rel_l2").get<double>()};
        }
    }
    throw std::runtime_error("case.json has no tolerance entry starting with " + keyPrefix);
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

class Fixture {
public:
    Fixture() : c(kCase) {
        const sm::io::StateDict weights = c.weights();
        holder = std::make_shared<ConditioningHolder>(
            sm::pix2gif::flowNetConfigFromWeights(weights, "weights.safetensors"),
            sm::pix2gif::motionEmbeddingConfigFromWeights(weights, "weights.safetensors"));
        report = sm::io::loadModuleWeights(*holder, weights, c.file("weights.safetensors"));
        flowTol = toleranceEntry(c.json().at("tolerance"), "flows");
        warpTol = toleranceEntry(c.json().at("tolerance"), "z_W");
    }

    // Compares one scenario's outputs ("A." or "B.") with the reference.
    QString compareOutputs(const std::string& scenario, const sm::pix2gif::WarpResult& result) const {
        const std::vector<std::pair<std::string, torch::Tensor>> flows = {{"injection1_out", result.flows.injection},
                                                                          {"flow2", result.flows.flow2},
                                                                          {"flow1", result.flows.flow1},
                                                                          {"flow0", result.flows.flow0}};
        for (const auto& [name, tensor] : flows) {
            const QString m = checkCloseLogged(scenario + name, c.io(scenario + name), tensor, flowTol);
            if (!m.isEmpty()) {
                return m;
            }
        }
        return checkCloseLogged(scenario + "z_W", c.io(scenario + "z_W"), result.warped, warpTol);
    }

    sm::test::GoldenCase c;
    std::shared_ptr<ConditioningHolder> holder;
    sm::io::LoadReport report;
    Tolerance flowTol, warpTol;
};

}  // namespace

class TestPix2GifFlowNet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case pix2gif_flownet_full not found; set STILLMOTION_GOLDEN_DIR");
        }
        m_fixture = std::make_unique<Fixture>();
    }

    void checkpointKeysLoadStrictly() {
        QVERIFY2(m_fixture->report.ok(), m_fixture->report.summary().c_str());
        const auto& config = m_fixture->holder->flownet->config();
        QCOMPARE(config.ngf, m_fixture->c.json().at("config").at("FlowNet").at("ngf").get<int64_t>());
        QCOMPARE(config.inChannels, m_fixture->c.json().at("config").at("FlowNet").at("x").get<int64_t>());
        const auto& embedding = m_fixture->c.json().at("config").at("IntervalEmbedding");
        QCOMPARE(m_fixture->holder->intervalEmbedding->config().count, embedding.at("num_embeddings").get<int64_t>());
        QCOMPARE(m_fixture->holder->intervalEmbedding->config().dim, embedding.at("embedding_dim").get<int64_t>());
        // Constructed for inference: BatchNorm must use the running statistics.
        QVERIFY(!m_fixture->holder->flownet->is_training());
    }

    void motionListScenario() {
        torch::InferenceMode inference;
        Fixture& f = *m_fixture;
        const torch::Tensor motions = f.c.io("motions");  // int64 [B]
        const std::vector<int64_t> list(motions.data_ptr<int64_t>(), motions.data_ptr<int64_t>() + motions.numel());
        const torch::Tensor cM = f.holder->intervalEmbedding->embed(list);  // [B, 1, 768]
        SM_VERIFY_OK(sm::test::checkEqual("A.c_M", f.c.io("A.c_M"), cM));

        const torch::Tensor cL = sm::pix2gif::motionConditionedContext(f.c.io("c_T"), cM);  // [B, 77, 768]
        QCOMPARE(cL.size(0), motions.numel());
        const torch::Tensor latent = f.c.io("E").repeat({motions.numel(), 1, 1, 1});
        const auto result = sm::pix2gif::flowConditionedWarp(*f.holder->flownet, latent, cL);
        SM_VERIFY_OK(f.compareOutputs("A.", result));
    }

    void cfgBatchScenario() {
        torch::InferenceMode inference;
        Fixture& f = *m_fixture;
        const torch::Tensor cM = f.holder->intervalEmbedding->embed(f.c.io("motion_scalar").item<int64_t>());
        SM_VERIFY_OK(sm::test::checkEqual("B.c_M", f.c.io("B.c_M"), cM));  // scalar form [1, 768]

        // Demo branches [cond, img_cond, uncond]: texts [c_T, null, null], latents [E, E, 0].
        const torch::Tensor text = torch::cat({f.c.io("c_T"), f.c.io("c_T_null"), f.c.io("c_T_null")});
        const torch::Tensor e = f.c.io("E");
        const torch::Tensor latent = torch::cat({e, e, torch::zeros_like(e)});
        const torch::Tensor cL = sm::pix2gif::motionConditionedContext(text, cM);
        // The broadcast add is bitwise the per-row add of the same vector.
        QVERIFY(torch::equal(cL.narrow(0, 1, 1), f.c.io("c_T_null") + cM.unsqueeze(0)));
        const auto result = sm::pix2gif::flowConditionedWarp(*f.holder->flownet, latent, cL);
        SM_VERIFY_OK(f.compareOutputs("B.", result));
        QVERIFY2(torch::equal(result.warped.narrow(0, 2, 1), torch::zeros_like(e)), "uncond z_W must be exactly 0");
    }

    void refusesBadInputs() {
        torch::InferenceMode inference;
        Fixture& f = *m_fixture;
        auto& embedding = *f.holder->intervalEmbedding;
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, embedding.embed(embedding.config().count));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, embedding.embed(-1));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, embedding.forward(torch::tensor({2.5f})));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError,
                                 sm::pix2gif::motionConditionedContext(f.c.io("c_T"), torch::zeros({2, 768})));

        const torch::Tensor e = f.c.io("E");
        const torch::Tensor text = f.c.io("c_T");
        // Only 32×32 latents (256×256 images) and 77×768 contexts fit the injection map.
        QVERIFY_THROWS_EXCEPTION(c10::Error, f.holder->flownet->forward(torch::zeros({1, 4, 64, 64}), text));
        QVERIFY_THROWS_EXCEPTION(c10::Error, f.holder->flownet->forward(e, torch::zeros({1, 77, 512})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, f.holder->flownet->forward(e.repeat({2, 1, 1, 1}), text));
    }

    void cleanupTestCase() { m_fixture.reset(); }

private:
    std::unique_ptr<Fixture> m_fixture;
};

QTEST_GUILESS_MAIN(TestPix2GifFlowNet)
#include "test_pix2gif_flownet.moc"
