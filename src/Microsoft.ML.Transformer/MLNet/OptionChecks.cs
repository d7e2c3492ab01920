namespace Microsoft.ML.Transformer.MLNet;

/// <summary>Checks shared by the components' options.</summary>
internal static class OptionChecks
{
    /// <summary>Throws an <see cref="ArgumentNullException"/> naming the first nested options object that is null.</summary>
    public static void NotNull(params (string Name, object? Value)[] options)
    {
        foreach (var (name, value) in options)
            if (value is null)
                throw new ArgumentNullException(name, $"The option {name} is null: leave its default or set an instance.");
    }
}
