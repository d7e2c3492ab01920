using TorchSharp;
Console.WriteLine($"TorchSharp CPU backend ready: {torch.ones(1).sum().item<float>() == 1}");
