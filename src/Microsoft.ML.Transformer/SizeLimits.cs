namespace Microsoft.ML.Transformer;

/// <summary>
/// The largest size any option accepts, stated once at the root so that tokenisation and the network share it
/// without either depending on the other.
/// </summary>
internal static class SizeLimits
{
    /// <summary>A width, a length or a vocabulary: at most 1,048,576.</summary>
    public const int MaxSize = 1 << 20;
}
