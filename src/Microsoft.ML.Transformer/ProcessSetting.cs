namespace Microsoft.ML.Transformer;

/// <summary>
/// A process-wide measure the library takes once, when the first network is built, and says in each <c>Fit</c>'s log:
/// the plumbing <see cref="MemoryManagement"/> and <see cref="MklDispatch"/> share. Its <see cref="Enabled"/> starts
/// from an AppContext switch that is on unless the application sets it to false.
/// </summary>
internal sealed class ProcessSetting(string switchName, Func<string> apply, string offDescription)
{
    private readonly Lock gate = new();
    private bool configured;

    /// <summary>Whether an AppContext switch is on: true unless the application set it to false.</summary>
    public static bool SwitchOn(string switchName) => !AppContext.TryGetSwitch(switchName, out bool on) || on;

    /// <summary>Whether the measure is taken; only a value set before <see cref="EnsureConfigured"/> counts.</summary>
    public bool Enabled { get; set; } = SwitchOn(switchName);

    /// <summary>What was done in this process, in words; null before <see cref="EnsureConfigured"/>.</summary>
    public string? Description { get; private set; }

    /// <summary>Takes the measure (or records that it is off) the first time; later calls do nothing.</summary>
    public void EnsureConfigured()
    {
        lock (gate)
        {
            if (configured) return;
            configured = true;
            Description = Enabled ? apply() : offDescription;
        }
    }

    /// <summary>Writes <see cref="Description"/> to <paramref name="log"/>, once the measure is taken.</summary>
    public void Report(Action<string>? log)
    {
        EnsureConfigured();
        log?.Invoke(Description!);
    }
}
