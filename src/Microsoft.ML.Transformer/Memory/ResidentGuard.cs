namespace Microsoft.ML.Transformer.Memory;

/// <summary>
/// Decides when glibc's heap is trimmed: it learns the resident set's level as the highest of the first steps after
/// the start or a trim, then asks for a trim once a step ends above that level by more than the allowed growth.
/// </summary>
internal sealed class ResidentGuard(int stepsToLearn, double allowedGrowth)
{
    private int _steps;
    private long _level;

    /// <summary>Records the resident set after a step; true when the heap should be trimmed now (and learning restarts).</summary>
    public bool TrimAfter(long residentBytes)
    {
        if (++_steps <= stepsToLearn)
        {
            _level = Math.Max(_level, residentBytes);
            return false;
        }
        if (residentBytes <= _level * (1 + allowedGrowth))
            return false;
        Restart();
        return true;
    }

    /// <summary>Learns the level again, from the next step: after a trim made elsewhere.</summary>
    public void Restart() => (_steps, _level) = (0, 0);
}
