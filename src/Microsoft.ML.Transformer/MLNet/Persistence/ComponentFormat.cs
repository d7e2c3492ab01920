namespace Microsoft.ML.Transformer.MLNet.Persistence;

/// <summary>
/// How one component stands in a model zip: the header ML.NET reads (signature, format versions, loader), what its
/// sealed block of settings holds (named in messages), and the save and load that every component with a network
/// shares — header, sealed settings, then the checked network entries. A component declares one, and writes and reads
/// only its own fields.
/// </summary>
/// <param name="Signature">The eight-character model signature ML.NET checks on load.</param>
/// <param name="LoaderSignature">The name ML.NET finds the loader by (the <c>LoadableClass</c> attribute's).</param>
/// <param name="Written">The format version written (and the newest one read).</param>
/// <param name="ReadBack">The oldest format version still read.</param>
/// <param name="Holds">What the sealed block holds, for messages ("the regressor's settings, label scale and pooling").</param>
/// <param name="FirstSealed">
/// The first format version of this component whose settings are sealed; older ones are read unchecked. Every
/// component sealed its settings from 1.2 except the token-id transform, which had already used 1.2 for its n-grams.
/// </param>
internal sealed record ComponentFormat(string Signature, string LoaderSignature, uint Written, uint ReadBack, string Holds,
    uint FirstSealed = SealedSettings.FirstVersion)
{
    /// <summary>ML.NET's header of the component; the zip records the library's assembly as the loader's.</summary>
    public VersionInfo Version => new(modelSignature: Signature, verWrittenCur: Written, verReadableCur: Written,
        verWeCanReadBack: ReadBack, loaderSignature: LoaderSignature, loaderAssemblyName: typeof(ComponentFormat).Assembly.FullName);

    /// <summary>Writes the header, the settings <paramref name="settings"/> writes as one sealed block, then the network entries.</summary>
    /// <param name="ctx">The component's save context.</param>
    /// <param name="settings">Writes the component's own fields.</param>
    /// <param name="network">The network whose options, tokenizer and weights are saved.</param>
    public void Save(ModelSaveContext ctx, Action<BinaryWriter> settings, NetworkSource network)
    {
        SaveSettings(ctx, settings);
        NetworkEntries.SaveNetwork(ctx, network.Network, network.Tokenizer, network.Weights);
    }

    /// <summary>Writes the header and the settings as one sealed block; a component without a network writes its own entries after.</summary>
    public void SaveSettings(ModelSaveContext ctx, Action<BinaryWriter> settings)
    {
        ctx.SetVersionInfo(Version);
        SealedSettings.Write(ctx, settings);
    }

    /// <summary>
    /// Checks the header and reads the component's fields from the sealed block (from a model older than the block,
    /// straight from the main stream); the network entries follow.
    /// </summary>
    public T ReadSettings<T>(ModelLoadContext ctx, Func<BinaryReader, T> read)
    {
        ctx.CheckAtModel(Version);
        return SealedSettings.Read(ctx, Holds, read, FirstSealed);
    }
}
