#pragma once
// A parameter-free node that reproduces an upstream nn.Sequential's key names.
//
// ldm checkpoints name layers by their position inside nn.Sequential containers ("in_layers.2.weight",
// "to_out.0.bias", "time_embed.2.weight"), skipping positions held by parameter-free layers (SiLU, Dropout).
// The owning module registers an IndexedContainer under the Sequential's name, adds only the layers that carry
// weights at their upstream index, keeps typed handles to them and runs the forward pass itself.
//
//   auto inLayers = register_module("in_layers", IndexedContainer());
//   m_inNorm = inLayers->add(0, GroupNorm(32, channels));   // key in_layers.0.weight
//   m_inConv = inLayers->add(2, Conv2d(channels, out, 3, 1, 1));   // key in_layers.2.weight (1 is SiLU)
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <utility>

namespace sm::unet {

class IndexedContainerImpl : public torch::nn::Module {
public:
    IndexedContainerImpl() : torch::nn::Module("IndexedContainer") {}

    /// Registers `layer` under the decimal name of `index` and returns it (same handle).
    template <typename Holder>
    Holder add(int64_t index, Holder layer) {
        return register_module(std::to_string(index), std::move(layer));
    }
};
TORCH_MODULE(IndexedContainer);

}  // namespace sm::unet
