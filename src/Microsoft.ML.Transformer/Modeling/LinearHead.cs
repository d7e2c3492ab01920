using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modeling;

/// <summary>The linear output layer every head on a body shares: small normal weights, zero bias, on the body's device.</summary>
internal static class LinearHead
{
    /// <summary>A new layer from the body's width to <paramref name="outputs"/>, kept out of any dispose scope.</summary>
    public static Linear Create(TextNetwork body, int outputs)
    {
        var head = nn.Linear(body.Options.ModelDimension, outputs);
        using (no_grad())
        {
            nn.init.normal_(head.weight!, 0, 0.02);
            nn.init.zeros_(head.bias!);
        }
        if (body.Device.type != DeviceType.CPU) head.to(body.Device);
        foreach (var p in head.parameters()) p.DetachFromDisposeScope();
        return head;
    }
}
